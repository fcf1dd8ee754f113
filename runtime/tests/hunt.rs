//! `runtime hunt`: the failing seeds it reports are exactly those that fail when run one by one,
//! grouped by first error line with a working rerun command; exit statuses, signals, timeouts
//! (process group killed), output checks, --max-failures, shards whose JSON Lines concatenate,
//! --record, and usage errors (status 2, never a panic).

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

const RUNTIME: &str = env!("CARGO_BIN_EXE_runtime");

/// Runs `runtime hunt ARGS` from the crate directory (fixtures are `tests/hunt/*.lua`).
fn hunt(args: &[&str]) -> Output {
    hunt_with(Path::new(RUNTIME), args)
}

fn hunt_with(exe: &Path, args: &[&str]) -> Output {
    Command::new(exe)
        .arg("hunt")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs the runtime binary")
}

/// Runs one seed directly, as the rerun command does.
fn run_seed(seed: u64, script: &str, args: &[&str]) -> Output {
    Command::new(RUNTIME)
        .args(["--deterministic", "--seed", &seed.to_string(), script])
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("runs the runtime binary")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The first error line of a direct run, as hunt groups it.
fn first_error_line(o: &Output) -> String {
    let err = text(&o.stderr);
    let line = err.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    line.strip_prefix("runtime: ").unwrap_or(line).to_string()
}

/// Expected failures of a script over seeds, by running each seed alone: seed -> group line.
fn expected_failures(script: &str, seeds: std::ops::RangeInclusive<u64>) -> BTreeMap<u64, String> {
    seeds
        .filter_map(|s| {
            let o = run_seed(s, script, &[]);
            (!o.status.success()).then(|| (s, first_error_line(&o)))
        })
        .collect()
}

/// The JSON lines of a `--json` run: (failure lines, summary lines).
fn json_lines(out: &str) -> (Vec<Value>, Vec<Value>) {
    let mut failures = Vec::new();
    let mut summaries = Vec::new();
    for line in out.lines() {
        let v: Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}"));
        match v["type"].as_str() {
            Some("failure") => failures.push(v),
            Some("summary") => summaries.push(v),
            _ => panic!("unknown line type: {line}"),
        }
    }
    (failures, summaries)
}

fn failing_seeds(failures: &[Value]) -> BTreeSet<u64> {
    failures
        .iter()
        .map(|f| f["seed"].as_u64().expect("seed"))
        .collect()
}

/// A group of the human summary.
#[derive(Debug)]
struct Group {
    count: usize,
    line: String,
    seeds: Vec<u64>,
    rerun: String,
}

fn parse_summary(out: &str) -> Vec<Group> {
    let mut groups = Vec::new();
    let mut lines = out.lines();
    while let Some(l) = lines.next() {
        let t = l.trim_start();
        if l.is_empty() || l.starts_with("hunt:") || t.starts_with("trace:") {
            continue;
        }
        let (count, rest) = t.split_once(' ').expect("count");
        let line = rest
            .trim_start_matches("seeds")
            .trim_start_matches("seed")
            .trim_start()
            .to_string();
        let seeds_line = lines.next().expect("seeds line").trim();
        let seeds = seeds_line
            .strip_prefix("seeds ")
            .expect("seeds")
            .split(' ')
            .filter(|s| *s != "…")
            .map(|s| s.parse().expect("seed number"))
            .collect();
        let rerun = lines.next().expect("rerun line").trim();
        groups.push(Group {
            count: count.parse().expect("count"),
            line,
            seeds,
            rerun: rerun.strip_prefix("rerun: ").expect("rerun").to_string(),
        });
    }
    groups
}

#[test]
fn pairs_order_failures_are_grouped_with_rerun_commands() {
    let script = "tests/hunt/pairs_order.lua";
    let expected = expected_failures(script, 1..=50);
    let o = hunt(&["--seeds", "1..50", "--jobs", "2", script]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{out}{}", text(&o.stderr));
    let groups = parse_summary(&out);
    // The fixture fails with two messages over these seeds.
    assert_eq!(groups.len(), 2, "{out}");
    let mut by_line: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for (s, l) in &expected {
        by_line.entry(l).or_default().push(*s);
    }
    assert_eq!(by_line.len(), 2);
    assert!(groups[0].count >= groups[1].count, "largest group first");
    for g in &groups {
        let seeds = &by_line[g.line.as_str()];
        assert_eq!(g.count, seeds.len(), "{out}");
        assert!(g.line.contains("pairs_order.lua:8: order: "), "{}", g.line);
        assert_eq!(g.seeds[..], seeds[..g.seeds.len()], "listed seeds");
        assert_eq!(
            g.rerun,
            format!("runtime --deterministic --seed {} {script}", seeds[0])
        );
        // The rerun command reproduces the group's failure.
        let words: Vec<&str> = g.rerun.split(' ').collect();
        let again = Command::new(RUNTIME)
            .args(&words[1..])
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("rerun");
        assert_eq!(again.status.code(), Some(1));
        assert_eq!(first_error_line(&again), g.line);
    }
    let last = out.lines().last().expect("summary line");
    assert!(
        last.starts_with(&format!(
            "hunt: seeds 1..50: 50 of 50 run, {} failed (2 groups)",
            expected.len()
        )),
        "{last}"
    );
    // Progress went to stderr, not in the way of the summary.
    let err = text(&o.stderr);
    assert!(err.contains("hunt: 50/50 seeds (100%)"), "{err}");
}

#[test]
fn exit_statuses_and_signals() {
    let script = "tests/hunt/exit_code.lua";
    let o = hunt(&["--seeds", "1..50", "--json", script]);
    assert_eq!(o.status.code(), Some(1));
    let (failures, summaries) = json_lines(&text(&o.stdout));
    let expected: BTreeSet<u64> = (1..=50)
        .filter(|&s| run_seed(s, script, &[]).status.code() == Some(3))
        .collect();
    assert!(!expected.is_empty() && expected.len() < 50);
    assert_eq!(failing_seeds(&failures), expected);
    for f in &failures {
        assert_eq!(f["exit_status"], 3);
        assert_eq!(f["group"], "exit status 3 (no error output)");
        assert_eq!(f["signal"], Value::Null);
    }
    assert_eq!(summaries.len(), 1);
    assert_eq!(summaries[0]["seeds_run"], 50);
    assert_eq!(summaries[0]["failures"], expected.len());
    assert_eq!(summaries[0]["shard"], "1/1");

    let script = "tests/hunt/signal.lua";
    let o = hunt(&["--seeds", "1..12", "--json", script]);
    assert_eq!(o.status.code(), Some(1));
    let (failures, _) = json_lines(&text(&o.stdout));
    assert!(!failures.is_empty() && failures.len() < 12);
    for f in &failures {
        assert_eq!(f["signal"], 6);
        assert_eq!(f["exit_status"], Value::Null);
        assert_eq!(f["group"], "killed by signal 6 (SIGABRT)");
    }
}

#[test]
fn passing_runs_options_arguments_and_expected_output() {
    let dir = temp_dir("expect");
    let good = dir.join("good.txt");
    std::fs::write(&good, "pass\ta\tb c\n").unwrap();
    let good = good.to_str().unwrap();
    let o = hunt(&[
        "--seeds",
        "3..12",
        "--expect",
        good,
        "--",
        "-joff",
        "--max-memory",
        "64m",
        "tests/hunt/pass.lua",
        "a",
        "b c",
    ]);
    let out = text(&o.stdout);
    assert_eq!(o.status.code(), Some(0), "{out}{}", text(&o.stderr));
    assert!(out.contains("seeds 3..12: 10 of 10 run, 0 failed"), "{out}");

    let bad = dir.join("bad.txt");
    std::fs::write(&bad, "pass\ta\tb\n").unwrap();
    let bad = bad.to_str().unwrap();
    let o = hunt(&[
        "--seeds",
        "3..12",
        "--json",
        "--expect",
        bad,
        "--",
        "-joff",
        "tests/hunt/pass.lua",
        "a",
        "b c",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let (failures, _) = json_lines(&text(&o.stdout));
    assert_eq!(failing_seeds(&failures), (3..=12).collect());
    assert_eq!(failures[0]["group"], format!("stdout differs from {bad}"));
    assert_eq!(failures[0]["differs_at_line"], 1);
    assert_eq!(failures[0]["exit_status"], 0);
    let _ = std::fs::remove_dir_all(&dir);
    // Runtime options and quoted script arguments are in the rerun command.
    assert_eq!(
        failures[0]["rerun"],
        "runtime --deterministic --seed 3 -joff tests/hunt/pass.lua a 'b c'"
    );
}

#[test]
fn same_output_compares_with_the_first_seed() {
    let script = "tests/hunt/order_output.lua";
    let reference = run_seed(1, script, &[]).stdout;
    let expected: BTreeSet<u64> = (1..=30)
        .filter(|&s| run_seed(s, script, &[]).stdout != reference)
        .collect();
    assert!(!expected.is_empty());
    let o = hunt(&["--seeds", "1..30", "--same-output", "--json", script]);
    assert_eq!(o.status.code(), Some(1));
    let (failures, _) = json_lines(&text(&o.stdout));
    assert_eq!(failing_seeds(&failures), expected);
    assert_eq!(failures[0]["group"], "stdout differs from seed 1's");
    // A shard compares with the same reference seed, even though seed 1 is not in it.
    let o = hunt(&[
        "--seeds",
        "1..30",
        "--shard",
        "2/3",
        "--same-output",
        "--json",
        script,
    ]);
    let (failures, _) = json_lines(&text(&o.stdout));
    let in_shard: BTreeSet<u64> = expected
        .iter()
        .copied()
        .filter(|s| (s - 1) % 3 == 1)
        .collect();
    assert_eq!(failing_seeds(&failures), in_shard);
}

#[test]
fn timeouts_kill_the_process_group_promptly() {
    // A unique sleep duration identifies the grandchildren of this test.
    let nap = format!("97.{}", std::process::id());
    let started = Instant::now();
    let o = hunt(&[
        "--seeds",
        "1..6",
        "--jobs",
        "2",
        "--timeout",
        "0.4",
        "--json",
        "tests/hunt/sleeper.lua",
        &nap,
    ]);
    let elapsed = started.elapsed();
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let (failures, _) = json_lines(&text(&o.stdout));
    assert!(!failures.is_empty() && failures.len() < 6);
    for f in &failures {
        assert_eq!(f["group"], "timed out after 0.4 s");
        assert_eq!(f["timed_out"], true);
    }
    // At most three rounds of 0.4 s on two jobs, plus start-up: far below the 97 s sleep.
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    // The `sleep` children were killed with their group.
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(sleeping(&nap), 0, "sleep {nap} survived the hunt");

    // A busy loop is killed the same way.
    let started = Instant::now();
    let o = hunt(&["--seeds", "1..8", "--timeout", "0.3", "tests/hunt/hang.lua"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stdout).contains("timed out after 0.3 s"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_terminated_hunt_kills_its_runs_and_still_summarizes() {
    let nap = format!("96.{}", std::process::id());
    let child = Command::new(RUNTIME)
        .args(["hunt", "--seeds", "1..20", "--timeout", "100"])
        .args(["tests/hunt/sleeper.lua", &nap])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("runs the runtime binary");
    // Wait until a seed is asleep, then stop the hunt as a CI runner would.
    let started = Instant::now();
    while sleeping(&nap) == 0 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(sleeping(&nap) > 0, "no seed started sleeping");
    // SAFETY: kill only sends SIGTERM to the hunt process this test started.
    unsafe {
        libc::kill(child.id() as libc::pid_t, libc::SIGTERM);
    }
    let o = child.wait_with_output().expect("hunt ends");
    assert_eq!(o.status.code(), Some(128 + libc::SIGTERM));
    let out = text(&o.stdout);
    assert!(out.contains("stopped: interrupted by SIGTERM"), "{out}");
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(sleeping(&nap), 0, "sleep {nap} survived the hunt");
}

/// How many `sleep SECONDS` processes are running.
fn sleeping(seconds: &str) -> usize {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return 0;
    };
    let wanted = format!("sleep\0{seconds}\0");
    dir.filter_map(Result::ok)
        .filter(|e| std::fs::read(e.path().join("cmdline")).is_ok_and(|c| c == wanted.as_bytes()))
        .count()
}

#[test]
fn max_failures_stops_the_sweep() {
    let script = "tests/hunt/exit_code.lua";
    let first_two: Vec<u64> = (1..=50)
        .filter(|&s| run_seed(s, script, &[]).status.code() == Some(3))
        .take(2)
        .collect();
    let o = hunt(&[
        "--seeds",
        "1..50",
        "--jobs",
        "1",
        "--max-failures",
        "2",
        "--json",
        script,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let (failures, summaries) = json_lines(&text(&o.stdout));
    assert_eq!(
        failing_seeds(&failures),
        first_two.iter().copied().collect()
    );
    assert_eq!(summaries[0]["seeds_run"], first_two[1]);
    assert_eq!(summaries[0]["stopped"], "2 failures (--max-failures)");

    let o = hunt(&[
        "--seeds",
        "1..50",
        "--jobs",
        "2",
        "--max-failures",
        "3",
        script,
    ]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o.stdout);
    assert!(out.contains(" 3 failed (1 group)"), "{out}");
    assert!(
        out.contains("stopped: 3 failures (--max-failures)"),
        "{out}"
    );
    assert!(!out.contains("50 of 50 run"), "{out}");
}

#[test]
fn shards_split_the_range_and_their_json_concatenates() {
    let script = "tests/hunt/pairs_order.lua";
    let whole = hunt(&["--seeds", "1..50", "--json", script]);
    let (all_failures, _) = json_lines(&text(&whole.stdout));
    let mut merged = String::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let o = hunt(&["--seeds", "1..50", "--shard", &shard, "--json", script]);
        assert_eq!(o.status.code(), Some(1));
        let out = text(&o.stdout);
        let (failures, summaries) = json_lines(&out);
        for s in failing_seeds(&failures) {
            assert_eq!((s - 1) % 3, i - 1, "seed {s} in shard {shard}");
        }
        assert_eq!(summaries[0]["shard"], shard);
        merged.push_str(&out);
    }
    let (failures, summaries) = json_lines(&merged);
    assert_eq!(failures.len(), all_failures.len(), "no seed twice");
    assert_eq!(failing_seeds(&failures), failing_seeds(&all_failures));
    assert_eq!(summaries.len(), 3);
    let run: u64 = summaries
        .iter()
        .map(|s| s["seeds_run"].as_u64().unwrap())
        .sum();
    assert_eq!(run, 50);
    // The lines are the same, whichever shard ran the seed.
    let by_seed = |v: &[Value]| -> BTreeMap<u64, String> {
        v.iter()
            .map(|f| (f["seed"].as_u64().unwrap(), f.to_string()))
            .collect()
    };
    assert_eq!(by_seed(&failures), by_seed(&all_failures));
}

#[test]
fn usage_errors_exit_2_with_a_message() {
    let pass = "tests/hunt/pass.lua";
    let cases: &[(&[&str], &str)] = &[
        (&["--seeds", "9..3", pass], "the range 9..3 is empty"),
        (&["--seeds", "1..x", pass], "'x' is not a seed"),
        (
            &["--seeds", "1..5", "tests/hunt/missing.lua"],
            "cannot open script",
        ),
        (&["--bogus", pass], "unexpected argument '--bogus'"),
        (&["--shard", "3/2", pass], "'3/2' is not a shard"),
        (&["--shard", "0/2", pass], "'0/2' is not a shard"),
        (&["--jobs", "0", pass], "--jobs"),
        (&["--timeout", "0", pass], "positive number of seconds"),
        (&["--seeds", "1..5"], "required"),
        (&["--", "-joff"], "missing script"),
        (&["--", "-jbogus", pass], "unknown JIT command"),
        (&["--", "--seed", "4", pass], "hunt chooses the seeds"),
        (
            &["--expect", "tests/hunt/none.txt", pass],
            "cannot read the --expect file",
        ),
        (
            &["--expect", pass, "--same-output", pass],
            "cannot be used with",
        ),
        (&["-joff", pass], "unexpected argument '-j'"),
    ];
    for (args, message) in cases {
        let o = hunt(args);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(message), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert!(o.stdout.is_empty(), "{args:?}");
    }
    let o = hunt(&["--help"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).contains("-- [runtime options] script [args]"));
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("hunt-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn record_needs_the_recorder_next_to_the_runtime() {
    // A runtime alone in a directory: no recorder beside it.
    let dir = temp_dir("alone");
    let exe = dir.join("runtime");
    if std::fs::hard_link(RUNTIME, &exe).is_err() {
        std::fs::copy(RUNTIME, &exe).unwrap();
    }
    let traces = dir.join("traces");
    let o = hunt_with(
        &exe,
        &[
            "--seeds",
            "1..5",
            "--record",
            traces.to_str().unwrap(),
            "tests/hunt/pass.lua",
        ],
    );
    let err = text(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "--record needs the recorder next to the runtime, at {}, and it is missing",
            dir.join("recorder").display()
        )),
        "{err}"
    );
    assert!(!traces.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn record_writes_a_replayable_trace_per_failing_seed() {
    let bin = Path::new(RUNTIME).parent().unwrap();
    let (recorder, replayer) = (bin.join("recorder"), bin.join("replayer"));
    if !recorder.is_file() || !replayer.is_file() {
        // `cargo build --workspace --bins` (scripts/test) builds them; a lone
        // `cargo test -p runtime` does not.
        eprintln!("skipped: no recorder/replayer in {}", bin.display());
        return;
    }
    let script = "tests/hunt/pairs_order.lua";
    let dir = temp_dir("record");
    let traces = dir.join("traces");
    let o = hunt(&[
        "--seeds",
        "1..12",
        "--json",
        "--record",
        traces.to_str().unwrap(),
        script,
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let (failures, _) = json_lines(&text(&o.stdout));
    assert!(!failures.is_empty());
    for f in &failures {
        let seed = f["seed"].as_u64().unwrap();
        let dir = traces.join(format!("seed-{seed}"));
        assert_eq!(f["record"]["dir"], dir.to_str().unwrap());
        assert_eq!(f["record"]["reproduced"], true, "{f}");
        let replay = Command::new(&replayer)
            .args(["replay", "-a"])
            .arg(&dir)
            .output()
            .expect("runs the replayer");
        assert_eq!(replay.status.code(), Some(1));
        assert_eq!(first_error_line(&replay), f["group"].as_str().unwrap());
    }
    let _ = std::fs::remove_dir_all(&dir);
}
