//! Runs the golden Lua corpus in `lua/` and the JIT corpus in `jit/` against the `runtime`
//! binary (the running and judging lives in `conformance::corpus`).
//!
//! Each `name.lua` runs with its folder as the working directory and its file name as the
//! script path; stdout must equal `name.expected` byte for byte. A first line `-- exit: N`
//! gives the expected exit status (default 0), and `name.stderr` the expected first line of
//! stderr without the `runtime: ` prefix. Scripts under `lua/determinism/` have no expected
//! output: each runs twice per seed under `--deterministic` (identical output required) and the
//! outputs of different seeds must not all be equal. Scripts under `jit/seeded/` have none
//! either (they print the virtual clock and the allocator's counts): two runs with one seed
//! must agree.
//!
//! Modes, one test per script and mode:
//!
//! * `interp::<script>` — plain run; `seeded::<script>` — `--deterministic --seed 7`;
//! * `jit1::seed<S>::<script>` for S in 1, 7, 42, 1377 — `-Ohotloop=1 -Ohotexit=1
//!   --deterministic --seed S` must be byte-identical (stdout, stderr, exit status) to
//!   `-joff --deterministic --seed S`, and match the golden files;
//! * `jitopt::<-O flag>::<script>` — the same at seed 7 with one optimisation switched off or
//!   one limit made tiny (`-O-fold`, `-O-cse`, `-O-dce`, `-O-loop`, `-O-fwd`, `-O0`,
//!   `-Omaxtrace=2`, `-Omaxrecord=50`, `-Omaxsnap=3`), skipping the few scripts in
//!   [`SLOW`].
//!
//! `cargo test -p conformance --test lua -- jit1::` runs one mode; `-- jit/` the JIT corpus.

use conformance::corpus::{
    determinism, golden, jit_matches_interpreter, run, HOT, JIT_SEEDS, OPT_SEED, OPT_VARIANTS,
};
use libtest_mimic::{Arguments, Failed, Trial};
use std::path::{Path, PathBuf};

/// Scripts that take seconds in a debug build (deep recursion, huge sources, memory pressure):
/// they run in every mode but the `jitopt` variants, which would add minutes for little.
const SLOW: &[&str] = &[
    "errors/stack_overflow.lua",
    "language/tail_calls.lua",
    "robustness/memory_pressure.lua",
    "robustness/huge_literals.lua",
    "robustness/deep_nesting.lua",
];

/// What a script is judged against.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// `.expected` (and maybe `.stderr`, `-- exit:`).
    Golden,
    /// No golden files; output must depend on the seed (`lua/determinism/`).
    SeedDependent,
    /// No golden files; output must be reproducible (`jit/seeded/`).
    Reproducible,
}

/// Two runs with one seed agree and exit 0.
fn reproducible(script: &Path) -> Result<(), String> {
    let flags = ["--deterministic", "--seed", "7"];
    let a = run(script, &flags)?;
    let b = run(script, &flags)?;
    if a != b {
        return Err(format!(
            "two runs differ\n{}",
            conformance::corpus::difference("first run", &a, "second run", &b)
        ));
    }
    if a.status != 0 {
        return Err(format!(
            "exit {} {}",
            a.status,
            String::from_utf8_lossy(&a.stderr)
        ));
    }
    Ok(())
}

fn trial(name: String, f: impl FnOnce() -> Result<(), String> + Send + 'static) -> Trial {
    Trial::test(name, move || f().map_err(Failed::from))
}

fn add_trials(trials: &mut Vec<Trial>, script: PathBuf, rel: String, kind: Kind) {
    match kind {
        Kind::Golden => {
            let s = script.clone();
            trials.push(trial(format!("interp::{rel}"), move || golden(&s, &[])));
            let s = script.clone();
            trials.push(trial(format!("seeded::{rel}"), move || {
                golden(&s, &["--deterministic", "--seed", "7"])
            }));
        }
        Kind::SeedDependent => {
            let s = script.clone();
            trials.push(trial(format!("determinism::{rel}"), move || {
                determinism(&s)
            }));
        }
        Kind::Reproducible => {
            let s = script.clone();
            trials.push(trial(format!("reproducible::{rel}"), move || {
                reproducible(&s)
            }));
        }
    }
    let with_golden = kind == Kind::Golden;
    for &seed in JIT_SEEDS {
        let s = script.clone();
        trials.push(trial(format!("jit1::seed{seed}::{rel}"), move || {
            jit_matches_interpreter(&s, seed, HOT, with_golden)
        }));
    }
    if SLOW.contains(&rel.as_str()) {
        return;
    }
    for &variant in OPT_VARIANTS {
        let s = script.clone();
        trials.push(trial(format!("jitopt::{variant}::{rel}"), move || {
            let mut flags = vec![variant];
            flags.extend_from_slice(HOT);
            jit_matches_interpreter(&s, OPT_SEED, &flags, with_golden)
        }));
    }
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for (corpus, prefix) in [("lua", ""), ("jit", "jit/")] {
        let root = conformance::crate_dir().join(corpus);
        let mut scripts = Vec::new();
        conformance::corpus::lua_files(&root, &mut scripts);
        for script in scripts {
            let inner = script
                .strip_prefix(&root)
                .unwrap_or(&script)
                .display()
                .to_string();
            let rel = format!("{prefix}{inner}");
            let kind = if rel.starts_with("determinism/") {
                Kind::SeedDependent
            } else if rel.starts_with("jit/seeded/") {
                Kind::Reproducible
            } else if script.with_extension("expected").exists() {
                Kind::Golden
            } else {
                continue; // modules loaded by other scripts
            };
            add_trials(&mut trials, script, rel, kind);
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
