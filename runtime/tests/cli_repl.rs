//! The interactive loop: `runtime -i` and `runtime` alone on a terminal, as `lua5.1`/`luajit`
//! run theirs (prompts, continuation lines, `=expr`, errors that do not end the loop), and
//! `-h`/`--help`.

use std::io::{Read, Write};
use std::process::{Command, Stdio};

mod common;

const SESSION: &str =
    "x = 1\n=x+1\nfor i=1,2 do\nprint(i)\nend\nerror(\"boom\")\n= 1, nil, \"s\"\n\
local t = \n\n{}\nprint(t)\nfunction f(\n)) end\nreturn 5\nprint(io.read())\nthis line is read\n\
_PROMPT=\"lua> \"\nprint(select(\"#\", nil, nil))\n";

fn banner() -> String {
    format!(
        "Retrace runtime {} -- Lua 5.1 (LuaJIT 2.1 dialect), seed ",
        env!("CARGO_PKG_VERSION")
    )
}

#[test]
fn interactive_flag_reads_chunks_from_stdin_like_luajit() {
    let out = common::run_with_input(&["--seed", "3", "-i"], SESSION.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    // What `luajit -i` prints for the same input, after its banner.
    let expected = format!(
        "{}3\n> > 2\n> >> >> 1\n2\n> > 1\tnil\ts\n> >> >> > nil\n> >> > 5\n> this line is read\n> lua> 2\nlua> \n",
        banner()
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("stdin:1: boom\nstack traceback:\n\t[C]: in function 'error'\n"),
        "{stderr}"
    );
    assert!(
        stderr.ends_with("stdin:2: unexpected symbol near ')'\n"),
        "{stderr}"
    );
}

#[test]
fn a_terminal_without_a_script_gets_the_interactive_loop() {
    let pty = nix::pty::openpty(None, None).expect("a pseudo-terminal");
    let mut child = Command::new(env!("CARGO_BIN_EXE_runtime"))
        .args(["--seed", "5"])
        .stdin(Stdio::from(pty.slave))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("runtime starts");
    let mut terminal = std::fs::File::from(pty.master);
    // Ctrl-D at the start of a line is the end of input in the terminal's canonical mode.
    terminal.write_all(b"x = 20\n=x+1\n\x04").expect("type");
    let status = common::wait_ending(&mut child, "the interactive loop did not end at Ctrl-D");
    let mut stdout = String::new();
    child
        .stdout
        .take()
        .expect("piped")
        .read_to_string(&mut stdout)
        .expect("read");
    assert!(status.success(), "{status:?}");
    assert_eq!(stdout, format!("{}5\n> > 21\n> \n", banner()));
}

#[test]
fn help_prints_the_usage_and_succeeds() {
    for flag in ["-h", "--help"] {
        let out = Command::new(env!("CARGO_BIN_EXE_runtime"))
            .arg(flag)
            .output()
            .expect("runtime starts");
        assert_eq!(out.status.code(), Some(0));
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.starts_with("usage: runtime [options] [script [args]]"),
            "{text}"
        );
        assert!(text.contains("-i  "), "{text}");
    }
}

#[test]
fn debug_debug_runs_lines_until_cont_like_luajit() {
    let out = common::run_with_input(
        &["-e", "debug.debug() print('back', x) print(io.read())"],
        b"print(1+1)\nerror('x')\nx = 5\nprint(1\ncont\nprint('after')\n",
    );
    assert_eq!(out.status.code(), Some(0));
    // What luajit prints for the same input.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "2\nback\t5\nprint('after')\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "lua_debug> lua_debug> (debug command):1: x\nlua_debug> lua_debug> \
         (debug command):1: ')' expected near '<eof>'\nlua_debug> "
    );
}
