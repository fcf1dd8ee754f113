//! The auxiliary vector (`qXfer:auxv:read`): gdb finds a position-independent program's load address
//! and the dynamic loader's list of libraries through it.
#![forbid(unsafe_code)]

use gdbstub::target::ext::auxv::Auxv;
use gdbstub::target::{TargetError, TargetResult};

use super::Debugger;

impl Auxv for Debugger {
    fn get_auxv(&self, offset: u64, length: usize, buf: &mut [u8]) -> TargetResult<usize, Self> {
        let auxv = self.auxv.as_deref().ok_or(TargetError::NonFatal)?;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(auxv.len());
        let end = start
            .saturating_add(length)
            .min(auxv.len())
            .min(start + buf.len());
        buf[..end - start].copy_from_slice(&auxv[start..end]);
        Ok(end - start)
    }
}
