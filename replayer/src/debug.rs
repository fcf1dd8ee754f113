//! `replayer replay [-s PORT] [-p PID] [TRACE]`: the replay under a debugger.

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use replayer::gdb::{self, server, Debugger, Ended};
use replayer::timeline::ReplayTimeline;

/// Environment variable bounding how many instructions a reverse step may single-step through.
const STEP_LIMIT_VARIABLE: &str = "RETRACE_REVERSE_STEP_LIMIT";

/// Opens `trace` for debugging process `pid` and serves gdb: on 127.0.0.1:`port` if given, otherwise
/// on a free port with gdb launched and connected.
pub fn debug(trace: &Path, port: Option<u16>, pid: Option<i32>) -> anyhow::Result<ExitCode> {
    let mut timeline = ReplayTimeline::open(trace, pid)
        .with_context(|| format!("cannot replay {}", trace.display()))?;
    if let Ok(limit) = std::env::var(STEP_LIMIT_VARIABLE) {
        let limit = limit
            .parse()
            .with_context(|| format!("{STEP_LIMIT_VARIABLE} must be a number of instructions"))?;
        timeline.set_step_limit(limit);
    }
    let executable = PathBuf::from(
        String::from_utf8_lossy(
            &recorder::trace::TraceReader::open(trace)?
                .header()
                .executable,
        )
        .into_owned(),
    );
    let listener = server::listen(port.unwrap_or(0))
        .with_context(|| format!("cannot listen on 127.0.0.1:{}", port.unwrap_or(0)))?;
    let bound = listener.local_addr()?.port();
    if port.is_some() {
        eprintln!(
            "replayer: debugging process {} of {}; waiting for gdb on 127.0.0.1:{bound}\n  gdb -ex 'target remote 127.0.0.1:{bound}' {}",
            timeline.pid(),
            trace.display(),
            executable.display()
        );
    } else {
        let mut gdb = server::launch_gdb(bound, &executable)
            .context("cannot start gdb (is it installed?); use 'replayer replay -s PORT' to connect one yourself")?;
        // When gdb ends, so does the replay (the tracees die with their tracer).
        std::thread::spawn(move || {
            let code = match gdb.wait() {
                Ok(status) => match (status.code(), status.signal()) {
                    (Some(code), _) => code,
                    (None, Some(signal)) => {
                        eprintln!("replayer: gdb was killed by signal {signal}; replay abandoned");
                        128 + signal
                    }
                    (None, None) => 1,
                },
                Err(error) => {
                    eprintln!("replayer: lost track of gdb ({error}); replay abandoned");
                    1
                }
            };
            std::process::exit(code);
        });
    }
    let stream = server::accept_one(listener).context("no debugger connected")?;
    let mut debugger = Debugger::new(timeline);
    match gdb::serve(&mut debugger, stream)? {
        Ended::ConnectionLost(reason) => {
            eprintln!("replayer: the debugger connection was lost ({reason}); replay abandoned");
            Ok(ExitCode::SUCCESS)
        }
        Ended::Disconnected | Ended::Killed | Ended::Exited(_) => Ok(ExitCode::SUCCESS),
    }
}
