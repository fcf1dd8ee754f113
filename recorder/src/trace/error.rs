//! Errors met while reading or writing a trace; each names what is wrong and, when it matters, where.
#![forbid(unsafe_code)]

use std::path::PathBuf;

/// A trace that cannot be written or read as a whole.
#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    /// The directory is missing the files every trace has.
    #[error("{path} is not a retrace trace (no '{missing}' file); pass a directory written by 'recorder record'")]
    NotATrace {
        path: PathBuf,
        missing: &'static str,
    },
    /// An I/O failure on a trace file.
    #[error("{path}: {error}")]
    Io {
        path: PathBuf,
        error: std::io::Error,
    },
    /// Written by a different format version.
    #[error("trace format version {found} is not supported (this build reads version {expected}); replay it with the retrace release that recorded it")]
    WrongVersion { found: String, expected: u32 },
    /// Recorded on another architecture.
    #[error("trace was recorded on {found}, this replayer runs on {expected}")]
    WrongArch {
        found: String,
        expected: &'static str,
    },
    /// Recorded on a CPU whose features differ from this one's.
    #[error("trace was recorded on a CPU with different features ({detail}); replay it on the same kind of machine")]
    CpuMismatch { detail: String },
    /// A checksum, length or encoding is wrong.
    #[error("trace is corrupt at event {event}: {what}")]
    Corrupt { event: u64, what: String },
    /// The file ends in the middle of a block or frame.
    #[error("trace is truncated after event {after_event}: {what}")]
    Truncated { after_event: u64, what: String },
}

/// Result of trace operations.
pub type TraceResult<T> = Result<T, TraceError>;

impl TraceError {
    /// Wraps an I/O error with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, error: std::io::Error) -> Self {
        TraceError::Io {
            path: path.into(),
            error,
        }
    }
}
