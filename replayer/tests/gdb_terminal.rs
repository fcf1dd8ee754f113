//! `replayer replay TRACE` as a user runs it: in a terminal (a tmux pane), with the gdb the replayer
//! launches itself. gdb must survive its first `rdtsc` (the replaying thread's time-stamp counter
//! mode must not reach it) and take break, continue, reverse-continue and quit from the keyboard.

mod gdb_support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use gdb_support::record_program;

/// A tmux server of its own (socket in a temporary directory), killed when dropped.
struct Terminal {
    socket: PathBuf,
}

impl Terminal {
    fn tmux(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .output()
            .expect("tmux is needed for this test (scripts/setup installs it)")
    }

    /// Starts `command` (a shell command line) in a 160x60 pane.
    fn start(dir: &Path, command: &str) -> Terminal {
        let terminal = Terminal {
            socket: dir.join("tmux.socket"),
        };
        let output = terminal.tmux(&["new-session", "-d", "-x", "160", "-y", "60", command]);
        assert!(output.status.success(), "tmux: {output:?}");
        terminal
    }

    fn type_line(&self, line: &str) {
        let output = self.tmux(&["send-keys", "-t", "0", "-l", line]);
        assert!(output.status.success(), "tmux send-keys: {output:?}");
        self.tmux(&["send-keys", "-t", "0", "Enter"]);
    }

    fn screen(&self) -> String {
        let output = self.tmux(&["capture-pane", "-p", "-t", "0", "-S", "-2000"]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// Waits until the pane shows `text` `times` times; panics with the screen after 30 s.
    fn wait_for(&self, text: &str, times: usize) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if screen.matches(text).count() >= times {
                return screen;
            }
            if start.elapsed() > Duration::from_secs(30) {
                panic!("the terminal never showed {text:?} {times} time(s):\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Terminal {
    fn drop(&mut self) {
        let _ = self.tmux(&["kill-server"]);
    }
}

#[test]
fn launched_gdb_breaks_continues_reverses_and_quits_in_a_terminal() {
    let recorded = record_program("counter");
    // An empty home: no ~/.gdbinit of the machine's user changes what gdb prints.
    let home = recorded.dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let command = format!(
        "cd '{}' && HOME='{}' '{}' replay '{}'; echo replayer-exit=$?; sleep 60",
        recorded.dir.path().display(),
        home.display(),
        env!("CARGO_BIN_EXE_replayer"),
        recorded.trace.display()
    );
    let terminal = Terminal::start(recorded.dir.path(), &command);
    terminal.wait_for("(gdb)", 1);
    terminal.type_line("break bump");
    terminal.wait_for("Breakpoint 1 at", 1);
    terminal.type_line("continue");
    terminal.wait_for("bump (by=1)", 1);
    terminal.type_line("continue");
    terminal.wait_for("bump (by=2)", 1);
    terminal.type_line("reverse-continue");
    terminal.wait_for("bump (by=1)", 2);
    terminal.type_line("print counter");
    terminal.wait_for("$1 = 0", 1);
    terminal.type_line("quit");
    terminal.wait_for("Quit anyway? (y or n)", 1);
    terminal.type_line("y");
    let screen = terminal.wait_for("replayer-exit=", 1);
    assert!(
        screen.contains("replayer-exit=0"),
        "the replayer should end with gdb, successfully:\n{screen}"
    );
    assert!(
        !screen.contains("replayer: "),
        "no complaint expected:\n{screen}"
    );
}
