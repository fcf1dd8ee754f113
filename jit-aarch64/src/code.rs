//! Executable memory for generated code: the only place that turns bytes into something callable.
//!
//! A [`CodeBuffer`] is an anonymous mapping that is either writable or executable, never both
//! (W^X). Patching flips it to writable, writes, flips it back and synchronizes the instruction
//! cache (a no-op on x86-64, required on aarch64). Its address never changes, which the emulated
//! executor relies on to map it at the same guest address.

use dynasmrt::mmap::{ExecutableBuffer, MutableBuffer};

use crate::error::{Error, Result};

/// The granule code buffers are rounded up to (the emulator maps whole 4 KiB pages).
pub const PAGE: usize = 4096;

/// Installed machine code in its own W^X mapping.
#[derive(Debug)]
pub struct CodeBuffer {
    buffer: Option<ExecutableBuffer>,
    len: usize,
    capacity: usize,
}

impl CodeBuffer {
    /// Copies `bytes` into fresh executable memory.
    pub fn new(bytes: &[u8]) -> Result<CodeBuffer> {
        if bytes.is_empty() {
            return Err(Error::EmptyCode);
        }
        let capacity = bytes.len().div_ceil(PAGE) * PAGE;
        let mut writable = MutableBuffer::new(capacity)?;
        writable.set_len(bytes.len());
        writable[..bytes.len()].copy_from_slice(bytes);
        let executable = writable.make_exec()?;
        dynasmrt::cache_control::synchronize_icache(&executable[..]);
        dynasmrt::cache_control::prepare_for_execution(&executable[..]);
        Ok(CodeBuffer {
            buffer: Some(executable),
            len: bytes.len(),
            capacity,
        })
    }

    /// The address of the first byte.
    pub fn address(&self) -> u64 {
        self.bytes().as_ptr() as u64
    }

    /// The code length in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the buffer holds no code (never true for a built buffer).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The mapping's size, a multiple of [`PAGE`].
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The installed bytes.
    pub fn bytes(&self) -> &[u8] {
        self.buffer.as_deref().unwrap_or(&[])
    }

    /// Overwrites `bytes.len()` bytes at `offset`, keeping W^X and the instruction cache coherent.
    pub fn patch(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let end = offset
            .checked_add(bytes.len())
            .filter(|&end| end <= self.len);
        let Some(end) = end else {
            return Err(Error::OutOfCode {
                start: offset,
                end: offset.saturating_add(bytes.len()),
                len: self.len,
            });
        };
        let executable = self.buffer.take().ok_or(Error::EmptyCode)?;
        let mut writable = executable.make_mut()?;
        writable[offset..end].copy_from_slice(bytes);
        let executable = writable.make_exec()?;
        dynasmrt::cache_control::synchronize_icache(&executable[offset..end]);
        dynasmrt::cache_control::prepare_for_execution(&executable[..]);
        self.buffer = Some(executable);
        Ok(())
    }
}

/// Calls the code at `offset` in `buffer` as a host function with eight integer arguments.
///
/// # Safety
/// The buffer must hold valid machine code for this host's architecture at `offset`, following
/// the C calling convention, and everything that code does when called must be sound.
pub unsafe fn call_host(buffer: &CodeBuffer, offset: usize, args: [u64; 8]) -> Result<u64> {
    if offset >= buffer.len || offset % 4 != 0 {
        return Err(Error::OutOfCode {
            start: offset,
            end: offset + 4,
            len: buffer.len,
        });
    }
    let address = buffer.bytes()[offset..].as_ptr();
    // SAFETY: the pointer lies inside this executable mapping; the caller guarantees it starts a
    // C-ABI function for this host taking up to eight integer arguments and returning x0/rax.
    let entry = unsafe { std::mem::transmute::<*const u8, HostEntry>(address) };
    let [a0, a1, a2, a3, a4, a5, a6, a7] = args;
    // SAFETY: forwarded from this function's contract.
    Ok(unsafe { entry(a0, a1, a2, a3, a4, a5, a6, a7) })
}

/// The host signature of generated code entered through [`call_host`].
type HostEntry = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64) -> u64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patching_keeps_the_address_and_changes_the_bytes() {
        let mut code = CodeBuffer::new(&[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
        let address = code.address();
        assert_eq!(code.capacity(), PAGE);
        code.patch(4, &[9, 9]).unwrap();
        assert_eq!(code.bytes(), &[1, 2, 3, 4, 9, 9, 7, 8]);
        assert_eq!(code.address(), address);
        assert!(matches!(
            code.patch(7, &[0, 0]),
            Err(Error::OutOfCode { .. })
        ));
        assert!(matches!(CodeBuffer::new(&[]), Err(Error::EmptyCode)));
    }
}
