//! The recording corpus: record every program, replay it three times with `replayer replay -a`, and
//! require stdout, stderr and exit status to be byte-for-byte those of the recording; plus damaged and
//! interrupted traces, which must give one-line errors with exit status 2 and never a panic.
//!
//! The recorder and replayer binaries (and the Lua runtime for its case) are `RECORDER_BIN`,
//! `REPLAYER_BIN` and `RUNTIME_BIN` when set; otherwise this harness builds them (always fresh) in a
//! target directory of its own beside the test binary's, so running it needs nothing built beforehand.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use libtest_mimic::{Arguments, Failed, Trial};

const REPLAYS: usize = 3;
const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/recording");
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    for program in corpus_programs() {
        let name = program
            .file_stem()
            .expect("file name")
            .to_string_lossy()
            .into_owned();
        trials.push(Trial::test(format!("c/{name}"), move || {
            c_program(&program)
        }));
    }
    for (name, command) in real_programs() {
        trials.push(Trial::test(format!("real/{name}"), move || {
            real_program(&command)
        }));
    }
    // The Lua runtime itself (single-threaded: it grows its stack on the main thread).
    trials.push(Trial::test("real/lua_runtime_pairs", lua_runtime_pairs));
    trials.push(Trial::test(
        "tools/ps_lists_the_process_tree",
        ps_lists_the_process_tree,
    ));
    trials.push(Trial::test("tools/dump_lists_events", dump_lists_events));
    trials.push(Trial::test(
        "tools/default_trace_dir_and_latest",
        default_trace_dir_and_latest,
    ));
    trials.push(Trial::test("bad/corrupt_events", || {
        bad_trace(Damage::FlipEventByte, "corrupt at event")
    }));
    trials.push(Trial::test("bad/truncated_events", || {
        bad_trace(Damage::TruncateEvents, "truncated after event")
    }));
    trials.push(Trial::test("bad/corrupt_data", || {
        bad_trace(Damage::FlipDataByte, "at event")
    }));
    trials.push(Trial::test("bad/wrong_version", || {
        bad_trace(Damage::WrongVersion, "version 999")
    }));
    trials.push(Trial::test("bad/wrong_arch", || {
        bad_trace(Damage::WrongArch, "recorded on arm_64")
    }));
    trials.push(Trial::test("bad/corrupt_header", || {
        bad_trace(Damage::FlipHeaderByte, "header")
    }));
    trials.push(Trial::test("bad/not_a_trace", || {
        bad_trace(Damage::Empty, "not a retrace trace")
    }));
    trials.push(Trial::test("bad/missing_trace", missing_trace));
    trials.push(Trial::test("killed/program_sigkilled", program_sigkilled));
    trials.push(Trial::test("killed/recorder_sigkilled", recorder_sigkilled));
    trials.push(Trial::test(
        "killed/ctrl_c_reaches_the_program",
        ctrl_c_reaches_the_program,
    ));
    libtest_mimic::run(&args, trials).exit();
}

// ---------------------------------------------------------------------------------------------------
// Tools

struct Tools {
    recorder: PathBuf,
    replayer: PathBuf,
    target: PathBuf,
}

/// Builds the recorder and replayer once per test process.
fn tools() -> Result<&'static Tools, Failed> {
    static TOOLS: OnceLock<Result<Tools, String>> = OnceLock::new();
    TOOLS
        .get_or_init(|| {
            let target = tools_target_dir();
            let given = |name: &str| {
                std::env::var_os(format!("{}_BIN", name.to_uppercase())).map(PathBuf::from)
            };
            if let (Some(recorder), Some(replayer)) = (given("recorder"), given("replayer")) {
                return Ok(Tools {
                    recorder,
                    replayer,
                    target,
                });
            }
            build(
                &target,
                &[
                    "-p", "recorder", "-p", "replayer", "--bin", "recorder", "--bin", "replayer",
                ],
            )?;
            Ok(Tools {
                recorder: target.join("debug/recorder"),
                replayer: target.join("debug/replayer"),
                target,
            })
        })
        .as_ref()
        .map_err(|message| Failed::from(message.as_str()))
}

/// A target directory of the harness's own, beside the test binary's profile directory.
fn tools_target_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // <target>/<profile>/deps/recording-<hash>
    let target = exe.ancestors().nth(3).map_or_else(
        || PathBuf::from(WORKSPACE).join("target"),
        Path::to_path_buf,
    );
    target.join("recording-tools")
}

fn build(target: &Path, args: &[&str]) -> Result<(), String> {
    let output = Command::new(env!("CARGO"))
        .arg("build")
        .arg("--quiet")
        .args(args)
        .env("CARGO_TARGET_DIR", target)
        .current_dir(WORKSPACE)
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run cargo: {error}"))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "cargo build {} failed:\n{}",
            args.join(" "),
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// Builds one corpus program with the system C compiler.
fn compile(source: &Path, output: &Path) -> Result<(), Failed> {
    let directives = Directives::of(source)?;
    let status = Command::new(std::env::var("CC").unwrap_or_else(|_| "cc".into()))
        .args(["-O1", "-g", "-o"])
        .arg(output)
        .arg(source)
        .args(directives.cflags.split_whitespace())
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run the C compiler: {error}"))?;
    if !status.status.success() {
        return Err(format!(
            "{} does not compile:\n{}",
            source.display(),
            String::from_utf8_lossy(&status.stderr)
        )
        .into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Running

/// One run's observable behaviour.
#[derive(Debug, PartialEq, Eq)]
struct Run {
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    status: i32,
}

impl Run {
    fn of(output: Output) -> Self {
        use std::os::unix::process::ExitStatusExt;
        let status = output
            .status
            .code()
            .unwrap_or_else(|| 128 + output.status.signal().unwrap_or(0));
        Run {
            stdout: output.stdout,
            stderr: output.stderr,
            status,
        }
    }

    fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr).into_owned()
    }
}

fn run(command: &mut Command) -> Result<Run, Failed> {
    let output = command
        .stdin(Stdio::null())
        .output()
        .map_err(|error| format!("cannot run {command:?}: {error}"))?;
    Ok(Run::of(output))
}

fn record(trace: &Path, program: &[String]) -> Result<Run, Failed> {
    let tools = tools()?;
    run(Command::new(&tools.recorder)
        .arg("record")
        .arg("-o")
        .arg(trace)
        .arg("--")
        .args(program))
}

fn replay(trace: &Path) -> Result<Run, Failed> {
    run(Command::new(&tools()?.replayer)
        .args(["replay", "-a"])
        .arg(trace))
}

fn excerpt(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.len() > 1500 {
        format!(
            "{}…",
            &text[..text
                .char_indices()
                .nth(1500)
                .map_or(text.len(), |(index, _)| index)]
        )
    } else {
        text.into_owned()
    }
}

/// Replays `trace` [`REPLAYS`] times and requires each replay to reproduce `recorded` exactly.
fn replay_matches(trace: &Path, recorded: &Run) -> Result<(), Failed> {
    for attempt in 1..=REPLAYS {
        let replayed = replay(trace)?;
        if replayed != *recorded {
            return Err(format!(
                "replay {attempt} differs from the recording\n--- recorded (status {}):\n{}\n--- stderr:\n{}\n--- replayed (status {}):\n{}\n--- stderr:\n{}",
                recorded.status,
                excerpt(&recorded.stdout),
                excerpt(&recorded.stderr),
                replayed.status,
                excerpt(&replayed.stdout),
                excerpt(&replayed.stderr)
            )
            .into());
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// C corpus

fn corpus_programs() -> Vec<PathBuf> {
    let mut programs: Vec<PathBuf> = std::fs::read_dir(CORPUS)
        .expect("conformance/recording exists")
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "c"))
        .filter(|path| {
            Directives::of(path)
                .map(|directives| !directives.helper)
                .unwrap_or(true)
        })
        .collect();
    programs.sort();
    programs
}

/// The `//!` lines at the top of a corpus program.
#[derive(Default)]
struct Directives {
    status: i32,
    data_file: bool,
    record_fails: Option<String>,
    cflags: String,
    helper: bool,
}

impl Directives {
    fn of(source: &Path) -> Result<Self, Failed> {
        let text = std::fs::read_to_string(source)
            .map_err(|error| format!("{}: {error}", source.display()))?;
        let mut directives = Directives::default();
        for line in text.lines().take_while(|line| line.starts_with("//!")) {
            let line = line.trim_start_matches("//!").trim();
            if let Some(value) = line.strip_prefix("status:") {
                directives.status = value
                    .trim()
                    .parse()
                    .map_err(|_| format!("bad status directive in {}", source.display()))?;
            } else if line == "data-file" {
                directives.data_file = true;
            } else if line == "helper" {
                directives.helper = true;
            } else if let Some(value) = line.strip_prefix("record-fails:") {
                directives.record_fails = Some(value.trim().to_string());
            } else if let Some(value) = line.strip_prefix("cflags:") {
                directives.cflags = value.trim().to_string();
            }
        }
        Ok(directives)
    }
}

fn pseudo_random_text(seed: u64, lines: usize) -> Vec<u8> {
    let mut state = seed;
    let mut text = Vec::new();
    for line in 0..lines {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        text.extend(format!("line {line} value {state:016x}\n").into_bytes());
    }
    text
}

fn c_program(source: &Path) -> Result<(), Failed> {
    let directives = Directives::of(source)?;
    let work = tempfile::tempdir()?;
    let binary = work.path().join("program");
    compile(source, &binary)?;
    let mut command = vec![binary.to_string_lossy().into_owned()];
    let data = work.path().join("data.txt");
    if directives.data_file {
        std::fs::write(&data, pseudo_random_text(1, 2000))?;
        command.push(data.to_string_lossy().into_owned());
    }
    let trace = work.path().join("trace");
    let recorded = record(&trace, &command)?;
    if let Some(message) = &directives.record_fails {
        if recorded.status != 125 || !recorded.stderr_text().contains(message.as_str()) {
            return Err(format!(
                "expected recording to fail (125) with '{message}', got status {} and stderr:\n{}",
                recorded.status,
                recorded.stderr_text()
            )
            .into());
        }
        let replayed = replay(&trace)?;
        if replayed.status != 2 || !replayed.stderr_text().contains("recording stops at event") {
            return Err(format!(
                "replaying the partial trace: status {} stderr {}",
                replayed.status,
                replayed.stderr_text()
            )
            .into());
        }
        return Ok(());
    }
    if recorded.status != directives.status {
        return Err(format!(
            "recording exited {} (expected {}); stderr:\n{}",
            recorded.status,
            directives.status,
            recorded.stderr_text()
        )
        .into());
    }
    if !String::from_utf8_lossy(&recorded.stdout).contains("TOKEN") {
        return Err(format!(
            "the program printed no token:\n{}",
            excerpt(&recorded.stdout)
        )
        .into());
    }
    if directives.data_file {
        // Rewrite the mapped file in place: replay must use the trace's preserved copy.
        use std::os::unix::fs::FileExt;
        let file = std::fs::OpenOptions::new().write(true).open(&data)?;
        file.write_all_at(&pseudo_random_text(2, 2000), 0)?;
    }
    replay_matches(&trace, &recorded)
}

// ---------------------------------------------------------------------------------------------------
// Real programs

fn real_programs() -> Vec<(&'static str, Vec<String>)> {
    let strings = |words: &[&str]| {
        words
            .iter()
            .map(|word| word.to_string())
            .collect::<Vec<_>>()
    };
    vec![
        ("ls_root", strings(&["ls", "-la", "/"])),
        ("cat_file", strings(&["cat", concat!(env!("CARGO_MANIFEST_DIR"), "/recording/README.md")])),
        (
            "python_random_time_urandom",
            strings(&[
                "python3",
                "-c",
                "import os, random, time\nprint('random', random.random(), random.randint(0, 10**9))\nprint('time', time.time(), time.monotonic())\nprint('urandom', os.urandom(8).hex())\nprint('TOKEN python ok')",
            ]),
        ),
        (
            "sh_pipelines",
            strings(&[
                "sh",
                "-c",
                "echo alpha beta | tr a-z A-Z; ls / | sort | head -n 3; for i in 1 2 3 4; do echo $i; done | wc -l; date +%s%N | cut -c1-8 >/dev/null; echo TOKEN sh ok",
            ]),
        ),
        ("git_version", strings(&["git", "--version"])),
        // fchdir, get_mempolicy, network-interface ioctls: once refused, now recorded.
        (
            "find_tree",
            strings(&["find", concat!(env!("CARGO_MANIFEST_DIR"), "/recording"), "-name", "*.c"]),
        ),
        ("ps_all", strings(&["ps", "-e", "-o", "pid,comm"])),
        (
            "python_uuid1",
            strings(&["python3", "-c", "import uuid; print('TOKEN', uuid.uuid1())"]),
        ),
        // Parallel children: wait and SIGCHLD order as recorded (make waits in pselect6).
        (
            "make_j2",
            strings(&["make", "-s", "-j2", "-C", concat!(env!("CARGO_MANIFEST_DIR"), "/recording/make")]),
        ),
        (
            "xargs_parallel",
            strings(&["sh", "-c", "seq 1 12 | xargs -P2 -n3 echo"]),
        ),
        (
            "vim_batch",
            strings(&["vim", "-es", "-c", "put ='TOKEN vim ok'", "-c", "%print", "-c", "q!"]),
        ),
    ]
}

fn real_program(command: &[String]) -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let trace = work.path().join("trace");
    let native = run(Command::new(&command[0]).args(&command[1..]))?;
    let recorded = record(&trace, command)?;
    if recorded.status != native.status {
        return Err(format!(
            "recorded status {} differs from the native one {}; stderr:\n{}",
            recorded.status,
            native.status,
            recorded.stderr_text()
        )
        .into());
    }
    if recorded.stdout.is_empty() {
        return Err("the recorded program printed nothing".into());
    }
    replay_matches(&trace, &recorded)
}

/// The Lua runtime itself, running a script whose `pairs` order depends on an OS-drawn seed.
fn lua_runtime_pairs() -> Result<(), Failed> {
    let tools = tools()?;
    let runtime = match std::env::var_os("RUNTIME_BIN") {
        Some(runtime) => PathBuf::from(runtime),
        None => {
            build(&tools.target, &["-p", "runtime", "--bin", "runtime"]).map_err(|error| {
                format!(
                    "the Lua runtime does not build, so its recording case cannot run:\n{error}"
                )
            })?;
            tools.target.join("debug/runtime")
        }
    };
    let work = tempfile::tempdir()?;
    let script = work.path().join("pairs.lua");
    std::fs::write(
        &script,
        "local t = {}\nfor i = 1, 40 do t['key' .. i] = i end\nlocal order = {}\nfor k in pairs(t) do order[#order + 1] = k end\nprint(table.concat(order, ' '))\nprint('TOKEN lua ok', os.time())\n",
    )?;
    let trace = work.path().join("trace");
    let command = vec![
        runtime.to_string_lossy().into_owned(),
        script.to_string_lossy().into_owned(),
    ];
    let recorded = record(&trace, &command)?;
    if recorded.status != 0 || !String::from_utf8_lossy(&recorded.stdout).contains("TOKEN lua ok") {
        return Err(format!(
            "recording the runtime: status {} stderr {}",
            recorded.status,
            recorded.stderr_text()
        )
        .into());
    }
    replay_matches(&trace, &recorded)
}

// ---------------------------------------------------------------------------------------------------
// Listings

fn record_process_tree(work: &Path) -> Result<PathBuf, Failed> {
    let binary = work.join("process_tree");
    compile(&Path::new(CORPUS).join("process_tree.c"), &binary)?;
    let trace = work.join("trace");
    let recorded = record(&trace, &[binary.to_string_lossy().into_owned()])?;
    if recorded.status != 0 {
        return Err(format!("recording failed: {}", recorded.stderr_text()).into());
    }
    Ok(trace)
}

fn ps_lists_the_process_tree() -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let trace = record_process_tree(work.path())?;
    let listing = run(Command::new(&tools()?.replayer).arg("ps").arg(&trace))?;
    let text = String::from_utf8_lossy(&listing.stdout);
    let rows = text.lines().skip(1).collect::<Vec<_>>();
    let expectations = [
        rows.len() >= 7,
        rows.iter()
            .filter(|row| {
                row.contains("exit 10") || row.contains("exit 11") || row.contains("exit 12")
            })
            .count()
            == 3,
        rows.iter()
            .any(|row| row.contains("echo exec from vfork child")),
        rows.iter().any(|row| row.contains("sh -c echo grandchild")),
        rows.iter().skip(1).all(|row| {
            row.split_whitespace()
                .nth(1)
                .is_some_and(|parent| parent != "-")
        }),
    ];
    if listing.status != 0 || expectations.contains(&false) {
        return Err(format!("unexpected ps listing ({expectations:?}):\n{text}").into());
    }
    Ok(())
}

fn dump_lists_events() -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let trace = record_process_tree(work.path())?;
    let listing = run(Command::new(&tools()?.replayer).arg("dump").arg(&trace))?;
    let text = String::from_utf8_lossy(&listing.stdout);
    let wanted = [
        "execve →",
        " pipe",
        " read(",
        "[stdout]",
        "new process",
        "exit 10",
        "end: exit 0",
        "[maps /",
    ];
    let missing: Vec<_> = wanted
        .iter()
        .filter(|needle| !text.contains(*needle))
        .collect();
    if listing.status != 0 || !missing.is_empty() {
        return Err(format!("dump lacks {missing:?}:\n{}", excerpt(&listing.stdout)).into());
    }
    Ok(())
}

fn default_trace_dir_and_latest() -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let tools = tools()?;
    let recorded = run(Command::new(&tools.recorder)
        .args(["record", "echo", "TOKEN default dir"])
        .env("RETRACE_TRACE_DIR", work.path()))?;
    let trace = work.path().join("echo-0");
    let mode =
        std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(&trace)?.permissions()) & 0o777;
    if recorded.status != 0 || mode != 0o700 {
        return Err(format!(
            "default trace: status {} mode {mode:o} stderr {}",
            recorded.status,
            recorded.stderr_text()
        )
        .into());
    }
    // The recorder names the directory it chose, and says nothing else of its own.
    let told = format!("recorder: trace written to {}\n", trace.display());
    if recorded.stderr_text() != told {
        return Err(format!(
            "recorder stderr {:?}, expected {told:?}",
            recorded.stderr_text()
        )
        .into());
    }
    let replayed = run(Command::new(&tools.replayer)
        .args(["replay", "-a"])
        .env("RETRACE_TRACE_DIR", work.path()))?;
    if replayed.stdout != recorded.stdout || replayed.status != recorded.status {
        return Err(format!("replaying 'latest' gave {replayed:?}").into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------------
// Damaged traces

#[derive(Clone, Copy)]
enum Damage {
    FlipEventByte,
    FlipDataByte,
    TruncateEvents,
    WrongVersion,
    WrongArch,
    FlipHeaderByte,
    Empty,
}

fn damage(trace: &Path, damage: Damage) -> Result<(), Failed> {
    let flip = |name: &str, at: fn(usize) -> usize| -> Result<(), Failed> {
        let path = trace.join(name);
        let mut bytes = std::fs::read(&path)?;
        let index = at(bytes.len());
        bytes[index] ^= 0x20;
        std::fs::write(&path, bytes)?;
        Ok(())
    };
    match damage {
        Damage::FlipEventByte => flip("events", |length| length / 2)?,
        Damage::FlipDataByte => flip("data", |length| length / 2)?,
        Damage::FlipHeaderByte => flip("header", |length| length - 3)?,
        Damage::TruncateEvents => {
            let path = trace.join("events");
            let cut = cut_inside_a_block(&std::fs::read(&path)?)?;
            std::fs::OpenOptions::new()
                .write(true)
                .open(&path)?
                .set_len(cut)?;
        }
        Damage::WrongVersion => {
            std::fs::write(trace.join("version"), "retrace trace format 999\n")?
        }
        Damage::WrongArch => {
            let path = trace.join("header");
            let mut bytes = std::fs::read(&path)?;
            let position = bytes
                .windows(6)
                .position(|window| window == b"x86_64")
                .ok_or("no arch in header")?;
            bytes[position..position + 6].copy_from_slice(b"arm_64");
            let checksum = crc32fast::hash(&bytes[8..]);
            bytes[4..8].copy_from_slice(&checksum.to_le_bytes());
            std::fs::write(&path, bytes)?;
        }
        Damage::Empty => {
            std::fs::remove_dir_all(trace)?;
            std::fs::create_dir(trace)?;
        }
    }
    Ok(())
}

/// A trace big enough to span several blocks in both streams.
fn record_sample(work: &Path) -> Result<PathBuf, Failed> {
    let trace = work.join("trace");
    let recorded = record(&trace, &["ls".into(), "-laR".into(), "/usr/include".into()])?;
    if recorded.status != 0 {
        return Err(format!("recording the sample failed: {}", recorded.stderr_text()).into());
    }
    Ok(trace)
}

fn one_line_error(run: &Run, wanted: &str) -> Result<(), Failed> {
    let text = run.stderr_text();
    let lines: Vec<_> = text
        .lines()
        .filter(|line| line.starts_with("replayer:"))
        .collect();
    if run.status != 2
        || lines.len() != 1
        || !lines[0].contains(wanted)
        || text.contains("panicked")
    {
        return Err(format!(
            "expected status 2 and one error line containing '{wanted}', got status {}:\n{text}",
            run.status
        )
        .into());
    }
    Ok(())
}

/// A length that ends the events stream in the middle of the compressed payload of the block that
/// holds its two-thirds point: a cut on a block boundary would read as a stream that merely stops
/// (no end record), which is a different error.
fn cut_inside_a_block(events: &[u8]) -> Result<u64, Failed> {
    const BLOCK_HEADER: usize = 12;
    let target = events.len() - events.len() / 3;
    let mut start = 0;
    while start + BLOCK_HEADER <= events.len() {
        let compressed = u32::from_le_bytes(events[start + 4..start + 8].try_into()?) as usize;
        let end = start + BLOCK_HEADER + compressed;
        if end >= target && compressed >= 2 {
            return Ok((start + BLOCK_HEADER + compressed / 2) as u64);
        }
        start = end;
    }
    Err(format!(
        "no block of the {}-byte events stream holds byte {target}",
        events.len()
    )
    .into())
}

fn bad_trace(kind: Damage, wanted: &str) -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let trace = record_sample(work.path())?;
    damage(&trace, kind)?;
    let tools = tools()?;
    one_line_error(&replay(&trace)?, wanted)?;
    // The listings refuse the same trace the same way (header damage) or list what is readable.
    for tool in ["dump", "ps"] {
        let listing = run(Command::new(&tools.replayer).arg(tool).arg(&trace))?;
        if listing.stderr_text().contains("panicked")
            || (listing.status != 0 && listing.status != 2)
        {
            return Err(format!(
                "{tool} on a damaged trace: status {}\n{}",
                listing.status,
                listing.stderr_text()
            )
            .into());
        }
    }
    Ok(())
}

fn missing_trace() -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    one_line_error(
        &replay(&work.path().join("no-such-trace"))?,
        "no such trace directory",
    )
}

// ---------------------------------------------------------------------------------------------------
// Killed recordings

fn sleeper(work: &Path) -> Result<String, Failed> {
    let binary = work.join("sleeper");
    compile(&Path::new(CORPUS).join("sleeper.c"), &binary)?;
    Ok(binary.to_string_lossy().into_owned())
}

fn wait_for_output(path: &Path, lines: usize) -> Result<(), Failed> {
    let start = Instant::now();
    while std::fs::read_to_string(path).map_or(0, |text| text.lines().count()) < lines {
        if start.elapsed() > Duration::from_secs(30) {
            return Err("the recorded program produced no output in 30 s".into());
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    Ok(())
}

/// The recorded program is SIGKILLed from outside: the recording is complete and replays to the same end.
fn program_sigkilled() -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let program = sleeper(work.path())?;
    let trace = work.path().join("trace");
    let stdout_path = work.path().join("stdout");
    let recorder = Command::new(&tools()?.recorder)
        .arg("record")
        .arg("-o")
        .arg(&trace)
        .arg("--")
        .arg(&program)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path)?)
        .stderr(Stdio::piped())
        .spawn()?;
    wait_for_output(&stdout_path, 5)?;
    let children = std::fs::read_to_string(format!("/proc/{0}/task/{0}/children", recorder.id()))?;
    let program_pid: i32 = children
        .split_whitespace()
        .next()
        .ok_or("the recorder has no child")?
        .parse()?;
    Command::new("kill")
        .args(["-KILL", &program_pid.to_string()])
        .status()?;
    let output = Run::of(recorder.wait_with_output()?);
    let recorded = Run {
        stdout: std::fs::read(&stdout_path)?,
        ..output
    };
    if recorded.status != 137 {
        return Err(format!(
            "recorder exited {} after its program was killed: {}",
            recorded.status,
            recorded.stderr_text()
        )
        .into());
    }
    replay_matches(&trace, &recorded)
}

/// The recorder itself is SIGKILLed: the trace replays up to its last whole frame and says where it ends.
fn recorder_sigkilled() -> Result<(), Failed> {
    let work = tempfile::tempdir()?;
    let program = sleeper(work.path())?;
    let trace = work.path().join("trace");
    let stdout_path = work.path().join("stdout");
    let mut recorder = Command::new(&tools()?.recorder)
        .arg("record")
        .arg("-o")
        .arg(&trace)
        .arg("--")
        .arg(&program)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path)?)
        .stderr(Stdio::null())
        .spawn()?;
    wait_for_output(&stdout_path, 20)?;
    recorder.kill()?;
    recorder.wait()?;
    let recorded = std::fs::read(&stdout_path)?;
    for _ in 0..REPLAYS {
        let replayed = replay(&trace)?;
        one_line_error(&replayed, "without an end record")?;
        let ticks = replayed
            .stdout
            .iter()
            .filter(|byte| **byte == b'\n')
            .count();
        if ticks < 10 || !recorded.starts_with(&replayed.stdout) {
            return Err(format!(
                "replay of the interrupted trace printed {ticks} lines, not a prefix of the {} recorded:\n{}",
                recorded.iter().filter(|byte| **byte == b'\n').count(),
                excerpt(&replayed.stdout)
            )
            .into());
        }
    }
    Ok(())
}

/// Ctrl-C (SIGINT to the whole process group) ends the program, not the recorder: the trace is
/// complete and replays to the same end.
fn ctrl_c_reaches_the_program() -> Result<(), Failed> {
    use std::os::unix::process::CommandExt;
    let work = tempfile::tempdir()?;
    let program = sleeper(work.path())?;
    let trace = work.path().join("trace");
    let stdout_path = work.path().join("stdout");
    let recorder = Command::new(&tools()?.recorder)
        .arg("record")
        .arg("-o")
        .arg(&trace)
        .arg("--")
        .arg(&program)
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout_path)?)
        .stderr(Stdio::piped())
        .spawn()?;
    wait_for_output(&stdout_path, 5)?;
    Command::new("kill")
        .args(["-INT", "--", &format!("-{}", recorder.id())])
        .status()?;
    let output = Run::of(recorder.wait_with_output()?);
    let recorded = Run {
        stdout: std::fs::read(&stdout_path)?,
        ..output
    };
    if recorded.status != 130 {
        return Err(format!(
            "recorder exited {} after Ctrl-C: {}",
            recorded.status,
            recorded.stderr_text()
        )
        .into());
    }
    replay_matches(&trace, &recorded)
}
