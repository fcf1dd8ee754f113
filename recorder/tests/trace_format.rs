//! The trace format end to end through the public API: what the writer appends the reader returns,
//! and damaged files give errors naming an event, never a panic.

use std::path::Path;

use recorder::trace::{
    CpuFeatures, Event, ExitStatus, Header, MemoryWrite, Output, Registers, Stream, TraceError,
    TraceReader, TraceWriter, ARCH, TRACE_VERSION,
};

fn header() -> Header {
    Header {
        version: TRACE_VERSION,
        arch: ARCH.into(),
        cpu: CpuFeatures::default(),
        kernel: "test".into(),
        command: vec![b"prog".to_vec(), b"arg".to_vec()],
        executable: b"/bin/prog".to_vec(),
        env: vec![b"A=1".to_vec()],
        cwd: b"/".to_vec(),
        stack_limit: (8 << 20, u64::MAX),
        root_pid: 100,
    }
}

fn events() -> Vec<(Event, Vec<u8>)> {
    let mut list = Vec::new();
    for index in 0..300u64 {
        let registers = Registers {
            rip: 0x1000 + index,
            orig_rax: 0,
            ..Registers::default()
        };
        let data: Vec<u8> = (0..index % 50).map(|byte| byte as u8).collect();
        let writes = if data.is_empty() {
            Vec::new()
        } else {
            vec![MemoryWrite {
                address: 0x5000,
                length: data.len() as u64,
            }]
        };
        let output = (index % 7 == 0).then_some(Output {
            stream: Stream::Stdout,
            checksum: index as u32,
        });
        list.push((
            Event::Syscall {
                pid: 100,
                registers,
                result: index as i64,
                writes,
                output,
                mapped: None,
            },
            data,
        ));
    }
    list.push((
        Event::Exit {
            pid: 100,
            status: ExitStatus::Exited(3),
        },
        Vec::new(),
    ));
    list.push((
        Event::End {
            status: ExitStatus::Exited(3),
        },
        Vec::new(),
    ));
    list
}

fn write_trace(dir: &Path) {
    let writer = TraceWriter::create(dir, &header()).unwrap();
    for (event, data) in events() {
        writer.append(&event, &data).unwrap();
    }
    writer.finish().unwrap();
}

fn read_all(dir: &Path) -> (Vec<(Event, Vec<u8>)>, Option<TraceError>) {
    let mut reader = match TraceReader::open(dir) {
        Ok(reader) => reader,
        Err(error) => return (Vec::new(), Some(error)),
    };
    let mut out = Vec::new();
    loop {
        match reader.next_record() {
            Ok(Some(record)) => out.push((record.event, record.data)),
            Ok(None) => return (out, None),
            Err(error) => return (out, Some(error)),
        }
    }
}

#[test]
fn what_is_written_is_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    write_trace(&trace);
    let reader = TraceReader::open(&trace).unwrap();
    assert_eq!(reader.header(), &header());
    let (read, error) = read_all(&trace);
    assert!(error.is_none(), "{error:?}");
    assert_eq!(read, events());
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&trace).unwrap().permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn the_writer_refuses_an_existing_directory_unless_it_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes"), "kept").unwrap();
    assert!(matches!(
        TraceWriter::create(dir.path(), &header()),
        Err(TraceError::Io { .. })
    ));
    // An empty directory is a name reserved for this trace (see `trace_dir`).
    let reserved = dir.path().join("reserved");
    std::fs::create_dir(&reserved).unwrap();
    assert!(TraceWriter::create(&reserved, &header()).is_ok());
}

#[test]
fn every_truncation_reads_a_prefix_and_says_where_it_ends() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    write_trace(&trace);
    let events_file = trace.join("events");
    let whole = std::fs::read(&events_file).unwrap();
    let all = events();
    for cut in (0..whole.len()).step_by(7) {
        std::fs::write(&events_file, &whole[..cut]).unwrap();
        let (read, error) = read_all(&trace);
        assert_eq!(read[..], all[..read.len()], "cut at {cut}");
        match error {
            None => assert!(cut == 0 || read.len() < all.len()),
            Some(TraceError::Truncated { after_event, .. }) => {
                assert_eq!(after_event, read.len() as u64)
            }
            Some(other) => panic!("cut at {cut}: {other}"),
        }
    }
}

#[test]
fn flipped_bytes_never_yield_wrong_events_or_panics() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    write_trace(&trace);
    let all = events();
    for name in ["events", "data", "header"] {
        let path = trace.join(name);
        let whole = std::fs::read(&path).unwrap();
        for position in (0..whole.len()).step_by(whole.len() / 40 + 1) {
            let mut damaged = whole.clone();
            damaged[position] ^= 0x04;
            std::fs::write(&path, &damaged).unwrap();
            let (read, error) = read_all(&trace);
            assert_eq!(read[..], all[..read.len()], "{name} flipped at {position}");
            if let Some(error) = error {
                let message = error.to_string();
                assert!(!message.contains('\n'), "one-line message: {message}");
            }
        }
        std::fs::write(&path, &whole).unwrap();
    }
}

#[test]
fn other_versions_and_arches_are_refused_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace");
    write_trace(&trace);
    std::fs::write(trace.join("version"), "retrace trace format 7\n").unwrap();
    let error = TraceReader::open(&trace).err().unwrap();
    assert!(
        matches!(&error, TraceError::WrongVersion { found, .. } if found == "7"),
        "{error}"
    );

    let other = dir.path().join("other");
    let mut foreign = header();
    foreign.arch = "aarch64".into();
    TraceWriter::create(&other, &foreign)
        .unwrap()
        .finish()
        .unwrap();
    let error = TraceReader::open(&other).err().unwrap();
    assert!(error.to_string().contains("recorded on aarch64"), "{error}");

    let error = TraceReader::open(dir.path()).err().unwrap();
    assert!(error.to_string().contains("not a retrace trace"), "{error}");
}
