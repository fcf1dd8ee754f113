//! Trace exits (lj_trace.c's `lj_trace_exit`, lj_snap.c's restore): rebuild the interpreter's
//! state from the snapshot of the guard that failed — slot values from registers, spill slots
//! or constants, frames of inlined calls, the pc, the virtual clock — and let it carry on, or
//! run the side trace that grows from that exit.
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
    /// the interpreter state of the exit's snapshot; when a side trace grows from that exit, it
    /// runs next, in the frame the exit restored. A hot exit without one starts recording it.
    /// The dispatch loop then re-reads its frame.
    pub(crate) fn jit_run_trace(&mut self, t: u32, base: usize) -> LuaResult<()> {
        let (mut t, mut base) = (t, base);
        loop {
            let (exited, snap) = self.jit_run_one(t, base)?;
            t = exited;
            let Some(trace) = self.jit.traces.get(t as usize - 1) else {
                // A collection at the exit flushed every trace.
                return Ok(());
            };
            if trace.final_exit == Some(snap) {
                return Ok(());
            }
            let frame_base = self.th.frames.last().map_or(0, |f| f.base);
            match trace.sides[snap as usize] {
                Some(side) if self.jit.enabled && self.jit.allows(side) => {
                    if !self.jit_side_may_enter(side, frame_base) {
                        return Ok(());
                    }
                    (t, base) = (side, frame_base);
                }
                Some(_) => return Ok(()),
                None => {
                    self.jit_maybe_start_side(t, snap, frame_base);
                    return Ok(());
                }
            }
        }
    }

    /// Runs trace `t` once and restores its exit; returns the trace and snapshot it left
    /// through (a side trace that links to a root trace leaves through the root's exits).
    fn jit_run_one(&mut self, t: u32, base: usize) -> LuaResult<(u32, u32)> {
        let entry = self.jit.traces[t as usize - 1].entry;
        // Linked and patched traces run on without the runtime: room for any of them.
        let max_slot = self.jit.reach.max_slot;
        self.ensure_stack(base + max_slot.max(0) as usize + 1)?;
        self.jit.counts.entries += 1;
        let ticks_before = self.ticks;
        let exit = match self.jit_call(entry, base) {
            Ok(exit) => exit,
            Err(e) => return Err(self.error_at(0, &format!("trace {t} failed: {e}"))),
        };
        let (exited, snap) = (exit >> 16, exit & 0xffff);
        let known = self
            .jit
            .traces
            .get((exited as usize).wrapping_sub(1))
            .is_some_and(|tr| (snap as usize) < tr.ir.snaps.len());
        if !known {
            return Err(self.error_at(
                0,
                &format!("trace {t} left through exit {exit:#x}, which no trace has"),
            ));
        }
        let ticks = self.ticks - ticks_before;
        if exited != t {
            // Linked or patched traces ran one after another: count the bytecodes by the
            // clock, at the rate of the root trace of the one that exited.
            self.jit.traces[t as usize - 1].entries += 1;
            let root = self.jit.traces[exited as usize - 1].root;
            let r = &self.jit.traces[root as usize - 1];
            let bytecodes =
                ticks * r.bytecodes_per_iteration as u64 / r.ir.tail_ticks.max(1) as u64;
            self.jit.counts.in_traces += bytecodes;
            self.jit_restore(exited, snap as usize, base)?;
            return Ok((exited, snap));
        }
        let trace = &mut self.jit.traces[exited as usize - 1];
        let bytecodes = if trace.parent.is_some() {
            // A side trace runs its bytecodes once, when it reaches its end.
            if trace.final_exit == Some(snap) {
                trace.bytecodes_per_iteration as u64
            } else {
                0
            }
        } else {
            // Every whole iteration adds the trace's ticks; the one that exits is not counted.
            let iterations = ticks / trace.ir.tail_ticks.max(1) as u64;
            iterations * trace.bytecodes_per_iteration as u64
        };
        trace.entries += 1;
        trace.bytecodes_run += bytecodes;
        self.jit.counts.in_traces += bytecodes;
        if trace.parent.is_none()
            && trace.entries == UNPROFITABLE_AFTER_ENTRIES
            && trace.bytecodes_run < UNPROFITABLE_AFTER_ENTRIES * UNPROFITABLE_BYTECODES
        {
            self.jit_retire(t);
        }
        self.jit_restore(exited, snap as usize, base)?;
        Ok((exited, snap))
    }

    /// Whether the frames below match what side trace `side`'s returns below its start frame
    /// assumed (the frame at `base` is its start frame).
    fn jit_side_may_enter(&self, side: u32, base: usize) -> bool {
        let trace = &self.jit.traces[side as usize - 1];
        let frames = &self.th.frames;
        let top = frames.len() - 1;
        let room = frames.len() + self.jit.reach.max_depth < self.frame_limit;
        room && self.no_upvalue_open_from(base, self.jit.reach.upvalue_floor)
            && trace.pop_checks.iter().all(|c| {
                let depth = c.depth as usize;
                let Some(ci) = top.checked_sub(depth + 1) else {
                    return false;
                };
                let (callee, caller) = (&frames[top - depth], &frames[ci]);
                let rel = |abs: usize| abs as i64 - base as i64;
                callee.kind == crate::vm::thread::FrameKind::Normal
                    && callee.nresults == c.nresults
                    && rel(callee.func) == c.func_slot as i64
                    && caller.proto.is_some()
                    && caller.closure == c.caller
                    && rel(caller.base) == c.caller_base as i64
                    && caller.pc == c.caller_pc
                    && self
                        .th
                        .open_upvals
                        .last()
                        .is_none_or(|&(slot, _)| slot < callee.base)
            })
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
        let at = |slot: i32| (base as i64 + slot as i64) as usize;
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
            th.stack[at(e.slot)] = value_of(ty, bits).unwrap_or(Value::Nil);
        }
        // Frames the trace returned from below its start (checked before entry: ordinary
        // returns to Lua callers, no open upvalues).
        for _ in 0..snap.pops {
            th.frames.drop_top();
        }
        for f in &snap.frames {
            let fi = th.frames.len() - 1;
            th.frames[fi].pc = f.return_pc as usize;
            let closure = FuncRef(f.function);
            let Function::Lua(cl) = heap.function(closure) else {
                unreachable!("inlined frames are Lua functions")
            };
            let func = at(f.func_slot);
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
