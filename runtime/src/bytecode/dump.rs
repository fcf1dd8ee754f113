//! The binary chunk format of `string.dump`: instead of raw instructions it carries the source
//! of the chunk a function came from, the chunk's name, and the path to the function in the
//! chunk's tree of prototypes. Loading recompiles the source (the compiler is deterministic)
//! and picks that prototype, so a loaded dump can never hold an instruction the compiler would
//! not emit — there is nothing to verify and nothing to trust.
//!
//! The text kept is only the lines of the dumped function (the others are left empty, so line
//! numbers stay), when those lines compile on their own; else the whole chunk's.
//!
//! Layout: `ESC "RTR"`, a version byte (2), a flags byte (bit 0: `strip`), then three
//! length-prefixed fields (LEB128 lengths): the chunk name, the chunk text, and the path as
//! LEB128 indices. Version 1 (no flags byte) still loads.

use super::Proto;

/// First bytes of every dump (Lua's convention: binary chunks start with ESC).
pub const SIGNATURE: &[u8] = b"\x1bRTR";
pub const DUMP_VERSION: u8 = 2;

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
    /// `string.dump(f, true)`: load it without line numbers and variable names.
    pub strip: bool,
}

impl Dumped {
    /// The binary chunk.
    pub fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.chunk_text.len() + self.chunk_name.len() + 16);
        out.extend_from_slice(SIGNATURE);
        out.push(DUMP_VERSION);
        out.push(u8::from(self.strip));
        put_bytes(&mut out, &self.chunk_name);
        put_bytes(&mut out, &self.chunk_text);
        put_len(&mut out, self.path.len() as u64);
        for &i in &self.path {
            put_len(&mut out, i as u64);
        }
        out
    }
}

/// The text of `p`'s chunk with only the lines `p` spans kept (the others empty).
pub fn function_lines(p: &Proto) -> Vec<u8> {
    let text = &p.origin.chunk_text;
    let (first, last) = (p.line_defined as usize, p.last_line_defined as usize);
    let mut out = Vec::with_capacity(text.len());
    for (i, line) in text.split(|&b| b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        if (first..=last).contains(&(i + 1)) {
            out.extend_from_slice(line);
        }
    }
    out
}

/// The path to the prototype in `main`'s tree that `same` accepts (depth first).
pub fn path_of(main: &std::rc::Rc<Proto>, same: &dyn Fn(&Proto) -> bool) -> Option<Vec<u32>> {
    if same(main) {
        return Some(Vec::new());
    }
    for (i, child) in main.protos.iter().enumerate() {
        if let Some(mut path) = path_of(child, same) {
            path.insert(0, i as u32);
            return Some(path);
        }
    }
    None
}

/// Removes what `strip` leaves out of every prototype of a freshly compiled tree: line numbers
/// (all 0), local and upvalue names; `source` becomes the name the dump was loaded under.
pub fn strip(p: &mut std::rc::Rc<Proto>, source: &std::rc::Rc<str>, chunk_name: &[u8]) {
    if let Some(p) = std::rc::Rc::get_mut(p) {
        p.lines.fill(0);
        p.line_defined = p.line_defined.min(1);
        p.locals.clear();
        for u in &mut p.upvalues {
            u.name.clear();
        }
        p.source = source.clone();
        p.origin.chunk_name = chunk_name.into();
        for child in &mut p.protos {
            strip(child, source, chunk_name);
        }
    }
}

pub fn decode(bytes: &[u8]) -> Result<Dumped, DumpError> {
    let rest = bytes
        .strip_prefix(SIGNATURE)
        .ok_or(DumpError::Incompatible)?;
    let (&version, mut rest) = rest.split_first().ok_or(DumpError::Malformed)?;
    let strip = match version {
        1 => false,
        DUMP_VERSION => {
            let (&flags, tail) = rest.split_first().ok_or(DumpError::Malformed)?;
            rest = tail;
            flags & 1 != 0
        }
        _ => return Err(DumpError::Incompatible),
    };
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
        strip,
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
        assert_eq!(decode(b"\x1bRTR\x03").err(), Some(DumpError::Incompatible));
        for cut in 0..12 {
            let full = b"\x1bRTR\x01\x01n\x02ab\x01\x03";
            let _ = decode(&full[..cut]);
        }
        let d = decode(b"\x1bRTR\x01\x01n\x02ab\x01\x03").unwrap();
        assert_eq!(
            (d.chunk_name, d.chunk_text, d.path, d.strip),
            (b"n".to_vec(), b"ab".to_vec(), vec![3], false)
        );
        let d = decode(b"\x1bRTR\x02\x01\x01n\x02ab\x01\x03").unwrap();
        assert!(d.strip);
        let again = decode(&d.encode()).unwrap();
        assert_eq!(
            (again.chunk_text, again.path, again.strip),
            (d.chunk_text, d.path, true)
        );
    }
}
