//! The events of a recording, in the order they happened; each belongs to one recorded process id.
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};

use super::Registers;

/// How a process ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExitStatus {
    /// `exit(code)`.
    Exited(i32),
    /// Killed by a signal.
    Signaled(i32),
}

impl ExitStatus {
    /// The shell's view of the status: the code, or 128 + signal.
    pub fn shell_code(self) -> i32 {
        match self {
            ExitStatus::Exited(code) => code,
            ExitStatus::Signaled(signal) => 128 + signal,
        }
    }
}

impl std::fmt::Display for ExitStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ExitStatus::Exited(code) => write!(f, "exit {code}"),
            ExitStatus::Signaled(signal) => write!(f, "killed by {}", signal_name(*signal)),
        }
    }
}

/// The conventional name of signal `number` (`SIGSEGV`), or `signal <n>`.
pub fn signal_name(number: i32) -> String {
    nix::sys::signal::Signal::try_from(number)
        .map_or_else(|_| format!("signal {number}"), |s| s.as_str().to_string())
}

/// Where the recorded process's output went (only these are echoed again by replay).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stream {
    /// The recorder's standard output.
    Stdout,
    /// The recorder's standard error.
    Stderr,
}

/// A write that reached the recorder's stdout or stderr.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Output {
    /// Which of the two.
    pub stream: Stream,
    /// CRC-32 of the bytes written: replay checks that it prints the same.
    pub checksum: u32,
}

/// One range of tracee memory the kernel wrote during a system call; its bytes are in the data stream.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemoryWrite {
    /// Tracee address.
    pub address: u64,
    /// Number of bytes.
    pub length: u64,
}

/// A file the program mapped, preserved inside the trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MappedFile {
    /// Name under the trace's `files/` directory.
    pub stored_as: String,
    /// Path the program mapped it from.
    pub original: String,
    /// Whether the file was opened for writing by the mapping (shared writable maps replay privately).
    pub writable_shared: bool,
}

/// A file the kernel mapped at exec (the executable and its interpreter), identified so that replay can
/// refuse a changed one with a clear message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileIdentity {
    /// Path as the kernel reports it.
    pub path: String,
    /// Inode number.
    pub inode: u64,
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub modified_ns: i128,
    /// CRC-32 of the contents: a file rebuilt with the same bytes (new inode and time) is still the
    /// same program. Not a cryptographic hash; it tells a rebuild from a change, not from a forgery.
    pub checksum: u32,
}

impl FileIdentity {
    /// The identity of the file at `path` now.
    pub fn of(path: &str) -> std::io::Result<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        let metadata = std::fs::metadata(path)?;
        Ok(FileIdentity {
            path: path.to_string(),
            inode: metadata.ino(),
            size: metadata.size(),
            modified_ns: i128::from(metadata.mtime()) * 1_000_000_000
                + i128::from(metadata.mtime_nsec()),
            checksum: checksum_of(path)?,
        })
    }
}

/// CRC-32 of the contents of the file at `path`.
pub fn checksum_of(path: &str) -> std::io::Result<u32> {
    use std::io::Read;
    let mut file = std::fs::File::open(path)?;
    let mut hasher = crc32fast::Hasher::new();
    let mut buffer = vec![0u8; 1 << 20];
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            return Ok(hasher.finalize());
        }
        hasher.update(&buffer[..read]);
    }
}

/// Why a signal reached the program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SignalCause {
    /// Raised by the instruction at `rip` (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP): replay raises it again.
    Fault,
    /// Sent by someone (kill, alarm, a child's exit, …): recorded where it was delivered, at a system-call
    /// boundary; replay sends it at the same point.
    Delivered,
    /// Sent by someone while the program ran user code and made no system call for a while (a busy loop
    /// waiting for it): delivered where the program was. Without a performance counter that point is
    /// identified by the full register set; replay delivers it the first time the registers match there.
    Interrupted,
}

/// One thing that happened to one process.
// Events are built, written and read one at a time; boxing the larger variants would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// A system call whose result (and memory writes) replay injects, or, for calls replay executes,
    /// checks.
    Syscall {
        /// Recorded process id.
        pid: i32,
        /// Registers at entry.
        registers: Registers,
        /// The return value (`rax` at exit).
        result: i64,
        /// Memory the kernel wrote; the bytes are this event's data frame.
        writes: Vec<MemoryWrite>,
        /// Set when the call wrote to the recorder's stdout or stderr.
        output: Option<Output>,
        /// Set for an `mmap` of a file.
        mapped: Option<MappedFile>,
    },
    /// A successful fork, vfork or clone: the child exists from here on.
    Fork {
        /// Recorded parent process id.
        pid: i32,
        /// Recorded child process id (the parent's result).
        child: i32,
        /// Registers of the parent at entry.
        registers: Registers,
    },
    /// A successful execve.
    Exec {
        /// Recorded process id.
        pid: i32,
        /// Registers at entry (not checked for the first exec, which the tools themselves perform).
        registers: Registers,
        /// Registers when the new program is about to run.
        registers_after: Registers,
        /// The first exec of the recording.
        initial: bool,
        /// The new program's arguments (at most 32, each cut at 256 bytes): for listings only.
        command: Vec<String>,
        /// The files the kernel mapped (executable, interpreter).
        files: Vec<FileIdentity>,
        /// Where the kernel put the 16 `AT_RANDOM` bytes.
        at_random_address: u64,
        /// The `AT_RANDOM` bytes.
        at_random: [u8; 16],
        /// Address of the `AT_SYSINFO_EHDR` auxv entry whose value was zeroed to switch the vDSO off.
        sysinfo_entry: Option<u64>,
    },
    /// A signal delivered to the program.
    Signal {
        /// Recorded process id.
        pid: i32,
        /// Signal number.
        signal: i32,
        /// Why it came.
        cause: SignalCause,
        /// The raw 128-byte `siginfo_t`.
        siginfo: Vec<u8>,
        /// Registers at delivery.
        registers: Registers,
    },
    /// An `rdtsc`/`rdtscp` instruction, trapped and answered by the recorder.
    Rdtsc {
        /// Recorded process id.
        pid: i32,
        /// Registers at the instruction.
        registers: Registers,
        /// The time-stamp counter value given to the program.
        value: u64,
        /// `rdtscp` (3 bytes, also sets `rcx`) rather than `rdtsc` (2 bytes).
        rdtscp: bool,
    },
    /// A process ended.
    Exit {
        /// Recorded process id.
        pid: i32,
        /// How.
        status: ExitStatus,
    },
    /// The working directory a process moved to with `fchdir` (the descriptor exists only in the
    /// recording; replay moves by this path).
    Chdir {
        /// Recorded process id.
        pid: i32,
        /// The new working directory, as the kernel names it.
        directory: Vec<u8>,
    },
    /// The recording stopped early because the program did something the recorder does not support.
    Aborted {
        /// The recorder's message.
        reason: String,
    },
    /// The recording is complete; the first process ended with `status`.
    End {
        /// The root process's status, which `recorder record` exited with.
        status: ExitStatus,
    },
}

impl Event {
    /// The recorded process the event belongs to, if any.
    pub fn pid(&self) -> Option<i32> {
        match self {
            Event::Syscall { pid, .. }
            | Event::Fork { pid, .. }
            | Event::Exec { pid, .. }
            | Event::Signal { pid, .. }
            | Event::Rdtsc { pid, .. }
            | Event::Exit { pid, .. }
            | Event::Chdir { pid, .. } => Some(*pid),
            Event::Aborted { .. } | Event::End { .. } => None,
        }
    }

    /// Total bytes of memory writes, i.e. the length of this event's data frame.
    pub fn data_length(&self) -> u64 {
        match self {
            Event::Syscall { writes, .. } => writes.iter().map(|write| write.length).sum(),
            _ => 0,
        }
    }
}
