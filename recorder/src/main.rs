//! `recorder record [-o DIR] [--] PROGRAM [ARGS…]`: runs PROGRAM under recording, lets its output through,
//! writes a trace directory and exits with PROGRAM's status (128 + signal if it was killed).
//! The recorder's own failures exit with status 125.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use nix::sys::signal::{sigaction, SaFlags, SigAction, SigHandler, SigSet, Signal};
use recorder::record::{record, RecordError, RecordOptions};
use recorder::trace_dir;

const USAGE: &str = "usage: recorder record [-o DIR] [--] PROGRAM [ARGS...]

Runs PROGRAM, letting its input and output through, and writes everything needed to replay it
to a trace directory: DIR, or $RETRACE_TRACE_DIR/<program>-<n> (default base ~/.local/share/retrace,
with a 'latest' link). Needs ptrace, not hardware performance counters.
Exit status: PROGRAM's (128 + signal if it was killed); 125 if the recorder itself failed.";

const RECORDER_FAILED: u8 = 125;

struct Command {
    output: Option<PathBuf>,
    program: Vec<OsString>,
}

fn parse(args: Vec<OsString>) -> anyhow::Result<Option<Command>> {
    let mut args = args.into_iter();
    match args.next() {
        Some(sub) if sub == "record" => {}
        Some(flag) if flag == "-h" || flag == "--help" => return Ok(None),
        Some(other) => bail!(
            "unknown command '{}' (the only command is 'record')\n{USAGE}",
            other.to_string_lossy()
        ),
        None => bail!("missing command\n{USAGE}"),
    }
    let mut output = None;
    let mut program = Vec::new();
    while let Some(arg) = args.next() {
        if arg == "--" {
            program.extend(args.by_ref());
        } else if arg == "-o" || arg == "--output" {
            output = Some(PathBuf::from(args.next().context("-o needs a directory")?));
        } else if arg == "-h" || arg == "--help" {
            return Ok(None);
        } else if arg.to_string_lossy().starts_with('-') && program.is_empty() {
            bail!("unknown option '{}'\n{USAGE}", arg.to_string_lossy());
        } else {
            program.push(arg);
            program.extend(args.by_ref());
        }
    }
    if program.is_empty() {
        bail!("no program to record\n{USAGE}");
    }
    Ok(Some(Command { output, program }))
}

fn run() -> anyhow::Result<u8> {
    let Some(command) = parse(std::env::args_os().skip(1).collect())? else {
        println!("{USAGE}");
        return Ok(0);
    };
    let (trace_dir, is_default) = match &command.output {
        Some(dir) => {
            if std::fs::symlink_metadata(dir).is_ok() {
                bail!(
                    "{} already exists; choose a new trace directory",
                    dir.display()
                );
            }
            (dir.clone(), false)
        }
        None => {
            let name = command.program[0].to_string_lossy().into_owned();
            let dir = trace_dir::create_fresh_trace_dir(&name).with_context(|| {
                format!(
                    "cannot create a trace directory in {} (set RETRACE_TRACE_DIR or use -o DIR)",
                    trace_dir::base_dir().display()
                )
            })?;
            (dir, true)
        }
    };
    let options = RecordOptions {
        trace_dir: trace_dir.clone(),
        command: command.program,
    };
    match record(&options) {
        Ok(recording) => {
            if is_default {
                let _ = trace_dir::set_latest(&trace_dir);
                // The user did not name the directory: say where it is.
                eprintln!("recorder: trace written to {}", trace_dir.display());
            }
            Ok(u8::try_from(recording.status.shell_code() & 0xff).unwrap_or(RECORDER_FAILED))
        }
        Err(RecordError::Unsupported(reason)) => {
            if is_default {
                let _ = trace_dir::set_latest(&trace_dir);
            }
            bail!("{reason} (the partial trace is in {})", trace_dir.display())
        }
        Err(error @ RecordError::Start(_)) => {
            if is_default {
                // Nothing was recorded: give the reserved name back.
                let _ = std::fs::remove_dir(&trace_dir);
            }
            Err(error.into())
        }
        Err(error) => Err(error).context(format!("recording into {} failed", trace_dir.display())),
    }
}

/// Keeps the recorder alive through the terminal's Ctrl-C (SIGINT) and Ctrl-\ (SIGQUIT), which reach
/// the recorded program too: the program decides what they do, and the trace ends properly either
/// way. A handler (not SIG_IGN) is used because exec resets handlers, so the program gets the default.
fn survive_terminal_signals() {
    extern "C" fn ignore(_: libc::c_int) {}
    let action = SigAction::new(
        SigHandler::Handler(ignore),
        SaFlags::SA_RESTART,
        SigSet::empty(),
    );
    for signal in [Signal::SIGINT, Signal::SIGQUIT] {
        // SAFETY: the handler does nothing, so it is async-signal-safe.
        let _ = unsafe { sigaction(signal, &action) };
    }
}

fn main() -> ExitCode {
    survive_terminal_signals();
    match run() {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            eprintln!("recorder: {error:#}");
            ExitCode::from(RECORDER_FAILED)
        }
    }
}
