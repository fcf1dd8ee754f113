//! Running one seed: a child process in its own process group, its output collected, killed with
//! its whole group when it outlives the timeout or the sweep is stopped.

use anyhow::{Context, Result};
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::{CommandExt, ExitStatusExt};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// `exit(code)`.
    Exited(i32),
    /// Killed by a signal it did not handle.
    Signaled(i32),
    /// Still running after the timeout: killed with its process group.
    TimedOut,
    /// The sweep was stopped (`--max-failures` reached, or interrupted) while it ran: killed, and
    /// not counted.
    Stopped,
}

/// What one run produced.
#[derive(Debug)]
pub struct Outcome {
    pub end: End,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Reads at most this much of a child's stderr (its first line is what matters); stdout is kept
/// whole, since it may be compared.
const STDERR_KEEP: usize = 64 << 10;

/// How often a waiting worker looks at the stop flag.
const STOP_POLL: Duration = Duration::from_millis(50);

/// Runs `program args` with stdin closed, stdout and stderr collected, for at most `timeout`.
/// Returns an error only when the process cannot be started.
pub fn run(
    program: &Path,
    args: &[String],
    timeout: Duration,
    stop: &AtomicBool,
) -> Result<Outcome> {
    let mut cmd = Command::new(program);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        // Its own process group, so that a timeout kills everything it started, and a Ctrl-C at
        // the terminal reaches only the hunt (which then stops its children itself).
        .process_group(0);
    // SAFETY: the closure runs in the forked child before exec and only calls prctl, which is
    // async-signal-safe; it allocates nothing and takes no lock.
    unsafe {
        cmd.pre_exec(|| {
            // If the hunt dies without cleaning up (SIGKILL), its children die with it.
            libc::prctl(
                libc::PR_SET_PDEATHSIG,
                libc::SIGKILL as libc::c_ulong,
                0,
                0,
                0,
            );
            Ok(())
        });
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("cannot start '{}'", program.display()))?;
    let deadline = Instant::now() + timeout;
    let (stdout, stderr, expired) = collect(&mut child, deadline, stop);
    let end = match expired {
        None => match wait_until(&mut child, deadline, stop) {
            Some(status) => end_of(status),
            None => kill(&mut child, deadline, stop),
        },
        Some(_) => kill(&mut child, deadline, stop),
    };
    // Anything the group left behind goes too (a no-op when the group is already empty).
    kill_group(&child);
    Ok(Outcome {
        end,
        stdout,
        stderr,
    })
}

fn end_of(status: ExitStatus) -> End {
    match (status.code(), status.signal()) {
        (Some(code), _) => End::Exited(code),
        (None, Some(sig)) => End::Signaled(sig),
        (None, None) => End::Exited(-1),
    }
}

fn kill_group(child: &Child) {
    // SAFETY: killpg only sends a signal; the group id is the child's pid (process_group(0)).
    unsafe {
        libc::killpg(child.id() as libc::pid_t, libc::SIGKILL);
    }
}

/// Kills the child's group after a timeout or a stop, and reaps the child. A child that had
/// already exited by itself keeps its own status.
fn kill(child: &mut Child, deadline: Instant, stop: &AtomicBool) -> End {
    if let Ok(Some(status)) = child.try_wait() {
        return end_of(status);
    }
    kill_group(child);
    let _ = child.wait();
    if Instant::now() >= deadline && !stop.load(Ordering::Relaxed) {
        End::TimedOut
    } else {
        End::Stopped
    }
}

/// Waits for the child to exit once its pipes are closed (it almost always has by then, or is
/// about to): on a pidfd, which becomes readable when the process exits, or by napping where
/// pidfds are not available.
fn wait_until(child: &mut Child, deadline: Instant, stop: &AtomicBool) -> Option<ExitStatus> {
    // SAFETY: pidfd_open takes a pid and flags and returns a new descriptor or -1; the descriptor
    // is owned by `pidfd` from here on. The child is not reaped yet, so its pid is still ours.
    let pidfd = unsafe { libc::syscall(libc::SYS_pidfd_open, child.id() as libc::pid_t, 0) };
    let pidfd = (pidfd >= 0).then(|| {
        // SAFETY: a descriptor just returned by pidfd_open, owned by nothing else.
        unsafe { OwnedFd::from_raw_fd(pidfd as i32) }
    });
    let mut nap = Duration::from_micros(50);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) => {}
            Err(_) => return child.wait().ok(),
        }
        let now = Instant::now();
        if now >= deadline || stop.load(Ordering::Relaxed) {
            return None;
        }
        match &pidfd {
            Some(fd) => {
                let mut p = libc::pollfd {
                    fd: fd.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                };
                let wait = (deadline - now).min(STOP_POLL).as_millis().max(1) as libc::c_int;
                // SAFETY: one valid pollfd that outlives the call.
                unsafe { libc::poll(&mut p, 1, wait) };
            }
            None => {
                std::thread::sleep(nap);
                nap = (nap * 2).min(Duration::from_millis(10));
            }
        }
    }
}

/// Reads stdout and stderr until both are closed, the deadline passes or the sweep is stopped.
/// Returns the collected bytes and, if it gave up early, the time it did.
fn collect(
    child: &mut Child,
    deadline: Instant,
    stop: &AtomicBool,
) -> (Vec<u8>, Vec<u8>, Option<Instant>) {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let mut pipes = [
        child.stdout.take().map(|p| Box::new(p) as Box<dyn ReadFd>),
        child.stderr.take().map(|p| Box::new(p) as Box<dyn ReadFd>),
    ];
    let mut buf = vec![0u8; 64 << 10];
    while pipes.iter().any(Option::is_some) {
        let now = Instant::now();
        if now >= deadline || stop.load(Ordering::Relaxed) {
            return (out, err, Some(now));
        }
        let wait = (deadline - now).min(STOP_POLL);
        let mut fds: Vec<libc::pollfd> = Vec::with_capacity(2);
        let mut which = Vec::with_capacity(2);
        for (i, p) in pipes.iter().enumerate() {
            if let Some(p) = p {
                fds.push(libc::pollfd {
                    fd: p.fd(),
                    events: libc::POLLIN,
                    revents: 0,
                });
                which.push(i);
            }
        }
        // SAFETY: `fds` is a valid array of `fds.len()` pollfd structs that outlives the call.
        let n = unsafe {
            libc::poll(
                fds.as_mut_ptr(),
                fds.len() as libc::nfds_t,
                wait.as_millis().max(1) as libc::c_int,
            )
        };
        if n <= 0 {
            // Timeout of this slice, or EINTR (a signal such as SIGINT): look at the clock and
            // the stop flag again.
            continue;
        }
        for (fd, &i) in fds.iter().zip(&which) {
            if fd.revents == 0 {
                continue;
            }
            let Some(pipe) = pipes[i].as_mut() else {
                continue;
            };
            match pipe.read(&mut buf) {
                Ok(0) => pipes[i] = None,
                Ok(k) => {
                    if i == 0 {
                        out.extend_from_slice(&buf[..k]);
                    } else if err.len() < STDERR_KEEP {
                        let room = STDERR_KEEP - err.len();
                        err.extend_from_slice(&buf[..k.min(room)]);
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => pipes[i] = None,
            }
        }
    }
    (out, err, None)
}

/// A child's pipe: readable, with a descriptor to poll.
trait ReadFd: Read {
    fn fd(&self) -> i32;
}

impl<T: Read + AsRawFd> ReadFd for T {
    fn fd(&self) -> i32 {
        self.as_raw_fd()
    }
}
