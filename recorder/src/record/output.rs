//! Recognising writes that reach the recorder's own stdout or stderr (directly or through dup'ed or
//! inherited descriptors in any recorded process), so replay can print the same output again.
#![forbid(unsafe_code)]

use std::collections::HashMap;
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
