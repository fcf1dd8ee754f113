//! One replayed process: its real id and where it stands between events.
#![forbid(unsafe_code)]

use nix::sys::signal::Signal;
use recorder::instruction::TimestampInstruction;
use recorder::trace::{ExitStatus, Registers};
use recorder::tracee::Pid;

/// Where a replayed process stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum State {
    /// At a ptrace stop; resuming delivers `deliver`.
    Stopped { deliver: Option<Signal> },
    /// A new child whose first stop has not been collected.
    Unstarted,
    /// A parent resumed toward the exit of a real fork/vfork; its result must become `child` (the recorded
    /// id) there.
    InFork { child: i32 },
    /// Gone.
    Dead(ExitStatus),
}

/// A replayed process.
#[derive(Debug)]
pub struct Replayed {
    /// Its id in this replay (the recorded id is the key it is filed under).
    pub real: Pid,
    /// Where it stands.
    pub state: State,
}

/// What stopped a replayed process, as the next event will be matched against it.
#[derive(Clone, Debug)]
pub enum Stop {
    /// Entry of a system call the trace must account for.
    Syscall(Registers),
    /// A signal raised by the instruction at `rip`.
    Fault(i32, Registers),
    /// A trapped `rdtsc`/`rdtscp`.
    Rdtsc(Registers, TimestampInstruction),
    /// A signal the replayer itself sent.
    Injected(i32, Registers),
    /// The process ended.
    Died(ExitStatus),
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Stop::Syscall(registers) => write!(
                f,
                "system call {} at rip {:#x}",
                recorder::syscalls::name(registers.orig_rax),
                registers.rip
            ),
            Stop::Fault(signal, registers) => {
                write!(
                    f,
                    "{} at rip {:#x}",
                    recorder::trace::signal_name(*signal),
                    registers.rip
                )
            }
            Stop::Rdtsc(registers, _) => write!(f, "rdtsc at rip {:#x}", registers.rip),
            Stop::Injected(signal, registers) => {
                write!(
                    f,
                    "delivery of {} at rip {:#x}",
                    recorder::trace::signal_name(*signal),
                    registers.rip
                )
            }
            Stop::Died(status) => write!(f, "process end ({status})"),
        }
    }
}
