//! The replay session as a library (what a debugger front end drives): stepping event by event,
//! inspecting registers and memory, and divergence reported as an error naming the event.

use recorder::record::{record, RecordOptions};
use recorder::trace::{Event, ExitStatus, TraceReader, TraceWriter};
use replayer::{ReplayError, ReplayOptions, ReplaySession, Step};

fn record_echo(dir: &std::path::Path) -> std::path::PathBuf {
    let trace = dir.join("trace");
    let options = RecordOptions {
        trace_dir: trace.clone(),
        command: vec!["/bin/echo".into(), "session".into()],
    };
    assert_eq!(record(&options).unwrap().status, ExitStatus::Exited(0));
    trace
}

#[test]
fn steps_one_event_at_a_time_with_registers_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let trace = record_echo(dir.path());
    let mut session = ReplaySession::start(&trace, ReplayOptions::default()).unwrap();
    let root = session.header().root_pid;
    assert_eq!(session.event_number(), 0);
    let first = session.step().unwrap();
    assert_eq!(
        first,
        Step::Event {
            number: 1,
            pid: Some(root)
        }
    );
    let registers = session.registers(root).unwrap();
    assert!(registers.rip != 0 && registers.rsp != 0);
    // argc sits at the stack pointer right after exec.
    let argc = session.read_memory(root, registers.rsp, 8).unwrap();
    assert_eq!(u64::from_le_bytes(argc.try_into().unwrap()), 2);
    let mut last = 1;
    loop {
        match session.step().unwrap() {
            Step::Event { number, .. } => {
                assert_eq!(number, last + 1);
                assert_eq!(session.event_number(), number);
                last = number;
            }
            Step::Finished(status) => {
                assert_eq!(status, ExitStatus::Exited(0));
                break;
            }
        }
    }
    assert_eq!(
        session.step().unwrap(),
        Step::Finished(ExitStatus::Exited(0))
    );
    assert!(session.processes().is_empty());
}

#[test]
fn a_tampered_register_is_a_divergence_at_that_event() {
    let dir = tempfile::tempdir().unwrap();
    let trace = record_echo(dir.path());
    let mut reader = TraceReader::open(&trace).unwrap();
    let tampered = dir.path().join("tampered");
    let writer = TraceWriter::create(&tampered, reader.header()).unwrap();
    std::fs::remove_dir(tampered.join("files")).unwrap();
    std::os::unix::fs::symlink(trace.join("files"), tampered.join("files")).unwrap();
    let mut target = None;
    while let Some(mut record) = reader.next_record().unwrap() {
        if let Event::Syscall { registers, .. } = &mut record.event {
            if target.is_none() && record.number > 3 {
                registers.rdi ^= 0x10;
                target = Some(record.number);
            }
        }
        writer.append(&record.event, &record.data).unwrap();
    }
    writer.finish().unwrap();
    let mut session = ReplaySession::start(&tampered, ReplayOptions::default()).unwrap();
    match session.run_to_end() {
        Err(ReplayError::Divergence(divergence)) => {
            assert_eq!(Some(divergence.event), target);
            assert!(divergence.expected.starts_with("rdi = "), "{divergence}");
        }
        other => panic!("expected a divergence, got {other:?}"),
    }
}
