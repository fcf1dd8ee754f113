//! Running system calls for real inside a replayed process: the calls that shape its address space
//! (mmap, brk, execve, fork, …), and the extra open/close that map a preserved file from the trace.
//!
//! The process must be at a system-call stop whose `rip` follows a 2-byte `syscall` instruction; the
//! call is run by pointing `rip` back at that instruction and letting it execute under PTRACE_SYSCALL.
#![forbid(unsafe_code)]

use nix::errno::Errno;
use nix::sys::ptrace;
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use recorder::trace::{ExitStatus, Registers};
use recorder::tracee::{self, ptrace_error, Pid, TraceeError};

use crate::ReplayResult;

/// How a system call run for real ended.
// Returned at once and matched by the caller; boxing the registers would only add an allocation.
#[allow(clippy::large_enum_variant)]
pub enum Executed {
    /// It returned `result`; the process is at the exit stop with `registers`.
    Returned(i64, Registers),
    /// A ptrace event (fork, vfork, clone, exec) stopped it inside the call.
    Event(i32),
    /// The process ended (exit, exit_group, or a fatal signal).
    Died(ExitStatus),
}

/// Waits for the next stop or death of `pid`.
pub fn wait(pid: Pid) -> ReplayResult<WaitStatus> {
    loop {
        match waitpid(pid, Some(WaitPidFlag::__WALL)) {
            Ok(status) => return Ok(status),
            Err(Errno::EINTR) => continue,
            Err(Errno::ECHILD) => return Err(TraceeError::Gone(pid).into()),
            Err(errno) => return Err(ptrace_error("waitpid", pid)(errno).into()),
        }
    }
}

fn death(status: WaitStatus) -> Option<ExitStatus> {
    match status {
        WaitStatus::Exited(_, code) => Some(ExitStatus::Exited(code)),
        WaitStatus::Signaled(_, signal, _) => Some(ExitStatus::Signaled(signal as i32)),
        _ => None,
    }
}

fn syscall_stop_is_entry(pid: Pid) -> ReplayResult<bool> {
    let info = ptrace::syscall_info(pid).map_err(ptrace_error("GET_SYSCALL_INFO", pid))?;
    Ok(info.op == libc::PTRACE_SYSCALL_INFO_ENTRY)
}

/// Resumes `pid` under PTRACE_SYSCALL until its next system-call stop, event or death; signals that
/// arrive meanwhile are the replay's own business (SIGCHLD of real children) and are discarded.
fn next_syscall_stop(pid: Pid) -> ReplayResult<WaitStatus> {
    loop {
        ptrace::syscall(pid, None).map_err(ptrace_error("SYSCALL", pid))?;
        match wait(pid)? {
            WaitStatus::Stopped(_, _) => continue,
            status => return Ok(status),
        }
    }
}

/// Runs `number(args)` for real, starting from the stop whose registers are `base`.
pub fn run_syscall(
    pid: Pid,
    base: &Registers,
    number: u64,
    args: [u64; 6],
) -> ReplayResult<Executed> {
    let mut registers = *base;
    registers.rax = number;
    registers.orig_rax = number;
    registers.set_syscall_args(args);
    registers.rip = base.rip - 2;
    tracee::set_registers(pid, &registers)?;
    // An emulated call we were stopped at may first report its own (skipped) exit.
    loop {
        match next_syscall_stop(pid)? {
            WaitStatus::PtraceSyscall(_) if syscall_stop_is_entry(pid)? => break,
            WaitStatus::PtraceSyscall(_) => continue,
            status => {
                return Ok(death(status).map_or_else(|| Executed::Event(0), Executed::Died));
            }
        }
    }
    continue_to_exit(pid)
}

/// Lets a call that is at its entry (or inside, after an event) run to its exit stop.
pub fn continue_to_exit(pid: Pid) -> ReplayResult<Executed> {
    match next_syscall_stop(pid)? {
        WaitStatus::PtraceSyscall(_) => {
            let registers = tracee::registers(pid)?;
            Ok(Executed::Returned(registers.rax as i64, registers))
        }
        WaitStatus::PtraceEvent(_, _, event) => Ok(Executed::Event(event)),
        status => Ok(death(status).map_or(Executed::Event(0), Executed::Died)),
    }
}

/// Runs a helper call (not the program's own) and returns its result, for open/close around a mapping.
pub fn run_helper(pid: Pid, base: &Registers, number: i64, args: [u64; 6]) -> ReplayResult<i64> {
    match run_syscall(pid, base, number as u64, args)? {
        Executed::Returned(result, _) => Ok(result),
        Executed::Died(_) | Executed::Event(_) => Err(TraceeError::Gone(pid).into()),
    }
}
