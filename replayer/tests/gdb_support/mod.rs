//! Shared by the `gdb_*` tests: compile a small C program, record it, serve its replay with
//! `replayer replay -s 0`, and drive real gdb in batch mode against it. Every child process has a
//! deadline; a test that would hang fails instead.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use recorder::record::{record, RecordOptions};

/// Longest any gdb session of a test may take.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// A compiled and recorded test program.
pub struct Recorded {
    pub dir: tempfile::TempDir,
    pub program: PathBuf,
    pub trace: PathBuf,
}

/// Compiles `gdb_programs/NAME.c` with `gcc -g -O0` and records one run of it.
pub fn record_program(name: &str) -> Recorded {
    record_program_with(name, &[])
}

/// Compiles `gdb_programs/NAME.c` and records one run of it with `args`.
pub fn record_program_with(name: &str, args: &[&str]) -> Recorded {
    let dir = tempfile::tempdir().unwrap();
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/gdb_programs")
        .join(format!("{name}.c"));
    std::fs::copy(&source, dir.path().join(format!("{name}.c"))).unwrap();
    let status = Command::new("gcc")
        .args(["-g", "-O0", "-o", name, &format!("{name}.c")])
        .current_dir(dir.path())
        .status()
        .expect("gcc is needed to build the test programs");
    assert!(status.success(), "gcc failed on {name}.c");
    let program = dir.path().join(name);
    let trace = dir.path().join("trace");
    let recording = record(&RecordOptions {
        trace_dir: trace.clone(),
        command: std::iter::once(program.clone().into_os_string())
            .chain(args.iter().map(Into::into))
            .collect(),
    })
    .expect("recording the test program");
    let _ = recording;
    Recorded {
        dir,
        program,
        trace,
    }
}

/// Waits for `child` until `deadline`; kills it past that and panics.
pub fn wait_with_deadline(
    child: &mut Child,
    deadline: Duration,
    what: &str,
) -> std::process::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {deadline:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// A running `replayer replay -s 0` and the port it serves on.
pub struct Server {
    pub child: Child,
    pub port: u16,
    stderr: BufReader<std::process::ChildStderr>,
}

impl Server {
    /// Serves `trace` (debugging process `pid` if given).
    pub fn start(trace: &Path, pid: Option<i32>) -> Server {
        Server::start_with_env(trace, pid, &[])
    }

    /// Serves `trace` with extra environment variables.
    pub fn start_with_env(trace: &Path, pid: Option<i32>, env: &[(&str, &str)]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_replayer"));
        command.envs(env.iter().copied());
        command.args(["replay", "-s", "0"]);
        if let Some(pid) = pid {
            command.args(["-p", &pid.to_string()]);
        }
        let mut child = command
            .arg(trace)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut line = String::new();
        let port = loop {
            line.clear();
            if stderr.read_line(&mut line).unwrap() == 0 {
                let _ = child.kill();
                panic!("replayer ended before serving: {line}");
            }
            if let Some(rest) = line.split("waiting for gdb on 127.0.0.1:").nth(1) {
                break rest.trim().parse().unwrap();
            }
        };
        Server {
            child,
            port,
            stderr,
        }
    }

    /// Waits for the server to end (it must, once its debugger is gone); returns its stderr.
    pub fn finish(mut self) -> (std::process::ExitStatus, String) {
        let status = wait_with_deadline(&mut self.child, Duration::from_secs(20), "replayer");
        let mut rest = String::new();
        let _ = self.stderr.read_to_string(&mut rest);
        (status, rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Runs gdb in batch mode on `program`, connected to `port`, with `commands`; returns its output.
pub fn gdb(program: &Path, port: u16, commands: &[&str]) -> String {
    let mut command = Command::new("gdb");
    command.args([
        "-batch",
        "-nx",
        "-ex",
        "set pagination off",
        "-ex",
        "set confirm off",
    ]);
    command.args(["-ex", &format!("target remote 127.0.0.1:{port}")]);
    for line in commands {
        command.args(["-ex", line]);
    }
    // One pipe for both streams keeps gdb's messages and command output in order.
    let (mut reader, writer) = std::io::pipe().unwrap();
    let mut child = command
        .arg(program)
        .stdin(Stdio::null())
        .stdout(writer.try_clone().unwrap())
        .stderr(writer)
        .spawn()
        .expect("gdb is needed for these tests");
    drop(command);
    let out = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = reader.read_to_string(&mut text);
        text
    });
    wait_with_deadline(&mut child, DEADLINE, "gdb");
    out.join().unwrap()
}

/// Serves `recorded`, runs gdb with `commands`, checks that the server ends cleanly; the gdb transcript.
pub fn debug(recorded: &Recorded, pid: Option<i32>, commands: &[&str]) -> String {
    let server = Server::start(&recorded.trace, pid);
    let transcript = gdb(&recorded.program, server.port, commands);
    let (status, stderr) = server.finish();
    assert!(
        status.success(),
        "replayer failed: {stderr}\ntranscript:\n{transcript}"
    );
    transcript
}

/// The transcript with addresses, process-specific and host-specific lines (C library source
/// positions) taken out, for snapshots.
pub fn normalize(transcript: &str) -> String {
    let mut lines = Vec::new();
    for line in transcript.lines() {
        if line.starts_with("warning:") || line.contains("[Inferior 1 (process 1) detached]") {
            continue;
        }
        if line.contains("../sysdeps/") {
            // Inside the C library: its source lines change with every glibc release.
            lines.push("<in the C library>".to_string());
            continue;
        }
        lines.push(hide_addresses(line));
    }
    lines.join("\n") + "\n"
}

fn hide_addresses(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(index) = rest.find("0x") {
        out.push_str(&rest[..index]);
        let digits = rest[index + 2..]
            .chars()
            .take_while(char::is_ascii_hexdigit)
            .count();
        if digits == 0 {
            out.push_str("0x");
        } else {
            out.push_str("ADDR");
        }
        rest = &rest[index + 2 + digits..];
    }
    out.push_str(rest);
    out
}
