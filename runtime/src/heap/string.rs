//! Interned strings and the seeded string hash.

use std::rc::Rc;

pub struct LuaStr {
    pub bytes: Rc<[u8]>,
    pub hash: u32,
}

/// The seeded hash of string contents. Its seed comes from the `hash` stream, so table
/// iteration order over string keys is a function of the seed.
pub struct StringHasher {
    seed: u64,
}

const K: u64 = 0x9E37_79B9_7F4A_7C15;

impl StringHasher {
    pub fn new(seed: u64) -> StringHasher {
        StringHasher { seed }
    }

    pub fn hash(&self, bytes: &[u8]) -> u32 {
        let mut h = self.seed ^ (bytes.len() as u64).wrapping_mul(K);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let w = u64::from_le_bytes(c.try_into().expect("8-byte chunk"));
            h = (h.rotate_left(5) ^ w).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            h = (h.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(K);
        }
        h ^= h >> 32;
        h = h.wrapping_mul(0xff51afd7ed558ccd);
        (h ^ (h >> 29)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_changes_hash() {
        let a = StringHasher::new(1).hash(b"hello");
        let b = StringHasher::new(2).hash(b"hello");
        assert_ne!(a, b);
        assert_eq!(a, StringHasher::new(1).hash(b"hello"));
    }
}
