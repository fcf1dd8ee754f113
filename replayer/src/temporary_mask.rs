//! Signals that the recording delivered while the program waited in `rt_sigsuspend`, `pselect6`,
//! `ppoll` or `epoll_pwait(2)`, which unblock them only for the duration of the call (make's job
//! server waits for SIGCHLD this way). Replay emulates the call, so when the signal is sent the
//! program's own mask may still block it; `rt_sigsuspend` with the call's temporary mask is then
//! run for real with the signal pending, so it returns at once and the kernel delivers the signal
//! under the temporary mask, as it did when recording (and restores the program's mask afterwards
//! the same way). The other calls are not run themselves: their descriptors exist only in the
//! recording.
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
    let Some(mask) = temporary_mask(pid, registers.orig_rax, registers.syscall_args())? else {
        return Ok(());
    };
    if !blocked(pid, signal)? {
        return Ok(());
    }
    match run_syscall(
        pid,
        &registers,
        libc::SYS_rt_sigsuspend as u64,
        [mask, 8, 0, 0, 0, 0],
    )? {
        Executed::Returned(_, mut after) => {
            // The program's call, with its recorded result: a restart after the signal must
            // restart that call, not the suspend.
            after.rax = registers.rax;
            after.orig_rax = registers.orig_rax;
            after.set_syscall_args(registers.syscall_args());
            tracee::set_registers(pid, &after)?;
            Ok(())
        }
        _ => Err(ptrace_error("rt_sigsuspend", pid)(nix::errno::Errno::ESRCH).into()),
    }
}

/// The address of the temporary signal mask that system call `number(args)` installs while it
/// waits, if it is one of those calls and has one.
fn temporary_mask(pid: Pid, number: u64, args: [u64; 6]) -> ReplayResult<Option<u64>> {
    let mask = match number as libc::c_long {
        libc::SYS_rt_sigsuspend => args[0],
        libc::SYS_ppoll => args[3],
        libc::SYS_epoll_pwait | libc::SYS_epoll_pwait2 => args[4],
        libc::SYS_pselect6 if args[5] != 0 => {
            // A pointer to `{ const sigset_t *set; size_t size; }`.
            let pair = tracee::read_memory(pid, args[5], 16)?;
            u64::from_le_bytes(pair[0..8].try_into().expect("8 bytes"))
        }
        _ => 0,
    };
    Ok((mask != 0).then_some(mask))
}
