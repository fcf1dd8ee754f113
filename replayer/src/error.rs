//! Why a replay stopped before the end of its trace.
#![forbid(unsafe_code)]

use recorder::trace::TraceError;
use recorder::tracee::TraceeError;

use crate::Divergence;

/// A replay that cannot go on.
#[derive(Debug, thiserror::Error)]
pub enum ReplayError {
    /// The trace itself is unreadable, truncated, corrupt, or of another version, arch or CPU.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// The program left the recorded path.
    #[error(transparent)]
    Divergence(#[from] Divergence),
    /// The recording was stopped by the recorder (unsupported program behaviour).
    #[error("the recording stops at event {event}: {reason}")]
    RecordingAborted { event: u64, reason: String },
    /// The trace's event stream ended without an end record.
    #[error("trace ends after event {event} without an end record (the recorder was killed?); replayed up to there")]
    Incomplete { event: u64 },
    /// A ptrace operation failed.
    #[error(transparent)]
    Tracee(#[from] TraceeError),
    /// The program could not be started again.
    #[error("{0}")]
    Start(String),
    /// A debugger trap stopped the debugged process inside an event (see `ReplaySession::advance`).
    #[error("stopped at a debugger trap")]
    Trapped,
}

impl ReplayError {
    /// Whether the fault lies with the trace (format, truncation) rather than with the replay.
    pub fn is_bad_trace(&self) -> bool {
        matches!(
            self,
            ReplayError::Trace(_)
                | ReplayError::RecordingAborted { .. }
                | ReplayError::Incomplete { .. }
        )
    }
}

/// Result of replay operations.
pub type ReplayResult<T> = Result<T, ReplayError>;
