//! A program rebuilt after its recording: the same bytes under a new inode and time still replay;
//! different bytes are refused by name.

use std::path::Path;
use std::process::{Command, Stdio};

use recorder::record::{record, RecordOptions};

fn replay(trace: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_replayer"))
        .args(["replay", "-a"])
        .arg(trace)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// Writes `bytes` as a new file and renames it over `path`: a new inode and modification time.
fn replace(path: &Path, bytes: &[u8]) {
    let staged = path.with_extension("new");
    std::fs::write(&staged, bytes).unwrap();
    let permissions = std::fs::metadata(path).unwrap().permissions();
    std::fs::set_permissions(&staged, permissions).unwrap();
    std::fs::rename(&staged, path).unwrap();
}

#[test]
fn a_rebuild_with_the_same_bytes_replays_and_a_changed_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let program = dir.path().join("echo-copy");
    std::fs::copy("/bin/echo", &program).unwrap();
    let trace = dir.path().join("trace");
    record(&RecordOptions {
        trace_dir: trace.clone(),
        command: vec![program.clone().into_os_string(), "rebuilt".into()],
    })
    .unwrap();
    let original = std::fs::read(&program).unwrap();
    let inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&program).unwrap());

    replace(&program, &original);
    let new_inode = std::os::unix::fs::MetadataExt::ino(&std::fs::metadata(&program).unwrap());
    assert_ne!(inode, new_inode, "the rebuild must be another file");
    let replayed = replay(&trace);
    assert_eq!(replayed.status.code(), Some(0), "{replayed:?}");
    assert_eq!(replayed.stdout, b"rebuilt\n");

    let mut changed = original.clone();
    let last = changed.len() - 1;
    changed[last] ^= 0xff;
    replace(&program, &changed);
    let replayed = replay(&trace);
    assert_eq!(replayed.status.code(), Some(3), "{replayed:?}");
    let stderr = String::from_utf8_lossy(&replayed.stderr);
    assert!(
        stderr.contains("changed since the recording"),
        "the refusal names the file: {stderr}"
    );
}
