//! Reverse execution with real gdb: reverse-continue to breakpoints and watchpoints, reverse
//! stepping, and the start of the recording.

mod gdb_support;

use gdb_support::{debug, normalize, record_program};

#[test]
fn reverse_continue_to_earlier_breakpoint_hits() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break bump",
            "continue",
            "continue",
            "continue",
            "print by",
            "reverse-continue",
            "print by",
            "print counter",
            "reverse-continue",
            "print by",
            "print counter",
            "continue",
            "print by",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn watch_and_reverse_continue_stops_at_the_last_write() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break twice",
            "continue",
            "watch -l counter",
            "reverse-continue",
            // Stopped before the store that wrote the value the program had at `twice`.
            "x/i $pc",
            "print counter",
            "stepi",
            "print counter",
            "reverse-continue",
            "print counter",
        ],
    );
    let normalized = normalize(&transcript);
    assert!(
        normalized.contains("Old value = 10\nNew value = 6"),
        "the last write before `twice` stored 10 over 6:\n{transcript}"
    );
    insta::assert_snapshot!(normalized);
}

#[test]
fn reverse_step_next_and_finish() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break counter.c:24",
            "continue",
            "reverse-step",
            "reverse-next",
            "print first",
            "reverse-next",
            "reverse-finish",
            "reverse-next",
            "reverse-stepi",
            "stepi",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn going_past_the_start_says_so() {
    let recorded = record_program("counter");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break bump",
            "continue",
            "reverse-continue",
            "reverse-stepi",
        ],
    );
    assert_eq!(
        transcript
            .matches("No more reverse-execution history.")
            .count(),
        2,
        "both reverse motions end at the start:\n{transcript}"
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn reverse_steps_far_from_the_last_event_go_back_one_instruction_at_a_time() {
    // The breakpoint is 5,000 loop iterations (about 30,000 instructions) after the last system
    // call, against a single-step budget of 1,000: the instruction before it is found by counting
    // the passes of candidate instructions with hardware breakpoints, then stepping from the last.
    let recorded = record_program("spin");
    let server = gdb_support::Server::start_with_env(
        &recorded.trace,
        None,
        &[("RETRACE_REVERSE_STEP_LIMIT", "1000")],
    );
    let transcript = gdb_support::gdb(
        &recorded.program,
        server.port,
        &[
            "break spin.c:9",
            "continue",
            "reverse-stepi",
            "x/i $pc",
            "print sink",
            "reverse-stepi",
            "x/i $pc",
            "reverse-stepi",
            "x/i $pc",
            "stepi",
            "stepi",
            "x/i $pc",
        ],
    );
    let (status, stderr) = server.finish();
    assert!(status.success(), "{stderr}");
    assert!(
        !transcript.contains("No more reverse-execution history."),
        "{transcript}\n{stderr}"
    );
    let instructions: Vec<&str> = transcript
        .lines()
        .filter_map(|line| line.split_once(">:\t").map(|(_, instruction)| instruction))
        .map(|instruction| instruction.split_whitespace().next().unwrap_or(""))
        .collect();
    // The loop's exit test, its compare, its increment; forward again to the exit test.
    assert_eq!(instructions, ["jle", "cmpl", "addl", "jle"], "{transcript}");
    assert!(transcript.contains("$1 = 12497500"), "{transcript}");
}

#[test]
fn watchpoints_see_what_the_kernel_wrote_in_both_directions() {
    let recorded = record_program("kernel_write");
    let transcript = debug(
        &recorded,
        None,
        &[
            "break main",
            "continue",
            "watch -l word",
            "continue",
            "continue",
            "reverse-continue",
            "reverse-continue",
            "print/x word",
        ],
    );
    let normalized = normalize(&transcript);
    let changes: Vec<&str> = normalized
        .lines()
        .filter(|line| line.starts_with("Old value") || line.starts_with("New value"))
        .collect();
    assert_eq!(
        changes,
        [
            "Old value = 0",
            "New value = 1684234849",
            "Old value = 1684234849",
            "New value = 1684234850",
            "Old value = 1684234850",
            "New value = 1684234849",
            "Old value = 1684234849",
            "New value = 0",
        ],
        "{transcript}"
    );
    insta::assert_snapshot!(normalized);
}

#[test]
fn a_watchpoint_finds_a_write_many_iterations_back_without_system_calls() {
    // 2,000 iterations (about 30,000 instructions) between the write and both the system call
    // before it and the stop after it, against a reverse single-step budget of 1,000 instructions:
    // single-stepping from the last system call cannot reach it; counting the loop's passes can.
    let recorded = gdb_support::record_program_with("stray", &["4000"]);
    let server = gdb_support::Server::start_with_env(
        &recorded.trace,
        None,
        &[("RETRACE_REVERSE_STEP_LIMIT", "1000")],
    );
    let transcript = gdb_support::gdb(
        &recorded.program,
        server.port,
        &[
            "break stray.c:17",
            "continue",
            "print guard",
            "watch -l guard",
            "reverse-continue",
            "print i",
            "print guard",
            "stepi",
            "print guard",
            "reverse-stepi",
            "print guard",
        ],
    );
    let (status, stderr) = server.finish();
    assert!(status.success(), "{stderr}\n{transcript}");
    let normalized = normalize(&transcript);
    assert!(
        normalized.contains("Old value = 1\nNew value = 0"),
        "stopped before the stray store, which wrote 1 over 0:\n{transcript}"
    );
    insta::assert_snapshot!(normalized);
}

#[test]
fn a_conditional_breakpoint_goes_back_hit_by_hit() {
    // gdb tests the condition at every hit, so each of the 49 hits after the wanted one is a
    // reverse-continue of its own (answered from the first scan's list of hits).
    let recorded = gdb_support::record_program_with("stray", &["200", "100"]);
    let transcript = debug(
        &recorded,
        None,
        &[
            "break stray.c:17",
            "continue",
            "break stray.c:15 if i == 150",
            "reverse-continue",
            "print i",
            "print guard",
            "delete 2",
            "break stray.c:15 if i == 99",
            "reverse-continue",
            "print i",
            "print guard",
            // Forward again: no later i == 99, so the breakpoint after the loop.
            "continue",
            "print guard",
        ],
    );
    let values: Vec<&str> = transcript
        .lines()
        .filter(|line| line.starts_with('$'))
        .collect();
    assert_eq!(
        values,
        ["$1 = 150", "$2 = 1", "$3 = 99", "$4 = 0", "$5 = 1"],
        "{transcript}"
    );
}
