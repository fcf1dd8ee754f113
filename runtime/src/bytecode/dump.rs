//! The binary chunk format of `string.dump`: instead of raw instructions it carries the source
//! of the chunk a function came from, the chunk's name, and the path to the function in the
//! chunk's tree of prototypes. Loading recompiles the source (the compiler is deterministic)
//! and picks that prototype, so a loaded dump can never hold an instruction the compiler would
//! not emit — there is nothing to verify and nothing to trust.
//!
//! Layout: `ESC "RTR"`, a version byte, then three length-prefixed fields (LEB128 lengths): the
//! chunk name, the chunk text, and the path as LEB128 indices.

use super::Proto;

/// First bytes of every dump (Lua's convention: binary chunks start with ESC).
pub const SIGNATURE: &[u8] = b"\x1bRTR";
pub const DUMP_VERSION: u8 = 1;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DumpError {
    #[error("cannot load incompatible bytecode")]
    Incompatible,
    #[error("cannot load malformed bytecode")]
    Malformed,
}

/// A decoded dump: what to recompile and which function to take.
pub struct Dumped {
    pub chunk_name: Vec<u8>,
    pub chunk_text: Vec<u8>,
    pub path: Vec<u32>,
}

pub fn encode(p: &Proto) -> Vec<u8> {
    let o = &p.origin;
    let mut out = Vec::with_capacity(o.chunk_text.len() + o.chunk_name.len() + 16);
    out.extend_from_slice(SIGNATURE);
    out.push(DUMP_VERSION);
    put_bytes(&mut out, &o.chunk_name);
    put_bytes(&mut out, &o.chunk_text);
    put_len(&mut out, o.path.len() as u64);
    for &i in &o.path {
        put_len(&mut out, i as u64);
    }
    out
}

pub fn decode(bytes: &[u8]) -> Result<Dumped, DumpError> {
    let rest = bytes
        .strip_prefix(SIGNATURE)
        .ok_or(DumpError::Incompatible)?;
    let (&version, mut rest) = rest.split_first().ok_or(DumpError::Malformed)?;
    if version != DUMP_VERSION {
        return Err(DumpError::Incompatible);
    }
    let chunk_name = take_bytes(&mut rest)?.to_vec();
    let chunk_text = take_bytes(&mut rest)?.to_vec();
    let n = take_len(&mut rest)?;
    if n > 1 << 20 {
        return Err(DumpError::Malformed);
    }
    let mut path = Vec::with_capacity(n as usize);
    for _ in 0..n {
        path.push(u32::try_from(take_len(&mut rest)?).map_err(|_| DumpError::Malformed)?);
    }
    if !rest.is_empty() {
        return Err(DumpError::Malformed);
    }
    Ok(Dumped {
        chunk_name,
        chunk_text,
        path,
    })
}

fn put_len(out: &mut Vec<u8>, mut n: u64) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn put_bytes(out: &mut Vec<u8>, b: &[u8]) {
    put_len(out, b.len() as u64);
    out.extend_from_slice(b);
}

fn take_len(rest: &mut &[u8]) -> Result<u64, DumpError> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let (&byte, tail) = rest.split_first().ok_or(DumpError::Malformed)?;
        *rest = tail;
        n |= ((byte & 0x7f) as u64) << shift;
        if byte & 0x80 == 0 {
            return Ok(n);
        }
    }
    Err(DumpError::Malformed)
}

fn take_bytes<'a>(rest: &mut &'a [u8]) -> Result<&'a [u8], DumpError> {
    let n = take_len(rest)?;
    if n > rest.len() as u64 {
        return Err(DumpError::Malformed);
    }
    let (b, tail) = rest.split_at(n as usize);
    *rest = tail;
    Ok(b)
}

/// The prototype at `path` below `main`.
pub fn find<'p>(main: &'p std::rc::Rc<Proto>, path: &[u32]) -> Option<&'p std::rc::Rc<Proto>> {
    let mut p = main;
    for &i in path {
        p = p.protos.get(i as usize)?;
    }
    Some(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrupt_dumps_are_errors() {
        assert_eq!(decode(b"\x1bLJ").err(), Some(DumpError::Incompatible));
        assert_eq!(
            decode(b"\x1bRTR\x01\x05ab").err(),
            Some(DumpError::Malformed)
        );
        assert_eq!(decode(b"\x1bRTR\x02").err(), Some(DumpError::Incompatible));
        for cut in 0..12 {
            let full = b"\x1bRTR\x01\x01n\x02ab\x01\x03";
            let _ = decode(&full[..cut]);
        }
        let d = decode(b"\x1bRTR\x01\x01n\x02ab\x01\x03").unwrap();
        assert_eq!(
            (d.chunk_name, d.chunk_text, d.path),
            (b"n".to_vec(), b"ab".to_vec(), vec![3])
        );
    }
}
