//! Replays traces written by the recorder:
//! `trace → spawn (same conditions) → PTRACE_SYSEMU stops → inject recorded results / execute memory-layout
//! calls for real → check registers at every event`.
//!
//! The key idea: the program really runs again, instruction by instruction, but every input from the
//! outside world comes from the trace; any register that differs from the recording at an event is a
//! divergence, reported with the event number, never papered over.
//!
//! [`session::ReplaySession`] is the engine (step one event, inspect registers and memory); it knows
//! nothing of debuggers or command lines, so a gdb front end can drive it.

pub mod divergence;
pub mod dump;
pub mod error;
mod fork;
pub mod gdb;
mod inject;
mod process;
pub mod ps;
pub mod session;
mod temporary_mask;
pub mod timeline;
pub mod trap;
mod xstate;

pub use divergence::Divergence;
pub use error::{ReplayError, ReplayResult};
pub use session::{Diverted, ReplayOptions, ReplaySession, Step};
