//! `replayer replay -a` checks every write to its stdout/stderr against the recording's checksum: a
//! replay that would print something else stops before printing it, says so and exits 3.

use std::process::{Command, Stdio};

use recorder::record::{record, RecordOptions};

/// Prints, through a shared mapping, bytes it changed with `pwrite` after mapping the file: the
/// recording sees the change, replay (which maps the file as it was at `mmap` and only emulates the
/// `pwrite`) does not. Shared file mappings are a documented limit; this one must not pass silently.
const STALE_MAPPING: &str = r#"
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, "before\n", 7) != 7) return 1;
    char *map = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED || pwrite(fd, "after!\n", 7, 0) != 7) return 2;
    write(1, "same\n", 5);
    write(1, map, 7);
    return 0;
}
"#;

#[test]
fn a_replay_whose_output_would_differ_says_so_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("stale.c");
    std::fs::write(&source, STALE_MAPPING).unwrap();
    let program = dir.path().join("stale");
    let status = Command::new("gcc")
        .arg("-o")
        .arg(&program)
        .arg(&source)
        .status()
        .expect("gcc is needed for this test");
    assert!(status.success());
    let trace = dir.path().join("trace");
    let recording = record(&RecordOptions {
        trace_dir: trace.clone(),
        command: vec![
            program.into_os_string(),
            dir.path().join("data").into_os_string(),
        ],
    })
    .unwrap();
    assert_eq!(recording.status, recorder::trace::ExitStatus::Exited(0));
    let replayed = Command::new(env!("CARGO_BIN_EXE_replayer"))
        .args(["replay", "-a"])
        .arg(&trace)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(replayed.status.code(), Some(3), "{replayed:?}");
    assert_eq!(
        replayed.stdout, b"same\n",
        "output up to the difference is printed, the differing bytes are not"
    );
    let stderr = String::from_utf8_lossy(&replayed.stderr);
    assert!(
        stderr.contains("7 bytes of output with CRC-32") && stderr.contains("different bytes"),
        "{stderr}"
    );
}
