//! Runs the golden Lua corpus in `lua/` against the `runtime` binary.
//!
//! Each `name.lua` runs with its folder as the working directory and its file name as the
//! script path; stdout must equal `name.expected` byte for byte. A first line `-- exit: N`
//! gives the expected exit status (default 0), and `name.stderr` the expected first line of
//! stderr without the `runtime: ` prefix. Scripts under `determinism/` have no expected output:
//! each runs twice per seed under `--deterministic` (identical output required) and the outputs
//! of different seeds must not all be equal.

use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};
use std::process::Command;

fn lua_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<_> = entries.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n == "wishlist") {
                continue;
            }
            lua_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "lua") {
            out.push(p);
        }
    }
}

struct Outcome {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: i32,
}

fn run(script: &Path, flags: &[&str]) -> Result<Outcome, Failed> {
    let dir = script.parent().expect("script in a folder");
    let name = script.file_name().expect("file name");
    let out = Command::new(conformance::binary("runtime"))
        .args(flags)
        .arg(name)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run runtime: {e}"))?;
    Ok(Outcome {
        stdout: out.stdout,
        stderr: out.stderr,
        status: out.status.code().unwrap_or(-1),
    })
}

fn first_line(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    s.lines().next().unwrap_or("").to_string()
}

fn golden(script: &Path, flags: &[&str]) -> Result<(), Failed> {
    let source = std::fs::read_to_string(script).map_err(|e| e.to_string())?;
    let want_status: i32 = source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-- exit:"))
        .map(|s| s.trim().parse().unwrap_or(1))
        .unwrap_or(0);
    let expected = std::fs::read(script.with_extension("expected")).map_err(|e| {
        format!(
            "missing {}: {e}",
            script.with_extension("expected").display()
        )
    })?;
    let out = run(script, flags)?;
    let mut problems = Vec::new();
    if out.stdout != expected {
        problems.push(format!(
            "stdout differs\n--- expected\n{}\n--- actual\n{}",
            String::from_utf8_lossy(&expected),
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    if out.status != want_status {
        problems.push(format!(
            "exit status {} (expected {want_status})",
            out.status
        ));
    }
    if let Ok(stderr) = std::fs::read(script.with_extension("stderr")) {
        let want = first_line(&stderr);
        let got = first_line(&out.stderr);
        let got = got.strip_prefix("runtime: ").unwrap_or(&got);
        if got != want {
            problems.push(format!(
                "stderr first line\n  expected: {want}\n  actual:   {got}"
            ));
        }
    } else if want_status == 0 && !out.stderr.is_empty() {
        problems.push(format!(
            "unexpected stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems.join("\n").into())
    }
}

fn determinism(script: &Path) -> Result<(), Failed> {
    let mut outputs = Vec::new();
    for seed in ["1", "2", "3", "42", "1377"] {
        let flags = ["--deterministic", "--seed", seed];
        let a = run(script, &flags)?;
        let b = run(script, &flags)?;
        if a.stdout != b.stdout || a.stderr != b.stderr || a.status != b.status {
            return Err(format!("seed {seed}: two runs differ").into());
        }
        if a.status != 0 {
            return Err(format!(
                "seed {seed}: exit {} {}",
                a.status,
                String::from_utf8_lossy(&a.stderr)
            )
            .into());
        }
        outputs.push(a.stdout);
    }
    if outputs.windows(2).all(|w| w[0] == w[1]) {
        return Err("every seed gave the same output: iteration order ignores the seed".into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = conformance::crate_dir().join("lua");
    let mut scripts = Vec::new();
    lua_files(&root, &mut scripts);
    let mut trials = Vec::new();
    for script in scripts {
        let rel = script
            .strip_prefix(&root)
            .unwrap_or(&script)
            .display()
            .to_string();
        if rel.starts_with("determinism/") {
            trials.push(Trial::test(format!("determinism::{rel}"), move || {
                determinism(&script)
            }));
            continue;
        }
        if !script.with_extension("expected").exists() {
            continue; // modules loaded by other scripts
        }
        let s2 = script.clone();
        trials.push(Trial::test(format!("interp::{rel}"), move || {
            golden(&script, &[])
        }));
        trials.push(Trial::test(format!("seeded::{rel}"), move || {
            golden(&s2, &["--deterministic", "--seed", "7"])
        }));
    }
    libtest_mimic::run(&args, trials).exit();
}
