//! Entering traces: the executor (native on aarch64, the unicorn emulator elsewhere), the
//! shared enter stub and exit handler, and the one `unsafe` call into machine code.
//!
//! While a trace runs, the VM is reached only through the raw pointer in the trace state
//! (helpers use it); the engine is taken out of the VM for the call, so nothing the helpers
//! touch is borrowed elsewhere.
#![allow(unsafe_code)]

use jit_aarch64::asm::{abi, TraceAbi};
use jit_aarch64::executor::host_executor;
use jit_aarch64::{Code, CodeId, Executor};

use super::calls::CALLS;
use super::state::{self, TraceState};
use crate::vm::Vm;

pub struct Engine {
    executor: Box<dyn Executor>,
    state: Box<TraceState>,
    enter: CodeId,
    exit_handler: u64,
    helpers: Vec<u64>,
    abi: TraceAbi,
    /// The Lua stack buffer the executor last saw (its mappings must be forgotten if it moved).
    stack_ptr: usize,
}

impl Engine {
    /// An engine whose traces share one code area of `code_area` bytes (`maxmcode`); the
    /// enter stub and exit handler live outside it, so a flush can empty it.
    /// `table_offset`: where a table sits in its arena slot (see `state::abi`).
    pub fn new(
        fuse: bool,
        code_area: usize,
        table_offset: Option<usize>,
    ) -> jit_aarch64::Result<Engine> {
        let mut executor = host_executor()?;
        let helpers = CALLS
            .iter()
            .map(|c| executor.helper_address(c.helper))
            .collect::<jit_aarch64::Result<Vec<u64>>>()?;
        let state = Box::<TraceState>::default();
        let ticks = std::mem::offset_of!(TraceState, ticks) as u32;
        let enter = executor.install(abi::enter_stub(ticks)?.bytes())?;
        let g = std::mem::offset_of!(TraceState, gpr) as u32;
        let f = std::mem::offset_of!(TraceState, fpr) as u32;
        let handler = executor.install(abi::exit_handler(g, f, ticks)?.bytes())?;
        let exit_handler = executor.code_address(handler)?;
        executor.reserve_code_area(code_area)?;
        let abi = state::abi(exit_handler, helpers.clone(), fuse, table_offset);
        Ok(Engine {
            executor,
            state,
            enter,
            exit_handler,
            helpers,
            abi,
            stack_ptr: 0,
        })
    }

    /// The ABI with the fuser settings of `params`.
    pub fn abi(&mut self, params: &super::JitParams) -> &TraceAbi {
        self.abi.fuse_pairs = params.flags.fuse;
        self.abi.fuse_check = params.fuse_check;
        self.abi.fuse_mode = fuse_mode(params);
        &self.abi
    }

    pub fn install(&mut self, bytes: &[u8]) -> jit_aarch64::Result<(CodeId, u64)> {
        let id = self.executor.install(bytes)?;
        Ok((id, self.executor.code_address(id)?))
    }

    /// The address where installed code starts.
    pub fn code_address(&self, code: CodeId) -> jit_aarch64::Result<u64> {
        self.executor.code_address(code)
    }

    /// Overwrites installed code at `offset`.
    pub fn patch(&mut self, code: CodeId, offset: usize, bytes: &[u8]) -> jit_aarch64::Result<()> {
        self.executor.patch(code, offset, bytes)
    }

    pub fn remove(&mut self, code: CodeId) {
        let _ = self.executor.remove(code);
    }

    /// A listing of trace code with trace-relative offsets and symbolic call targets, the same
    /// on every run and under either executor.
    /// `extra` names further addresses (the entry of a trace jumped to).
    pub fn listing(&self, code: &Code, extra: &[(u64, String)]) -> String {
        let mut out = jit_aarch64::disasm::listing(code);
        let mut symbols: Vec<(u64, String)> = vec![(self.exit_handler, "->vm_exit_handler".into())];
        symbols.extend(extra.iter().cloned());
        for (address, call) in self.helpers.iter().zip(CALLS) {
            symbols.push((*address, format!("->{}", call.name)));
        }
        for (address, name) in symbols {
            out = out.replace(&format!(".quad {address:#018x}"), &format!(".quad {name}"));
        }
        out
    }

    pub fn state(&self) -> &TraceState {
        &self.state
    }
}

impl Vm {
    /// Runs trace `entry` with its base at absolute stack index `base`; returns the exit number.
    pub(crate) fn jit_call(&mut self, entry: u64, base: usize) -> Result<u32, String> {
        let Some(mut engine) = self.jit.engine.take() else {
            return Err("no trace executor".into());
        };
        let stack_ptr = self.th.stack.as_ptr() as usize;
        if stack_ptr != engine.stack_ptr {
            // The stack buffer moved: the emulator must not keep the old one mapped.
            engine.executor.forget_mappings();
            engine.stack_ptr = stack_ptr;
        }
        let vm: *mut Vm = self;
        let st = &mut *engine.state;
        st.ticks = self.ticks;
        st.allocated_ptr = std::ptr::addr_of!(self.heap.allocated) as u64;
        st.threshold_ptr = std::ptr::addr_of!(self.heap.threshold) as u64;
        st.tables_arena = self.heap.tables.base_address() as u64;
        st.base = base as u64;
        st.vm = vm as u64;
        let state_ptr = st as *mut TraceState as u64;
        // SAFETY: `base` plus the trace's highest slot lies inside the stack (checked by the
        // caller), which nothing reallocates while the trace runs (helpers never grow it). The
        // trace writes only stack slots, its state, and through helpers, which reach the VM by
        // the pointer in the state; `self` is not used until the call returns.
        let result = unsafe {
            let base_ptr = (*vm).th.stack.as_mut_ptr().add(base) as u64;
            engine
                .executor
                .call(engine.enter, 0, &[entry, base_ptr, state_ptr])
        };
        self.ticks = engine.state.ticks;
        self.jit.engine = Some(engine);
        result.map(|exit| exit as u32).map_err(|e| e.to_string())
    }
}

#[cfg(feature = "fault-injection")]
fn fuse_mode(params: &super::JitParams) -> jit_aarch64::fuse::Mode {
    if params.fault_lso {
        jit_aarch64::fuse::Mode::RawUnscaledFault
    } else {
        jit_aarch64::fuse::Mode::Correct
    }
}

#[cfg(not(feature = "fault-injection"))]
fn fuse_mode(_: &super::JitParams) -> jit_aarch64::fuse::Mode {
    jit_aarch64::fuse::Mode::Correct
}
