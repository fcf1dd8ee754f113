//! The benchmark programs of `bench/` at small sizes, with the JIT at its default settings and
//! at `hotloop=1`, under a few seeds: their output must be the interpreter's. These are the
//! largest trace trees the suite builds (inner loops linked to outer ones, side traces of side
//! traces), so they catch miscompiles that the small scripts of `jit/` do not reach.
//!
//! ```text
//! cargo build -p runtime --bin runtime
//! cargo test -p conformance --test jit_bench
//! ```

use std::process::Command;

/// Program and argument (problem size, and repetitions where the program takes them).
const PROGRAMS: &[(&str, &[&str])] = &[
    ("fannkuch.lua", &["8", "1"]),
    ("nbody.lua", &["3000"]),
    ("spectral-norm.lua", &["60"]),
    ("tables.lua", &["20000"]),
    ("strings.lua", &["3000"]),
    ("binary-trees.lua", &["6"]),
    ("fib.lua", &["20"]),
];

fn run(flags: &[&str], program: &str, args: &[&str]) -> Result<String, String> {
    let dir = conformance::crate_dir().join("bench");
    let out = Command::new(conformance::binary("runtime"))
        .args(flags)
        .arg(program)
        .args(args)
        .current_dir(&dir)
        .output()
        .map_err(|e| format!("cannot run runtime: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{program} {flags:?} exited with {}: {}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn benchmarks_print_the_interpreters_output_with_the_jit() {
    let mut failures = Vec::new();
    for (program, args) in PROGRAMS {
        let expected = run(&["--deterministic", "--seed", "1", "-joff"], program, args)
            .unwrap_or_else(|e| panic!("{e}"));
        for seed in ["1", "2", "3"] {
            for extra in [&[][..], &["-Ohotloop=1", "-Ohotexit=1"][..]] {
                let mut flags = vec!["--deterministic", "--seed", seed];
                flags.extend_from_slice(extra);
                match run(&flags, program, args) {
                    Ok(out) if out == expected => {}
                    Ok(out) => failures.push(format!(
                        "{program} {flags:?}: printed\n{out}\ninstead of\n{expected}"
                    )),
                    Err(e) => failures.push(e),
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
