//! The planted-flake corpus (`flakes/`) and the workflow around it: `runtime hunt` finds a
//! failing seed of each flake within 200 seeds (and passing ones: they are flakes, not plain
//! failures), a failing seed fails every time with byte-identical stderr and `-jdump`, and
//! `runtime bisect` reaches the right conclusion for each kind of flake: not the JIT's for a
//! `pairs` order bug, the guilty side trace (whose dump shows the `stp` at 488) for the story's
//! planted miscompile, which `-Ofuse=check` also catches at compile time. Also `-jallow`, which
//! bisect is built on: traces outside the set are compiled and numbered as usual, never run.
//!
//! The story flake needs a runtime built with the test-only `fault-injection` feature
//! (`scripts/test` builds it so):
//!
//! ```text
//! cargo build -p runtime --bin runtime --features fault-injection
//! cargo test -p conformance --test flakes
//! ```

use conformance::{binary, crate_dir};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// (script, runtime options, what its failure depends on).
const FLAKES: &[(&str, &[&str], &str)] = &[
    ("pairs_order.lua", &[], "pairs order"),
    ("hot_first.lua", &[], "hot-counter start values"),
    ("penalty.lua", &[], "abort penalties"),
    ("story.lua", &[FAULT], "the planted pair-fusion fault"),
];

/// The planted fault (test builds only).
const FAULT: &str = "-Ofault=lso";

/// The exact failure of the story.
const STORY_ERROR: &str = "attempt to perform arithmetic on local 'i' (a function value)";

/// Fails with what to do when the runtime under test cannot plant the fault.
fn require_fault_injection() {
    let out = runtime(&[FAULT, "-e", ""]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "the runtime under test has no fault injection ({}): build it with \
         `cargo build -p runtime --bin runtime --features fault-injection` (scripts/test does)",
        text(&out.stderr).trim()
    );
}

fn flake(name: &str) -> PathBuf {
    crate_dir().join("flakes").join(name)
}

fn runtime(args: &[&str]) -> Output {
    Command::new(binary("runtime"))
        .args(args)
        .output()
        .expect("runs the runtime binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// `runtime hunt --seeds 1..200 --json -- OPTIONS SCRIPT`: the failing seeds, and how many ran.
fn hunt(script: &Path, options: &[&str]) -> (Vec<u64>, u64) {
    let mut args = vec!["hunt", "--seeds", "1..200", "--json", "--"];
    args.extend_from_slice(options);
    args.push(script.to_str().unwrap());
    let out = runtime(&args);
    let stdout = text(&out.stdout);
    let mut failing = Vec::new();
    let mut ran = 0;
    for line in stdout.lines() {
        let seed_of = |key: &str| -> Option<u64> {
            let at = line.find(key)? + key.len();
            line[at..]
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()
        };
        if line.contains("\"type\":\"failure\"") {
            failing.push(seed_of("\"seed\":").expect("a failure line names its seed"));
        } else if line.contains("\"type\":\"summary\"") {
            ran = seed_of("\"seeds_run\":").expect("the summary says how many seeds ran");
        }
    }
    failing.sort_unstable();
    (failing, ran)
}

#[test]
fn hunt_finds_a_failing_and_a_passing_seed_of_every_flake_within_200_seeds() {
    require_fault_injection();
    for (name, options, cause) in FLAKES {
        let (failing, ran) = hunt(&flake(name), options);
        assert_eq!(ran, 200, "{name}: hunt ran {ran} seeds");
        assert!(
            !failing.is_empty(),
            "{name} ({cause}): no failing seed in 1..200"
        );
        assert!(
            failing.len() < 100,
            "{name} ({cause}): {} of 200 seeds fail; a flake should mostly pass",
            failing.len()
        );
    }
}

#[test]
fn a_failing_seed_fails_twenty_times_out_of_twenty_identically() {
    require_fault_injection();
    let dir = tempfile::tempdir().unwrap();
    for (name, options, _) in FLAKES {
        let script = flake(name);
        let (failing, _) = hunt(&script, options);
        let seed = failing[0].to_string();
        let mut first: Option<(Option<i32>, Vec<u8>, Vec<u8>)> = None;
        for run in 0..20 {
            let dump = dir.path().join(format!("{name}-{run}.txt"));
            let dump_flag = format!("-jdump={}", dump.display());
            let mut args = vec!["--deterministic", "--seed", &seed, &dump_flag];
            args.extend_from_slice(options);
            args.push(script.to_str().unwrap());
            let out = runtime(&args);
            assert_ne!(
                out.status.code(),
                Some(0),
                "{name} seed {seed} passed on run {run}"
            );
            let this = (out.status.code(), out.stderr, std::fs::read(&dump).unwrap());
            match &first {
                None => first = Some(this),
                Some(f) => assert!(
                    *f == this,
                    "{name} seed {seed}: run {run} differs from run 0 (status, stderr or -jdump)"
                ),
            }
        }
    }
}

#[test]
fn bisect_says_a_pairs_order_flake_is_not_the_jits() {
    let script = flake("pairs_order.lua");
    let (failing, _) = hunt(&script, &[]);
    let out = runtime(&[
        "bisect",
        "--seed",
        &failing[0].to_string(),
        script.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("the failure is not the JIT's"), "{stdout}");
    assert!(stdout.contains("-joff"), "{stdout}");
}

#[test]
fn bisect_says_when_a_program_observes_compilation_itself() {
    // penalty.lua fails when its loop is compiled, whether or not the trace runs.
    let script = flake("penalty.lua");
    let (failing, _) = hunt(&script, &[]);
    let out = runtime(&[
        "bisect",
        "--seed",
        &failing[0].to_string(),
        script.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(
        stdout.contains("with the JIT off (-joff) it passes"),
        "{stdout}"
    );
    assert!(stdout.contains("-jallow=none) it still fails"), "{stdout}");
}

#[test]
fn bisect_refuses_what_it_cannot_bisect_with_a_clear_message() {
    let script = flake("pairs_order.lua");
    let script = script.to_str().unwrap();
    let (failing, _) = hunt(&flake("pairs_order.lua"), &[]);
    let passing = (1..=200)
        .find(|s| !failing.contains(s))
        .unwrap()
        .to_string();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["bisect", script], 2, "--seed"),
        (&["bisect", "--seed", "x", script], 2, "invalid value"),
        (
            &["bisect", "--seed", "3", "/no/such/script.lua"],
            2,
            "cannot open script",
        ),
        (
            &["bisect", "--seed", "3", "--", "-jallow=1", script],
            2,
            "bisect's to choose",
        ),
        (
            &["bisect", "--seed", "3", "--", "--seed", "4", script],
            2,
            "give the seed to bisect",
        ),
        (&["bisect", "--seed", &passing, script], 1, "does not fail"),
    ];
    for (args, status, message) in cases {
        let out = runtime(args);
        let all = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_eq!(out.status.code(), Some(*status), "{args:?}: {all}");
        assert!(
            all.contains(message),
            "{args:?}: expected '{message}' in {all}"
        );
        assert!(!all.contains("panicked"), "{args:?}: {all}");
    }
}

#[test]
fn the_story_fails_only_with_the_fault_planted_and_exactly_as_told() {
    require_fault_injection();
    let script = flake("story.lua");
    let (correct, ran) = hunt(&script, &[]);
    assert_eq!(ran, 200);
    assert!(
        correct.is_empty(),
        "with a correct JIT seeds {correct:?} fail"
    );
    let (failing, _) = hunt(&script, &[FAULT]);
    for seed in failing.iter().take(3) {
        let out = runtime(&[
            "--deterministic",
            "--seed",
            &seed.to_string(),
            FAULT,
            script.to_str().unwrap(),
        ]);
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!("runtime: {}:39: {STORY_ERROR}", script.display())),
            "seed {seed}: {stderr}"
        );
    }
}

#[test]
fn bisect_names_the_guilty_side_trace_of_the_story_and_its_dump_shows_the_stp_at_488() {
    require_fault_injection();
    let script = flake("story.lua");
    let (failing, _) = hunt(&script, &[FAULT]);
    let seed = failing[0].to_string();
    let out = runtime(&[
        "bisect",
        "--seed",
        &seed,
        "--",
        FAULT,
        script.to_str().unwrap(),
    ]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let verdict = stdout
        .lines()
        .find(|l| l.ends_with("makes the run fail"))
        .unwrap_or_else(|| panic!("no single guilty trace named:\n{stdout}"));
    assert!(verdict.contains("story.lua:18, side of "), "{verdict}");
    assert!(stdout.contains(STORY_ERROR), "{stdout}");
    // Its rerun line allows the guilty trace and its parent by key, and fails the same way.
    let rerun = stdout
        .lines()
        .find_map(|l| l.trim().strip_prefix("rerun:   runtime "))
        .expect("a rerun line");
    let args: Vec<&str> = rerun.split_whitespace().collect();
    assert!(
        args.iter()
            .any(|a| a.starts_with("-jallow=") && a.contains('@')),
        "{rerun}"
    );
    let again = runtime(&args);
    assert!(
        text(&again.stderr).contains(STORY_ERROR),
        "{rerun}: {}",
        text(&again.stderr)
    );
    // The dump section of the guilty trace: the store at -16 fused into an STP at 488.
    let section = &stdout[stdout
        .find("---- TRACE")
        .expect("the dump section is printed")..];
    assert!(
        section
            .lines()
            .any(|l| l.contains("stp ") && l.ends_with("[x19, #0x1e8]")),
        "{section}"
    );
}

#[test]
fn fuse_check_catches_the_planted_fault_at_compile_time() {
    require_fault_injection();
    let script = flake("story.lua");
    let (failing, _) = hunt(&script, &[FAULT]);
    let out = runtime(&[
        "--deterministic",
        "--seed",
        &failing[0].to_string(),
        FAULT,
        "-Ofuse=check",
        script.to_str().unwrap(),
    ]);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("-Ofuse=check: trace")
            && stderr.contains("pair fusion check failed")
            && stderr.contains("[x19, #-16]")
            && stderr.contains("[x19, #488]"),
        "{stderr}"
    );
}

/// `-jstats` counts of a run.
fn stats(args: &[&str]) -> (String, String) {
    let out = runtime(args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let line = stderr
        .lines()
        .find(|l| l.starts_with("jit-stats:"))
        .expect("-jstats prints its line")
        .to_string();
    (text(&out.stdout), line)
}

fn stat(line: &str, key: &str) -> u64 {
    line.split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")))
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("no {key}= in {line}"))
}

#[test]
fn jallow_compiles_every_trace_but_runs_only_those_listed() {
    let script = crate_dir().join("jit").join("arith_for.lua");
    let script = script.to_str().unwrap();
    let base = ["--deterministic", "--seed", "5", "-jstats"];
    let with = |extra: &[&str]| {
        let mut args: Vec<String> = base.iter().map(|a| a.to_string()).collect();
        args.extend(extra.iter().map(|a| a.to_string()));
        args.push(script.to_string());
        stats(&args.iter().map(String::as_str).collect::<Vec<_>>())
    };
    let (all_out, all) = with(&[]);
    let (none_out, none) = with(&["-jallow=none"]);
    let (one_out, one) = with(&["-jallow=1"]);
    assert_eq!(all_out, none_out);
    assert_eq!(all_out, one_out);
    assert!(stat(&all, "traces") >= 2, "{all}");
    assert_eq!(
        stat(&all, "traces"),
        stat(&none, "traces"),
        "{all} / {none}"
    );
    assert_eq!(stat(&none, "entries"), 0, "{none}");
    assert!(
        stat(&all, "entries") > stat(&one, "entries"),
        "{all} / {one}"
    );
    assert!(stat(&one, "entries") > 0, "{one}");

    // Keys name the same traces as numbers.
    let keys = runtime(&["--deterministic", "--seed", "5", "-jkeys=-", script]);
    let first_key = text(&keys.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("1 ").map(str::to_string))
        .expect("-jkeys lists trace 1");
    let by_key = format!("-jallow={first_key}");
    let (_, keyed) = with(&[&by_key]);
    assert_eq!(
        stat(&keyed, "entries"),
        stat(&one, "entries"),
        "{keyed} / {one}"
    );

    let bad = runtime(&["-jallow=0", script]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("traces are numbered from 1"),
        "{}",
        text(&bad.stderr)
    );
}
