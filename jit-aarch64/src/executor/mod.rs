//! Running generated code: one trait, a native and an emulated implementation.
//!
//! Code is position independent, so the same bytes run under either executor; only helper
//! addresses differ (the native executor calls the function itself, the emulator a trap slot), which
//! is why code must be built after asking the executor for [`Executor::helper_address`].

#[cfg(any(feature = "emulator", target_arch = "aarch64"))]
mod area;
#[cfg(feature = "emulator")]
pub mod emulated;
#[cfg(feature = "emulator")]
mod host_maps;
#[cfg(target_arch = "aarch64")]
pub mod native;

use std::time::Duration;

use crate::error::Result;
use crate::helper::Helper;

/// Names code installed in an executor.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct CodeId(pub(crate) usize);

/// Installs, patches and calls A64 code.
pub trait Executor {
    /// A short name for messages (`"native"`, `"emulated"`).
    fn name(&self) -> &'static str;

    /// The address code must call (with `blr`) to reach `helper`.
    fn helper_address(&mut self, helper: Helper) -> Result<u64>;

    /// Copies position-independent code into executable memory: into the code area once one is
    /// reserved ([`Executor::reserve_code_area`]), otherwise into a mapping of its own.
    fn install(&mut self, bytes: &[u8]) -> Result<CodeId>;

    /// Reserves a code area of `capacity` bytes (rounded up to whole pages) that every later
    /// [`Executor::install`] places code in, so that many small pieces share one mapping (and,
    /// in the emulator, one emulator region) instead of costing one each; pieces lie within
    /// `capacity` bytes of each other. Code installed before keeps its own mapping.
    ///
    /// Pieces are placed one after another, 16-byte aligned. When the next piece does not fit,
    /// `install` fails with [`Error::CodeAreaFull`](crate::Error::CodeAreaFull) (LuaJIT's
    /// `maxmcode`): [`Executor::remove`] leaves holes that are not reused, but once all code in the
    /// area is removed, placement starts again at its beginning. Reserving again replaces an empty
    /// area and fails with [`Error::CodeAreaInUse`](crate::Error::CodeAreaInUse) while code lives
    /// in it.
    fn reserve_code_area(&mut self, capacity: usize) -> Result<()>;

    /// The address where installed code starts.
    fn code_address(&self, code: CodeId) -> Result<u64>;

    /// Overwrites installed code; later calls see the new bytes.
    fn patch(&mut self, code: CodeId, offset: usize, bytes: &[u8]) -> Result<()>;

    /// Frees installed code.
    fn remove(&mut self, code: CodeId) -> Result<()>;

    /// Calls the code at `offset` with up to eight integer arguments in x0..x7 and returns x0.
    ///
    /// # Safety
    /// The code must follow the A64 C calling convention and may read and write only memory that
    /// the caller allows it to, as if it were a Rust `unsafe` function called natively: the
    /// emulated executor maps this process's memory at the same addresses, so it can corrupt
    /// the host just as native code can.
    unsafe fn call(&mut self, code: CodeId, offset: usize, args: &[u64]) -> Result<u64>;

    /// Drops whatever view of host memory the executor keeps between calls; call it when memory
    /// that was handed to code may have been freed or reallocated (a stack buffer that grew, heap
    /// arenas after a collection).
    ///
    /// The emulated executor keeps lazily mapped host memory from one call to the next (see
    /// [`emulated`](crate::executor::emulated) for the exact contract): afterwards, a stray access
    /// to freed memory is an [`Error::Unmapped`](crate::Error::Unmapped) again instead of a host
    /// fault, and permissions are taken afresh from the host. The native executor keeps nothing,
    /// so this does nothing there.
    fn forget_mappings(&mut self);

    /// Stops later calls that run longer than `timeout` (`None`: no limit, the default) with
    /// [`Error::DidNotReturn`](crate::Error::DidNotReturn).
    ///
    /// The native executor cannot interrupt code running on the host CPU: it accepts `None` and
    /// refuses `Some` with [`Error::TimeoutUnsupported`](crate::Error::TimeoutUnsupported), which
    /// a caller that only wants a safety net for the emulator may ignore.
    fn set_timeout(&mut self, timeout: Option<Duration>) -> Result<()>;
}

/// The executor for this host: native on aarch64, emulated elsewhere (needs feature `emulator`).
pub fn host_executor() -> Result<Box<dyn Executor>> {
    #[cfg(target_arch = "aarch64")]
    {
        Ok(Box::new(native::NativeExecutor::new()))
    }
    #[cfg(all(not(target_arch = "aarch64"), feature = "emulator"))]
    {
        Ok(Box::new(emulated::EmulatedExecutor::new()?))
    }
    #[cfg(all(not(target_arch = "aarch64"), not(feature = "emulator")))]
    {
        Err(crate::error::Error::Emulator {
            what: "no executor for this host",
            detail: "A64 code runs natively only on aarch64; rebuild with feature `emulator`"
                .into(),
        })
    }
}
