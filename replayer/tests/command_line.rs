//! The `replayer` command line with paths that are not UTF-8: Linux paths are bytes, and a trace
//! directory may be named with any of them.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::process::{Command, Stdio};

use recorder::record::{record, RecordOptions};

fn replayer(args: &[&str], trace: &std::path::Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_replayer"))
        .args(args)
        .arg(trace)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn a_trace_path_that_is_not_utf8_replays_dumps_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir
        .path()
        .join(OsString::from_vec(b"trace-\xff\xfe".to_vec()));
    record(&RecordOptions {
        trace_dir: trace.clone(),
        command: vec!["/bin/echo".into(), "hello".into()],
    })
    .unwrap();
    let replayed = replayer(&["replay", "-a"], &trace);
    assert_eq!(replayed.status.code(), Some(0), "{replayed:?}");
    assert_eq!(replayed.stdout, b"hello\n");
    let dump = replayer(&["dump"], &trace);
    assert!(dump.status.success(), "{dump:?}");
    assert!(String::from_utf8_lossy(&dump.stdout).contains("command: /bin/echo hello"));
    let ps = replayer(&["ps"], &trace);
    assert!(ps.status.success(), "{ps:?}");
}

#[test]
fn a_missing_trace_path_that_is_not_utf8_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir
        .path()
        .join(OsString::from_vec(b"missing-\xff".to_vec()));
    let replayed = replayer(&["replay", "-a"], &trace);
    assert_eq!(replayed.status.code(), Some(2), "{replayed:?}");
    let stderr = String::from_utf8_lossy(&replayed.stderr);
    assert!(stderr.starts_with("replayer: "), "{stderr}");
    assert!(stderr.contains("no such trace directory"), "{stderr}");
}
