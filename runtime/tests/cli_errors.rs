//! How the `runtime` command reports what goes wrong, compared with LuaJIT: the `rerun:` line
//! only for errors raised while the script runs, a closed standard input, and the longest string.

use std::process::{Command, Output, Stdio};

fn runtime(args: &[&str], stdin: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runtime"))
        .args(args)
        .stdin(stdin)
        .output()
        .expect("runtime starts")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn rerun_line_only_for_errors_raised_while_running() {
    let dir = tempfile::tempdir().expect("temp dir");
    let syntax = dir.path().join("syntax.lua");
    std::fs::write(&syntax, "x =\n").expect("write");
    let missing = dir.path().join("missing.lua");
    for script in [&syntax, &missing] {
        let out = runtime(&[script.to_str().expect("utf-8")], Stdio::null());
        assert_eq!(out.status.code(), Some(1));
        let text = stderr(&out);
        assert!(text.starts_with("runtime: "), "{text}");
        assert!(!text.contains("rerun:"), "{text}");
    }
    let out = runtime(&["-e", "error('boom')"], Stdio::null());
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("\nrerun: runtime --deterministic --seed "));
}

#[test]
fn a_closed_stdin_is_a_bad_descriptor_and_dev_null_is_empty() {
    let script = "print(io.read())";
    // `Stdio::null()` is `< /dev/null`: empty input.
    let out = runtime(&["-e", script], Stdio::null());
    assert_eq!(String::from_utf8_lossy(&out.stdout), "nil\n");
    // A read-write `/dev/null` from the parent (Python's `subprocess.DEVNULL`) is empty too.
    let dev_null = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/null")
        .expect("/dev/null");
    let out = runtime(&["-e", script], Stdio::from(dev_null));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "nil\n");
    // Started with descriptor 0 closed (`<&-`), as LuaJIT: nil, message, errno.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("exec \"$0\" -e '{script}' <&-"))
        .arg(env!("CARGO_BIN_EXE_runtime"))
        .output()
        .expect("sh starts");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "nil\tBad file descriptor\t9\n",
        "{}",
        stderr(&out)
    );
}

#[test]
fn concatenation_past_the_longest_string_is_an_overflow_error() {
    let dir = tempfile::tempdir().expect("temp dir");
    let script = dir.path().join("long.lua");
    std::fs::write(
        &script,
        "local s = string.rep('x', 2^27)\n\
         print(pcall(function() return s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s..s end))\n\
         local t = {} for i = 1, 17 do t[i] = s end\n\
         print(pcall(table.concat, t))\n",
    )
    .expect("write");
    let out = runtime(&[script.to_str().expect("utf-8")], Stdio::null());
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}{}", stderr(&out));
    assert!(
        lines[0].starts_with("false\t") && lines[0].ends_with("long.lua:2: string length overflow"),
        "{text}"
    );
    assert_eq!(lines[1], "false\tnot enough memory");
}
