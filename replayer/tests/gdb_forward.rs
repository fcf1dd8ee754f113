//! Forward debugging over the GDB remote protocol with real gdb: breakpoints, stepping, watchpoints,
//! a recorded signal, and the end of the recording.

mod gdb_support;

use gdb_support::{debug, normalize, record_program};

#[test]
fn break_and_continue() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break bump",
            "continue",
            "print by",
            "continue",
            "print by",
            "print counter",
            "backtrace",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn step_next_and_finish() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break twice",
            "continue",
            "next",
            "step",
            "print by",
            "finish",
            "next",
            "print first",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn watch_and_continue() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break main",
            "continue",
            "watch -l counter",
            "continue",
            "continue",
            "continue",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn stops_at_a_recorded_signal_and_at_the_end() {
    let recorded = record_program("crash");
    let transcript = debug(&recorded, None, &["continue", "print *slot", "print value"]);
    insta::assert_snapshot!(normalize(&transcript));

    let recorded = record_program("counter");
    let transcript = debug(&recorded, None, &["continue", "continue"]);
    assert!(
        transcript.contains("No more reverse-execution history."),
        "the end of the recording is shown before the exit:\n{transcript}"
    );
    assert!(
        transcript.contains("exited normally"),
        "continuing past the end runs the exit:\n{transcript}"
    );
}

#[test]
fn memory_writes_change_only_the_live_replay() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break bump",
            "continue",
            "continue",
            "set var counter = 100",
            "print counter",
            "reverse-continue",
            "continue",
            "print counter",
        ],
    );
    let normalized = normalize(&transcript);
    assert!(normalized.contains("$1 = 100\n"), "{transcript}");
    assert!(
        normalized.contains("$2 = 1\n"),
        "going back and forth restores the recorded value:\n{transcript}"
    );
}
