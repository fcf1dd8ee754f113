//! Trace exits (lj_trace.c's `lj_trace_exit`, lj_snap.c's restore): rebuild the interpreter's
//! state from the snapshot of the guard that failed — slot values from registers, spill slots
//! or constants, frames of inlined calls, the pc, the virtual clock — and let it carry on.
#![forbid(unsafe_code)]

use jit_aarch64::asm::Loc;

use super::value_bits::value_of;
use crate::heap::Function;
use crate::value::{FuncRef, Value};
use crate::vm::{LuaResult, Vm};

/// A trace entered this often that ran fewer bytecodes than this per entry, on average, costs
/// more to enter and leave than it saves: its loop goes back to the interpreter for good. The
/// rule depends only on what the program does, never on the executor or the machine.
const UNPROFITABLE_AFTER_ENTRIES: u64 = 256;
const UNPROFITABLE_BYTECODES: u64 = 32;

impl Vm {
    /// Enters trace `t` at absolute stack index `base`, runs it until it exits, and restores
    /// the interpreter state of the exit's snapshot. The dispatch loop then re-reads its frame.
    pub(crate) fn jit_run_trace(&mut self, t: u32, base: usize) -> LuaResult<()> {
        let (entry, max_slot) = {
            let trace = &self.jit.traces[t as usize - 1];
            (trace.entry, trace.max_slot)
        };
        self.ensure_stack(base + max_slot.max(0) as usize + 1)?;
        self.jit.counts.entries += 1;
        let ticks_before = self.ticks;
        let exit = match self.jit_call(entry, base) {
            Ok(exit) => exit,
            Err(e) => return Err(self.error_at(0, &format!("trace {t} failed: {e}"))),
        };
        // Every whole iteration adds the trace's ticks; the one that exits is not counted.
        let trace = &mut self.jit.traces[t as usize - 1];
        let iterations = (self.ticks - ticks_before) / trace.ir.tail_ticks.max(1) as u64;
        let bytecodes = iterations * trace.bytecodes_per_iteration as u64;
        trace.entries += 1;
        trace.bytecodes_run += bytecodes;
        self.jit.counts.in_traces += bytecodes;
        if trace.entries == UNPROFITABLE_AFTER_ENTRIES
            && trace.bytecodes_run < UNPROFITABLE_AFTER_ENTRIES * UNPROFITABLE_BYTECODES
        {
            self.jit_retire(t);
        }
        let (trace_number, snap) = (exit >> 16, (exit & 0xffff) as usize);
        if trace_number != t {
            return Err(self.error_at(
                0,
                &format!("trace {t} left through exit {exit:#x} of another trace"),
            ));
        }
        self.jit_restore(t, snap, base)
    }

    fn jit_restore(&mut self, t: u32, snap_index: usize, base: usize) -> LuaResult<()> {
        // Disjoint borrows: the snapshot is read in place (no copy per exit) while the stack and
        // frames are written.
        let Vm { jit, th, heap, .. } = self;
        let state = jit.engine.as_ref().expect("a trace ran").state();
        let trace = &mut jit.traces[t as usize - 1];
        trace.exit_counts[snap_index] += 1;
        jit.counts.exits += 1;
        let trace = &jit.traces[t as usize - 1];
        let snap = &trace.ir.snaps[snap_index];
        for e in &snap.entries {
            let ty = trace.ir.ty(e.value);
            let bits = match trace.ir.const_of(e.value) {
                Some(k) => k.bits(),
                None => match trace.locs[e.value.index()] {
                    Loc::Gp(r) => state.gpr[r.number() as usize],
                    Loc::Fp(r) => state.fpr[r.number() as usize],
                    Loc::Spill(n) => state.spill[n as usize],
                    Loc::None => 0,
                },
            };
            th.stack[base + e.slot as usize] = value_of(ty, bits).unwrap_or(Value::Nil);
        }
        for f in &snap.frames {
            let fi = th.frames.len() - 1;
            th.frames[fi].pc = f.return_pc as usize;
            let closure = FuncRef(f.function);
            let Function::Lua(cl) = heap.function(closure) else {
                unreachable!("inlined frames are Lua functions")
            };
            let func = base + f.func_slot as usize;
            th.frames
                .push_lua(func, func + 1, closure, &cl.proto, f.nresults);
        }
        let fi = th.frames.len() - 1;
        th.frames[fi].pc = snap.pc as usize;
        let frame = &th.frames[fi];
        let max_stack = frame.proto.as_ref().map_or(0, |p| p.max_stack);
        th.top = frame.base + max_stack;
        let (ticks, gc_point) = (snap.ticks, snap.gc_point);
        self.ticks += ticks as u64;
        if gc_point && self.heap.allocated >= self.heap.threshold {
            self.gc_safe_point()?;
        }
        Ok(())
    }
}
