//! Single-step rates of the timeline without gdb in the way: forward `step` and backward
//! `reverse_step` over the same 1,000 instructions of a recorded program that makes a system call every
//! few instructions (so steps cross events), and the same forward steps through gdb's protocol cost
//! for comparison is measured by `scripts/bench-reverse`.
//!
//! Run: `cargo bench -p replayer --bench steps` (needs gcc).

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use recorder::record::{record, RecordOptions};
use replayer::timeline::{ReplayTimeline, Stop};

const STEPS: usize = 1000;

fn main() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/gdb_programs/syscalls.c");
    let program = dir.path().join("syscalls");
    let built = Command::new("gcc")
        .args(["-g", "-O0", "-o"])
        .arg(&program)
        .arg(&source)
        .status()
        .expect("gcc is needed");
    assert!(built.success(), "gcc failed");
    let trace = dir.path().join("trace");
    record(&RecordOptions {
        trace_dir: trace.clone(),
        command: vec![program.into(), "100000".into(), "1000".into()],
    })
    .expect("recording");

    let mut timeline = ReplayTimeline::open(&trace, None).expect("replay");
    let start = Instant::now();
    let mut forward = 0;
    while forward < STEPS {
        match timeline.step().expect("step") {
            Stop::Step | Stop::Signal(_) => forward += 1,
            other => panic!("unexpected stop {other:?}"),
        }
    }
    let forward_time = start.elapsed();
    let events = timeline.event();

    let start = Instant::now();
    for _ in 0..STEPS {
        assert_eq!(timeline.reverse_step().expect("reverse step"), Stop::Step);
    }
    let backward_time = start.elapsed();

    println!(
        "{STEPS} forward steps (through {events} events): {:.3} s, {:.0} steps/s",
        forward_time.as_secs_f64(),
        STEPS as f64 / forward_time.as_secs_f64()
    );
    println!(
        "{STEPS} backward steps: {:.3} s, {:.0} steps/s ({:.1}x the forward time)",
        backward_time.as_secs_f64(),
        STEPS as f64 / backward_time.as_secs_f64(),
        backward_time.as_secs_f64() / forward_time.as_secs_f64()
    );
}
