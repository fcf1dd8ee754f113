//! Default trace directories through the `recorder` binary: recordings started at the same moment
//! each get their own directory, the recorder says where, and `latest` points at one of them.

use std::collections::HashSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};

#[test]
fn concurrent_recordings_get_distinct_directories_and_say_where() {
    let base = tempfile::tempdir().unwrap();
    let recorders: Vec<_> = (0..6)
        .map(|_| {
            Command::new(env!("CARGO_BIN_EXE_recorder"))
                .args(["record", "--", "/bin/true"])
                .env("RETRACE_TRACE_DIR", base.path())
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut dirs = HashSet::new();
    for recorder in recorders {
        let output = recorder.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "recorder failed: {stderr}");
        let dir = stderr
            .lines()
            .find_map(|line| line.strip_prefix("recorder: trace written to "))
            .unwrap_or_else(|| panic!("the recorder did not say where the trace is: {stderr}"));
        let dir = PathBuf::from(dir);
        assert!(
            dir.join("version").is_file(),
            "{} is no trace",
            dir.display()
        );
        assert!(
            dirs.insert(dir),
            "two recordings reported the same directory"
        );
    }
    assert_eq!(dirs.len(), 6);
    let latest = std::fs::canonicalize(base.path().join("latest")).unwrap();
    let canonical: HashSet<_> = dirs
        .iter()
        .map(|dir| std::fs::canonicalize(dir).unwrap())
        .collect();
    assert!(
        canonical.contains(&latest),
        "latest points elsewhere: {latest:?}"
    );
    let leftovers: Vec<_> = std::fs::read_dir(base.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .filter(|name| name.to_string_lossy().starts_with(".latest"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staged links left behind: {leftovers:?}"
    );
}

#[test]
fn a_program_that_cannot_start_leaves_no_directory_behind() {
    let base = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_recorder"))
        .args(["record", "--", "/nonexistent/program"])
        .env("RETRACE_TRACE_DIR", base.path())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(125));
    let entries: Vec<_> = std::fs::read_dir(base.path()).unwrap().collect();
    assert!(entries.is_empty(), "left behind: {entries:?}");
}
