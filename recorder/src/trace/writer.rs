//! Appends events and their data to a trace as they happen.
//!
//! Frames collect in memory and go to disk as compressed blocks when a block is full and, from a
//! background flusher, at least every [`FLUSH_INTERVAL`]; so a recorder killed with SIGKILL leaves a
//! trace that is whole up to a few milliseconds before its death. Data is always flushed before the
//! events that refer to it.
#![forbid(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use super::frame::{encode_block, push_frame};
use super::{layout, Event, Header, TraceError, TraceResult, TRACE_VERSION};

/// Longest time an event waits in memory before it reaches the disk.
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(20);
const BLOCK_SIZE: usize = 1 << 20;

struct Stream {
    file: File,
    path: PathBuf,
    pending: Vec<u8>,
}

impl Stream {
    fn create(path: PathBuf) -> TraceResult<Self> {
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&path)
            .map_err(|error| TraceError::io(&path, error))?;
        Ok(Stream {
            file,
            path,
            pending: Vec::new(),
        })
    }

    fn flush(&mut self) -> TraceResult<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let block =
            encode_block(&self.pending).map_err(|error| TraceError::io(&self.path, error))?;
        self.file
            .write_all(&block)
            .map_err(|error| TraceError::io(&self.path, error))?;
        self.pending.clear();
        Ok(())
    }
}

struct Streams {
    events: Stream,
    data: Stream,
    event_count: u64,
    failure: Option<String>,
    closed: bool,
}

impl Streams {
    fn flush(&mut self) -> TraceResult<()> {
        self.data.flush()?;
        self.events.flush()
    }
}

/// Writes one trace directory.
pub struct TraceWriter {
    dir: PathBuf,
    shared: Arc<(Mutex<Streams>, Condvar)>,
    flusher: Option<JoinHandle<()>>,
}

impl TraceWriter {
    /// Creates `dir` (mode 0700; it must not exist yet, or be an empty directory reserved for this
    /// trace) with its version, header and empty streams.
    pub fn create(dir: &Path, header: &Header) -> TraceResult<Self> {
        match std::fs::DirBuilder::new().mode(0o700).create(dir) {
            Ok(()) => {}
            Err(error)
                if error.kind() == std::io::ErrorKind::AlreadyExists
                    && std::fs::read_dir(dir).is_ok_and(|mut entries| entries.next().is_none()) => {
            }
            Err(error) => return Err(TraceError::io(dir, error)),
        }
        std::fs::DirBuilder::new()
            .mode(0o700)
            .create(dir.join(layout::FILES))
            .map_err(|error| TraceError::io(dir.join(layout::FILES), error))?;
        let version_path = dir.join(layout::VERSION);
        std::fs::write(
            &version_path,
            format!("retrace trace format {TRACE_VERSION}\n"),
        )
        .map_err(|error| TraceError::io(&version_path, error))?;
        let header_path = dir.join(layout::HEADER);
        let mut frame = Vec::new();
        push_frame(
            &mut frame,
            &bincode::serialize(header).expect("headers always serialize"),
        );
        std::fs::write(&header_path, frame).map_err(|error| TraceError::io(&header_path, error))?;
        let streams = Streams {
            events: Stream::create(dir.join(layout::EVENTS))?,
            data: Stream::create(dir.join(layout::DATA))?,
            event_count: 0,
            failure: None,
            closed: false,
        };
        let shared = Arc::new((Mutex::new(streams), Condvar::new()));
        let flusher_shared = Arc::clone(&shared);
        let flusher = std::thread::Builder::new()
            .name("trace-flusher".into())
            .spawn(move || flush_periodically(&flusher_shared))
            .map_err(|error| TraceError::io(dir, error))?;
        Ok(TraceWriter {
            dir: dir.to_path_buf(),
            shared,
            flusher: Some(flusher),
        })
    }

    /// The trace directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Appends `event` with its data frame (`data` must be `event.data_length()` bytes); returns the
    /// event's number (1-based).
    pub fn append(&self, event: &Event, data: &[u8]) -> TraceResult<u64> {
        debug_assert_eq!(event.data_length(), data.len() as u64);
        let mut streams = self
            .shared
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(failure) = &streams.failure {
            return Err(TraceError::io(
                &self.dir,
                std::io::Error::other(failure.clone()),
            ));
        }
        if !data.is_empty() {
            push_frame(&mut streams.data.pending, data);
        }
        push_frame(
            &mut streams.events.pending,
            &bincode::serialize(event).expect("events always serialize"),
        );
        streams.event_count += 1;
        if streams.data.pending.len() + streams.events.pending.len() >= BLOCK_SIZE {
            streams.flush()?;
        }
        Ok(streams.event_count)
    }

    /// Number of events appended so far.
    pub fn event_count(&self) -> u64 {
        self.shared
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .event_count
    }

    /// Flushes everything and stops the flusher.
    pub fn finish(mut self) -> TraceResult<()> {
        self.close()
    }

    fn close(&mut self) -> TraceResult<()> {
        let result = {
            let mut streams = self
                .shared
                .0
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            streams.closed = true;
            streams.flush()
        };
        self.shared.1.notify_all();
        if let Some(flusher) = self.flusher.take() {
            let _ = flusher.join();
        }
        result
    }
}

impl Drop for TraceWriter {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

fn flush_periodically(shared: &(Mutex<Streams>, Condvar)) {
    let (lock, wake) = shared;
    let mut streams = lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    while !streams.closed {
        streams = wake
            .wait_timeout(streams, FLUSH_INTERVAL)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0;
        if let Err(error) = streams.flush() {
            streams.failure = Some(error.to_string());
            return;
        }
    }
}
