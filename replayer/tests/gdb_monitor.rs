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
    let normalized = normalize(&transcript);
    assert!(normalized.starts_with("ADDR in _start"), "{transcript}");
    insta::assert_snapshot!(normalized);
}
