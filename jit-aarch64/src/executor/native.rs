//! The native executor for aarch64 hosts: code runs directly from W^X buffers.
//!
//! Each installed piece gets a W^X mapping of its own, or, once
//! [`Executor::reserve_code_area`] has been called, a place in one W^X area that is made writable
//! as a whole while a piece is written, patched or removed (as LuaJIT's `mcode_protect` does) and
//! executable again before any code runs. Removed pieces are overwritten with `brk`.

use std::time::Duration;

use dynasmrt::mmap::{ExecutableBuffer, MutableBuffer};

use crate::code::CodeBuffer;
use crate::error::{Error, Result};
use crate::executor::area::Placement;
use crate::executor::{CodeId, Executor};
use crate::helper::Helper;

const BRK_0: u32 = 0xd4200000;

/// Runs code on the host CPU.
#[derive(Debug, Default)]
pub struct NativeExecutor {
    code: Vec<Option<Installed>>,
    area: Option<Area>,
}

/// Where one installed piece of code lives.
#[derive(Debug)]
enum Installed {
    /// In a mapping of its own.
    Own(CodeBuffer),
    /// At `offset` in the code area.
    InArea { offset: usize, len: usize },
}

/// The code area: executable, made writable only while the executor writes it.
#[derive(Debug)]
struct Area {
    /// `None` only if re-protecting failed, which loses the area.
    buffer: Option<ExecutableBuffer>,
    placement: Placement,
}

impl Area {
    fn new(capacity: usize) -> Result<Area> {
        let mut memory = MutableBuffer::new(capacity)?;
        memory.set_len(capacity);
        Ok(Area {
            buffer: Some(memory.make_exec()?),
            placement: Placement::new(capacity),
        })
    }

    fn buffer(&self) -> Result<&ExecutableBuffer> {
        self.buffer.as_ref().ok_or_else(lost_area)
    }

    /// Writes `bytes` at `offset`, keeping W^X and the instruction cache coherent.
    fn write(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let capacity = self.placement.capacity();
        let end = offset
            .checked_add(bytes.len())
            .filter(|&end| end <= capacity);
        let Some(end) = end else {
            return Err(Error::OutOfCode {
                start: offset,
                end: offset.saturating_add(bytes.len()),
                len: capacity,
            });
        };
        let executable = self.buffer.take().ok_or_else(lost_area)?;
        let mut writable = executable.make_mut()?;
        writable[offset..end].copy_from_slice(bytes);
        let executable = writable.make_exec()?;
        dynasmrt::cache_control::synchronize_icache(&executable[offset..end]);
        dynasmrt::cache_control::prepare_for_execution(&executable[..]);
        self.buffer = Some(executable);
        Ok(())
    }
}

fn lost_area() -> Error {
    Error::ExecutableMemory(std::io::Error::other(
        "the code area was lost when re-protecting it failed",
    ))
}

impl NativeExecutor {
    /// An executor with no code installed.
    pub fn new() -> NativeExecutor {
        NativeExecutor::default()
    }

    /// The address and length of installed code.
    fn piece(&self, code: CodeId) -> Result<(*const u8, usize)> {
        match self.code.get(code.0).and_then(Option::as_ref) {
            Some(Installed::Own(buffer)) => Ok((buffer.bytes().as_ptr(), buffer.len())),
            Some(Installed::InArea { offset, len }) => {
                let area = self.area.as_ref().ok_or(Error::UnknownCode(code.0))?;
                Ok((area.buffer()?[*offset..].as_ptr(), *len))
            }
            None => Err(Error::UnknownCode(code.0)),
        }
    }
}

impl Executor for NativeExecutor {
    fn name(&self) -> &'static str {
        "native"
    }

    fn helper_address(&mut self, helper: Helper) -> Result<u64> {
        Ok(helper.address())
    }

    fn install(&mut self, bytes: &[u8]) -> Result<CodeId> {
        let installed = match self.area.as_mut() {
            None => Installed::Own(CodeBuffer::new(bytes)?),
            Some(area) => {
                let offset = area.placement.place(bytes.len())?;
                if let Err(e) = area.write(offset, bytes) {
                    area.placement.release();
                    return Err(e);
                }
                Installed::InArea {
                    offset,
                    len: bytes.len(),
                }
            }
        };
        self.code.push(Some(installed));
        Ok(CodeId(self.code.len() - 1))
    }

    fn reserve_code_area(&mut self, capacity: usize) -> Result<()> {
        if self.area.as_ref().is_some_and(|a| !a.placement.is_empty()) {
            return Err(Error::CodeAreaInUse("native"));
        }
        self.area = Some(Area::new(Placement::rounded(capacity))?);
        Ok(())
    }

    fn code_address(&self, code: CodeId) -> Result<u64> {
        Ok(self.piece(code)?.0 as u64)
    }

    fn patch(&mut self, code: CodeId, offset: usize, bytes: &[u8]) -> Result<()> {
        let installed = self
            .code
            .get_mut(code.0)
            .and_then(Option::as_mut)
            .ok_or(Error::UnknownCode(code.0))?;
        match installed {
            Installed::Own(buffer) => buffer.patch(offset, bytes),
            Installed::InArea { offset: at, len } => {
                let end = offset.checked_add(bytes.len()).filter(|&end| end <= *len);
                if end.is_none() {
                    return Err(Error::OutOfCode {
                        start: offset,
                        end: offset.saturating_add(bytes.len()),
                        len: *len,
                    });
                }
                let at = *at;
                let area = self.area.as_mut().ok_or(Error::UnknownCode(code.0))?;
                area.write(at + offset, bytes)
            }
        }
    }

    fn remove(&mut self, code: CodeId) -> Result<()> {
        let installed = self
            .code
            .get_mut(code.0)
            .and_then(Option::take)
            .ok_or(Error::UnknownCode(code.0))?;
        if let (Installed::InArea { offset, len }, Some(area)) = (installed, self.area.as_mut()) {
            area.placement.release();
            area.write(offset, &BRK_0.to_le_bytes().repeat(len / 4))?;
        }
        Ok(())
    }

    unsafe fn call(&mut self, code: CodeId, offset: usize, args: &[u64]) -> Result<u64> {
        if args.len() > 8 {
            return Err(Error::TooManyArguments(args.len()));
        }
        let mut x = [0u64; 8];
        x[..args.len()].copy_from_slice(args);
        if let Some(Installed::Own(buffer)) = self.code.get(code.0).and_then(Option::as_ref) {
            // SAFETY: the caller of `Executor::call` guarantees the code is a valid C-ABI function.
            return unsafe { crate::code::call_host(buffer, offset, x) };
        }
        let (start, len) = self.piece(code)?;
        if offset >= len || offset % 4 != 0 {
            return Err(Error::OutOfCode {
                start: offset,
                end: offset + 4,
                len,
            });
        }
        // SAFETY: `start + offset` lies inside the piece, in the executable area that stays
        // mapped and executable while `self` is borrowed; the caller of `Executor::call`
        // guarantees the code there is a valid C-ABI function taking up to eight integer
        // arguments and returning x0.
        let entry = unsafe { std::mem::transmute::<*const u8, AreaEntry>(start.add(offset)) };
        let [a0, a1, a2, a3, a4, a5, a6, a7] = x;
        // SAFETY: forwarded from this function's contract.
        Ok(unsafe { entry(a0, a1, a2, a3, a4, a5, a6, a7) })
    }

    fn forget_mappings(&mut self) {}

    fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        match timeout {
            None => Ok(()),
            Some(_) => Err(Error::TimeoutUnsupported("native")),
        }
    }
}

/// The signature of code in the area entered by [`NativeExecutor::call`].
type AreaEntry = unsafe extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64) -> u64;
