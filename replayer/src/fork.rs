//! Copying a stopped replayed process by injecting `fork` into it: the child is an exact, attached
//! copy of its memory and registers, used as a checkpoint.
//!
//! The process may be stopped anywhere (not only after a `syscall` instruction), so a `syscall`
//! instruction is written over the bytes at its `rip` for the duration of the call and put back in both
//! processes afterwards. Debug registers are not inherited by the copy; whoever runs it re-arms them.
#![forbid(unsafe_code)]

use nix::sys::ptrace::{self, Event as PtraceEvent};
use nix::sys::wait::WaitStatus;
use recorder::tracee::{self, ptrace_error, Pid, TraceeError};

use crate::inject::{continue_to_exit, run_syscall, wait, Executed};
use crate::ReplayResult;

/// The `syscall` instruction.
const SYSCALL: [u8; 2] = [0x0f, 0x05];

/// Forks the stopped process `pid`; returns the copy, stopped, with the same registers and memory.
pub fn fork_process(pid: Pid) -> ReplayResult<Pid> {
    let registers = tracee::registers(pid)?;
    let saved = tracee::read_memory(pid, registers.rip, SYSCALL.len())?;
    tracee::write_memory(pid, registers.rip, &SYSCALL)?;
    let mut base = registers;
    // `run_syscall` runs the instruction just before `rip`.
    base.rip = registers.rip + SYSCALL.len() as u64;
    let outcome = run_syscall(
        pid,
        &base,
        libc::SYS_clone as u64,
        [libc::SIGCHLD as u64, 0, 0, 0, 0, 0],
    );
    let copy = match outcome {
        Ok(Executed::Event(event)) if event == PtraceEvent::PTRACE_EVENT_FORK as i32 => {
            let copy = ptrace::getevent(pid).map_err(ptrace_error("GETEVENTMSG", pid));
            // The parent finishes its call; then it is put back exactly as it was.
            let finished = continue_to_exit(pid);
            copy.map(|raw| Pid::from_raw(raw as i32))
                .map_err(crate::ReplayError::from)
                .and_then(|copy| finished.map(|_| copy))
        }
        Ok(_) => Err(TraceeError::Gone(pid).into()),
        Err(error) => Err(error),
    };
    tracee::write_memory(pid, registers.rip, &saved)?;
    tracee::set_registers(pid, &registers)?;
    let copy = copy?;
    // The copy's first stop is its SIGSTOP.
    loop {
        match wait(copy)? {
            WaitStatus::Stopped(..) | WaitStatus::PtraceEvent(..) => break,
            WaitStatus::Exited(..) | WaitStatus::Signaled(..) => {
                return Err(TraceeError::Gone(copy).into())
            }
            _ => continue,
        }
    }
    tracee::write_memory(copy, registers.rip, &saved)?;
    tracee::set_registers(copy, &registers)?;
    Ok(copy)
}
