//! Reads a trace back: checks version and arch first, then yields events with their data in order.
#![forbid(unsafe_code)]

use std::fs::File;
use std::io::BufReader;
use std::path::{Path, PathBuf};

use super::frame::{FrameError, FrameReader};
use super::{layout, Event, Header, TraceError, TraceResult, ARCH, TRACE_VERSION};

/// One event as read back.
#[derive(Clone, Debug)]
pub struct Record {
    /// 1-based position in the event stream.
    pub number: u64,
    /// The event.
    pub event: Event,
    /// Its data frame (empty when the event wrote no memory).
    pub data: Vec<u8>,
}

/// Sequential reader of one trace directory.
pub struct TraceReader {
    dir: PathBuf,
    header: Header,
    events: FrameReader<BufReader<File>>,
    data: FrameReader<BufReader<File>>,
    last_number: u64,
}

impl TraceReader {
    /// Opens `dir`, refusing anything that is not a trace of this format version and architecture.
    pub fn open(dir: &Path) -> TraceResult<Self> {
        if !dir.is_dir() {
            return Err(TraceError::io(
                dir,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such trace directory"),
            ));
        }
        let version_path = dir.join(layout::VERSION);
        let version = std::fs::read(&version_path).map_err(|_| TraceError::NotATrace {
            path: dir.to_path_buf(),
            missing: layout::VERSION,
        })?;
        let version = String::from_utf8_lossy(&version);
        let found = version
            .trim()
            .strip_prefix("retrace trace format ")
            .unwrap_or(version.trim());
        if found != TRACE_VERSION.to_string() {
            return Err(TraceError::WrongVersion {
                found: found.chars().take(40).collect(),
                expected: TRACE_VERSION,
            });
        }
        let header = read_header(dir)?;
        if header.version != TRACE_VERSION {
            return Err(TraceError::WrongVersion {
                found: header.version.to_string(),
                expected: TRACE_VERSION,
            });
        }
        if header.arch != ARCH {
            return Err(TraceError::WrongArch {
                found: header.arch.chars().take(40).collect(),
                expected: ARCH,
            });
        }
        Ok(TraceReader {
            dir: dir.to_path_buf(),
            header,
            events: FrameReader::new(BufReader::new(open(dir, layout::EVENTS)?)),
            data: FrameReader::new(BufReader::new(open(dir, layout::DATA)?)),
            last_number: 0,
        })
    }

    /// The trace's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The trace directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// Number of the last event returned.
    pub fn last_number(&self) -> u64 {
        self.last_number
    }

    /// The next event, `None` after the last one.
    pub fn next_record(&mut self) -> TraceResult<Option<Record>> {
        let number = self.last_number + 1;
        let payload = match self.events.next_frame() {
            Ok(Some(payload)) => payload,
            Ok(None) => return Ok(None),
            Err(error) => return Err(self.stream_error(error, number, "events")),
        };
        let event: Event = bincode::deserialize(&payload).map_err(|error| TraceError::Corrupt {
            event: number,
            what: format!("undecodable event: {error}"),
        })?;
        let length = event.data_length();
        let data = if length == 0 {
            Vec::new()
        } else {
            match self.data.next_frame() {
                Ok(Some(data)) if data.len() as u64 == length => data,
                Ok(Some(data)) => {
                    return Err(TraceError::Corrupt {
                        event: number,
                        what: format!(
                            "data frame has {} bytes, the event expects {length}",
                            data.len()
                        ),
                    })
                }
                Ok(None) => {
                    return Err(TraceError::Truncated {
                        after_event: number - 1,
                        what: "the data stream ends before this event's data".into(),
                    })
                }
                Err(error) => return Err(self.stream_error(error, number, "data")),
            }
        };
        self.last_number = number;
        Ok(Some(Record {
            number,
            event,
            data,
        }))
    }

    fn stream_error(&self, error: FrameError, number: u64, stream: &str) -> TraceError {
        match error {
            FrameError::Truncated(what) => TraceError::Truncated {
                after_event: number - 1,
                what: format!("'{stream}' {what}"),
            },
            FrameError::Corrupt(what) => TraceError::Corrupt {
                event: number,
                what: format!("'{stream}' {what}"),
            },
            FrameError::Io(what) => {
                TraceError::io(self.dir.join(stream), std::io::Error::other(what))
            }
        }
    }
}

fn open(dir: &Path, name: &'static str) -> TraceResult<File> {
    File::open(dir.join(name)).map_err(|_| TraceError::NotATrace {
        path: dir.to_path_buf(),
        missing: name,
    })
}

fn read_header(dir: &Path) -> TraceResult<Header> {
    let path = dir.join(layout::HEADER);
    let bytes = std::fs::read(&path).map_err(|_| TraceError::NotATrace {
        path: dir.to_path_buf(),
        missing: layout::HEADER,
    })?;
    let corrupt = |what: &str| TraceError::Corrupt {
        event: 0,
        what: format!("header {what}"),
    };
    if bytes.len() < 8 {
        return Err(corrupt("is cut off"));
    }
    let length = u32::from_le_bytes(bytes[0..4].try_into().expect("4 bytes")) as usize;
    let checksum = u32::from_le_bytes(bytes[4..8].try_into().expect("4 bytes"));
    let payload = bytes
        .get(8..8 + length)
        .ok_or_else(|| corrupt("is cut off"))?;
    if crc32fast::hash(payload) != checksum {
        return Err(corrupt("checksum mismatch"));
    }
    bincode::deserialize(payload).map_err(|error| corrupt(&format!("does not decode: {error}")))
}
