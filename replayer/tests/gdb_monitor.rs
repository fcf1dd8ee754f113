//! `monitor` commands through real gdb: `when`, `goto`, `checkpoint` and `restart`.

mod gdb_support;

use gdb_support::{debug, normalize, record_program};

#[test]
fn when_goto_checkpoint_and_restart() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "monitor when",
            "break bump",
            "continue",
            "continue",
            "monitor when",
            "monitor checkpoint",
            "print by",
            "continue",
            "continue",
            "print by",
            "monitor restart 1",
            "maintenance flush register-cache",
            "maintenance flush dcache",
            "print by",
            "monitor goto 1",
            "maintenance flush register-cache",
            "maintenance flush dcache",
            "monitor when",
            "continue",
            "print by",
            "monitor goto 100000",
            "monitor restart 7",
            "monitor frobnicate",
        ],
    );
    let normalized = hide_event_numbers(&normalize(&transcript));
    assert!(normalized.starts_with("ADDR in _start"), "{transcript}");
    insta::assert_snapshot!(normalized);
}

/// Event numbers past the start depend on the environment the program was recorded in (how
/// many system calls the dynamic loader makes): the transcript shows them as `E`, after checking
/// that the checkpoint is taken at the event `monitor when` reported.
fn hide_event_numbers(text: &str) -> String {
    let current = text
        .lines()
        .filter_map(|l| l.strip_prefix("Current event: "))
        .filter_map(|n| n.trim().parse::<u64>().ok())
        .find(|&n| n > 1)
        .expect("a `monitor when` past the start");
    assert!(
        text.contains(&format!("Checkpoint 1 at event {current},")),
        "{text}"
    );
    assert!(
        text.contains(&format!("At checkpoint 1 (event {current},")),
        "{text}"
    );
    text.replace(&format!("event {current}"), "event E")
        .replace(&format!("Current event: {current}"), "Current event: E")
}
