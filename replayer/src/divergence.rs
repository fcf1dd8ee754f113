//! A divergence: the replayed program did something other than what the recording says.
#![forbid(unsafe_code)]

/// Where and how replay left the recorded path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Divergence {
    /// The event being replayed.
    pub event: u64,
    /// Recorded id of the process concerned.
    pub pid: i32,
    /// What the recording says.
    pub expected: String,
    /// What happened instead.
    pub actual: String,
}

impl std::fmt::Display for Divergence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "replay diverged at event {} (process {}): expected {}, got {}",
            self.event, self.pid, self.expected, self.actual
        )
    }
}

impl std::error::Error for Divergence {}
