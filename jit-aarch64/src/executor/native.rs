//! The native executor for aarch64 hosts: code runs directly from W^X buffers.

use std::time::Duration;

use crate::code::CodeBuffer;
use crate::error::{Error, Result};
use crate::executor::{CodeId, Executor};
use crate::helper::Helper;

/// Runs code on the host CPU.
#[derive(Debug, Default)]
pub struct NativeExecutor {
    code: Vec<Option<CodeBuffer>>,
}

impl NativeExecutor {
    /// An executor with no code installed.
    pub fn new() -> NativeExecutor {
        NativeExecutor::default()
    }

    fn buffer(&self, code: CodeId) -> Result<&CodeBuffer> {
        self.code
            .get(code.0)
            .and_then(Option::as_ref)
            .ok_or(Error::UnknownCode(code.0))
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
        self.code.push(Some(CodeBuffer::new(bytes)?));
        Ok(CodeId(self.code.len() - 1))
    }

    fn code_address(&self, code: CodeId) -> Result<u64> {
        Ok(self.buffer(code)?.address())
    }

    fn patch(&mut self, code: CodeId, offset: usize, bytes: &[u8]) -> Result<()> {
        let buffer = self
            .code
            .get_mut(code.0)
            .and_then(Option::as_mut)
            .ok_or(Error::UnknownCode(code.0))?;
        buffer.patch(offset, bytes)
    }

    fn remove(&mut self, code: CodeId) -> Result<()> {
        self.code
            .get_mut(code.0)
            .and_then(Option::take)
            .map(drop)
            .ok_or(Error::UnknownCode(code.0))
    }

    unsafe fn call(&mut self, code: CodeId, offset: usize, args: &[u64]) -> Result<u64> {
        if args.len() > 8 {
            return Err(Error::TooManyArguments(args.len()));
        }
        let mut x = [0u64; 8];
        x[..args.len()].copy_from_slice(args);
        let buffer = self.buffer(code)?;
        // SAFETY: the caller of `Executor::call` guarantees the code is a valid C-ABI function.
        unsafe { crate::code::call_host(buffer, offset, x) }
    }

    fn forget_mappings(&mut self) {}

    fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<()> {
        match timeout {
            None => Ok(()),
            Some(_) => Err(Error::TimeoutUnsupported("native")),
        }
    }
}
