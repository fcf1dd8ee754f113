//! Placement inside an executor-owned code area: one reservation holding many pieces of code,
//! like LuaJIT's machine-code area (`sizemcode`/`maxmcode`).
//!
//! Pieces are placed one after another at [`ALIGN`]-byte offsets. Removing a piece leaves a hole
//! that is not reused on its own; once every piece is removed (a flush), placement starts again
//! at the beginning.
#![forbid(unsafe_code)]

use crate::code::PAGE;
use crate::error::{Error, Result};

/// Alignment of each piece (keeps the 8-aligned literal pool of a piece 8-aligned).
pub const ALIGN: usize = 16;

/// Where pieces go inside an area of `capacity` bytes.
#[derive(Debug)]
pub(crate) struct Placement {
    capacity: usize,
    next: usize,
    live: usize,
}

impl Placement {
    /// An empty area of `capacity` bytes (a multiple of [`PAGE`]).
    pub(crate) fn new(capacity: usize) -> Placement {
        Placement {
            capacity,
            next: 0,
            live: 0,
        }
    }

    /// The area size for a request of `capacity` bytes: rounded up to whole pages, at least one.
    pub(crate) fn rounded(capacity: usize) -> usize {
        capacity.max(1).div_ceil(PAGE) * PAGE
    }

    /// The area's size in bytes.
    pub(crate) fn capacity(&self) -> usize {
        self.capacity
    }

    /// Whether no piece is placed.
    pub(crate) fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// The offset for a new piece of `len` bytes, or [`Error::CodeAreaFull`].
    pub(crate) fn place(&mut self, len: usize) -> Result<usize> {
        if len == 0 {
            return Err(Error::EmptyCode);
        }
        if self.live == 0 {
            self.next = 0;
        }
        let offset = self.next;
        let end = offset.checked_add(len).filter(|&end| end <= self.capacity);
        let Some(end) = end else {
            return Err(Error::CodeAreaFull {
                capacity: self.capacity,
                used: self.next,
                requested: len,
            });
        };
        self.next = end.div_ceil(ALIGN) * ALIGN;
        self.live += 1;
        Ok(offset)
    }

    /// Records that one placed piece was removed.
    pub(crate) fn release(&mut self) {
        self.live = self.live.saturating_sub(1);
        if self.live == 0 {
            self.next = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_are_aligned_until_full_and_a_flush_starts_over() {
        let mut area = Placement::new(Placement::rounded(100));
        assert_eq!(area.capacity(), PAGE);
        assert_eq!(area.place(4).unwrap(), 0);
        assert_eq!(area.place(20).unwrap(), 16);
        assert_eq!(area.place(PAGE - 48).unwrap(), 48);
        assert!(matches!(
            area.place(1),
            Err(Error::CodeAreaFull {
                capacity: PAGE,
                used: PAGE,
                requested: 1
            })
        ));
        assert!(matches!(area.place(0), Err(Error::EmptyCode)));
        area.release();
        area.release();
        assert!(!area.is_empty());
        assert!(area.place(4).is_err(), "holes are not reused");
        area.release();
        assert!(area.is_empty());
        assert_eq!(area.place(PAGE).unwrap(), 0);
        assert!(matches!(
            Placement::new(PAGE).place(PAGE + 1),
            Err(Error::CodeAreaFull { .. })
        ));
    }
}
