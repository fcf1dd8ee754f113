//! Helpers the `runtime` command's integration tests share.
#![allow(dead_code)]

use std::io::Write;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs the runtime with `args`, `input` on its standard input, and collects its output.
pub fn run_with_input(args: &[&str], input: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runtime"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("runtime starts");
    child
        .stdin
        .take()
        .expect("piped")
        .write_all(input)
        .expect("write");
    child.wait_with_output().expect("runs")
}

/// Waits up to 20 s for `child` to end; kills it and fails with `what` when it does not.
pub fn wait_ending(child: &mut Child, what: &str) -> ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{what}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
