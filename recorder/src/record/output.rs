//! Recognising writes that reach the recorder's own stdout or stderr (directly or through dup'ed or
//! inherited descriptors in any recorded process), so replay can print the same output again; and
//! taking those writes one at a time, so that the order they reach the terminal or pipe in is the
//! order of their events, which is the order replay prints them in.
#![forbid(unsafe_code)]

use std::collections::{HashMap, VecDeque};
use std::os::unix::fs::MetadataExt;

use crate::trace::Stream;
use crate::tracee::Pid;

/// Identities of the recorder's output streams and a per-process descriptor cache.
pub struct OutputStreams {
    stdout: Option<(u64, u64)>,
    stderr: Option<(u64, u64)>,
    cache: HashMap<(Pid, u64), Option<Stream>>,
}

fn identity(path: &str) -> Option<(u64, u64)> {
    std::fs::metadata(path)
        .ok()
        .map(|metadata| (metadata.dev(), metadata.ino()))
}

impl OutputStreams {
    /// Captures the identities of this process's fds 1 and 2.
    pub fn of_this_process() -> Self {
        OutputStreams {
            stdout: identity("/proc/self/fd/1"),
            stderr: identity("/proc/self/fd/2"),
            cache: HashMap::new(),
        }
    }

    /// Which stream, if any, descriptor `fd` of `pid` writes to.
    pub fn stream_of(&mut self, pid: Pid, fd: u64) -> Option<Stream> {
        let (stdout, stderr) = (self.stdout, self.stderr);
        *self.cache.entry((pid, fd)).or_insert_with(|| {
            let target = identity(&format!("/proc/{pid}/fd/{fd}"))?;
            if Some(target) == stdout {
                Some(Stream::Stdout)
            } else if Some(target) == stderr {
                Some(Stream::Stderr)
            } else {
                None
            }
        })
    }

    /// Forgets what `pid`'s descriptors point to (after close, dup, exec, …).
    pub fn forget(&mut self, pid: Pid) {
        self.cache.retain(|(owner, _), _| *owner != pid);
    }
}

/// Whose turn it is to write to the recorder's output: one process at a time is inside such a write,
/// the others wait at their system-call entry. Without it two processes' writes may reach the output
/// in one order and have their exit stops (and so their events) in the other.
#[derive(Default)]
pub struct OutputTurns {
    writing: Option<Pid>,
    waiting: VecDeque<Pid>,
}

impl OutputTurns {
    /// `pid` is at the entry of a write to the output: whether it may go on now (else it waits for
    /// [`OutputTurns::finished`] to hand it the turn).
    pub fn request(&mut self, pid: Pid) -> bool {
        match self.writing {
            None => {
                self.writing = Some(pid);
                true
            }
            Some(writer) if writer == pid => true,
            Some(_) => {
                self.waiting.push_back(pid);
                false
            }
        }
    }

    /// `pid` left its system call (or died): the next waiting writer, if it was `pid`'s turn, which
    /// now has it and must be resumed.
    pub fn finished(&mut self, pid: Pid) -> Option<Pid> {
        self.waiting.retain(|waiting| *waiting != pid);
        if self.writing != Some(pid) {
            return None;
        }
        self.writing = self.waiting.pop_front();
        self.writing
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writers_take_turns_in_arrival_order() {
        let (a, b, c) = (Pid::from_raw(1), Pid::from_raw(2), Pid::from_raw(3));
        let mut turns = OutputTurns::default();
        assert!(turns.request(a));
        assert!(!turns.request(b));
        assert!(!turns.request(c));
        assert_eq!(turns.finished(b), None, "b waits; it was not writing");
        assert!(!turns.request(b));
        assert_eq!(turns.finished(a), Some(c));
        assert_eq!(turns.finished(c), Some(b));
        assert_eq!(turns.finished(b), None);
        assert!(turns.request(a));
    }
}
