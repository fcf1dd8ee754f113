//! Framing: checksummed frames packed into independently compressed, checksummed blocks.
//!
//! Writers only append whole blocks, so a reader can trust everything up to the last block that is
//! complete and whose checksum matches; it must never guess past a bad length.
#![forbid(unsafe_code)]

use std::io::Read;

/// Largest block the reader accepts, so a corrupt length cannot make it allocate without bound.
pub const MAX_BLOCK: u32 = 256 << 20;

const FRAME_HEADER: usize = 8;
const BLOCK_HEADER: usize = 12;

/// Appends one frame to `buffer`.
pub fn push_frame(buffer: &mut Vec<u8>, payload: &[u8]) {
    let length = u32::try_from(payload.len()).expect("trace frames are far smaller than 4 GiB");
    buffer.extend_from_slice(&length.to_le_bytes());
    buffer.extend_from_slice(&crc32fast::hash(payload).to_le_bytes());
    buffer.extend_from_slice(payload);
}

/// Compresses `raw` (a run of frames) into one on-disk block.
pub fn encode_block(raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let compressed = zstd::bulk::compress(raw, 1)?;
    let mut block = Vec::with_capacity(BLOCK_HEADER + compressed.len());
    for word in [raw.len(), compressed.len()] {
        let word = u32::try_from(word)
            .map_err(|_| std::io::Error::other("trace block larger than 4 GiB"))?;
        block.extend_from_slice(&word.to_le_bytes());
    }
    block.extend_from_slice(&crc32fast::hash(&compressed).to_le_bytes());
    block.extend_from_slice(&compressed);
    Ok(block)
}

/// What went wrong reading a stream.
#[derive(Debug, PartialEq, Eq)]
pub enum FrameError {
    /// The stream ends inside a block.
    Truncated(String),
    /// A checksum, length or compressed payload is wrong.
    Corrupt(String),
    /// The operating system failed the read.
    Io(String),
}

/// Reads frames back from a stream of blocks.
pub struct FrameReader<R> {
    source: R,
    block: Vec<u8>,
    cursor: usize,
}

impl<R: Read> FrameReader<R> {
    /// Reads from `source`, which starts at a block boundary.
    pub fn new(source: R) -> Self {
        FrameReader {
            source,
            block: Vec::new(),
            cursor: 0,
        }
    }

    /// The next frame's payload, `None` at a clean end of stream.
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        if self.cursor == self.block.len() && !self.next_block()? {
            return Ok(None);
        }
        let rest = &self.block[self.cursor..];
        if rest.len() < FRAME_HEADER {
            return Err(FrameError::Corrupt(
                "frame header cut off inside a block".into(),
            ));
        }
        let length = u32::from_le_bytes(rest[0..4].try_into().expect("4 bytes")) as usize;
        let checksum = u32::from_le_bytes(rest[4..8].try_into().expect("4 bytes"));
        if rest.len() - FRAME_HEADER < length {
            return Err(FrameError::Corrupt(format!(
                "frame of {length} bytes overruns its block"
            )));
        }
        let payload = rest[FRAME_HEADER..FRAME_HEADER + length].to_vec();
        if crc32fast::hash(&payload) != checksum {
            return Err(FrameError::Corrupt("frame checksum mismatch".into()));
        }
        self.cursor += FRAME_HEADER + length;
        Ok(Some(payload))
    }

    fn next_block(&mut self) -> Result<bool, FrameError> {
        let mut header = [0u8; BLOCK_HEADER];
        let got = read_fully(&mut self.source, &mut header)?;
        if got == 0 {
            return Ok(false);
        }
        if got < BLOCK_HEADER {
            return Err(FrameError::Truncated(format!(
                "block header cut off after {got} bytes"
            )));
        }
        let raw_length = u32::from_le_bytes(header[0..4].try_into().expect("4 bytes"));
        let compressed_length = u32::from_le_bytes(header[4..8].try_into().expect("4 bytes"));
        let checksum = u32::from_le_bytes(header[8..12].try_into().expect("4 bytes"));
        if raw_length > MAX_BLOCK || compressed_length > MAX_BLOCK {
            return Err(FrameError::Corrupt(format!(
                "block length {raw_length}/{compressed_length} is impossible"
            )));
        }
        let mut compressed = vec![0u8; compressed_length as usize];
        let got = read_fully(&mut self.source, &mut compressed)?;
        if got < compressed.len() {
            return Err(FrameError::Truncated(format!(
                "block of {compressed_length} bytes cut off after {got} bytes"
            )));
        }
        if crc32fast::hash(&compressed) != checksum {
            return Err(FrameError::Corrupt("block checksum mismatch".into()));
        }
        let raw = zstd::bulk::decompress(&compressed, raw_length as usize)
            .map_err(|error| FrameError::Corrupt(format!("block does not decompress: {error}")))?;
        if raw.len() != raw_length as usize {
            return Err(FrameError::Corrupt(
                "block decompresses to the wrong length".into(),
            ));
        }
        self.block = raw;
        self.cursor = 0;
        Ok(true)
    }
}

fn read_fully(source: &mut impl Read, buffer: &mut [u8]) -> Result<usize, FrameError> {
    let mut filled = 0;
    while filled < buffer.len() {
        match source.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(error) if error.kind() == std::io::ErrorKind::Interrupted => {}
            Err(error) => return Err(FrameError::Io(error.to_string())),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_blocks() -> Vec<u8> {
        let mut first = Vec::new();
        push_frame(&mut first, b"one");
        push_frame(&mut first, b"two");
        let mut second = Vec::new();
        push_frame(&mut second, b"three");
        let mut stream = encode_block(&first).unwrap();
        stream.extend(encode_block(&second).unwrap());
        stream
    }

    fn read_all(stream: &[u8]) -> (Vec<Vec<u8>>, Option<FrameError>) {
        let mut reader = FrameReader::new(stream);
        let mut frames = Vec::new();
        loop {
            match reader.next_frame() {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => return (frames, None),
                Err(error) => return (frames, Some(error)),
            }
        }
    }

    #[test]
    fn frames_round_trip() {
        let (frames, error) = read_all(&two_blocks());
        assert_eq!(
            frames,
            vec![b"one".to_vec(), b"two".to_vec(), b"three".to_vec()]
        );
        assert_eq!(error, None);
    }

    #[test]
    fn truncation_keeps_whole_blocks() {
        let stream = two_blocks();
        let mut first = Vec::new();
        push_frame(&mut first, b"one");
        push_frame(&mut first, b"two");
        let boundary = encode_block(&first).unwrap().len();
        for cut in 1..stream.len() {
            let (frames, error) = read_all(&stream[..cut]);
            if cut == boundary {
                assert_eq!(
                    (frames.len(), error),
                    (2, None),
                    "cut at the block boundary"
                );
            } else {
                assert_eq!(
                    frames.len(),
                    if cut > boundary { 2 } else { 0 },
                    "cut {cut}"
                );
                assert!(
                    matches!(error, Some(FrameError::Truncated(_))),
                    "cut {cut}: {error:?}"
                );
            }
        }
    }

    #[test]
    fn flipped_bits_are_reported_not_trusted() {
        let stream = two_blocks();
        for position in 0..stream.len() {
            let mut damaged = stream.clone();
            damaged[position] ^= 0x10;
            let (frames, _) = read_all(&damaged);
            // Damage may be detected as corruption or truncation, but never yields wrong frames.
            for (index, frame) in frames.iter().enumerate() {
                assert_eq!(
                    frame,
                    &[b"one".as_slice(), b"two", b"three"][index],
                    "flip at {position}"
                );
            }
        }
    }
}
