//! Running a Lua script against the `runtime` binary and judging what it printed.
//!
//! The conventions of the corpora (`lua/README.md`): a script runs with its folder as the
//! working directory and its bare file name as the script path; `name.expected` is its exact
//! stdout, a first line `-- exit: N` its exit status (default 0), and `name.stderr` the first
//! line of its stderr without the program name.
//!
//! The JIT is judged against the interpreter: the same script with the same seed under
//! `--deterministic` must print the same bytes on stdout and stderr and exit the same way with
//! traces as with `-joff`. Hash seeds, `pairs` order, `tostring` of tables, the virtual clock
//! and the allocator's counts are all functions of the seed, so any difference is the JIT's.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Seeds of the JIT mode: every script runs with each, JIT against interpreter.
pub const JIT_SEEDS: &[u64] = &[1, 7, 42, 1377];

/// Flags that make every loop hot on its first iteration and every side exit hot on its first
/// exit: as many traces, side traces and exits as the scripts can produce.
pub const HOT: &[&str] = &["-Ohotloop=1", "-Ohotexit=1"];

/// Optimisation switches and limits, each run (with [`HOT`]) at [`OPT_SEED`] against the
/// interpreter: turning a pass off or starving the trace compiler must never change output.
pub const OPT_VARIANTS: &[&str] = &[
    "-O-fold",
    "-O-cse",
    "-O-dce",
    "-O-loop",
    "-O-fwd",
    "-O0",
    "-Omaxtrace=2",
    "-Omaxrecord=50",
    "-Omaxsnap=3",
];

/// Seed of the [`OPT_VARIANTS`] runs.
pub const OPT_SEED: u64 = 7;

/// Longest a single run may take before it counts as hung (a loop that a trace never leaves).
pub const RUN_TIMEOUT: Duration = Duration::from_secs(300);

/// What one run printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    /// Exit status, or -1 when the process was killed by a signal.
    pub status: i32,
}

/// Every `.lua` file under `dir`, sorted, skipping `wishlist/` folders.
pub fn lua_files(dir: &Path, out: &mut Vec<PathBuf>) {
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

/// An exclusive lock shared by every test process, released when dropped.
struct Lock(std::fs::File);

impl Lock {
    fn take(name: &str) -> Result<Lock, String> {
        let dir = crate::target_dir().join("conformance-locks");
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let path = dir.join(name);
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        use std::os::fd::AsRawFd;
        loop {
            // SAFETY: flock on a descriptor this function owns; no memory is involved.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(Lock(file));
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(format!("locking {}: {e}", path.display()));
            }
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        use std::os::fd::AsRawFd;
        // SAFETY: as in `take`; closing the file would release the lock as well.
        unsafe { libc::flock(self.0.as_raw_fd(), libc::LOCK_UN) };
    }
}

/// Whether a script's output can depend on other runs of the corpus: `os.tmpname` draws its
/// names from the seed alone, so two runs with one seed at once (the interpreter and the JIT
/// modes all use seed 7) would take each other's names.
fn shares_temporary_names(script: &Path) -> bool {
    std::fs::read_to_string(script).is_ok_and(|s| s.contains("os.tmpname"))
}

/// Runs `runtime <flags> <name>` in the script's folder, stdin closed, killed after
/// [`RUN_TIMEOUT`]. Scripts that call `os.tmpname` run one at a time across all test processes.
pub fn run(script: &Path, flags: &[&str]) -> Result<Outcome, String> {
    let _lock = if shares_temporary_names(script) {
        Some(Lock::take("os.tmpname")?)
    } else {
        None
    };
    let dir = script.parent().ok_or("script without a folder")?;
    let name = script.file_name().ok_or("script without a file name")?;
    let mut child = Command::new(crate::binary("runtime"))
        .args(flags)
        .arg(name)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run runtime: {e}"))?;
    let pid = child.id();
    let mut stdout_pipe = child.stdout.take().expect("piped stdout");
    let mut stderr_pipe = child.stderr.take().expect("piped stderr");
    let stderr_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr_pipe.read_to_end(&mut buf);
        buf
    });
    let (done_tx, done_rx) = mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let mut stdout = Vec::new();
        let _ = stdout_pipe.read_to_end(&mut stdout);
        let status = child.wait();
        let _ = done_tx.send(());
        (stdout, status)
    });
    let timed_out = done_rx.recv_timeout(RUN_TIMEOUT).is_err();
    if timed_out {
        // Our own child, by its id; its pipes close and the readers finish.
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .status();
    }
    let (stdout, status) = waiter.join().map_err(|_| "stdout reader panicked")?;
    let stderr = stderr_reader.join().map_err(|_| "stderr reader panicked")?;
    let status = status.map_err(|e| format!("waiting for runtime: {e}"))?;
    if timed_out {
        return Err(format!(
            "runtime {} {} did not finish within {} s",
            flags.join(" "),
            script.display(),
            RUN_TIMEOUT.as_secs()
        ));
    }
    Ok(Outcome {
        stdout,
        stderr,
        status: status.code().unwrap_or(-1),
    })
}

fn first_line(b: &[u8]) -> String {
    let s = String::from_utf8_lossy(b);
    s.lines().next().unwrap_or("").to_string()
}

/// The exit status a script declares on its first line (`-- exit: N`), 0 without one.
pub fn declared_status(source: &str) -> i32 {
    source
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("-- exit:"))
        .map(|s| s.trim().parse().unwrap_or(1))
        .unwrap_or(0)
}

/// Checks an outcome against the script's golden files.
pub fn check_golden(script: &Path, out: &Outcome) -> Result<(), String> {
    let source = std::fs::read_to_string(script).map_err(|e| e.to_string())?;
    let want_status = declared_status(&source);
    let expected = std::fs::read(script.with_extension("expected")).map_err(|e| {
        format!(
            "missing {}: {e}",
            script.with_extension("expected").display()
        )
    })?;
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
        Err(problems.join("\n"))
    }
}

/// Runs the script with `flags` and checks it against its golden files.
pub fn golden(script: &Path, flags: &[&str]) -> Result<(), String> {
    check_golden(script, &run(script, flags)?)
}

/// A script without golden files: two runs per seed are byte-identical, exit 0, and the
/// outputs of different seeds are not all equal.
pub fn determinism(script: &Path) -> Result<(), String> {
    let mut outputs = Vec::new();
    for seed in ["1", "2", "3", "42", "1377"] {
        let flags = ["--deterministic", "--seed", seed];
        let a = run(script, &flags)?;
        let b = run(script, &flags)?;
        if a != b {
            return Err(format!(
                "seed {seed}: two runs differ\n{}",
                difference("first run", &a, "second run", &b)
            ));
        }
        if a.status != 0 {
            return Err(format!(
                "seed {seed}: exit {} {}",
                a.status,
                String::from_utf8_lossy(&a.stderr)
            ));
        }
        outputs.push(a.stdout);
    }
    if outputs.windows(2).all(|w| w[0] == w[1]) {
        return Err("every seed gave the same output: iteration order ignores the seed".into());
    }
    Ok(())
}

/// The switch that turns the JIT off, first on the interpreter's command line.
pub const INTERPRETER_SWITCH: &str = "-joff";

/// Its counterpart on the JIT's command line: an optimisation that is on anyway, spelled with as
/// many bytes as [`INTERPRETER_SWITCH`]. The `arg` table holds the command line, so one byte
/// more or one argument more allocates more and changes `collectgarbage("count")` and when the
/// collector runs; both command lines must be the same length, argument for argument.
pub const JIT_SWITCH: &str = "-Ocse";

/// The two command lines compared for `seed`: the interpreter's
/// `-joff <jit_flags> --deterministic --seed <seed>` (the `-O` flags are inert there) and the
/// JIT's `-Ocse <jit_flags> --deterministic --seed <seed>`.
pub fn command_lines(jit_flags: &[&str], seed: u64) -> (Vec<String>, Vec<String>) {
    let line = |switch: &str| -> Vec<String> {
        let mut flags = vec![switch.to_string()];
        flags.extend(jit_flags.iter().map(|s| s.to_string()));
        flags.extend(["--deterministic".into(), "--seed".into(), seed.to_string()]);
        flags
    };
    (line(INTERPRETER_SWITCH), line(JIT_SWITCH))
}

/// `Vec<String>` to what [`run`] takes.
pub fn as_strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// Runs the script under the interpreter and under `jit_flags` with the same seed; stdout,
/// stderr and exit status must be byte-identical, and when `with_golden`, the JIT's outcome
/// must also match the golden files.
pub fn jit_matches_interpreter(
    script: &Path,
    seed: u64,
    jit_flags: &[&str],
    with_golden: bool,
) -> Result<(), String> {
    let (interp_flags, jit_flags) = command_lines(jit_flags, seed);
    let interp = run(script, &as_strs(&interp_flags))?;
    let jit = run(script, &as_strs(&jit_flags))?;
    if interp != jit {
        return Err(format!(
            "the JIT and the interpreter disagree\n{}",
            difference(
                &format!("runtime {}", interp_flags.join(" ")),
                &interp,
                &format!("runtime {}", jit_flags.join(" ")),
                &jit
            )
        ));
    }
    if with_golden {
        check_golden(script, &jit)?;
    }
    Ok(())
}

/// A readable account of how two outcomes differ: the exit statuses and, for stdout and
/// stderr, the first differing line with a few lines of context.
pub fn difference(a_name: &str, a: &Outcome, b_name: &str, b: &Outcome) -> String {
    let mut report = Vec::new();
    if a.status != b.status {
        report.push(format!(
            "exit status: {} with {a_name}, {} with {b_name}",
            a.status, b.status
        ));
    }
    for (stream, x, y) in [
        ("stdout", &a.stdout, &b.stdout),
        ("stderr", &a.stderr, &b.stderr),
    ] {
        if x == y {
            continue;
        }
        let xs: Vec<&[u8]> = x.split(|&c| c == b'\n').collect();
        let ys: Vec<&[u8]> = y.split(|&c| c == b'\n').collect();
        let at = xs
            .iter()
            .zip(&ys)
            .position(|(l, r)| l != r)
            .unwrap_or(xs.len().min(ys.len()));
        let from = at.saturating_sub(3);
        let show = |lines: &[&[u8]]| -> String {
            lines
                .iter()
                .skip(from)
                .take(at - from + 4)
                .map(|l| format!("    {}\n", String::from_utf8_lossy(l)))
                .collect()
        };
        report.push(format!(
            "{stream} differs at line {} ({} and {} lines)\n  {a_name}:\n{}  {b_name}:\n{}",
            at + 1,
            xs.len(),
            ys.len(),
            show(&xs),
            show(&ys)
        ));
    }
    report.join("\n")
}
