//! Recording through the library: the event stream of a small real program.

use recorder::record::{record, RecordError, RecordOptions};
use recorder::trace::{Event, ExitStatus, TraceReader};

fn events_of(command: &[&str]) -> (Result<ExitStatus, RecordError>, Vec<Event>) {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    let options = RecordOptions {
        trace_dir: trace.clone(),
        command: command.iter().map(Into::into).collect(),
    };
    let outcome = record(&options).map(|recording| recording.status);
    let mut reader = TraceReader::open(&trace).unwrap();
    let mut events = Vec::new();
    while let Some(record) = reader.next_record().unwrap() {
        events.push(record.event);
    }
    (outcome, events)
}

#[test]
fn a_shell_tree_is_recorded_with_forks_execs_and_exits() {
    let (status, events) = events_of(&["sh", "-c", "/bin/true; exit 4"]);
    assert_eq!(status.unwrap(), ExitStatus::Exited(4));
    assert!(matches!(
        events.first(),
        Some(Event::Exec { initial: true, .. })
    ));
    assert!(events
        .iter()
        .any(|event| matches!(event, Event::Fork { .. })));
    let execs = events
        .iter()
        .filter(|event| matches!(event, Event::Exec { .. }))
        .count();
    assert_eq!(execs, 2, "sh and /bin/true");
    let exits: Vec<_> = events
        .iter()
        .filter_map(|event| match event {
            Event::Exit { status, .. } => Some(*status),
            _ => None,
        })
        .collect();
    assert_eq!(exits, vec![ExitStatus::Exited(0), ExitStatus::Exited(4)]);
    assert_eq!(
        events.last(),
        Some(&Event::End {
            status: ExitStatus::Exited(4)
        })
    );
    // The vDSO is off, so time calls are recorded system calls.
    let (_, events) = events_of(&["date", "+%s"]);
    let clock_gettime = libc::SYS_clock_gettime as u64;
    assert!(events.iter().any(|event| matches!(event, Event::Syscall { registers, .. } if registers.orig_rax == clock_gettime)));
}

#[test]
fn a_missing_program_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let options = RecordOptions {
        trace_dir: dir.path().join("trace"),
        command: vec!["no-such-program-retrace".into()],
    };
    let error = record(&options).unwrap_err();
    assert!(error.to_string().contains("command not found"), "{error}");
}
