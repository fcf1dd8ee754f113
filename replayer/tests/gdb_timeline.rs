//! The timeline under the gdb server, driven directly: forked checkpoints must give exactly the
//! same history as replaying from the start, forward and backward.

mod gdb_support;

use replayer::timeline::{ReplayTimeline, Stop};

/// Address of function `name` in the (non-randomized) position-independent `program`.
fn symbol(program: &std::path::Path, name: &str) -> u64 {
    let output = std::process::Command::new("nm")
        .arg(program)
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    let line = table
        .lines()
        .find(|line| line.ends_with(&format!(" T {name}")))
        .unwrap_or_else(|| panic!("{name} not in nm output"));
    0x5555_5555_4000 + u64::from_str_radix(line.split(' ').next().unwrap(), 16).unwrap()
}

/// Forward to the end, then backward to the start, with a breakpoint on `mark`: the argument at
/// every stop, and the registers at each one.
fn history(timeline: &mut ReplayTimeline, mark: u64) -> (Vec<u64>, Vec<u64>) {
    timeline.add_breakpoint(mark);
    let mut forward = Vec::new();
    loop {
        match timeline.resume(|| false).unwrap() {
            Stop::Breakpoint(address) => {
                assert_eq!(address, mark);
                let registers = timeline.registers().unwrap();
                assert_eq!(registers.rip, mark);
                forward.push(registers.rdi);
            }
            Stop::End => break,
            other => panic!("unexpected stop {other:?}"),
        }
    }
    let mut backward = Vec::new();
    loop {
        match timeline.reverse_resume(|| false).unwrap() {
            Stop::Breakpoint(_) => backward.push(timeline.registers().unwrap().rdi),
            Stop::Start => break,
            other => panic!("unexpected stop {other:?}"),
        }
    }
    (forward, backward)
}

#[test]
fn checkpoints_give_the_same_history_as_replaying_from_the_start() {
    let recorded = gdb_support::record_program("syscalls");
    let mark = symbol(&recorded.program, "mark");
    let expected: Vec<u64> = (0..3000).step_by(500).collect();

    let mut from_start = ReplayTimeline::open(&recorded.trace, None).unwrap();
    from_start.set_checkpoint_interval(u64::MAX / 4);
    let (forward, backward) = history(&mut from_start, mark);
    assert_eq!(forward, expected);
    assert_eq!(backward, expected.iter().rev().copied().collect::<Vec<_>>());
    assert_eq!(from_start.checkpoint_count(), 0);

    let mut checkpointed = ReplayTimeline::open(&recorded.trace, None).unwrap();
    checkpointed.set_checkpoint_interval(200);
    let (forward, backward) = history(&mut checkpointed, mark);
    assert!(
        checkpointed.checkpoint_count() >= 10,
        "{}",
        checkpointed.checkpoint_count()
    );
    assert_eq!(forward, expected);
    assert_eq!(backward, expected.iter().rev().copied().collect::<Vec<_>>());
}

#[test]
fn stepping_back_and_forth_returns_to_the_same_registers() {
    let recorded = gdb_support::record_program("syscalls");
    let mark = symbol(&recorded.program, "mark");
    let mut timeline = ReplayTimeline::open(&recorded.trace, None).unwrap();
    timeline.set_checkpoint_interval(300);
    timeline.add_breakpoint(mark);
    for _ in 0..3 {
        assert_eq!(timeline.resume(|| false).unwrap(), Stop::Breakpoint(mark));
    }
    assert!(timeline.remove_breakpoint(mark));
    let mut trail = vec![timeline.registers().unwrap()];
    for _ in 0..40 {
        assert!(matches!(timeline.step().unwrap(), Stop::Step));
        trail.push(timeline.registers().unwrap());
    }
    // Backward across the getppid events the steps went through, then forward again.
    for expected in trail.iter().rev().skip(1) {
        assert_eq!(timeline.reverse_step().unwrap(), Stop::Step);
        assert_eq!(&timeline.registers().unwrap(), expected);
    }
    for expected in trail.iter().skip(1) {
        timeline.step().unwrap();
        assert_eq!(&timeline.registers().unwrap(), expected);
    }
}
