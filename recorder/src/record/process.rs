//! What the recorder knows about one recorded process between its stops.
#![forbid(unsafe_code)]

use crate::auxv::ExecStack;
use crate::syscalls::Kind;
use crate::trace::{FileIdentity, Registers};
use crate::tracee::SIGINFO_SIZE;

/// A system call the process is inside of (between its seccomp stop and its exit stop).
pub enum Pending {
    /// An ordinary call: recorded at its exit.
    Syscall { registers: Registers, kind: Kind },
    /// A fork whose event is already written; the exit stop only needs to be passed.
    Forked,
    /// An execve; `stack` is filled in at the exec stop (a failed execve has none).
    Exec {
        registers: Registers,
        stack: Option<ExecStack>,
        files: Vec<FileIdentity>,
        initial: bool,
    },
}

/// One recorded process.
pub struct Process {
    /// The call it is inside of.
    pub pending: Option<Pending>,
    /// Registers at its last syscall-exit stop: a signal delivered with exactly these registers arrived
    /// at that system-call boundary, a point replay can find again.
    pub last_exit_registers: Option<Registers>,
    /// Signals that arrived in the middle of user code, held back until the next system call.
    pub deferred: Vec<[u8; SIGINFO_SIZE]>,
    /// Held-back signals sent again by the recorder, with their original `siginfo`.
    pub resent: Vec<[u8; SIGINFO_SIZE]>,
    /// When the oldest held-back signal arrived, in [`crate::tsc_mode::monotonic_ns`] (none held: `None`).
    pub deferred_since: Option<u64>,
    /// Held-back signals were sent again because the process made no system call in time: deliver them
    /// wherever they arrive.
    pub forced: bool,
    /// Whether its initial SIGSTOP (new children start with one) has been seen.
    pub started: bool,
}

impl Process {
    /// A process the recorder has just learned of.
    pub fn new(started: bool) -> Self {
        Process {
            pending: None,
            last_exit_registers: None,
            deferred: Vec::new(),
            resent: Vec::new(),
            deferred_since: None,
            forced: false,
            started,
        }
    }
}
