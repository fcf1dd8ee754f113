//! Starting a program under ptrace with the conditions both recording and replay need: ASLR off,
//! `rdtsc` trapping, no new privileges, the recorded stack limit and working directory, and (when
//! recording) the seccomp filter that decides which system calls stop.
//!
//! The child stops itself with SIGSTOP before its `execve`, so the tracer can set its options first;
//! the filter is installed only after that stop, because a `RET_TRACE` filter makes every traced call
//! fail with ENOSYS until the tracer has asked for seccomp events.

use std::ffi::{CStr, CString};

use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::{fork, ForkResult, Pid};

use crate::tracee::{TraceeError, TraceeResult};

/// What to start and how.
pub struct Launch<'a> {
    /// Absolute path of the executable.
    pub executable: &'a CStr,
    /// Arguments, `argv[0]` first.
    pub argv: &'a [CString],
    /// Environment, `NAME=value`.
    pub env: &'a [CString],
    /// Working directory to start in.
    pub cwd: Option<&'a CStr>,
    /// `RLIMIT_STACK` to set, which decides where the kernel places mappings.
    pub stack_limit: Option<(u64, u64)>,
    /// Seccomp program to install just before `execve`.
    pub seccomp: Option<&'a [libc::sock_filter]>,
}

/// Forks and starts `launch` traced; returns the child stopped by its own SIGSTOP, before `execve`.
pub fn spawn_traced(launch: &Launch<'_>) -> TraceeResult<Pid> {
    let program = launch.executable.to_string_lossy().into_owned();
    let mut argv: Vec<*const libc::c_char> = launch.argv.iter().map(|arg| arg.as_ptr()).collect();
    argv.push(std::ptr::null());
    let mut envp: Vec<*const libc::c_char> = launch.env.iter().map(|var| var.as_ptr()).collect();
    envp.push(std::ptr::null());
    let filter = launch.seccomp.map(|program| libc::sock_fprog {
        len: u16::try_from(program.len()).expect("seccomp programs are short"),
        filter: program.as_ptr().cast_mut(),
    });
    let stack = launch.stack_limit.map(|(soft, hard)| libc::rlimit {
        rlim_cur: soft,
        rlim_max: hard,
    });
    // SAFETY: the child only calls async-signal-safe libc functions on memory prepared before the fork,
    // then execs or exits; it never returns into Rust code.
    match unsafe { fork() } {
        Err(errno) => Err(TraceeError::Spawn {
            program,
            reason: format!("fork failed: {errno}"),
        }),
        Ok(ForkResult::Child) => {
            // SAFETY: see above; every pointer refers to memory owned by this frame that outlives the exec.
            unsafe {
                child(
                    launch.executable.as_ptr(),
                    &argv,
                    &envp,
                    launch.cwd,
                    stack.as_ref(),
                    filter.as_ref(),
                )
            }
        }
        Ok(ForkResult::Parent { child }) => match waitpid(child, Some(WaitPidFlag::__WALL)) {
            Ok(WaitStatus::Stopped(_, nix::sys::signal::Signal::SIGSTOP)) => Ok(child),
            Ok(WaitStatus::Exited(_, code)) => Err(TraceeError::Spawn {
                program,
                reason: format!("setup failed before exec (status {code})"),
            }),
            Ok(other) => Err(TraceeError::Spawn {
                program,
                reason: format!("unexpected first stop {other:?}"),
            }),
            Err(errno) => Err(TraceeError::Spawn {
                program,
                reason: format!("waitpid failed: {errno}"),
            }),
        },
    }
}

/// The child side. Never returns.
///
/// # Safety
/// Must only run in a freshly forked child; all pointers must be valid NUL-terminated arrays/strings.
unsafe fn child(
    executable: *const libc::c_char,
    argv: &[*const libc::c_char],
    envp: &[*const libc::c_char],
    cwd: Option<&CStr>,
    stack: Option<&libc::rlimit>,
    filter: Option<&libc::sock_fprog>,
) -> ! {
    let fail = |step: &[u8]| -> ! {
        // SAFETY: write and _exit are async-signal-safe; `step` is a valid byte slice.
        unsafe {
            libc::write(2, step.as_ptr().cast(), step.len());
            libc::_exit(126)
        }
    };
    // SAFETY: plain system calls with valid arguments, in a single-threaded child.
    unsafe {
        if libc::ptrace(libc::PTRACE_TRACEME, 0, 0, 0) != 0 {
            fail(b"retrace: PTRACE_TRACEME failed\n");
        }
        let current = libc::personality(0xffff_ffff);
        if current == -1
            || libc::personality((current | libc::ADDR_NO_RANDOMIZE) as libc::c_ulong) == -1
        {
            fail(b"retrace: cannot switch address-space randomization off\n");
        }
        if libc::prctl(libc::PR_SET_TSC, libc::PR_TSC_SIGSEGV, 0, 0, 0) != 0 {
            fail(b"retrace: cannot make rdtsc trap (PR_SET_TSC)\n");
        }
        if let Some(dir) = cwd {
            if libc::chdir(dir.as_ptr()) != 0 {
                fail(b"retrace: cannot enter the recorded working directory\n");
            }
        }
        if let Some(limit) = stack {
            if libc::setrlimit(libc::RLIMIT_STACK, limit) != 0 {
                fail(b"retrace: cannot set the recorded stack limit\n");
            }
        }
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            fail(b"retrace: PR_SET_NO_NEW_PRIVS failed\n");
        }
        libc::raise(libc::SIGSTOP);
        if let Some(program) = filter {
            let program: *const libc::sock_fprog = program;
            if libc::prctl(
                libc::PR_SET_SECCOMP,
                libc::SECCOMP_MODE_FILTER,
                program,
                0,
                0,
            ) != 0
            {
                fail(b"retrace: cannot install the seccomp filter\n");
            }
        }
        libc::execve(executable, argv.as_ptr(), envp.as_ptr());
        fail(b"retrace: execve failed\n")
    }
}
