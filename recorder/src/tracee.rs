//! The ptrace edge: registers, memory and signal information of a stopped tracee.
//!
//! Everything here assumes the caller is the tracer and the tracee is in a ptrace stop; a tracee that
//! died meanwhile is reported as [`TraceeError::Gone`], never a panic. All of the crate's ptrace-related
//! `unsafe` lives here and in [`crate::spawn`].

use std::fs::OpenOptions;
use std::os::unix::fs::FileExt;

use nix::errno::Errno;
use nix::sys::ptrace;
use nix::sys::uio::{process_vm_readv, RemoteIoVec};
pub use nix::unistd::Pid;

use crate::trace::Registers;

/// Size of a raw `siginfo_t`.
pub const SIGINFO_SIZE: usize = 128;

/// A failed operation on a tracee.
#[derive(Debug, thiserror::Error)]
pub enum TraceeError {
    /// The process no longer exists (killed from outside, or exited).
    #[error("process {0} disappeared while being traced")]
    Gone(Pid),
    /// A ptrace request failed.
    #[error("ptrace {operation} on process {pid} failed: {errno}")]
    Ptrace {
        operation: &'static str,
        pid: Pid,
        errno: Errno,
    },
    /// Tracee memory could not be read or written.
    #[error("cannot {operation} {length} bytes at {address:#x} in process {pid}: {error}")]
    Memory {
        operation: &'static str,
        pid: Pid,
        address: u64,
        length: usize,
        error: std::io::Error,
    },
    /// Starting the traced program failed.
    #[error("cannot start {program}: {reason}")]
    Spawn { program: String, reason: String },
}

/// Result of tracee operations.
pub type TraceeResult<T> = Result<T, TraceeError>;

/// Maps a ptrace errno to an error, treating ESRCH as the tracee's death.
pub fn ptrace_error(operation: &'static str, pid: Pid) -> impl Fn(Errno) -> TraceeError {
    move |errno| match errno {
        Errno::ESRCH => TraceeError::Gone(pid),
        errno => TraceeError::Ptrace {
            operation,
            pid,
            errno,
        },
    }
}

/// The tracee's registers.
pub fn registers(pid: Pid) -> TraceeResult<Registers> {
    ptrace::getregs(pid)
        .map(Registers::from)
        .map_err(ptrace_error("GETREGS", pid))
}

/// Replaces the tracee's registers.
pub fn set_registers(pid: Pid, registers: &Registers) -> TraceeResult<()> {
    ptrace::setregs(pid, (*registers).into()).map_err(ptrace_error("SETREGS", pid))
}

/// Reads `length` bytes at `address`.
pub fn read_memory(pid: Pid, address: u64, length: usize) -> TraceeResult<Vec<u8>> {
    let mut buffer = vec![0u8; length];
    if length == 0 {
        return Ok(buffer);
    }
    let remote = [RemoteIoVec {
        base: address as usize,
        len: length,
    }];
    let fast = process_vm_readv(pid, &mut [std::io::IoSliceMut::new(&mut buffer)], &remote);
    if fast == Ok(length) {
        return Ok(buffer);
    }
    // Pages that are not readable by the program (PROT_NONE, guard pages) still read through /proc.
    let memory_error = |error| TraceeError::Memory {
        operation: "read",
        pid,
        address,
        length,
        error,
    };
    let file = OpenOptions::new()
        .read(true)
        .open(format!("/proc/{pid}/mem"))
        .map_err(memory_error)?;
    file.read_exact_at(&mut buffer, address)
        .map_err(memory_error)?;
    Ok(buffer)
}

/// Reads one little-endian word at `address`.
pub fn read_u64(pid: Pid, address: u64) -> TraceeResult<u64> {
    let bytes = read_memory(pid, address, 8)?;
    Ok(u64::from_le_bytes(bytes.try_into().expect("8 bytes")))
}

/// Writes `bytes` at `address`, even into read-only pages (as a debugger does).
pub fn write_memory(pid: Pid, address: u64, bytes: &[u8]) -> TraceeResult<()> {
    if bytes.is_empty() {
        return Ok(());
    }
    let memory_error = |error| TraceeError::Memory {
        operation: "write",
        pid,
        address,
        length: bytes.len(),
        error,
    };
    let file = OpenOptions::new()
        .write(true)
        .open(format!("/proc/{pid}/mem"))
        .map_err(memory_error)?;
    file.write_all_at(bytes, address).map_err(memory_error)
}

/// The pending signal's raw `siginfo_t`; `None` for a group-stop (which has none).
pub fn siginfo(pid: Pid) -> TraceeResult<Option<[u8; SIGINFO_SIZE]>> {
    match ptrace::getsiginfo(pid) {
        // SAFETY: `siginfo_t` is 128 bytes of plain data on x86-64; every bit pattern is a valid byte array.
        Ok(info) => Ok(Some(unsafe {
            std::mem::transmute::<libc::siginfo_t, [u8; SIGINFO_SIZE]>(info)
        })),
        Err(Errno::EINVAL) => Ok(None),
        Err(errno) => Err(ptrace_error("GETSIGINFO", pid)(errno)),
    }
}

/// Replaces the pending signal's `siginfo_t` with `bytes` (a recorded one).
pub fn set_siginfo(pid: Pid, bytes: &[u8]) -> TraceeResult<()> {
    let mut raw = [0u8; SIGINFO_SIZE];
    let length = bytes.len().min(SIGINFO_SIZE);
    raw[..length].copy_from_slice(&bytes[..length]);
    // SAFETY: `siginfo_t` is 128 bytes of plain data on x86-64; any byte pattern is a valid value.
    let info = unsafe { std::mem::transmute::<[u8; SIGINFO_SIZE], libc::siginfo_t>(raw) };
    ptrace::setsiginfo(pid, &info).map_err(ptrace_error("SETSIGINFO", pid))
}

/// Fields of a raw `siginfo_t` the tools look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SiginfoFields {
    /// Signal number.
    pub signo: i32,
    /// `si_code`.
    pub code: i32,
    /// `si_pid` (meaningful for signals sent by a process).
    pub sender: i32,
}

impl SiginfoFields {
    /// Decodes the fields from raw bytes.
    pub fn parse(raw: &[u8]) -> Self {
        let word = |offset: usize| {
            raw.get(offset..offset + 4).map_or(0, |bytes| {
                i32::from_le_bytes(bytes.try_into().expect("4 bytes"))
            })
        };
        SiginfoFields {
            signo: word(0),
            code: word(8),
            sender: word(16),
        }
    }
}

/// `si_code` of a signal sent with tkill/tgkill.
pub const SI_TKILL: i32 = -6;
