//! The runtime as a Unix filter: writing to a pipe whose reader has gone ends the program with
//! SIGPIPE, as LuaJIT does (`runtime gen.lua | head` terminates, status 141 in the shell).

use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};

mod common;

fn killed_by_sigpipe_after_reader_leaves(script: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_runtime"))
        .args(["-e", script])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runtime starts");
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("piped"))
        .read_line(&mut first)
        .expect("one line");
    // The reader is dropped here: the pipe has no reader any more.
    assert_eq!(first, "y\n");
    let status = common::wait_ending(
        &mut child,
        &format!("`{script}` kept running after its reader left"),
    );
    assert_eq!(status.signal(), Some(libc::SIGPIPE), "{status:?}");
}

#[test]
fn print_to_a_closed_pipe_ends_the_program() {
    killed_by_sigpipe_after_reader_leaves("while true do print('y') end");
}

#[test]
fn io_write_to_a_closed_pipe_ends_the_program() {
    killed_by_sigpipe_after_reader_leaves("while true do io.write('y\\n') end");
}
