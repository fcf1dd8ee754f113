//! The GDB remote protocol on top of a [`ReplayTimeline`], built on `gdbstub` in the shape of its
//! `armv4t` example: [`Debugger`] is the target, one file per protocol extension (`base.rs`: registers,
//! memory, resume and single step; `breakpoints.rs`; `reverse_exec.rs`; `monitor.rs`), and the event
//! loop here runs the requested motion and turns timeline stops into stop replies.
//!
//! The replay engine and the timeline know nothing of GDB; this module must never reach around them
//! into ptrace.
#![forbid(unsafe_code)]

mod arch;
mod auxv;
mod base;
mod breakpoints;
mod monitor;
mod reverse_exec;
pub mod server;

use std::net::TcpStream;

use gdbstub::common::Signal;
use gdbstub::conn::ConnectionExt;
use gdbstub::stub::{run_blocking, DisconnectReason, GdbStub, SingleThreadStopReason};
use gdbstub::target::ext::base::reverse_exec::ReplayLogPosition;
use gdbstub::target::ext::breakpoints::WatchKind;
use gdbstub::target::Target;
use recorder::trace::ExitStatus;

use crate::timeline::{ReplayTimeline, Stop, TimelineError};
use crate::trap::Access;

/// What the debugger asked the target to do when it resumes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Motion {
    Continue,
    Step,
    ReverseContinue,
    ReverseStep,
}

/// The gdbstub target: a timeline and the motion requested by the last resume packet.
pub struct Debugger {
    timeline: ReplayTimeline,
    motion: Motion,
    /// The debugged process's auxiliary vector as of the last stop.
    auxv: Option<Vec<u8>>,
}

impl Debugger {
    /// A debugger over `timeline`.
    pub fn new(mut timeline: ReplayTimeline) -> Self {
        let auxv = timeline.auxv().ok();
        Debugger {
            timeline,
            motion: Motion::Continue,
            auxv,
        }
    }

    /// The timeline being debugged.
    pub fn timeline(&mut self) -> &mut ReplayTimeline {
        &mut self.timeline
    }

    /// Performs the requested motion; `None` if `interrupted` stopped it before it ended.
    fn run(&mut self, interrupted: impl FnMut() -> bool) -> Result<Stop, TimelineError> {
        let outcome = match self.motion {
            Motion::Continue => self.timeline.resume(interrupted),
            Motion::Step => self.timeline.step(),
            Motion::ReverseContinue => self.timeline.reverse_resume(interrupted),
            Motion::ReverseStep => self.timeline.reverse_step(),
        };
        self.auxv = self.timeline.auxv().ok();
        match outcome {
            // A reverse step that would take too long stops where it is, with the reason on stderr.
            Err(error @ TimelineError::TooFar { .. }) => {
                eprintln!("replayer: {error}");
                Ok(Stop::Start)
            }
            Ok(Stop::DivertedSystemCall(number)) => {
                eprintln!(
                    "replayer: the program, changed from gdb (call, set var, set $reg), reached system \
                     call {}, which it cannot make off its recording; reverse-stepi, reverse-continue \
                     or 'monitor goto EVENT' return to the recording",
                    recorder::syscalls::name(number)
                );
                Ok(Stop::DivertedSystemCall(number))
            }
            other => other,
        }
    }
}

impl Target for Debugger {
    type Arch = arch::X86_64Linux;
    type Error = TimelineError;

    #[inline(always)]
    fn base_ops(&mut self) -> gdbstub::target::ext::base::BaseOps<'_, Self::Arch, Self::Error> {
        gdbstub::target::ext::base::BaseOps::SingleThread(self)
    }

    #[inline(always)]
    fn support_breakpoints(
        &mut self,
    ) -> Option<gdbstub::target::ext::breakpoints::BreakpointsOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_auxv(&mut self) -> Option<gdbstub::target::ext::auxv::AuxvOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_monitor_cmd(
        &mut self,
    ) -> Option<gdbstub::target::ext::monitor_cmd::MonitorCmdOps<'_, Self>> {
        Some(self)
    }
}

/// GDB's number for Linux signal `signal` (the remote protocol has its own numbering).
fn gdb_signal(signal: i32) -> Signal {
    const BY_LINUX_NUMBER: [Signal; 32] = [
        Signal::SIGZERO,
        Signal::SIGHUP,
        Signal::SIGINT,
        Signal::SIGQUIT,
        Signal::SIGILL,
        Signal::SIGTRAP,
        Signal::SIGABRT,
        Signal::SIGBUS,
        Signal::SIGFPE,
        Signal::SIGKILL,
        Signal::SIGUSR1,
        Signal::SIGSEGV,
        Signal::SIGUSR2,
        Signal::SIGPIPE,
        Signal::SIGALRM,
        Signal::SIGTERM,
        Signal::UNKNOWN, // SIGSTKFLT has no GDB number
        Signal::SIGCHLD,
        Signal::SIGCONT,
        Signal::SIGSTOP,
        Signal::SIGTSTP,
        Signal::SIGTTIN,
        Signal::SIGTTOU,
        Signal::SIGURG,
        Signal::SIGXCPU,
        Signal::SIGXFSZ,
        Signal::SIGVTALRM,
        Signal::SIGPROF,
        Signal::SIGWINCH,
        Signal::SIGIO,
        Signal::SIGPWR,
        Signal::SIGSYS,
    ];
    match usize::try_from(signal) {
        Ok(index) if index < BY_LINUX_NUMBER.len() => BY_LINUX_NUMBER[index],
        // Real-time signals 34..=63 are GDB's REALTIME_34 (46) onward.
        Ok(index) if (34..=63).contains(&index) => Signal(index as u8 + 12),
        _ => Signal::UNKNOWN,
    }
}

/// The stop reply for `stop`.
fn stop_reason(stop: Stop) -> SingleThreadStopReason<u64> {
    match stop {
        Stop::Breakpoint(_) => SingleThreadStopReason::SwBreak(()),
        Stop::Watch(watch) if watch.access == Access::Execute => {
            SingleThreadStopReason::HwBreak(())
        }
        Stop::Watch(watch) => SingleThreadStopReason::Watch {
            tid: (),
            kind: match watch.access {
                Access::Write => WatchKind::Write,
                Access::Read => WatchKind::Read,
                Access::ReadWrite | Access::Execute => WatchKind::ReadWrite,
            },
            addr: watch.address,
        },
        Stop::Step => SingleThreadStopReason::DoneStep,
        Stop::Signal(signal) => SingleThreadStopReason::Signal(gdb_signal(signal)),
        Stop::End => SingleThreadStopReason::ReplayLog {
            tid: None,
            pos: ReplayLogPosition::End,
        },
        Stop::Start => SingleThreadStopReason::ReplayLog {
            tid: None,
            pos: ReplayLogPosition::Begin,
        },
        Stop::Exited(ExitStatus::Exited(code)) => SingleThreadStopReason::Exited(code as u8),
        Stop::Exited(ExitStatus::Signaled(signal)) => {
            SingleThreadStopReason::Terminated(gdb_signal(signal))
        }
        Stop::Interrupted => SingleThreadStopReason::Signal(Signal::SIGINT),
        Stop::DivertedSystemCall(_) => SingleThreadStopReason::Signal(Signal::SIGSYS),
    }
}

/// The blocking event loop: runs the motion in this thread (the tracer thread), polling the connection
/// for an interrupt between events.
enum EventLoop {}

impl run_blocking::BlockingEventLoop for EventLoop {
    type Target = Debugger;
    type Connection = TcpStream;
    type StopReason = SingleThreadStopReason<u64>;

    #[allow(clippy::type_complexity)]
    fn wait_for_stop_reason(
        target: &mut Debugger,
        conn: &mut TcpStream,
    ) -> Result<
        run_blocking::Event<SingleThreadStopReason<u64>>,
        run_blocking::WaitForStopReasonError<TimelineError, std::io::Error>,
    > {
        let mut incoming = false;
        let stop = target
            .run(|| {
                incoming = conn.peek().map(|byte| byte.is_some()).unwrap_or(true);
                incoming
            })
            .map_err(run_blocking::WaitForStopReasonError::Target)?;
        if stop == Stop::Interrupted {
            let byte = conn
                .read()
                .map_err(run_blocking::WaitForStopReasonError::Connection)?;
            return Ok(run_blocking::Event::IncomingData(byte));
        }
        Ok(run_blocking::Event::TargetStopped(stop_reason(stop)))
    }

    fn on_interrupt(
        _target: &mut Debugger,
    ) -> Result<Option<SingleThreadStopReason<u64>>, TimelineError> {
        Ok(Some(SingleThreadStopReason::Signal(Signal::SIGINT)))
    }
}

/// How a debugging session ended.
#[derive(Debug)]
pub enum Ended {
    /// The debugger detached or disconnected.
    Disconnected,
    /// The debugger killed the program.
    Killed,
    /// The debugged process ended.
    Exited(ExitStatus),
    /// The connection failed (dropped, garbage): the replay is abandoned.
    ConnectionLost(String),
}

/// Serves the GDB remote protocol for `debugger` on `stream` until the debugger goes away.
pub fn serve(debugger: &mut Debugger, stream: TcpStream) -> Result<Ended, TimelineError> {
    match GdbStub::new(stream).run_blocking::<EventLoop>(debugger) {
        Ok(DisconnectReason::Disconnect) => Ok(Ended::Disconnected),
        Ok(DisconnectReason::Kill) => Ok(Ended::Killed),
        Ok(DisconnectReason::TargetExited(code)) => {
            Ok(Ended::Exited(ExitStatus::Exited(i32::from(code))))
        }
        Ok(DisconnectReason::TargetTerminated(signal)) => {
            Ok(Ended::Exited(ExitStatus::Signaled(i32::from(signal.0))))
        }
        Err(error) if error.is_target_error() => match error.into_target_error() {
            Some(error) => Err(error),
            None => Ok(Ended::ConnectionLost("target error".into())),
        },
        Err(error) => Ok(Ended::ConnectionLost(error.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::gdb_signal;
    use gdbstub::common::Signal;

    #[test]
    fn linux_signals_get_gdb_numbers() {
        assert_eq!(gdb_signal(libc::SIGSEGV), Signal::SIGSEGV);
        assert_eq!(gdb_signal(libc::SIGCHLD), Signal::SIGCHLD);
        assert_eq!(gdb_signal(libc::SIGUSR1), Signal::SIGUSR1);
        assert_eq!(gdb_signal(libc::SIGCHLD).0, 20);
        assert_eq!(gdb_signal(200), Signal::UNKNOWN);
    }
}
