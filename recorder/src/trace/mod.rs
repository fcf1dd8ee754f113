//! The trace format shared by the recorder (writes) and the replayer (reads).
//!
//! A trace is a private directory (mode 0700, it holds the program's memory):
//!
//! ```text
//! version   "retrace trace format <TRACE_VERSION>\n", checked before anything else is read
//! header    one frame: format version, arch, CPU features, kernel, command, env, cwd
//! events    compressed blocks of frames, one frame per event, appended as they happen
//! data      compressed blocks of frames: the memory the kernel wrote, one frame per event that has any
//! files/    preserved copies (or hard links) of every file the program mapped
//! ```
//!
//! Frames are `[len u32][crc32 u32][payload]`; blocks are `[raw len u32][compressed len u32][crc32 u32][zstd]`.
//! A recording cut short (recorder killed) is readable up to its last whole block; anything corrupt is
//! reported with the event number where reading stopped. Bump [`TRACE_VERSION`] on every change.
#![forbid(unsafe_code)]

mod error;
mod event;
mod frame;
mod header;
mod reader;
mod registers;
mod writer;

pub use error::{TraceError, TraceResult};
pub use event::{
    checksum_of, signal_name, Event, ExitStatus, FileIdentity, MappedFile, MemoryWrite, Output,
    SignalCause, Stream,
};
pub use header::{CpuFeatures, Header};
pub use reader::{Record, TraceReader};
pub use registers::Registers;
pub use writer::TraceWriter;

/// Version of the on-disk format; a reader refuses any other.
pub const TRACE_VERSION: u32 = 2;

/// The architecture every trace of this build records.
pub const ARCH: &str = "x86_64";

/// File names inside a trace directory.
pub mod layout {
    /// Holds the format version as text.
    pub const VERSION: &str = "version";
    /// The header frame.
    pub const HEADER: &str = "header";
    /// The event stream.
    pub const EVENTS: &str = "events";
    /// The bulk-data stream.
    pub const DATA: &str = "data";
    /// Preserved mapped files.
    pub const FILES: &str = "files";
}
