//! Recognising the instructions the recorder emulates: `rdtsc` and `rdtscp`, which trap (as SIGSEGV)
//! because the tracee runs with `PR_SET_TSC` = `PR_TSC_SIGSEGV`.
#![forbid(unsafe_code)]

use crate::tracee::{read_memory, Pid, TraceeResult};

/// A trapped time-stamp instruction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimestampInstruction {
    /// `rdtsc` (0f 31).
    Rdtsc,
    /// `rdtscp` (0f 01 f9), which also loads `rcx`.
    Rdtscp,
}

impl TimestampInstruction {
    /// Its length in bytes.
    pub fn length(self) -> u64 {
        match self {
            TimestampInstruction::Rdtsc => 2,
            TimestampInstruction::Rdtscp => 3,
        }
    }

    /// Applies `value` to `registers` as the instruction would, and steps past it. `rdtscp`'s processor
    /// id (`rcx`) is always 0, so a replay on another CPU sees the same.
    pub fn emulate(self, registers: &mut crate::trace::Registers, value: u64) {
        registers.rax = value & 0xffff_ffff;
        registers.rdx = value >> 32;
        if self == TimestampInstruction::Rdtscp {
            registers.rcx = 0;
        }
        registers.rip += self.length();
    }
}

/// Whether the instruction at `rip` of `pid` is `rdtsc`/`rdtscp`.
pub fn timestamp_instruction_at(pid: Pid, rip: u64) -> TraceeResult<Option<TimestampInstruction>> {
    let Ok(bytes) = read_memory(pid, rip, 3) else {
        return Ok(None);
    };
    Ok(match bytes.as_slice() {
        [0x0f, 0x31, _] => Some(TimestampInstruction::Rdtsc),
        [0x0f, 0x01, 0xf9] => Some(TimestampInstruction::Rdtscp),
        _ => None,
    })
}

/// Whether `signal` with `si_code` `code` was raised by the faulting instruction itself (so that replay
/// re-executing the instruction raises it again), as opposed to being sent.
pub fn is_fault(signal: i32, code: i32) -> bool {
    matches!(
        signal,
        libc::SIGSEGV | libc::SIGBUS | libc::SIGILL | libc::SIGFPE | libc::SIGTRAP
    ) && code > 0
}
