//! Running the tracer thread with the time-stamp counter disabled, as its tracees are.
//!
//! Tracees run with `PR_SET_TSC` = `PR_TSC_SIGSEGV` so `rdtsc` traps. The kernel switches that mode
//! in CR4 on every context switch between a trapping and a non-trapping task, and in a VM each such
//! write costs an exit to the hypervisor — about 10 µs per ptrace stop measured here, more than the
//! stop itself. With the tracer in the same mode and on the same CPU, switches between tracer and
//! tracee need no CR4 write. The tracer thread must then never execute `rdtsc`: it reads time with
//! the raw `clock_gettime` system call (not the vDSO, which reads the TSC). Should some code still
//! execute `rdtsc` on it, a SIGSEGV handler turns the counter back on for the thread and lets the
//! instruction run again, so the mode is an optimisation that can never crash the recorder.

use std::os::unix::process::CommandExt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

static DISABLED: AtomicBool = AtomicBool::new(false);

/// The CPU mask the process had before its first tracer mode pinned it, given back to children
/// that are not tracees (a debugger launched for the user).
static ORIGINAL_MASK: OnceLock<libc::cpu_set_t> = OnceLock::new();

/// While alive, the calling thread and `tracee` (and so its future children) are pinned to the CPU
/// the thread runs on and the thread's time-stamp counter is disabled; dropping it restores the
/// thread's CPU mask and counter.
pub struct TracerMode {
    previous_mask: Option<libc::cpu_set_t>,
}

impl TracerMode {
    /// Enters the mode (as far as the system allows: each step is an optimisation only).
    pub fn enter(tracee: libc::pid_t) -> TracerMode {
        let size = std::mem::size_of::<libc::cpu_set_t>();
        // SAFETY: sched_getaffinity/sched_setaffinity/sched_getcpu/sigaction/prctl are called with valid
        // pointers and sizes; the handler installed only uses async-signal-safe operations.
        unsafe {
            let mut previous: libc::cpu_set_t = std::mem::zeroed();
            let previous_mask =
                (libc::sched_getaffinity(0, size, &mut previous) == 0).then_some(previous);
            if let Some(mask) = previous_mask {
                let _ = ORIGINAL_MASK.set(mask);
            }
            let cpu = libc::sched_getcpu();
            if cpu >= 0 {
                let mut set: libc::cpu_set_t = std::mem::zeroed();
                libc::CPU_SET(cpu as usize, &mut set);
                for pid in [0, tracee] {
                    libc::sched_setaffinity(pid, size, &set);
                }
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_segv as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO;
            if libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut()) == 0
                && libc::prctl(libc::PR_SET_TSC, libc::PR_TSC_SIGSEGV, 0, 0, 0) == 0
            {
                DISABLED.store(true, Ordering::Relaxed);
            }
            TracerMode { previous_mask }
        }
    }
}

impl Drop for TracerMode {
    fn drop(&mut self) {
        // SAFETY: as in `enter`; restoring the saved mask and enabling the counter.
        unsafe {
            libc::prctl(libc::PR_SET_TSC, libc::PR_TSC_ENABLE, 0, 0, 0);
            DISABLED.store(false, Ordering::Relaxed);
            if let Some(mask) = &self.previous_mask {
                libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), mask);
            }
        }
    }
}

/// Makes `command` start its program outside the tracer mode: with the time-stamp counter enabled
/// and the CPU mask the process had before it was pinned. Both are inherited through fork and exec,
/// so without this a program started by a tracer thread (gdb launched by the replayer) dies of
/// SIGSEGV on its first `rdtsc` and shares the tracer's one CPU.
pub fn start_untraced(command: &mut std::process::Command) -> &mut std::process::Command {
    let original = ORIGINAL_MASK.get().copied();
    // SAFETY: the closure runs in the child between fork and exec and only makes the
    // async-signal-safe system calls prctl and sched_setaffinity, on a mask copied before the fork.
    unsafe {
        command.pre_exec(move || {
            if libc::prctl(libc::PR_SET_TSC, libc::PR_TSC_ENABLE, 0, 0, 0) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            if let Some(mask) = &original {
                libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), mask);
            }
            Ok(())
        })
    }
}

/// Whether the calling thread may execute `rdtsc`.
pub fn counter_usable() -> bool {
    !DISABLED.load(Ordering::Relaxed)
}

/// Nanoseconds of `CLOCK_MONOTONIC`, read with the system call itself (never the vDSO).
pub fn monotonic_ns() -> u64 {
    let mut now = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec into `now`, which is valid for writes.
    unsafe {
        libc::syscall(
            libc::SYS_clock_gettime,
            libc::CLOCK_MONOTONIC,
            &mut now as *mut libc::timespec,
        );
    }
    now.tv_sec as u64 * 1_000_000_000 + now.tv_nsec as u64
}

extern "C" fn on_segv(
    _signal: libc::c_int,
    _info: *mut libc::siginfo_t,
    context: *mut libc::c_void,
) {
    // SAFETY: the kernel passes a valid ucontext for SA_SIGINFO handlers; the faulting instruction's
    // bytes are mapped (they were just executed); prctl and sigaction are async-signal-safe.
    unsafe {
        let context = &*(context as *const libc::ucontext_t);
        let rip = context.uc_mcontext.gregs[libc::REG_RIP as usize] as *const u8;
        let bytes = [*rip, *rip.add(1), *rip.add(2)];
        let is_timestamp = matches!(bytes, [0x0f, 0x31, _] | [0x0f, 0x01, 0xf9]);
        if is_timestamp && libc::prctl(libc::PR_SET_TSC, libc::PR_TSC_ENABLE, 0, 0, 0) == 0 {
            DISABLED.store(false, Ordering::Relaxed);
            return; // the instruction runs again, now allowed
        }
        // A real fault: let it kill the process as it would have.
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = libc::SIG_DFL;
        libc::sigaction(libc::SIGSEGV, &action, std::ptr::null_mut());
    }
}
