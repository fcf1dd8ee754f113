//! Recording (lj_record.c): the interpreter calls [`Recorder::instruction`] before each
//! instruction while a trace is being recorded; the recorder reads the operands' current values,
//! specializes on their types, and appends typed IR with guards. Snapshots capture the slots
//! written so far, so any guard can hand the exact interpreter state back.
//!
//! Slots are numbered from the base of the frame where recording started; inlined calls get
//! frames above it that exist only in the recorder and in snapshots. Unsupported bytecode
//! aborts with LuaJIT's reason texts; the interpreter then simply carries on.
//!
//! A side trace (lj_record.c's side-trace start from a snapshot) starts where a hot exit of
//! another trace resumes, in that exit's frame, and runs straight: it may return below its start
//! frame (slots of the callers then have negative numbers), and it ends before the next loop op
//! (`ForLoop`, `TForLoop`, `Loop`, `ForPrep`), where the interpreter takes over again.
#![forbid(unsafe_code)]

use std::collections::BTreeMap;
use std::rc::Rc;

use jit_aarch64::ir::{
    Cmp, Const, FloatOp, HelperId, Ir, IrError, IrType, Op, Passes, Ref, SnapEntry, SnapFrame,
    Snapshot,
};

use super::calls;
use super::value_bits::{constant, ir_type, payload_of, tag_of};
use crate::bytecode::{Op as Bc, Proto, Rk, RK_CONSTANT};
use crate::heap::Function;
use crate::heap::TableLayout;
use crate::value::{FuncRef, Value};
use crate::vm::Vm;

/// Why recording stopped without a trace (LuaJIT's lj_traceerr.h texts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Abort(pub String);

/// The IR values of a table's layout fields (see [`TableLayout`]).
struct LayoutRefs {
    array_ptr: Ref,
    array_len: Ref,
    has_meta: Ref,
    hash_ptr: Ref,
    hash_len: Ref,
}

impl Abort {
    fn nyi_bytecode(op: &Bc) -> Abort {
        Abort(format!("NYI: bytecode {}", bytecode_name(op)))
    }
}

impl From<IrError> for Abort {
    fn from(e: IrError) -> Abort {
        match e {
            IrError::GuardAlwaysFails => Abort("guard would always fail".into()),
        }
    }
}

/// A frame the recorder entered by inlining a call.
#[derive(Clone)]
struct RecFrame {
    proto: Rc<Proto>,
    closure: FuncRef,
    /// First register, relative to the trace base.
    base: i32,
    /// Slot of the called function.
    func_slot: i32,
    /// Where the caller resumes.
    return_pc: u32,
    nresults: i32,
}

/// Where a side trace grows from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SideStart {
    pub parent: u32,
    pub exit: u32,
}

/// What a side trace's return below its start frame assumed: the frame returned from (`depth`
/// frames below the start frame, 0 being the start frame) and its caller, as the interpreter's
/// frame stack must show them at entry for the compiled return to be the interpreter's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopCheck {
    pub depth: u32,
    /// The returning frame's function slot, relative to the trace base.
    pub func_slot: i32,
    pub nresults: i32,
    /// The caller: its closure, first register (relative to the trace base) and resume pc.
    pub caller: FuncRef,
    pub caller_base: i32,
    pub caller_pc: usize,
}

/// What the interpreter should do after an instruction was recorded.
pub enum Step {
    /// Execute the instruction and keep recording.
    Continue,
    /// The loop closed: compile the IR.
    Done,
}

/// Limits the recorder enforces (`maxrecord`, `maxirconst`, `maxsnap`).
#[derive(Clone, Copy)]
pub struct Limits {
    pub maxrecord: u32,
    pub maxirconst: u32,
    pub maxsnap: u32,
    /// `-Oloop`: optimize the loop by copy-substitution.
    pub loop_opt: bool,
    /// `loopunroll`: loop ops a side trace may record through.
    pub loopunroll: u32,
}

pub struct Recorder {
    pub ir: Ir,
    /// The frames being recorded; `[0]` is the frame where the loop lives.
    frames: Vec<RecFrame>,
    /// Absolute stack index of the trace base.
    pub base: usize,
    /// The loop op where the trace starts and closes.
    pub loop_pc: usize,
    pub proto: Rc<Proto>,
    pub closure: FuncRef,
    /// Current value of each slot (relative to the trace base; negative below the start frame of
    /// a side trace), and whether the trace wrote it.
    slots: BTreeMap<i32, (Ref, bool)>,
    /// A side trace: the trace and exit it grows from.
    pub side: Option<SideStart>,
    /// Frames at and below the start frame that returned (side traces only).
    pops: u32,
    /// What those returns assumed about the frames below, checked before each entry.
    pub pop_checks: Vec<PopCheck>,
    /// The root trace a side trace links to at its end.
    pub link: Option<u32>,
    /// Loop ops a side trace recorded through (at most `loopunroll`).
    loop_ops: u32,
    /// The lowest slot a recorded `Jmp` closes upvalues from: the trace may be entered only
    /// when no upvalue is open at or above it.
    pub upvalue_floor: Option<i32>,
    ticks: u32,
    snapshot_taken: bool,
    /// A native just ran: the interpreter's GC point follows it.
    gc_point_pending: bool,
    /// (frame depth, proto, pc) of each recorded instruction, for `-jdump`.
    pub bytecodes: Vec<(usize, Rc<Proto>, usize)>,
    limits: Limits,
    /// Highest slot touched (stack needed at entry).
    pub max_slot: i32,
    /// The pc being recorded (the snapshot's resume point).
    current_pc: u32,
    /// Heap objects passed to helpers as integer constants.
    gc_refs: Vec<Value>,
}

/// An op's name as the aborts and dumps spell it (`Add`, `ForLoop`).
pub(super) fn bytecode_name(op: &Bc) -> String {
    let text = format!("{op:?}");
    text.split([' ', '{', '(']).next().unwrap_or("").to_string()
}

impl Recorder {
    pub fn new(
        proto: Rc<Proto>,
        closure: FuncRef,
        base: usize,
        loop_pc: usize,
        passes: Passes,
        limits: Limits,
    ) -> Recorder {
        let mut ir = Ir::new(passes);
        ir.array_classes = calls::ENTRIES;
        ir.field_classes = calls::FIELDS;
        ir.layout_classes = calls::LAYOUT;
        Recorder {
            ir,
            frames: vec![RecFrame {
                proto: proto.clone(),
                closure,
                base: 0,
                func_slot: -1,
                return_pc: 0,
                nresults: 0,
            }],
            base,
            loop_pc,
            proto,
            closure,
            slots: BTreeMap::new(),
            side: None,
            pops: 0,
            pop_checks: Vec::new(),
            link: None,
            loop_ops: 0,
            upvalue_floor: None,
            ticks: 0,
            snapshot_taken: false,
            gc_point_pending: false,
            bytecodes: Vec::new(),
            limits,
            max_slot: 0,
            current_pc: 0,
            gc_refs: Vec::new(),
        }
    }

    /// A side trace growing from exit `start.exit` of trace `start.parent`, recording from `pc` of
    /// the running frame (the one at absolute stack index `base`).
    pub fn new_side(
        start: SideStart,
        proto: Rc<Proto>,
        closure: FuncRef,
        base: usize,
        pc: usize,
        passes: Passes,
        limits: Limits,
    ) -> Recorder {
        let mut rec = Recorder::new(proto, closure, base, pc, passes, limits);
        rec.side = Some(start);
        rec
    }

    fn frame(&self) -> &RecFrame {
        self.frames.last().expect("the root frame is never popped")
    }

    /// Slot of register `r` of the current frame, relative to the trace base.
    fn reg_slot(&self, r: u32) -> i32 {
        self.frame().base + r as i32
    }

    fn runtime_value(&self, vm: &Vm, slot: i32) -> Value {
        vm.th.stack[(self.base as i64 + slot as i64) as usize]
    }

    /// The IR value of a slot, loading it (with a type guard) on first use.
    fn slot(&mut self, vm: &Vm, slot: i32) -> Result<Ref, Abort> {
        if let Some(&(r, _)) = self.slots.get(&slot) {
            return Ok(r);
        }
        let v = self.runtime_value(vm, slot);
        self.ensure_snapshot();
        let r = self
            .ir
            .emit_raw(Op::SLoad { slot, check: true }, ir_type(v));
        self.remember(slot, r, false);
        Ok(r)
    }

    fn remember(&mut self, slot: i32, r: Ref, written: bool) {
        let entry = self.slots.entry(slot).or_insert((r, false));
        entry.0 = r;
        entry.1 |= written;
        self.max_slot = self.max_slot.max(slot);
    }

    fn set_slot(&mut self, slot: i32, r: Ref) {
        self.remember(slot, r, true);
    }

    fn reg(&mut self, vm: &Vm, r: u32) -> Result<Ref, Abort> {
        let slot = self.reg_slot(r);
        self.slot(vm, slot)
    }

    fn set_reg(&mut self, r: u32, value: Ref) {
        let slot = self.reg_slot(r);
        self.set_slot(slot, value);
    }

    fn rk(&mut self, vm: &Vm, x: Rk) -> Result<Ref, Abort> {
        if x < RK_CONSTANT {
            self.reg(vm, x as u32)
        } else {
            let v = self.frame().proto.constants[(x - RK_CONSTANT) as usize];
            Ok(self.ir.konst(constant(v)))
        }
    }

    fn rk_value(&self, vm: &Vm, x: Rk) -> Value {
        if x < RK_CONSTANT {
            self.runtime_value(vm, self.reg_slot(x as u32))
        } else {
            self.frame().proto.constants[(x - RK_CONSTANT) as usize]
        }
    }

    fn written_entries(&self) -> Vec<SnapEntry> {
        self.slots
            .iter()
            .filter(|(_, &(_, written))| written)
            .map(|(&slot, &(value, _))| SnapEntry { slot, value })
            .collect()
    }

    /// The inlined frames open now, as a snapshot lists them.
    fn snap_frames(&self) -> Vec<SnapFrame> {
        self.frames[1..]
            .iter()
            .map(|f| SnapFrame {
                func_slot: f.func_slot,
                function: f.closure.0,
                return_pc: f.return_pc,
                nresults: f.nresults,
            })
            .collect()
    }

    /// Takes the snapshot for the current instruction if none was taken yet.
    fn ensure_snapshot(&mut self) {
        if self.snapshot_taken {
            return;
        }
        self.snapshot_taken = true;
        let frames = self.snap_frames();
        let snap = Snapshot {
            at: 0,
            pc: self.current_pc,
            entries: self.written_entries(),
            pops: self.pops,
            frames,
            ticks: self.ticks,
            gc_point: self.gc_point_pending,
        };
        self.ir.snapshot(snap);
    }

    fn guard(&mut self, cmp: Cmp, a: Ref, b: Ref) -> Result<(), Abort> {
        self.ensure_snapshot();
        self.ir.emit(Op::Guard(cmp, a, b), IrType::Nil)?;
        Ok(())
    }

    fn call(&mut self, helper: HelperId, args: &[Ref], ty: IrType) -> Result<Ref, Abort> {
        let effect = calls::CALLS[helper.0 as usize].effect;
        let mut list = [Ref::ins(0); 4];
        list[..args.len()].copy_from_slice(args);
        Ok(self.ir.emit(
            Op::Call {
                helper,
                effect,
                args: list,
                nargs: args.len() as u8,
            },
            ty,
        )?)
    }

    /// Table `tr`'s layout, read inline from the record the table keeps for traces (unused
    /// fields die in DCE).
    fn table_layout(&mut self, tr: Ref) -> Result<LayoutRefs, Abort> {
        let record = self.ir.emit(Op::TableParts(tr), IrType::Ptr)?;
        let mut field = |offset, ty| self.ir.emit(Op::Load(record, offset), ty);
        Ok(LayoutRefs {
            array_ptr: field(TableLayout::ARRAY_PTR, IrType::Ptr)?,
            array_len: field(TableLayout::ARRAY_LEN, IrType::Int)?,
            has_meta: field(TableLayout::HAS_META, IrType::Int)?,
            hash_ptr: field(TableLayout::HASH_PTR, IrType::Ptr)?,
            hash_len: field(TableLayout::HASH_LEN, IrType::Int)?,
        })
    }

    /// A helper returning a value's address or 0: guard non-zero, then load with a type guard.
    fn load_through(&mut self, ptr: Ref, ty: IrType) -> Result<Ref, Abort> {
        let zero = self.ir.int(0);
        self.guard(Cmp::Ne, ptr, zero)?;
        self.ensure_snapshot();
        Ok(self.ir.emit(Op::VLoad(ptr, 0), ty)?)
    }

    /// A status-returning helper: guard that it succeeded.
    fn check_status(&mut self, status: Ref) -> Result<(), Abort> {
        let zero = self.ir.int(0);
        self.guard(Cmp::Eq, status, zero)
    }

    /// The tag and payload arguments for passing `r` to a helper.
    fn value_args(&mut self, r: Ref, v: Value) -> [Ref; 2] {
        let tag = self.ir.int(tag_of(v) as i64);
        let payload = match self.ir.const_of(r) {
            Some(_) => self.payload_const(v),
            None => r,
        };
        [tag, payload]
    }

    /// A value's payload as an integer constant for a helper; heap objects named this way are
    /// remembered, since the trace depends on their handles staying theirs.
    fn payload_const(&mut self, v: Value) -> Ref {
        if !matches!(v, Value::Nil | Value::Boolean(_) | Value::Number(_)) {
            self.gc_refs.push(v);
        }
        self.ir.int(payload_of(v) as i64)
    }

    /// Every heap object the trace names by handle: constants, keys passed to helpers, and the
    /// closure it runs in. If the collector frees one, the trace must go.
    pub fn heap_refs(&self) -> Vec<Value> {
        let mut refs = self.gc_refs.clone();
        refs.push(Value::Function(self.closure));
        refs.extend(self.pop_checks.iter().map(|c| Value::Function(c.caller)));
        for k in &self.ir.consts {
            if let jit_aarch64::ir::Const::Gc(ty, bits) = *k {
                refs.extend(super::value_bits::value_of(ty, bits));
            }
        }
        refs
    }

    fn check_limits(&self) -> Result<(), Abort> {
        if self.ir.insts.len() as u32 > self.limits.maxrecord {
            return Err(Abort("trace too long".into()));
        }
        if self.ir.consts.len() as u32 > self.limits.maxirconst {
            return Err(Abort("trace too long".into()));
        }
        if self.ir.snaps.len() as u32 > self.limits.maxsnap {
            return Err(Abort("too many snapshots".into()));
        }
        Ok(())
    }
}

impl Recorder {
    /// Records the instruction at `pc` of the running frame, before it executes.
    pub fn instruction(
        &mut self,
        vm: &Vm,
        proto: &Rc<Proto>,
        base: usize,
        pc: usize,
    ) -> Result<Step, Abort> {
        // The interpreter must be in the frame the recorder expects.
        let frame = self.frame();
        if !Rc::ptr_eq(&frame.proto, proto) || self.base as i64 + frame.base as i64 != base as i64 {
            return Err(Abort("NYI: return to lower frame".into()));
        }
        self.current_pc = pc as u32;
        self.snapshot_taken = false;
        self.bytecodes
            .push((self.frames.len() - 1, proto.clone(), pc));
        if self.gc_point_pending {
            // The interpreter's GC point after a native call: leave (and collect) when due.
            self.ensure_snapshot();
            self.ir.emit_raw(Op::GcCheck, IrType::Nil);
            self.gc_point_pending = false;
        }
        let op = proto.code[pc];
        let step = self.record(vm, &op, pc)?;
        self.check_limits()?;
        Ok(step)
    }

    fn arith(&mut self, vm: &Vm, op: FloatOp, a: u8, b: Rk, c: Rk) -> Result<(), Abort> {
        if self.rk_value(vm, b).as_number().is_none() || self.rk_value(vm, c).as_number().is_none()
        {
            return Err(Abort("NYI: arithmetic metamethod".into()));
        }
        let (x, y) = (self.rk(vm, b)?, self.rk(vm, c)?);
        let r = self.ir.emit(Op::Float(op, x, y), IrType::Num)?;
        self.set_reg(a as u32, r);
        Ok(())
    }

    fn record(&mut self, vm: &Vm, op: &Bc, pc: usize) -> Result<Step, Abort> {
        match *op {
            Bc::Move { a, b } => {
                let r = self.reg(vm, b as u32)?;
                self.set_reg(a as u32, r);
            }
            Bc::LoadK { a, k } => {
                let v = self.frame().proto.constants[k as usize];
                let r = self.ir.konst(constant(v));
                self.set_reg(a as u32, r);
            }
            Bc::LoadBool { a, value, .. } => {
                let r = self.ir.konst(constant(Value::Boolean(value)));
                self.set_reg(a as u32, r);
            }
            Bc::LoadNil { a, b } => {
                let nil = self.ir.konst(Const::Pri(IrType::Nil));
                for r in a..=b {
                    self.set_reg(r as u32, nil);
                }
            }
            Bc::Add { a, b, c } => self.arith(vm, FloatOp::Add, a, b, c)?,
            Bc::Sub { a, b, c } => self.arith(vm, FloatOp::Sub, a, b, c)?,
            Bc::Mul { a, b, c } => self.arith(vm, FloatOp::Mul, a, b, c)?,
            Bc::Div { a, b, c } => self.arith(vm, FloatOp::Div, a, b, c)?,
            Bc::Mod { a, b, c } => {
                // a - floor(a/b)*b, unfused, exactly as the interpreter's `lua_mod`.
                if self.rk_value(vm, b).as_number().is_none()
                    || self.rk_value(vm, c).as_number().is_none()
                {
                    return Err(Abort("NYI: arithmetic metamethod".into()));
                }
                let (x, y) = (self.rk(vm, b)?, self.rk(vm, c)?);
                let q = self.ir.emit(Op::Float(FloatOp::Div, x, y), IrType::Num)?;
                let f = self.ir.emit(Op::Float(FloatOp::Floor, q, q), IrType::Num)?;
                let m = self.ir.emit(Op::Float(FloatOp::Mul, f, y), IrType::Num)?;
                let r = self.ir.emit(Op::Float(FloatOp::Sub, x, m), IrType::Num)?;
                self.set_reg(a as u32, r);
            }
            Bc::Pow { a, b, c } => {
                if self.rk_value(vm, b).as_number().is_none()
                    || self.rk_value(vm, c).as_number().is_none()
                {
                    return Err(Abort("NYI: arithmetic metamethod".into()));
                }
                let (x, y) = (self.rk(vm, b)?, self.rk(vm, c)?);
                let r = self.call(calls::MATH_POW, &[x, y], IrType::Num)?;
                self.set_reg(a as u32, r);
            }
            Bc::Unm { a, b } => {
                if self.rk_value(vm, b as Rk).as_number().is_none() {
                    return Err(Abort("NYI: arithmetic metamethod".into()));
                }
                let x = self.reg(vm, b as u32)?;
                let r = self.ir.emit(Op::Float(FloatOp::Neg, x, x), IrType::Num)?;
                self.set_reg(a as u32, r);
            }
            Bc::Not { a, b } => {
                let v = self.runtime_value(vm, self.reg_slot(b as u32));
                self.reg(vm, b as u32)?;
                let r = self.ir.konst(constant(Value::Boolean(!v.truthy())));
                self.set_reg(a as u32, r);
            }
            Bc::Jmp { offset, close } => {
                if close > 0 {
                    // Closing upvalues from this register up does nothing when none is open
                    // there: a trace creates no closures, so it suffices that none is open at
                    // entry (checked there, from the lowest such level).
                    let level = self.reg_slot(close as u32 - 1);
                    if level < 0 {
                        return Err(Abort::nyi_bytecode(op));
                    }
                    self.upvalue_floor = Some(self.upvalue_floor.map_or(level, |f| f.min(level)));
                }
                if offset < 0 {
                    self.ticks += 1;
                }
            }
            Bc::Eq { b, c, .. } => self.record_eq(vm, b, c)?,
            Bc::Lt { b, c, .. } => self.record_order(vm, b, c, false)?,
            Bc::Le { b, c, .. } => self.record_order(vm, b, c, true)?,
            Bc::Test { a, .. } => {
                // Truthiness follows from the type the slot load guards.
                self.reg(vm, a as u32)?;
            }
            Bc::TestSet { a, b, jump_if } => {
                let v = self.runtime_value(vm, self.reg_slot(b as u32));
                let r = self.reg(vm, b as u32)?;
                if v.truthy() == jump_if {
                    self.set_reg(a as u32, r);
                }
            }
            Bc::GetUpval { a, b } => {
                let r = self.record_get_upval(vm, b)?;
                self.set_reg(a as u32, r);
            }
            Bc::SetUpval { a, b } => self.record_set_upval(vm, a, b)?,
            Bc::GetGlobal { a, k } => {
                let key = self.frame().proto.constants[k as usize];
                let env = vm.heap.function(self.frame().closure).env();
                let t = vm.heap.table(env);
                let v = t.get_str(key);
                if v.is_nil() && t.metatable.is_some() {
                    return Err(Abort("NYI: __index metamethod".into()));
                }
                let closure = self
                    .ir
                    .konst(Const::Gc(IrType::Func, self.frame().closure.0 as u64));
                let er = self.call(calls::CLOSURE_ENV, &[closure], IrType::Tab)?;
                if let Some(slot) = self.hash_slot(vm, env, er, key, false)? {
                    let r = self.ir.emit(Op::VLoad(slot, 0), ir_type(v))?;
                    self.set_reg(a as u32, r);
                    return Ok(Step::Continue);
                }
                let key = self.payload_const(key);
                let ptr = self.call(calls::GLOBAL_GET, &[closure, key], IrType::Ptr)?;
                let r = self.load_through(ptr, ir_type(v))?;
                self.set_reg(a as u32, r);
            }
            Bc::SetGlobal { a, k } => {
                let key = self.frame().proto.constants[k as usize];
                let env = vm.heap.function(self.frame().closure).env();
                if vm.heap.table(env).metatable.is_some() {
                    return Err(Abort("NYI: __newindex metamethod".into()));
                }
                let v = self.runtime_value(vm, self.reg_slot(a as u32));
                let r = self.reg(vm, a as u32)?;
                let closure = self
                    .ir
                    .konst(Const::Gc(IrType::Func, self.frame().closure.0 as u64));
                let er = self.call(calls::CLOSURE_ENV, &[closure], IrType::Tab)?;
                if let Some(slot) = self.hash_slot(vm, env, er, key, true)? {
                    self.ir.emit(Op::VStore(slot, r), IrType::Nil)?;
                    return Ok(Step::Continue);
                }
                let [tag, payload] = self.value_args(r, v);
                let key = self.payload_const(key);
                self.ensure_snapshot();
                let status = self.call(
                    calls::GLOBAL_SET,
                    &[closure, key, tag, payload],
                    IrType::Int,
                )?;
                self.check_status(status)?;
            }
            Bc::GetTable { a, b, c } => {
                let key = self.rk_value(vm, c);
                let k = self.rk(vm, c)?;
                self.record_index(vm, a, b, key, k)?;
            }
            Bc::SelfOp { a, b, c } => {
                // R(a+1) = obj; R(a) = obj[key]
                let obj = self.runtime_value(vm, self.reg_slot(b as u32));
                let key = self.rk_value(vm, c);
                let k = self.rk(vm, c)?;
                let o = self.reg(vm, b as u32)?;
                match (obj, key) {
                    (Value::Table(_), _) => {
                        self.set_reg(a as u32 + 1, o);
                        self.record_index(vm, a, b, key, k)?;
                    }
                    (Value::String(_), Value::String(_)) => {
                        let method = vm
                            .string_meta
                            .map(|m| vm.heap.table(m).get(Value::String(vm.names.index)))
                            .and_then(|i| match i {
                                Value::Table(t) => Some(vm.heap.table(t).get(key)),
                                _ => None,
                            })
                            .unwrap_or(Value::Nil);
                        if method.is_nil() {
                            return Err(Abort("NYI: string method lookup".into()));
                        }
                        let kr = self.payload_const(key);
                        let ptr = self.call(calls::STR_METHOD, &[kr], IrType::Ptr)?;
                        let m = self.load_through(ptr, ir_type(method))?;
                        self.set_reg(a as u32 + 1, o);
                        self.set_reg(a as u32, m);
                    }
                    _ => return Err(Abort::nyi_bytecode(op)),
                }
            }
            Bc::GetField { a, b, k } => {
                let key = self.frame().proto.constants[k as usize];
                let kr = self.ir.konst(constant(key));
                self.record_index(vm, a, b, key, kr)?;
            }
            Bc::SetTable { a, b, c } => {
                let key = self.rk_value(vm, b);
                let k = self.rk(vm, b)?;
                self.record_newindex(vm, a, key, k, c)?;
            }
            Bc::SetField { a, k, c } => {
                let key = self.frame().proto.constants[k as usize];
                let kr = self.ir.konst(constant(key));
                self.record_newindex(vm, a, key, kr, c)?;
            }
            Bc::Len { a, b } => {
                let v = self.runtime_value(vm, self.reg_slot(b as u32));
                let x = self.reg(vm, b as u32)?;
                let helper = match v {
                    Value::Table(_) => calls::TAB_LEN,
                    Value::String(_) => calls::STR_LEN,
                    _ => return Err(Abort("NYI: __len metamethod".into())),
                };
                let r = self.call(helper, &[x], IrType::Num)?;
                self.set_reg(a as u32, r);
            }
            Bc::NewTable { a, array, hash } => {
                let (n, h) = (self.ir.int(array as i64), self.ir.int(hash as i64));
                let t = self.call(calls::TAB_NEW, &[n, h], IrType::Tab)?;
                self.set_reg(a as u32, t);
                // The interpreter's GC point after `NewTable`.
                self.gc_point_pending = true;
            }
            Bc::SetList { a, count, first } => {
                if count == 0 {
                    return Err(Abort("NYI: SetList of variable results".into()));
                }
                for i in 1..=count as u32 {
                    let key = (first + i) as f64;
                    let k = self.ir.num(key);
                    self.record_newindex(vm, a, Value::Number(key), k, (a as u32 + i) as Rk)?;
                }
            }
            Bc::Concat { a, b, c } => {
                // Two strings or numbers; longer chains and metamethods are the interpreter's.
                if c != b + 1 {
                    return Err(Abort::nyi_bytecode(op));
                }
                let (x, y) = (
                    self.runtime_value(vm, self.reg_slot(b as u32)),
                    self.runtime_value(vm, self.reg_slot(c as u32)),
                );
                let stringy = |v: Value| matches!(v, Value::String(_) | Value::Number(_));
                if !stringy(x) || !stringy(y) {
                    return Err(Abort("NYI: __concat metamethod".into()));
                }
                let (rx, ry) = (self.reg(vm, b as u32)?, self.reg(vm, c as u32)?);
                let [tx, px] = self.value_args(rx, x);
                let [ty, py] = self.value_args(ry, y);
                let ptr = self.call(calls::STR_CONCAT, &[tx, px, ty, py], IrType::Ptr)?;
                let r = self.load_through(ptr, IrType::Str)?;
                self.set_reg(a as u32, r);
                // The interpreter's GC point after `Concat`.
                self.gc_point_pending = true;
            }
            Bc::Call { a, b, c } => self.record_call(vm, a, b, c, pc)?,
            Bc::Return { a, b } => self.record_return(vm, a, b)?,
            Bc::ForLoop { a, .. } if self.side.is_some() => {
                if self.bytecodes.len() > 1 {
                    return self.side_at_loop(vm, pc, Some(a));
                }
                // The exit that ended the parent's loop resumes here: the loop falls through.
                self.record_for_exit(vm, a)?;
            }
            Bc::ForPrep { a, .. } if self.side.is_some() => self.record_for_prep(vm, a)?,
            Bc::Loop if self.side.is_some() => {
                if self.bytecodes.len() > 1 {
                    return self.side_at_loop(vm, pc, None);
                }
                self.ticks += 1;
            }
            Bc::TForLoop { .. } if self.side.is_some() => {
                if self.bytecodes.len() > 1 {
                    return Ok(self.close_side());
                }
                return Err(Abort("NYI: side trace starting at a loop".into()));
            }
            Bc::ForLoop { a, .. } => {
                if self.frames.len() == 1 && pc == self.loop_pc {
                    return self.close_for_loop(vm, a);
                }
                return self.root_at_inner_loop(vm, pc, Some(a));
            }
            Bc::Loop => {
                if self.frames.len() == 1 && pc == self.loop_pc {
                    self.ticks += 1;
                    self.close_loop();
                    return Ok(Step::Done);
                }
                return self.root_at_inner_loop(vm, pc, None);
            }
            // An inner loop: recorded up to its loop op, where the trace links to the loop's
            // own trace or aborts (`root_at_inner_loop`).
            Bc::ForPrep { a, .. } => self.record_for_prep(vm, a)?,
            Bc::TForCall { a, c } => self.record_iterator(vm, a, c)?,
            Bc::TForLoop { a, .. } => {
                if self.frames.len() != 1 || pc != self.loop_pc {
                    return Err(Abort("inner loop in root trace".into()));
                }
                if self.runtime_value(vm, self.reg_slot(a as u32 + 3)).is_nil() {
                    return Err(Abort("leaving loop in root trace".into()));
                }
                let v = self.reg(vm, a as u32 + 3)?;
                self.set_reg(a as u32 + 2, v);
                self.ticks += 1;
                self.close_loop();
                return Ok(Step::Done);
            }
            _ => return Err(Abort::nyi_bytecode(op)),
        }
        Ok(Step::Continue)
    }

    fn record_eq(&mut self, vm: &Vm, b: Rk, c: Rk) -> Result<(), Abort> {
        let (x, y) = (self.rk_value(vm, b), self.rk_value(vm, c));
        let (xr, yr) = (self.rk(vm, b)?, self.rk(vm, c)?);
        let equal = x.raw_eq(y);
        if ir_type(x) != ir_type(y) {
            // Different types (both guarded): never equal, nothing to check.
            return Ok(());
        }
        match x {
            Value::Nil | Value::Boolean(_) => Ok(()),
            Value::Table(_) | Value::Userdata(_) if !equal => {
                Err(Abort("NYI: __eq metamethod".into()))
            }
            _ => self.guard(if equal { Cmp::Eq } else { Cmp::Ne }, xr, yr),
        }
    }

    fn record_order(&mut self, vm: &Vm, b: Rk, c: Rk, or_equal: bool) -> Result<(), Abort> {
        let (Some(x), Some(y)) = (
            self.rk_value(vm, b).as_number(),
            self.rk_value(vm, c).as_number(),
        ) else {
            return Err(Abort("NYI: comparison of non-numbers".into()));
        };
        let (xr, yr) = (self.rk(vm, b)?, self.rk(vm, c)?);
        let holds = if or_equal { x <= y } else { x < y };
        let cmp = match (or_equal, holds) {
            (false, true) => Cmp::Lt,
            (false, false) => Cmp::Uge,
            (true, true) => Cmp::Le,
            (true, false) => Cmp::Ugt,
        };
        self.guard(cmp, xr, yr)
    }

    fn closure_const(&mut self) -> Ref {
        let closure = self.frame().closure;
        self.ir.konst(Const::Gc(IrType::Func, closure.0 as u64))
    }

    /// An upvalue open on this thread at or above the trace base is a slot of the trace.
    fn upvalue_slot(&self, vm: &Vm, index: u8) -> Option<i32> {
        let Function::Lua(cl) = vm.heap.function(self.frame().closure) else {
            return None;
        };
        let uv = cl.upvalues[index as usize];
        match *vm.heap.upvals.get(uv.0) {
            crate::heap::Upval::Open { thread, slot } if thread == vm.current => {
                (slot >= self.base).then(|| (slot - self.base) as i32)
            }
            _ => None,
        }
    }

    fn record_get_upval(&mut self, vm: &Vm, index: u8) -> Result<Ref, Abort> {
        let closure = self.closure_const();
        let idx = self.ir.int(index as i64);
        match self.upvalue_slot(vm, index) {
            Some(slot) => {
                let at = self.call(calls::UPVAL_SLOT, &[closure, idx], IrType::Int)?;
                let expected = self.ir.int(slot as i64);
                self.guard(Cmp::Eq, at, expected)?;
                self.slot(vm, slot)
            }
            None => {
                let v = vm.upval_get(self.frame().closure, index);
                let ptr = self.call(calls::UPVAL_GET, &[closure, idx], IrType::Ptr)?;
                self.load_through(ptr, ir_type(v))
            }
        }
    }

    fn record_set_upval(&mut self, vm: &Vm, a: u8, index: u8) -> Result<(), Abort> {
        let closure = self.closure_const();
        let idx = self.ir.int(index as i64);
        let value = self.reg(vm, a as u32)?;
        match self.upvalue_slot(vm, index) {
            Some(slot) => {
                let at = self.call(calls::UPVAL_SLOT, &[closure, idx], IrType::Int)?;
                let expected = self.ir.int(slot as i64);
                self.guard(Cmp::Eq, at, expected)?;
                self.set_slot(slot, value);
            }
            None => {
                let v = self.runtime_value(vm, self.reg_slot(a as u32));
                let [tag, payload] = self.value_args(value, v);
                self.ensure_snapshot();
                let status =
                    self.call(calls::UPVAL_SET, &[closure, idx, tag, payload], IrType::Int)?;
                self.check_status(status)?;
            }
        }
        Ok(())
    }

    fn table_helper(key: Value, get: bool) -> Result<HelperId, Abort> {
        Ok(match (key, get) {
            (Value::Number(_), true) => calls::TAB_GET_NUM,
            (Value::String(_), true) => calls::TAB_GET_STR,
            (Value::Number(_), false) => calls::TAB_SET_NUM,
            (Value::String(_), false) => calls::TAB_SET_STR,
            _ => return Err(Abort("NYI: table key type".into())),
        })
    }

    fn record_index(&mut self, vm: &Vm, a: u8, b: u8, key: Value, k: Ref) -> Result<(), Abort> {
        let Value::Table(t) = self.runtime_value(vm, self.reg_slot(b as u32)) else {
            return Err(Abort("NYI: __index metamethod".into()));
        };
        let table = vm.heap.table(t);
        let v = table.get(key);
        if v.is_nil() && table.metatable.is_some() {
            return Err(Abort("NYI: __index metamethod".into()));
        }
        let tr = self.reg(vm, b as u32)?;
        if let Some(element) = self.array_element(vm, t, tr, key, k)? {
            let r = self.ir.emit(Op::VLoad(element, 0), ir_type(v))?;
            self.set_reg(a as u32, r);
            return Ok(());
        }
        if self.ir.const_of(k).is_some() {
            if let Some(slot) = self.hash_slot(vm, t, tr, key, false)? {
                let r = self.ir.emit(Op::VLoad(slot, 0), ir_type(v))?;
                self.set_reg(a as u32, r);
                return Ok(());
            }
        }
        let helper = Self::table_helper(key, true)?;
        let kr = self.key_arg(key, k);
        if self.ir.passes.fwd {
            if let Some(r) = self.forwarded(helper, tr, kr, ir_type(v)) {
                self.set_reg(a as u32, r);
                return Ok(());
            }
        }
        let ptr = self.call(helper, &[tr, kr], IrType::Ptr)?;
        let r = self.load_through(ptr, ir_type(v))?;
        self.set_reg(a as u32, r);
        Ok(())
    }

    /// The address of `t[key]` when the key is an integer inside `t`'s array part now and `t`
    /// has no metatable: the interpreter's fast path, inline (guards: no metatable, integral
    /// key within the array; the array's address and length are loads alias analysis can
    /// keep out of the loop when nothing in it may resize a table).
    fn array_element(
        &mut self,
        vm: &Vm,
        t: crate::value::TableRef,
        tr: Ref,
        key: Value,
        k: Ref,
    ) -> Result<Option<Ref>, Abort> {
        let Value::Number(n) = key else {
            return Ok(None);
        };
        let table = vm.heap.table(t);
        let i = n as i64;
        if table.metatable.is_some() || i as f64 != n || i < 1 || i as usize > table.array.len() {
            return Ok(None);
        }
        let layout = self.table_layout(tr)?;
        let zero = self.ir.int(0);
        self.guard(Cmp::Eq, layout.has_meta, zero)?;
        self.ensure_snapshot();
        // A variable key is converted once, whichever tables it indexes (`q[i] = p[i]`).
        let index = if k.is_const() {
            k
        } else {
            self.ir.emit(Op::ToIndex(k), IrType::Int)?
        };
        Ok(Some(self.ir.emit(
            Op::ArrayRef(layout.array_ptr, index, layout.array_len),
            IrType::Ptr,
        )?))
    }

    /// The address of the value of string key `key` in `t`'s hash part when the key is there
    /// now: LuaJIT's HREFK, a guard that slot `n` still holds the key (so a rehashed table
    /// exits). A store, or a read of a nil value, also needs `t` without a metatable, as the
    /// interpreter's fast paths do. The part's address and length are hoisted like an array's.
    fn hash_slot(
        &mut self,
        vm: &Vm,
        t: crate::value::TableRef,
        tr: Ref,
        key: Value,
        store: bool,
    ) -> Result<Option<Ref>, Abort> {
        let Value::String(s) = key else {
            return Ok(None);
        };
        let table = vm.heap.table(t);
        let Some(slot) = table.str_slot(s) else {
            return Ok(None);
        };
        let layout = self.table_layout(tr)?;
        if store || table.get_str(key).is_nil() {
            if table.metatable.is_some() {
                return Ok(None);
            }
            let zero = self.ir.int(0);
            self.guard(Cmp::Eq, layout.has_meta, zero)?;
        }
        let (base, len) = (layout.hash_ptr, layout.hash_len);
        let index = self.ir.int(slot as i64);
        let k = self.payload_const(key);
        self.ensure_snapshot();
        Ok(Some(
            self.ir
                .emit(Op::HashRef(base, len, index, k), IrType::Ptr)?,
        ))
    }

    /// A key as a helper argument: string constants by their payload, numbers as numbers (so
    /// alias analysis compares them by value).
    fn key_arg(&mut self, key: Value, k: Ref) -> Ref {
        match (key, self.ir.const_of(k)) {
            (Value::String(_), Some(_)) => self.payload_const(key),
            _ => k,
        }
    }

    /// Store-to-load forwarding (lj_opt_mem.c's `fwd_ahload`): if the last store that may
    /// write what `t[k]` reads stored exactly `t[k]`, the load is that store's value.
    fn forwarded(&mut self, get: HelperId, t: Ref, k: Ref, ty: IrType) -> Option<Ref> {
        let set = match get {
            g if g == calls::TAB_GET_NUM => calls::TAB_SET_NUM,
            g if g == calls::TAB_GET_STR => calls::TAB_SET_STR,
            _ => return None,
        };
        let jit_aarch64::ir::Effect::Load(memory) = calls::CALLS[get.0 as usize].effect else {
            return None;
        };
        let load_args = [t, k, t, t];
        for ins in self.ir.insts.iter().rev() {
            if !jit_aarch64::opt::cse::may_write(&self.ir, &ins.op, memory, &load_args) {
                continue;
            }
            let Op::Call { helper, args, .. } = ins.op else {
                return None;
            };
            if helper != set || args[0] != t || args[1] != k {
                return None;
            }
            let [tag, payload] = [args[2], args[3]];
            let value = match (self.ir.const_of(tag), self.ir.const_of(payload)) {
                (Some(tag), None) if self.ir.ty(payload) == ty => {
                    let _ = tag;
                    payload
                }
                (Some(tag), Some(bits)) => {
                    let v = super::value_bits::value_from_tag(tag.bits(), bits.bits())?;
                    self.ir.konst(constant(v))
                }
                _ => return None,
            };
            return (self.ir.ty(value) == ty).then_some(value);
        }
        None
    }

    fn record_newindex(&mut self, vm: &Vm, a: u8, key: Value, k: Ref, c: Rk) -> Result<(), Abort> {
        let Value::Table(t) = self.runtime_value(vm, self.reg_slot(a as u32)) else {
            return Err(Abort("NYI: __newindex metamethod".into()));
        };
        if vm.heap.table(t).metatable.is_some() {
            return Err(Abort("NYI: __newindex metamethod".into()));
        }
        let tr = self.reg(vm, a as u32)?;
        let v = self.rk_value(vm, c);
        let vr = self.rk(vm, c)?;
        if let Some(element) = self.array_element(vm, t, tr, key, k)? {
            self.ir.emit(Op::VStore(element, vr), IrType::Nil)?;
            return Ok(());
        }
        if self.ir.const_of(k).is_some() {
            if let Some(slot) = self.hash_slot(vm, t, tr, key, true)? {
                self.ir.emit(Op::VStore(slot, vr), IrType::Nil)?;
                return Ok(());
            }
        }
        let helper = Self::table_helper(key, false)?;
        let kr = self.key_arg(key, k);
        let [tag, payload] = self.value_args(vr, v);
        self.ensure_snapshot();
        let status = self.call(helper, &[tr, kr, tag, payload], IrType::Int)?;
        self.check_status(status)
    }

    fn record_call(&mut self, vm: &Vm, a: u8, b: u8, c: u8, pc: usize) -> Result<(), Abort> {
        if b == 0 || c == 0 {
            return Err(Abort("NYI: call with variable arguments or results".into()));
        }
        let func_slot = self.reg_slot(a as u32);
        let Value::Function(f) = self.runtime_value(vm, func_slot) else {
            return Err(Abort("NYI: __call metamethod".into()));
        };
        let nargs = b as usize - 1;
        let fr = self.slot(vm, func_slot)?;
        let expected = self.ir.konst(Const::Gc(IrType::Func, f.0 as u64));
        self.guard(Cmp::Eq, fr, expected)?;
        match vm.heap.function(f) {
            Function::Lua(cl) => {
                let callee = cl.proto.clone();
                if callee.is_vararg {
                    return Err(Abort("NYI: vararg function".into()));
                }
                if callee.jit.off.get() {
                    return Err(Abort("JIT compilation disabled for function".into()));
                }
                if self.frames.iter().any(|fr| Rc::ptr_eq(&fr.proto, &callee)) {
                    return Err(Abort("NYI: recursive calls".into()));
                }
                if self.frames.len() > 8 {
                    return Err(Abort("call unroll limit reached".into()));
                }
                self.ticks += 1;
                let base = func_slot + 1;
                let nil = self.ir.konst(Const::Pri(IrType::Nil));
                for i in nargs..callee.num_params as usize {
                    self.set_slot(base + i as i32, nil);
                }
                self.max_slot = self.max_slot.max(base + callee.max_stack as i32);
                self.frames.push(RecFrame {
                    proto: callee,
                    closure: f,
                    base,
                    func_slot,
                    return_pc: pc as u32 + 1,
                    nresults: c as i32 - 1,
                });
                Ok(())
            }
            Function::Native(native) => {
                let name = native.name;
                if name == "byte" && nargs == 2 {
                    return self.record_str_byte(vm, func_slot, c);
                }
                let mut args = Vec::with_capacity(nargs);
                for i in 0..nargs {
                    let slot = func_slot + 1 + i as i32;
                    if self.runtime_value(vm, slot).as_number().is_none() {
                        return Err(Abort(format!(
                            "NYI: unsupported variant of FastFunc {name}"
                        )));
                    }
                    args.push(self.slot(vm, slot)?);
                }
                let r = self.record_math(name, &args)?;
                self.ticks += 1;
                self.reserve_native_stack(func_slot, nargs);
                let nil = self.ir.konst(Const::Pri(IrType::Nil));
                for i in 0..(c as i32 - 1) {
                    self.set_slot(func_slot + i, if i == 0 { r } else { nil });
                }
                self.gc_point_pending = true;
                Ok(())
            }
        }
    }

    /// `string.byte(s, i)` (or `s:byte(i)`) through a helper; the result is type-guarded as it
    /// was when recorded (a number, or nil past the end).
    fn record_str_byte(&mut self, vm: &Vm, func_slot: i32, c: u8) -> Result<(), Abort> {
        let (s, i) = (
            self.runtime_value(vm, func_slot + 1),
            self.runtime_value(vm, func_slot + 2),
        );
        let (Value::String(sr), Some(n)) = (s, i.as_number()) else {
            return Err(Abort("NYI: unsupported variant of FastFunc byte".into()));
        };
        if n != n.trunc() || n.abs() > 1e15 {
            return Err(Abort("NYI: unsupported variant of FastFunc byte".into()));
        }
        let bytes = vm.heap.str_bytes(sr);
        let at = crate::stdlib::string::relative(n as i64, bytes.len());
        let ty = if at.max(1) > at.min(bytes.len() as i64) {
            IrType::Nil
        } else {
            IrType::Num
        };
        let (rs, ri) = (self.slot(vm, func_slot + 1)?, self.slot(vm, func_slot + 2)?);
        let ptr = self.call(calls::STR_BYTE, &[rs, ri], IrType::Ptr)?;
        let r = self.load_through(ptr, ty)?;
        self.ticks += 1;
        self.reserve_native_stack(func_slot, 2);
        let nil = self.ir.konst(Const::Pri(IrType::Nil));
        for i in 0..(c as i32 - 1) {
            self.set_slot(func_slot + i, if i == 0 { r } else { nil });
        }
        self.gc_point_pending = true;
        Ok(())
    }

    /// `TForCall` of `ipairs`'s or `pairs`'s iterator: the array read or `next` as a helper
    /// whose results are type-guarded; the loop's end shows as a failing guard.
    fn record_iterator(&mut self, vm: &Vm, a: u8, c: u8) -> Result<(), Abort> {
        let base = self.reg_slot(a as u32);
        let Value::Function(f) = self.runtime_value(vm, base) else {
            return Err(Abort("NYI: __call metamethod".into()));
        };
        let name = match vm.heap.function(f) {
            Function::Native(n) if n.name == "ipairs_aux" || n.name == "next" => n.name,
            _ => return Err(Abort("NYI: iterator other than ipairs or pairs".into())),
        };
        let Value::Table(t) = self.runtime_value(vm, base + 1) else {
            return Err(Abort(format!(
                "NYI: unsupported variant of FastFunc {name}"
            )));
        };
        let fr = self.slot(vm, base)?;
        let expected = self.ir.konst(Const::Gc(IrType::Func, f.0 as u64));
        self.guard(Cmp::Eq, fr, expected)?;
        let tr = self.slot(vm, base + 1)?;
        let control = self.runtime_value(vm, base + 2);
        let cr = self.slot(vm, base + 2)?;
        self.reserve_native_stack(base + 3, 2);
        let mut results = Vec::new();
        if name == "ipairs_aux" {
            let Some(i) = control.as_number() else {
                return Err(Abort(
                    "NYI: unsupported variant of FastFunc ipairs_aux".into(),
                ));
            };
            let v = vm.heap.table(t).get_int(i as i64 + 1);
            if v.is_nil() {
                return Err(Abort("leaving loop in root trace".into()));
            }
            let one = self.ir.num(1.0);
            let next = self
                .ir
                .emit(Op::Float(FloatOp::Add, cr, one), IrType::Num)?;
            let ptr = self.call(calls::TAB_GET_NUM, &[tr, next], IrType::Ptr)?;
            let vr = self.load_through(ptr, ir_type(v))?;
            results.extend([next, vr]);
        } else {
            let Ok(Some((k, v))) = vm.heap.table(t).next(control) else {
                return Err(Abort("leaving loop in root trace".into()));
            };
            let [tag, payload] = self.value_args(cr, control);
            let ptr = self.call(calls::TAB_NEXT, &[tr, tag, payload], IrType::Ptr)?;
            let kr = self.load_through(ptr, ir_type(k))?;
            let vr = self.ir.emit(Op::VLoad(ptr, 16), ir_type(v))?;
            results.extend([kr, vr]);
        }
        let nil = self.ir.konst(Const::Pri(IrType::Nil));
        for i in 0..c as i32 {
            let r = results.get(i as usize).copied().unwrap_or(nil);
            self.set_slot(base + 3 + i, r);
        }
        Ok(())
    }

    /// The interpreter makes room for 32 slots above a native's arguments when it calls one;
    /// the trace reserves the same at entry, so the stack grows as it would have.
    fn reserve_native_stack(&mut self, func_slot: i32, nargs: usize) {
        self.max_slot = self.max_slot.max(func_slot + nargs as i32 + 32);
    }

    fn record_math(&mut self, name: &str, args: &[Ref]) -> Result<Ref, Abort> {
        let nyi = || Abort(format!("NYI: FastFunc {name}"));
        let unary = |op: FloatOp| (op, 1usize);
        let (op, arity) = match name {
            "floor" => unary(FloatOp::Floor),
            "ceil" => unary(FloatOp::Ceil),
            "sqrt" => unary(FloatOp::Sqrt),
            "abs" => unary(FloatOp::Abs),
            "min" | "max" if !args.is_empty() => {
                let op = if name == "min" {
                    FloatOp::Min
                } else {
                    FloatOp::Max
                };
                let mut m = args[0];
                for &x in &args[1..] {
                    m = self.ir.emit(Op::Float(op, m, x), IrType::Num)?;
                }
                return Ok(m);
            }
            _ => {
                if let Some(h) = calls::math_unary(name).filter(|_| args.len() == 1) {
                    return self.call(h, &args[..1], IrType::Num);
                }
                if name == "log" && args.len() == 1 {
                    return self.call(calls::MATH_LOG, &args[..1], IrType::Num);
                }
                if let Some(h) = calls::math_binary(name).filter(|_| args.len() == 2) {
                    return self.call(h, &args[..2], IrType::Num);
                }
                return Err(nyi());
            }
        };
        if args.len() != arity {
            return Err(nyi());
        }
        Ok(self.ir.emit(Op::Float(op, args[0], args[0]), IrType::Num)?)
    }

    fn record_return(&mut self, vm: &Vm, a: u8, b: u8) -> Result<(), Abort> {
        if self.frames.len() == 1 && self.side.is_none() {
            return Err(Abort("leaving loop in root trace".into()));
        }
        if b == 0 {
            return Err(Abort("NYI: return of variable results".into()));
        }
        if self.frames.len() == 1 {
            return self.record_return_below(vm, a, b);
        }
        let count = b as i32 - 1;
        let mut results = Vec::with_capacity(count as usize);
        for i in 0..count {
            results.push(self.reg(vm, a as u32 + i as u32)?);
        }
        let frame = self.frames.pop().expect("an inlined frame returns");
        let nil = self.ir.konst(Const::Pri(IrType::Nil));
        for i in 0..frame.nresults.max(0) {
            let r = results.get(i as usize).copied().unwrap_or(nil);
            self.set_slot(frame.func_slot + i, r);
        }
        Ok(())
    }

    /// A side trace returns from the frame it runs in, below its start: the caller becomes the
    /// frame being recorded. Only an ordinary return to a Lua caller in the same run of the
    /// dispatch loop, with no upvalue open in the returning frame, is compiled; what the frame
    /// stack looked like is remembered for the checks at entry.
    fn record_return_below(&mut self, vm: &Vm, a: u8, b: u8) -> Result<(), Abort> {
        let frames = &vm.th.frames;
        let fi = frames.len() - 1;
        let (callee, caller) = match fi.checked_sub(1) {
            Some(ci) => (&frames[fi], &frames[ci]),
            None => return Err(Abort("NYI: return to lower frame".into())),
        };
        let Some(caller_proto) = caller.proto.clone() else {
            return Err(Abort("NYI: return to lower frame".into()));
        };
        if callee.kind != crate::vm::thread::FrameKind::Normal || callee.nresults < 0 {
            return Err(Abort("NYI: return to lower frame".into()));
        }
        if vm
            .th
            .open_upvals
            .last()
            .is_some_and(|&(slot, _)| slot >= callee.base)
        {
            return Err(Abort("NYI: return with open upvalues".into()));
        }
        let trace_base = self.base as i64;
        let rel = |abs: usize| abs as i64 - trace_base;
        let check = PopCheck {
            depth: self.pops,
            func_slot: rel(callee.func) as i32,
            nresults: callee.nresults,
            caller: caller.closure,
            caller_base: rel(caller.base) as i32,
            caller_pc: caller.pc,
        };
        let count = b as i32 - 1;
        let mut results = Vec::with_capacity(count as usize);
        for i in 0..count {
            results.push(self.reg(vm, a as u32 + i as u32)?);
        }
        let nil = self.ir.konst(Const::Pri(IrType::Nil));
        let dest = check.func_slot;
        for i in 0..check.nresults.max(0) {
            let r = results.get(i as usize).copied().unwrap_or(nil);
            self.set_slot(dest + i, r);
        }
        self.frames[0] = RecFrame {
            proto: caller_proto,
            closure: caller.closure,
            base: check.caller_base,
            func_slot: rel(caller.func) as i32,
            return_pc: 0,
            nresults: caller.nresults,
        };
        self.pop_checks.push(check);
        self.pops += 1;
        Ok(())
    }

    /// A numeric `for` loop's op when the loop ends (a side trace starting at its parent's loop
    /// exit): the clock ticks, the guards say the loop is over, nothing is written.
    fn record_for_exit(&mut self, vm: &Vm, a: u8) -> Result<(), Abort> {
        self.record_for_test(vm, a, false, "NYI: side trace starting at a loop")?;
        Ok(())
    }

    /// Whether the `ForLoop` at register `a` goes round again now (`None`: not all numbers).
    fn for_continues(&self, vm: &Vm, a: u8) -> Option<bool> {
        let n = |i: u32| {
            self.runtime_value(vm, self.reg_slot(a as u32 + i))
                .as_number()
        };
        let (idx, limit, step) = (n(0)?, n(1)?, n(2)?);
        let next = idx + step;
        Some(if !step.is_sign_negative() {
            next <= limit
        } else {
            limit <= next
        })
    }

    /// `ForLoop`'s test as the interpreter decides it now, `continues` or not (else `abort`):
    /// the clock ticks, the step keeps its sign and the next index passes or fails the limit
    /// (NaN fails it, as in the interpreter). Returns the next index.
    fn record_for_test(
        &mut self,
        vm: &Vm,
        a: u8,
        continues: bool,
        abort: &str,
    ) -> Result<Ref, Abort> {
        let slots: Vec<Value> = (0..3)
            .map(|i| self.runtime_value(vm, self.reg_slot(a as u32 + i)))
            .collect();
        let (Some(idx), Some(limit), Some(step)) = (
            slots[0].as_number(),
            slots[1].as_number(),
            slots[2].as_number(),
        ) else {
            return Err(Abort("NYI: non-number for loop".into()));
        };
        let next = idx + step;
        let upward = !step.is_sign_negative();
        let passes = if upward { next <= limit } else { limit <= next };
        if passes != continues {
            return Err(Abort(abort.into()));
        }
        let (ir_idx, ir_limit, ir_step) = (
            self.reg(vm, a as u32)?,
            self.reg(vm, a as u32 + 1)?,
            self.reg(vm, a as u32 + 2)?,
        );
        // The direction is the step's sign bit, as the interpreter's: a guard on the raw bits
        // as a signed integer (+0 and -0 differ, NaN has a sign too).
        let step_bits = self.ir.emit(Op::Conv(ir_step), IrType::Int)?;
        let zero = self.ir.int(0);
        if upward {
            self.guard(Cmp::Ge, step_bits, zero)?;
        } else {
            self.guard(Cmp::Lt, step_bits, zero)?;
        }
        let ir_next = self
            .ir
            .emit(Op::Float(FloatOp::Add, ir_idx, ir_step), IrType::Num)?;
        let (low, high) = if upward {
            (ir_next, ir_limit)
        } else {
            (ir_limit, ir_next)
        };
        // Continuing: low <= high. Ending: not (low <= high), NaN included.
        if continues {
            self.guard(Cmp::Le, low, high)?;
        } else {
            self.guard(Cmp::Ugt, low, high)?;
        }
        self.ticks += 1;
        Ok(ir_next)
    }

    /// `ForPrep` in a side trace (numbers only; the interpreter converts strings): the index
    /// starts one step early, the `ForLoop` it jumps to adds the step back.
    fn record_for_prep(&mut self, vm: &Vm, a: u8) -> Result<(), Abort> {
        for i in 0..3 {
            if self
                .runtime_value(vm, self.reg_slot(a as u32 + i))
                .as_number()
                .is_none()
            {
                return Err(Abort("NYI: non-number for loop".into()));
            }
        }
        let (init, limit, step) = (
            self.reg(vm, a as u32)?,
            self.reg(vm, a as u32 + 1)?,
            self.reg(vm, a as u32 + 2)?,
        );
        let start = self
            .ir
            .emit(Op::Float(FloatOp::Sub, init, step), IrType::Num)?;
        self.set_reg(a as u32, start);
        self.set_reg(a as u32 + 1, limit);
        self.set_reg(a as u32 + 2, step);
        Ok(())
    }

    /// A side trace reaches a loop op (`ForLoop` with its registers at `for_reg`, or a `Loop`
    /// marker). After returning below its start frame it ends there. Otherwise, when the loop
    /// has a root trace in this frame (and the side trace is not inside an inlined call) and
    /// goes on, the side trace records the op and links to that trace; else it records through
    /// the op, at most `loopunroll` times, and then ends there for the interpreter.
    fn side_at_loop(&mut self, vm: &Vm, pc: usize, for_reg: Option<u8>) -> Result<Step, Abort> {
        if self.pops > 0 {
            // Below its start frame a side trace cannot link: the interpreter goes on here.
            return Ok(self.close_side());
        }
        let linkable = self.loop_trace(vm, pc);
        let continues = match for_reg {
            Some(a) => match self.for_continues(vm, a) {
                Some(c) => c,
                None => return Ok(self.close_side()),
            },
            None => true,
        };
        let Some(n) = linkable.filter(|_| continues) else {
            if self.loop_ops >= self.limits.loopunroll {
                return Ok(self.close_side());
            }
            self.loop_ops += 1;
            self.record_loop_op(vm, for_reg, continues)?;
            return Ok(Step::Continue);
        };
        self.link_at_loop(vm, for_reg, n)
    }

    /// The root trace of the loop whose loop op is at `pc`, when a trace may link to it here:
    /// it is allowed to run and belongs to this closure, and the recording is in its start
    /// frame (the linked trace runs with this base).
    fn loop_trace(&self, vm: &Vm, pc: usize) -> Option<u32> {
        let target = match self.frame().proto.jit.state(pc) {
            super::hotcount::HotState::Trace(n) => Some(n),
            _ => None,
        };
        target.filter(|&n| {
            self.frames.len() == 1
                && vm.jit.allows(n)
                && vm.jit.traces.get(n as usize - 1).is_some_and(|t| {
                    t.closure == self.frame().closure && t.parent.is_none() && t.loop_pc == pc
                })
        })
    }

    /// Records the loop op (which goes on looping) and ends the trace with a jump to root
    /// trace `n` of that loop.
    fn link_at_loop(&mut self, vm: &Vm, for_reg: Option<u8>, n: u32) -> Result<Step, Abort> {
        self.record_loop_op(vm, for_reg, true)?;
        self.ir.tail = self.written_entries();
        self.ir.tail_ticks = self.ticks;
        self.link = Some(n);
        Ok(Step::Done)
    }

    /// A root trace reaches the loop op of an inner loop. When that loop has a root trace and
    /// goes on, this trace links to it (LuaJIT links at `JFORI`/`JLOOP` the same way: the outer
    /// loop's trace runs up to the inner loop's and jumps there); otherwise the recording
    /// aborts, as an inner loop cannot be part of a root trace.
    fn root_at_inner_loop(
        &mut self,
        vm: &Vm,
        pc: usize,
        for_reg: Option<u8>,
    ) -> Result<Step, Abort> {
        let continues = match for_reg {
            Some(a) => self.for_continues(vm, a) == Some(true),
            None => true,
        };
        match self.loop_trace(vm, pc).filter(|_| continues) {
            Some(n) => self.link_at_loop(vm, for_reg, n),
            None => Err(Abort("inner loop in root trace".into())),
        }
    }

    /// A loop op recorded as a plain instruction: a `ForLoop` tests and (`continues`) steps its
    /// index, a `Loop` marker ticks the clock.
    fn record_loop_op(
        &mut self,
        vm: &Vm,
        for_reg: Option<u8>,
        continues: bool,
    ) -> Result<(), Abort> {
        match for_reg {
            Some(a) => {
                let next = self.record_for_test(vm, a, continues, "")?;
                if continues {
                    self.set_reg(a as u32, next);
                    self.set_reg(a as u32 + 3, next);
                }
            }
            None => self.ticks += 1,
        }
        Ok(())
    }

    /// Ends a side trace before the instruction at the current pc: the written slots go back to
    /// the stack in the tail, then the trace leaves through a final snapshot that holds no slots
    /// (frames popped and pushed, the pc, the clock).
    fn close_side(&mut self) -> Step {
        self.ir.tail = self.written_entries();
        self.ir.tail_ticks = 0;
        let frames = self.snap_frames();
        let last = self.ir.snapshot(Snapshot {
            at: 0,
            pc: self.current_pc,
            entries: Vec::new(),
            pops: self.pops,
            frames,
            ticks: self.ticks,
            gc_point: self.gc_point_pending,
        });
        self.ir.exit_tail = Some(last);
        // The instruction at the pc is the interpreter's again.
        self.bytecodes.pop();
        Step::Done
    }

    fn close_for_loop(&mut self, vm: &Vm, a: u8) -> Result<Step, Abort> {
        let ir_next = self.record_for_test(vm, a, true, "leaving loop in root trace")?;
        self.set_reg(a as u32, ir_next);
        self.set_reg(a as u32 + 3, ir_next);
        self.close_loop();
        Ok(Step::Done)
    }

    fn close_loop(&mut self) {
        self.ir.tail = self.written_entries();
        self.ir.tail_ticks = self.ticks;
    }

    /// Runs the optimization passes that work on the finished IR.
    pub fn optimize(&mut self) {
        // Only a trace that closes its own loop has one to optimize: a root trace that links to
        // another loop's trace runs its path once and jumps.
        if self.limits.loop_opt && self.side.is_none() && self.link.is_none() {
            // On failure (type instability) the trace runs one iteration per pass instead.
            let _ = jit_aarch64::opt::loop_::optimize(&mut self.ir);
        }
        if self.ir.passes.dce {
            jit_aarch64::opt::dce::run(&mut self.ir);
        }
    }

    /// A helper's name, for dumps.
    pub fn helper_name(id: HelperId) -> String {
        calls::CALLS
            .get(id.0 as usize)
            .map_or_else(|| format!("helper{}", id.0), |c| c.name.to_string())
    }
}
