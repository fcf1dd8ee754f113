//! Changing the program from gdb (`call f()`, `set var`): the replay runs off its recording until gdb
//! puts the registers back (the end of a `call`), when it returns to the recorded position exactly,
//! undoing every change made since the first one; a system call off the recording stops the program
//! with a message. The session never ends.

mod gdb_support;

use gdb_support::{debug, normalize, record_program, Server};

#[test]
fn call_runs_the_function_and_the_replay_goes_on_as_recorded() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break twice",
            "continue",
            "call bump(100)",
            "print counter",
            "next",
            "print first",
            "set var counter = 99",
            "print bump(1)",
            "reverse-continue",
            "print counter",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn a_system_call_off_the_recording_stops_the_call_and_says_why() {
    let recorded = record_program("counter");
    let server = Server::start(&recorded.trace, None);
    let transcript = gdb_support::gdb(
        &recorded.program,
        server.port,
        &[
            "break twice",
            "continue",
            "call (long)write(1, \"x\", 1)",
            "reverse-stepi",
            "print counter",
            "continue",
            "print by",
        ],
    );
    let (status, stderr) = server.finish();
    assert!(status.success(), "{stderr}\n{transcript}");
    assert!(
        stderr.contains("which it cannot make off its recording"),
        "{stderr}"
    );
    assert!(transcript.contains("SIGSYS"), "{transcript}");
    assert!(
        transcript.contains("$1 = 10\n"),
        "back on the recording:\n{transcript}"
    );
    assert!(
        transcript.contains("$2 = 5\n"),
        "continued to the breakpoint:\n{transcript}"
    );
}
