//! What the trace compiler reports about itself: `-jdump` must be reproducible under
//! `--deterministic`, three small scripts have `-jdump` snapshots, and the scripts of `jit/`
//! that declare `-- jit: traces>=N` must really get N traces.
//!
//! ```text
//! cargo build -p runtime --bin runtime
//! cargo test -p conformance --test jit_dump                  # reproducibility
//! INSTA_UPDATE=always cargo test -p conformance --test jit_dump   # re-bless snapshots
//! ```

use conformance::corpus::{difference, lua_files, run, Outcome};
use std::path::{Path, PathBuf};

fn jit_dir() -> PathBuf {
    conformance::crate_dir().join("jit")
}

/// Scripts whose dumps are compared run against run: loops, side exits, inlined calls, type
/// changes, a tail call from a wide frame.
const REPRODUCIBLE: &[&str] = &[
    "arith_for.lua",
    "branches.lua",
    "calls.lua",
    "type_changes.lua",
    "tail_call_wide_frame.lua",
    "dump/side_exit.lua",
];

/// Runs `script` with `flags` plus `-jdump=<file>` and returns the outcome and the dump
/// (empty when no file was written).
fn run_with_dump_file(script: &Path, flags: &[&str]) -> Result<(Outcome, Vec<u8>), String> {
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("dump.txt");
    let dump_flag = format!("-jdump={}", file.display());
    let mut all = flags.to_vec();
    all.push(&dump_flag);
    let outcome = run(script, &all)?;
    let dump = std::fs::read(&file).unwrap_or_default();
    Ok((outcome, dump))
}

#[test]
fn jdump_is_byte_identical_across_runs() {
    let mut failures = Vec::new();
    for name in REPRODUCIBLE {
        let script = jit_dir().join(name);
        assert!(script.exists(), "{} is missing", script.display());
        // The dump on stdout, interleaved with the script's output, at the default hotloop and
        // at hotloop=1 with side traces at once.
        for flags in [
            &["--deterministic", "--seed", "7", "-jdump"][..],
            &[
                "--deterministic",
                "--seed",
                "7",
                "-Ohotloop=1",
                "-Ohotexit=1",
                "-jdump",
            ][..],
        ] {
            let a = run(&script, flags).expect("runtime runs");
            let b = run(&script, flags).expect("runtime runs");
            if a != b {
                failures.push(format!(
                    "{name} with {}: two runs differ\n{}",
                    flags.join(" "),
                    difference("first run", &a, "second run", &b)
                ));
            }
        }
        // The dump in a file of its own.
        let flags = [
            "--deterministic",
            "--seed",
            "7",
            "-Ohotloop=1",
            "-Ohotexit=1",
        ];
        let (a, dump_a) = run_with_dump_file(&script, &flags).expect("runtime runs");
        let (b, dump_b) = run_with_dump_file(&script, &flags).expect("runtime runs");
        if a != b {
            failures.push(format!(
                "{name} with -jdump=<file>: two runs differ\n{}",
                difference("first run", &a, "second run", &b)
            ));
        }
        if dump_a != dump_b {
            let (da, db) = (
                String::from_utf8_lossy(&dump_a),
                String::from_utf8_lossy(&dump_b),
            );
            let line = da
                .lines()
                .zip(db.lines())
                .position(|(x, y)| x != y)
                .unwrap_or(da.lines().count().min(db.lines().count()));
            failures.push(format!(
                "{name}: the two -jdump files differ from line {}\n--- first\n{}\n--- second\n{}",
                line + 1,
                da.lines().skip(line).take(5).collect::<Vec<_>>().join("\n"),
                db.lines().skip(line).take(5).collect::<Vec<_>>().join("\n"),
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The `-jdump` of a script in `jit/dump/` at hotloop=1, hotexit=1, seed 7.
fn dump_of(name: &str) -> String {
    let script = jit_dir().join("dump").join(name);
    let (outcome, dump) = run_with_dump_file(
        &script,
        &[
            "--deterministic",
            "--seed",
            "7",
            "-Ohotloop=1",
            "-Ohotexit=1",
        ],
    )
    .expect("runtime runs");
    assert_eq!(
        outcome.status,
        0,
        "{name} failed: {}",
        String::from_utf8_lossy(&outcome.stderr)
    );
    let dump = String::from_utf8(dump).expect("the dump is text");
    assert!(
        dump.lines().any(|l| l.starts_with("---- TRACE ")),
        "{name}: the dump has no `---- TRACE` line:\n{dump}"
    );
    dump
}

#[test]
fn jdump_snapshot_sum_loop() {
    insta::assert_snapshot!("jdump_sum_loop", dump_of("sum_loop.lua"));
}

#[test]
fn jdump_snapshot_side_exit() {
    insta::assert_snapshot!("jdump_side_exit", dump_of("side_exit.lua"));
}

#[test]
fn jdump_snapshot_inlined_call() {
    insta::assert_snapshot!("jdump_inlined_call", dump_of("inlined_call.lua"));
}

/// The N of a first line `-- jit: traces>=N`.
fn declared_traces(script: &Path) -> Option<usize> {
    let source = std::fs::read_to_string(script).ok()?;
    let first = source.lines().next()?;
    let n = first.strip_prefix("-- jit: traces>=")?;
    Some(
        n.trim()
            .parse()
            .unwrap_or_else(|_| panic!("{}: bad `-- jit: traces>=N` line", script.display())),
    )
}

/// Number of compiled traces in `-jv` output: lines `[TRACE   3 file.lua:5 loop]`, not aborts
/// (`[TRACE --- ...]`) nor flushes.
fn compiled_traces(jv: &str) -> usize {
    jv.lines()
        .filter(|l| {
            let Some(rest) = l.strip_prefix("[TRACE") else {
                return false;
            };
            let rest = rest.trim_start_matches(' ');
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            digits > 0 && rest[digits..].starts_with(' ')
        })
        .count()
}

#[test]
fn compiled_traces_counts_only_compiled_traces() {
    let jv = "[TRACE   1 t.lua:3 loop]\n[TRACE --- t.lua:5 -- NYI: bytecode 51 at t.lua:6]\n\
              [TRACE  12 (1/3) t.lua:4 -> 1]\n[TRACE flush]\nprinted [TRACE 3 x]\n";
    assert_eq!(compiled_traces(jv), 2);
}

#[test]
fn traces_are_compiled() {
    let mut scripts = Vec::new();
    lua_files(&jit_dir(), &mut scripts);
    let declared: Vec<_> = scripts
        .iter()
        .filter_map(|s| declared_traces(s).map(|n| (s.clone(), n)))
        .collect();
    assert!(
        declared.len() >= 5,
        "expected a handful of `-- jit: traces>=N` scripts in jit/, found {}",
        declared.len()
    );
    let mut failures = Vec::new();
    for (script, want) in declared {
        let dir = tempfile::tempdir().expect("temporary folder");
        let file = dir.path().join("jv.txt");
        let jv_flag = format!("-jv={}", file.display());
        let outcome = run(
            &script,
            &["--deterministic", "--seed", "7", "-Ohotloop=1", &jv_flag],
        )
        .expect("runtime runs");
        let mut jv = std::fs::read_to_string(&file).unwrap_or_default();
        jv.push_str(&String::from_utf8_lossy(&outcome.stderr));
        let got = compiled_traces(&jv);
        if got < want {
            failures.push(format!(
                "{}: {got} compiled traces, declared at least {want}\n{jv}",
                script.display()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
