//! `replayer replay -a [TRACE]`, `replayer replay [-s PORT] [-p PID] [TRACE]` (the gdb server),
//! `replayer dump [TRACE]`, `replayer ps [TRACE]`.
//!
//! Exit status of `replay -a`: the recorded program's; 2 for an unreadable, truncated or incomplete
//! trace; 3 for a divergence.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;

use recorder::trace::TraceReader;
use recorder::trace_dir;
use replayer::{dump, ps, ReplayError, ReplayOptions, ReplaySession};

mod debug;

const USAGE: &str =
    "usage: replayer replay -a [TRACE]   replay to the end, printing the recorded output again
       replayer replay [-s PORT] [-p PID] [TRACE]
                                    debug the replay with gdb (launched and connected; with -s, serve
                                    the GDB protocol on 127.0.0.1:PORT and wait for gdb); -p picks the
                                    recorded process to debug (default: the first)
       replayer dump [TRACE]        list the recorded events
       replayer ps [TRACE]          list the recorded processes
TRACE defaults to the latest recording ($RETRACE_TRACE_DIR or ~/.local/share/retrace, 'latest').
Exit status of replay -a: the recorded one; 2 for a bad trace; 3 if replay diverged.";

const BAD_TRACE: u8 = 2;
const DIVERGED: u8 = 3;

fn fail(message: impl std::fmt::Display, code: u8) -> ExitCode {
    eprintln!("replayer: {message}");
    ExitCode::from(code)
}

fn main() -> ExitCode {
    // Arguments as the system gives them: a trace path need not be UTF-8.
    let args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let Some(command) = args
        .first()
        .map(|command| command.to_string_lossy().into_owned())
    else {
        return fail(format!("missing command\n{USAGE}"), BAD_TRACE);
    };
    if command == "-h" || command == "--help" {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    let mut autopilot = false;
    let mut trace = None;
    let mut port = None;
    let mut pid = None;
    let mut rest = args[1..].iter();
    while let Some(raw) = rest.next() {
        let arg = raw.to_string_lossy();
        match arg.as_ref() {
            "-a" | "--autopilot" if command == "replay" => autopilot = true,
            flag @ ("-s" | "-p") if command == "replay" => {
                let value = rest
                    .next()
                    .and_then(|value| value.to_str())
                    .and_then(|value| value.parse::<u32>().ok());
                match (flag, value) {
                    ("-s", Some(value)) if value <= u32::from(u16::MAX) => {
                        port = Some(value as u16)
                    }
                    ("-p", Some(value)) if value <= i32::MAX as u32 => pid = Some(value as i32),
                    _ => {
                        return fail(
                            format!("{flag} needs a number (-s PORT, -p PID)\n{USAGE}"),
                            BAD_TRACE,
                        )
                    }
                }
            }
            flag if flag.starts_with('-') => {
                return fail(format!("unknown option '{flag}'\n{USAGE}"), BAD_TRACE)
            }
            _ if trace.is_none() => trace = Some(PathBuf::from(raw)),
            extra => return fail(format!("unexpected argument '{extra}'\n{USAGE}"), BAD_TRACE),
        }
    }
    let trace = trace.unwrap_or_else(trace_dir::latest);
    match command.as_str() {
        "replay" if autopilot => replay(&trace),
        "replay" => match debug::debug(&trace, port, pid) {
            Ok(code) => code,
            Err(error) => fail(format!("{error:#}"), BAD_TRACE),
        },
        "dump" => match TraceReader::open(&trace) {
            Ok(mut reader) => match dump::dump(&mut reader, &mut std::io::stdout().lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(error) => fail(error, BAD_TRACE),
            },
            Err(error) => fail(error, BAD_TRACE),
        },
        "ps" => match TraceReader::open(&trace).and_then(|mut reader| ps::processes(&mut reader)) {
            Ok(entries) => {
                print!("{}", ps::table(&entries));
                ExitCode::SUCCESS
            }
            Err(error) => fail(error, BAD_TRACE),
        },
        other => fail(format!("unknown command '{other}'\n{USAGE}"), BAD_TRACE),
    }
}

fn replay(trace: &std::path::Path) -> ExitCode {
    let mut session = match ReplaySession::start(trace, ReplayOptions { echo_output: true }) {
        Ok(session) => session,
        Err(error) => return fail(error, BAD_TRACE),
    };
    match session.run_to_end() {
        Ok(status) => ExitCode::from(u8::try_from(status.shell_code() & 0xff).unwrap_or(BAD_TRACE)),
        Err(error @ ReplayError::Divergence(_)) => fail(error, DIVERGED),
        Err(error) if error.is_bad_trace() => fail(error, BAD_TRACE),
        Err(error) => fail(
            format!("replay failed at event {}: {error}", session.event_number()),
            DIVERGED,
        ),
    }
}
