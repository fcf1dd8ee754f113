//! The JIT's command-line options, as luajit.c reads them: `-O...` items and lists, `-j` commands
//! in command-line order, `-jdump`/`-jv` destinations, and clear errors (status 1, no panic)
//! for anything malformed.

use std::path::PathBuf;
use std::process::{Command, Output};

fn runtime(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runtime"))
        .args(args)
        .output()
        .expect("runs the runtime binary")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A path in the temporary directory, unique to this test process.
fn temp_path(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("cli_jit_{}_{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}

const STATUS: &str = "print(jit.status())";
const ALL_FLAGS: &str = "fold\tcse\tdce\tfwd\tdse\tnarrow\tloop\tabc\tsink\tfuse";

#[test]
fn optimization_levels_flags_and_lists() {
    let o = runtime(&["-e", STATUS]);
    assert_eq!(stdout(&o), format!("true\t{ALL_FLAGS}\n"));
    assert_eq!(stdout(&runtime(&["-O0", "-e", STATUS])), "true\n");
    assert_eq!(
        stdout(&runtime(&["-O1", "-e", STATUS])),
        "true\tfold\tcse\tdce\n"
    );
    // `-O` alone restores the default level; options apply in command-line order.
    let o = runtime(&["-O0", "-e", STATUS, "-O", "-e", STATUS]);
    assert_eq!(stdout(&o), format!("true\ntrue\t{ALL_FLAGS}\n"));
    let o = runtime(&["-Ohotloop=1,hotexit=1,-fold,nocse", "-O+fma", "-e", STATUS]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "true\tdce\tfwd\tdse\tnarrow\tloop\tabc\tsink\tfuse\tfma\n"
    );
}

#[test]
fn malformed_optimizations_are_refused_before_running() {
    for bad in [
        "-Ofoo",
        "-Ofold,,cse",
        "-Ofold,",
        "-Ohotloop=1x",
        "-O12",
        "-Ohotloop=9999999999",
    ] {
        let o = runtime(&["-e", "print('ran')", bad]);
        assert_eq!(o.status.code(), Some(1), "{bad}");
        assert_eq!(stdout(&o), "", "{bad}: nothing runs");
        let err = stderr(&o);
        assert!(
            err.starts_with(&format!("runtime: invalid option '{bad}'")),
            "{err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let err = stderr(&runtime(&["-Ofoo"]));
    assert!(
        err.contains("unknown or malformed optimization flag 'foo'"),
        "{err}"
    );
}

#[test]
fn jit_commands_in_order() {
    let o = runtime(&[
        "-e",
        "print((jit.status()))",
        "-j",
        "off",
        "-e",
        "print((jit.status()))",
    ]);
    assert_eq!(stdout(&o), "true\nfalse\n");
    let o = runtime(&["-joff", "-jon", "-jflush", "-e", "print((jit.status()))"]);
    assert_eq!(stdout(&o), "true\n");
    let o = runtime(&["-j", "off=", "-e", "print((jit.status()))"]);
    assert_eq!(stdout(&o), "false\n");
}

#[test]
fn bad_jit_commands_fail_clearly() {
    let cases: [(&[&str], &str); 4] = [
        (&["-j", "foo"], "unknown JIT command '-j foo'"),
        (&["-jdumpx"], "unknown JIT command '-j dumpx'"),
        (&["-j", "on=x"], "takes no argument"),
        (&["-j"], "'-j' needs an argument"),
    ];
    for (args, message) in cases {
        let o = runtime(args);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert!(stderr(&o).contains(message), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn dump_and_verbose_go_to_files() {
    let program = "local s = 0 for i = 1, 100 do s = s + i end print(s)";
    let dump = temp_path("dump.txt");
    let verbose = temp_path("v.txt");
    let dump_arg = format!("-jdump={}", dump.display());
    let verbose_arg = format!("-jv={}", verbose.display());
    let o = runtime(&[&dump_arg, &verbose_arg, "-Ohotloop=1", "-e", program]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "5050\n");
    assert_eq!(stderr(&o), "");
    assert!(dump.exists() && verbose.exists());
    // LuaJIT's `dump=opts,file`: the option letters come first.
    let lettered = temp_path("lettered.txt");
    let arg = format!("dump=tbim,{}", lettered.display());
    let o = runtime(&["-j", &arg, "-e", program]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o), "5050\n");
    assert!(lettered.exists());
    for p in [dump, verbose, lettered] {
        let _ = std::fs::remove_file(p);
    }
}

#[test]
fn unwritable_log_files_fail_clearly() {
    for option in ["-jdump=/nonexistent-dir/x", "-jv=/nonexistent-dir/x"] {
        let o = runtime(&["-e", "print(1)", option, "-e", "print(2)"]);
        assert_eq!(o.status.code(), Some(1), "{option}");
        // Like luajit, commands before the failing one have run.
        assert_eq!(stdout(&o), "1\n");
        let err = stderr(&o);
        assert!(err.contains("cannot open '/nonexistent-dir/x'"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn stats_is_accepted() {
    for args in [
        &["-jstats", "-e", "print(1)"][..],
        &["-j", "stats", "-e", "print(1)"],
    ] {
        let o = runtime(args);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(stdout(&o), "1\n");
    }
}

#[test]
fn rerun_line_keeps_jit_options() {
    let o = runtime(&[
        "-Ohotloop=1,-fold",
        "-j",
        "off",
        "-jstats",
        "-e",
        "error('boom')",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    let rerun = err
        .lines()
        .find(|l| l.starts_with("rerun: "))
        .expect("a rerun line");
    assert!(
        rerun.ends_with(" -Ohotloop=1,-fold -j off -jstats -e 'error('\\''boom'\\'')'"),
        "{rerun}"
    );
}
