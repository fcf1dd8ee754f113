//! Signals that the recording delivered while the program waited in `rt_sigsuspend`, which unblocks
//! them only for the duration of the call. Replay emulates the call, so when the signal is sent the
//! program's own mask may still block it; the call is then run again for real with the signal
//! pending, so it returns at once and the kernel delivers the signal under the temporary mask, as it
//! did when recording (and restores the program's mask afterwards the same way).
#![forbid(unsafe_code)]

use nix::sys::ptrace;
use recorder::tracee::{self, ptrace_error, Pid};

use crate::inject::{run_syscall, Executed};
use crate::{ReplayError, ReplayResult};

/// Whether `signal` is blocked by `pid`'s current mask.
fn blocked(pid: Pid, signal: i32) -> ReplayResult<bool> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).map_err(|error| {
        ReplayError::Start(format!(
            "cannot read the signal mask of process {pid}: {error}"
        ))
    })?;
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigBlk:"))
        .and_then(|hex| u64::from_str_radix(hex.trim(), 16).ok())
        .unwrap_or(0);
    Ok(signal >= 1 && mask & (1 << (signal - 1)) != 0)
}

/// Called with `signal` just sent to `pid`: if `pid` is at the stop of an emulated `rt_sigsuspend`
/// whose temporary mask the signal needs, runs the call for real (it returns at once, keeping the
/// recorded result).
pub fn rerun_suspend_if_needed(pid: Pid, signal: i32) -> ReplayResult<()> {
    let at_syscall_stop = ptrace::syscall_info(pid)
        .map(|info| {
            info.op == libc::PTRACE_SYSCALL_INFO_ENTRY || info.op == libc::PTRACE_SYSCALL_INFO_EXIT
        })
        .unwrap_or(false);
    if !at_syscall_stop {
        return Ok(());
    }
    let registers = tracee::registers(pid)?;
    if registers.orig_rax != libc::SYS_rt_sigsuspend as u64 || !blocked(pid, signal)? {
        return Ok(());
    }
    match run_syscall(
        pid,
        &registers,
        registers.orig_rax,
        registers.syscall_args(),
    )? {
        Executed::Returned(_, mut after) => {
            after.rax = registers.rax;
            tracee::set_registers(pid, &after)?;
            Ok(())
        }
        _ => Err(ptrace_error("rt_sigsuspend", pid)(nix::errno::Errno::ESRCH).into()),
    }
}
