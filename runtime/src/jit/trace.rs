//! Compiled traces (LuaJIT's GCtrace and lj_trace.c's start/stop/abort): what a trace is, how
//! a finished recording becomes one, and how aborts turn into seeded penalties.
#![forbid(unsafe_code)]

use std::rc::Rc;

use jit_aarch64::asm::Loc;
use jit_aarch64::ir::Ir;
use jit_aarch64::CodeId;

use super::hotcount::{self, HotState};
use super::record::{Abort, PopCheck, Recorder, SideStart};
use crate::bytecode::Proto;
use crate::value::FuncRef;
use crate::vm::Vm;

/// A compiled trace: a root trace (a loop) or a side trace grown from a hot exit.
pub struct Trace {
    pub number: u32,
    pub proto: Rc<Proto>,
    pub closure: FuncRef,
    pub loop_pc: usize,
    pub ir: Ir,
    pub locs: Vec<Loc>,
    pub code: CodeId,
    pub entry: u64,
    /// Highest slot the trace touches, relative to its base.
    pub max_slot: i32,
    /// Exits taken per snapshot.
    pub exit_counts: Vec<u32>,
    /// Most inlined frames open at any snapshot.
    pub max_depth: usize,
    /// Heap objects the trace names by handle (see `Recorder::heap_refs`).
    pub heap_refs: Vec<crate::value::Value>,
    /// Times entered, and bytecodes its whole iterations ran.
    pub entries: u64,
    pub bytecodes_run: u64,
    /// Bytecodes one iteration executes (for `-jstats`; a side trace's whole run).
    pub bytecodes_per_iteration: u32,
    /// For a side trace: the trace and exit it grows from.
    pub parent: Option<SideStart>,
    /// The root trace of the tree (itself for a root trace).
    pub root: u32,
    /// Side trace grown from each exit, and failed attempts to record one.
    pub sides: Vec<Option<u32>>,
    pub side_tries: Vec<u32>,
    /// Side traces in the tree (counted at its root, for `maxside`).
    pub side_count: u32,
    /// A side trace's last snapshot, through which it leaves after writing its slots back.
    pub final_exit: Option<u32>,
    /// What a side trace's returns below its start frame assume about the frames there.
    pub pop_checks: Vec<PopCheck>,
    /// The root trace a side trace jumps to at its end (`stop -> n`).
    pub link: Option<u32>,
    /// Byte offset of each exit stub, and the thunks exits were patched to jump through.
    pub exit_offsets: Vec<usize>,
    pub thunks: Vec<CodeId>,
    /// Entered only when no upvalue is open at or above this slot (see `Recorder`).
    pub upvalue_floor: Option<i32>,
    /// The name `-jallow` accepts whatever the trace's number: `P@PC` for a root trace,
    /// `PARENT_KEY/EXIT` for a side trace.
    pub key: String,
}

impl Vm {
    /// The loop op at `pc` of `proto` was reached with the loop continuing: count it, maybe
    /// start recording. Returns the trace to enter, if there is one for this closure. A
    /// blacklisted loop costs one load and compare here, inline in the dispatch loop.
    #[inline(always)]
    pub(crate) fn jit_hot_loop(
        &mut self,
        proto: &Rc<Proto>,
        closure: FuncRef,
        base: usize,
        pc: usize,
    ) -> Option<u32> {
        if proto.jit.is_blacklisted(pc) {
            return None;
        }
        self.jit_hot_loop_counted(proto, closure, base, pc)
    }

    #[inline(never)]
    fn jit_hot_loop_counted(
        &mut self,
        proto: &Rc<Proto>,
        closure: FuncRef,
        base: usize,
        pc: usize,
    ) -> Option<u32> {
        if proto.jit.off.get() || self.jit.unavailable {
            return None;
        }
        match proto.jit.state(pc) {
            HotState::Trace(t) => {
                let trace = self.jit.traces.get(t as usize - 1)?;
                // Where the interpreter would raise "stack overflow" at an inlined call, let it.
                let room = self.th.frames.len() + self.jit.reach.max_depth < self.frame_limit;
                (trace.closure == closure
                    && trace.loop_pc == pc
                    && trace.parent.is_none()
                    && room
                    && self.jit.allows(t)
                    && self.no_upvalue_open_from(base, self.jit.reach.upvalue_floor))
                .then_some(t)
            }
            HotState::Blacklisted => None,
            HotState::Fresh | HotState::Count(_) => {
                let left = match proto.jit.state(pc) {
                    HotState::Count(n) => n,
                    _ => {
                        self.jit_touch(proto);
                        hotcount::start_count(self.jit.seed, self.jit.params.hotloop, proto.id, pc)
                    }
                }
                .saturating_sub(1);
                if left > 0 {
                    proto.jit.set_state(pc, HotState::Count(left));
                    return None;
                }
                proto.jit.set_state(pc, HotState::Count(0));
                self.jit_start_recording(proto, closure, base, pc);
                None
            }
        }
    }

    /// Whether no upvalue is open at or above slot `floor` of the frame at `base`.
    pub(crate) fn no_upvalue_open_from(&self, base: usize, floor: Option<i32>) -> bool {
        let Some(floor) = floor else {
            return true;
        };
        self.th
            .open_upvals
            .last()
            .is_none_or(|&(slot, _)| (slot as i64) < base as i64 + floor as i64)
    }

    fn jit_limits_and_passes(&self) -> (super::record::Limits, jit_aarch64::ir::Passes) {
        let params = &self.jit.params;
        let flags = params.flags;
        let limits = super::record::Limits {
            maxrecord: params.maxrecord,
            maxirconst: params.maxirconst,
            maxsnap: params.maxsnap,
            loop_opt: flags.loop_,
            loopunroll: params.loopunroll,
        };
        let passes = jit_aarch64::ir::Passes {
            fold: flags.fold,
            cse: flags.cse,
            dce: flags.dce,
            fwd: flags.fwd,
        };
        (limits, passes)
    }

    fn jit_start_recording(&mut self, proto: &Rc<Proto>, closure: FuncRef, base: usize, pc: usize) {
        let (limits, passes) = self.jit_limits_and_passes();
        if self.jit.traces.len() as u32 >= self.jit.params.maxtrace {
            self.jit.flush();
        }
        let number = self.jit.traces.len() as u32 + 1;
        self.jit_log_start(number, None, proto, pc);
        self.jit.recorder = Some(Box::new(Recorder::new(
            proto.clone(),
            closure,
            base,
            pc,
            passes,
            limits,
        )));
    }

    /// Exit `snap` of trace `t` was just taken and restored, with no side trace there: when it
    /// has been taken `hotexit` times, start recording one (at most `tryside` attempts per exit,
    /// `maxside` side traces per tree), from where the exit resumes.
    pub(crate) fn jit_maybe_start_side(&mut self, t: u32, snap: u32, base: usize) {
        if !self.jit.enabled || self.jit.recording() || self.jit.unavailable {
            return;
        }
        let params = &self.jit.params;
        let trace = &self.jit.traces[t as usize - 1];
        let s = snap as usize;
        if trace.exit_counts[s] < params.hotexit.max(1)
            || trace.side_tries[s] >= params.tryside
            || self.jit.traces[trace.root as usize - 1].side_count >= params.maxside
            || self.jit.traces.len() as u32 >= params.maxtrace
        {
            return;
        }
        let Some(frame) = self.th.frames.last() else {
            return;
        };
        let (Some(proto), closure, pc) = (frame.proto.clone(), frame.closure, frame.pc) else {
            return;
        };
        if proto.jit.off.get() {
            return;
        }
        let (limits, passes) = self.jit_limits_and_passes();
        let number = self.jit.traces.len() as u32 + 1;
        let start = SideStart {
            parent: t,
            exit: snap,
        };
        self.jit_log_start(number, Some(start), &proto, pc);
        self.jit.recorder = Some(Box::new(Recorder::new_side(
            start, proto, closure, base, pc, passes, limits,
        )));
    }

    /// Records the instruction at `pc` before it runs. `false`: recording ended (the dispatch
    /// loop returns to its plain variant).
    pub(crate) fn jit_record(&mut self, proto: &Rc<Proto>, base: usize, pc: usize) -> bool {
        if self.jit.stats {
            self.jit.counts.bytecodes += 1;
        }
        let Some(mut rec) = self.jit.recorder.take() else {
            return self.jit.stats;
        };
        match rec.instruction(self, proto, base, pc) {
            Ok(super::record::Step::Continue) => {
                self.jit.recorder = Some(rec);
                true
            }
            Ok(super::record::Step::Done) => {
                self.jit_finish(*rec);
                self.jit.stats
            }
            Err(abort) => {
                self.jit_abort(&rec, abort);
                self.jit.stats
            }
        }
    }

    /// Stops entering trace `t`: its loop stays interpreted (blacklisted, as after aborts).
    /// Remembers that `proto` holds hot-loop state, for `flush` to reset.
    fn jit_touch(&mut self, proto: &Rc<Proto>) {
        if !self.jit.touched.iter().any(|p| Rc::ptr_eq(p, proto)) {
            self.jit.touched.push(proto.clone());
        }
    }

    pub(crate) fn jit_retire(&mut self, t: u32) {
        let trace = &self.jit.traces[t as usize - 1];
        let (proto, pc) = (trace.proto.clone(), trace.loop_pc);
        proto.jit.set_state(pc, HotState::Blacklisted);
        let per_entry = trace.bytecodes_run as f64 / trace.entries.max(1) as f64;
        self.jit_log_retired(t, &proto, pc, per_entry);
    }

    /// Recording stopped because the program raised an error or yielded.
    pub(crate) fn jit_abort_recording(&mut self) {
        if let Some(rec) = self.jit.recorder.take() {
            self.jit_abort(
                &rec,
                Abort("error thrown or hook called during recording".into()),
            );
        }
    }

    fn jit_abort(&mut self, rec: &Recorder, abort: Abort) {
        self.jit.counts.aborts += 1;
        let (proto, pc) = (rec.proto.clone(), rec.loop_pc);
        self.jit_log_abort(rec, &abort);
        if let Some(start) = rec.side {
            // The exit waits for another `hotexit` exits before the next attempt.
            if let Some(parent) = self.jit.traces.get_mut(start.parent as usize - 1) {
                parent.side_tries[start.exit as usize] += 1;
                parent.exit_counts[start.exit as usize] = 0;
            }
            return;
        }
        let key = (proto.id, pc);
        let (aborts, previous) = self.jit.penalties.get(&key).copied().unwrap_or((0, 0));
        match hotcount::next_penalty(self.jit.seed, proto.id, pc, aborts, previous) {
            Some(p) => {
                self.jit.penalties.insert(key, (aborts + 1, p));
                proto.jit.set_state(pc, HotState::Count(p));
            }
            None => proto.jit.set_state(pc, HotState::Blacklisted),
        }
    }

    fn jit_finish(&mut self, mut rec: Recorder) {
        rec.optimize();
        if let Some(target) = rec.link {
            let Some(t) = self.jit.traces.get(target as usize - 1) else {
                self.jit_abort(&rec, Abort("link target flushed".into()));
                return;
            };
            rec.ir.link_entry = Some(t.entry);
            rec.max_slot = rec.max_slot.max(t.max_slot);
            rec.upvalue_floor = match (rec.upvalue_floor, t.upvalue_floor) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        let number = self.jit.traces.len() as u32 + 1;
        match self.jit_assemble(&rec, number) {
            Ok((trace, listing)) => {
                self.jit.counts.traces += 1;
                self.jit_log_trace(&rec, &trace, &listing);
                let reach = &mut self.jit.reach;
                reach.max_slot = reach.max_slot.max(trace.max_slot);
                reach.max_depth = reach.max_depth.max(trace.max_depth);
                reach.upvalue_floor = match (reach.upvalue_floor, trace.upvalue_floor) {
                    (Some(a), Some(b)) => Some(a.min(b)),
                    (a, b) => a.or(b),
                };
                let parent = trace.parent;
                match parent {
                    Some(start) => {
                        let root = trace.root;
                        self.jit.traces[start.parent as usize - 1].sides[start.exit as usize] =
                            Some(number);
                        self.jit.traces[root as usize - 1].side_count += 1;
                    }
                    None => {
                        // The prototype may have been counted before a flush that forgot it
                        // (`maxtrace` flushes as recording starts): a flush must find this
                        // state again, or a later trace numbered `number` would be entered here.
                        self.jit_touch(&trace.proto);
                        trace
                            .proto
                            .jit
                            .set_state(trace.loop_pc, HotState::Trace(number));
                    }
                }
                self.jit.traces.push(trace);
                if parent.is_some() {
                    self.jit_patch_exit(number);
                }
            }
            Err(reason) => self.jit_abort(&rec, Abort(reason)),
        }
    }

    /// Makes the parent's exit jump straight into side trace `side` through a thunk that
    /// writes the exit's slots and ticks the clock, when nothing there needs the runtime (frames
    /// to push or pop, a GC point, frame checks before entering the side trace) and the side
    /// trace may run. (Its upvalue floor is in `Jit::reach`, checked when the chain is entered.) Otherwise the exit keeps going through the runtime, which then enters the side trace.
    fn jit_patch_exit(&mut self, side: u32) {
        let s = &self.jit.traces[side as usize - 1];
        let Some(start) = s.parent else {
            return;
        };
        if !s.pop_checks.is_empty() || !self.jit.allows(side) {
            return;
        }
        let target = s.entry;
        let Some(engine) = self.jit.engine.as_mut() else {
            return;
        };
        let parent = &self.jit.traces[start.parent as usize - 1];
        let exit = start.exit as usize;
        let Ok(thunk) = jit_aarch64::asm::exit_thunk(
            &parent.ir,
            &parent.locs,
            &super::state::VALUE_LAYOUT,
            engine.abi(&self.jit.params),
            exit,
            target,
        ) else {
            return;
        };
        let Ok((thunk_code, thunk_address)) = engine.install(thunk.bytes()) else {
            return;
        };
        let offset = parent.exit_offsets[exit];
        let patched = engine.code_address(parent.code).and_then(|at| {
            let branch = jit_aarch64::asm::branch_to(at + offset as u64, thunk_address)?;
            engine.patch(parent.code, offset, &branch)
        });
        match patched {
            Ok(()) => self.jit.traces[start.parent as usize - 1]
                .thunks
                .push(thunk_code),
            Err(_) => engine.remove(thunk_code),
        }
    }

    fn jit_assemble(&mut self, rec: &Recorder, number: u32) -> Result<(Trace, String), String> {
        let fuse = self.jit.params.flags.fuse;
        if self.jit.engine.is_none() {
            let area = self.jit.params.maxmcode as usize * 1024;
            let table_offset = self.heap.tables.value_offset();
            match super::entry::Engine::new(fuse, area, table_offset) {
                Ok(engine) => self.jit.engine = Some(Box::new(engine)),
                Err(e) => {
                    self.jit.unavailable = true;
                    return Err(format!("no executor for traces: {e}"));
                }
            }
        }
        let engine = self.jit.engine.as_mut().expect("created above");
        let assembled = jit_aarch64::asm::assemble(
            &rec.ir,
            &super::state::VALUE_LAYOUT,
            engine.abi(&self.jit.params),
            number << 16,
        )
        .map_err(|e| match e {
            jit_aarch64::Error::BadPair(_) => {
                eprintln!("runtime: -Ofuse=check: trace {number} not installed: {e}");
                e.to_string()
            }
            _ => format!("NYI: {e}"),
        })?;
        let (code, entry) = match engine.install(assembled.code.bytes()) {
            Ok(installed) => installed,
            Err(jit_aarch64::Error::CodeAreaFull { .. }) => {
                // As LuaJIT at `maxmcode`: drop every trace and start over.
                self.jit.flush();
                return Err("failed to allocate mcode memory".into());
            }
            Err(e) => return Err(format!("machine code could not be installed: {e}")),
        };
        let symbols: Vec<(u64, String)> = rec
            .link
            .iter()
            .map(|&n| {
                (
                    self.jit.traces[n as usize - 1].entry,
                    format!("->TRACE {n}"),
                )
            })
            .collect();
        let engine = self.jit.engine.as_ref().expect("created above");
        // Disassembling costs more than compiling: only for a dump that prints it.
        let listing = if self.jit.log.dump.is_some() {
            format!(
                "---- TRACE {number} mcode {}\n{}",
                assembled.code.bytes().len(),
                engine.listing(&assembled.code, &symbols)
            )
        } else {
            String::new()
        };
        let trace = Trace {
            number,
            proto: rec.proto.clone(),
            closure: rec.closure,
            loop_pc: rec.loop_pc,
            ir: rec.ir.clone(),
            locs: assembled.locs,
            code,
            entry,
            max_slot: rec.max_slot,
            exit_counts: vec![0; rec.ir.snaps.len()],
            sides: vec![None; rec.ir.snaps.len()],
            side_tries: vec![0; rec.ir.snaps.len()],
            side_count: 0,
            parent: rec.side,
            root: match rec.side {
                Some(start) => self.jit.traces[start.parent as usize - 1].root,
                None => number,
            },
            final_exit: rec.ir.exit_tail,
            link: rec.link,
            upvalue_floor: rec.upvalue_floor,
            exit_offsets: assembled.exit_offsets.clone(),
            thunks: Vec::new(),
            key: match rec.side {
                Some(start) => format!(
                    "{}/{}",
                    self.jit.traces[start.parent as usize - 1].key,
                    start.exit
                ),
                None => format!("{}@{}", rec.proto.id, rec.loop_pc),
            },
            pop_checks: rec.pop_checks.clone(),
            bytecodes_per_iteration: rec.bytecodes.len() as u32,
            heap_refs: rec.heap_refs(),
            entries: 0,
            bytecodes_run: 0,
            max_depth: rec
                .ir
                .snaps
                .iter()
                .map(|s| s.frames.len())
                .chain(rec.link.map(|n| self.jit.traces[n as usize - 1].max_depth))
                .max()
                .unwrap_or(0),
        };
        Ok((trace, listing))
    }
}
