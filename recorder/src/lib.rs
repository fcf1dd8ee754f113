//! Records Linux process trees without hardware performance counters:
//! `spawn (ASLR off, rdtsc trapping, seccomp filter) → ptrace stops → events + memory → trace directory`.
//!
//! The key idea: nothing is counted, so every nondeterministic input must arrive at a point replay can
//! find again by itself — a system call, a trapped `rdtsc`, a faulting instruction, or (for signals
//! from outside) the next system-call boundary, where the recorder holds them until then.
//!
//! The [`trace`] module is the one definition of the trace format; the replayer reads traces through it,
//! and shares [`tracee`], [`spawn`], [`auxv`] and [`syscalls`] with the recorder so record and replay
//! mirror each other.

pub mod auxv;
pub mod cpu;
pub mod instruction;
pub mod kernel_writes;
pub mod record;
pub mod seccomp;
pub mod spawn;
pub mod syscalls;
pub mod trace;
pub mod trace_dir;
pub mod tracee;
pub mod tsc_mode;
