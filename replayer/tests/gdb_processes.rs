//! A process-tree recording: `-p PID` picks the process gdb debugs, forward and backward.

mod gdb_support;

use gdb_support::{debug, normalize, record_program};

/// The recorded id of the first child of the first process, from `replayer ps`.
fn child_pid(trace: &std::path::Path) -> i32 {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_replayer"))
        .arg("ps")
        .arg(trace)
        .output()
        .unwrap();
    assert!(output.status.success());
    let table = String::from_utf8(output.stdout).unwrap();
    let rows: Vec<Vec<&str>> = table
        .lines()
        .skip(1)
        .map(|line| line.split_whitespace().collect())
        .collect();
    let root = rows[0][0];
    rows.iter()
        .find(|row| row[1] == root)
        .unwrap_or_else(|| panic!("no child in:\n{table}"))[0]
        .parse()
        .unwrap()
}

#[test]
fn debugs_the_child_picked_with_p() {
    let recorded = record_program("tree");
    let child = child_pid(&recorded.trace);
    let transcript = debug(
        &recorded,
        Some(child),
        &[
            "break work",
            "continue",
            "print step",
            "continue",
            "continue",
            "print step",
            "print total",
            "reverse-continue",
            "print step",
            "print total",
            "continue",
            "continue",
        ],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn the_parent_is_debugged_by_default() {
    let recorded = record_program("tree");
    let transcript = debug(
        &recorded,
        None,
        &["break work", "continue", "print step", "print total"],
    );
    insta::assert_snapshot!(normalize(&transcript));
}

#[test]
fn an_unknown_process_is_refused() {
    let recorded = record_program("tree");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_replayer"))
        .args(["replay", "-s", "0", "-p", "999999"])
        .arg(&recorded.trace)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("process 999999 does not appear in this recording"),
        "{stderr}"
    );
}
