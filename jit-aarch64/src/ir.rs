//! The trace IR: typed SSA in one linear array, LuaJIT-style (lj_ir.h).
//!
//! A trace is one loop iteration: instructions in recording order, guards that leave the trace
//! through a snapshot when they fail, and a final slot map the loop tail writes back. Constants
//! live in their own table and are named by refs with the high bit set, so instruction refs stay
//! dense. The IR knows no runtime types: a value's [`IrType`] maps to a tag through the
//! runtime's [`ValueLayout`], and runtime services are helpers named by [`HelperId`].
#![forbid(unsafe_code)]

use std::fmt;

/// The type of an IR value: what the runtime slot holds, plus internal integer and pointer types.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum IrType {
    Nil,
    False,
    True,
    Num,
    Str,
    Tab,
    Func,
    Udata,
    Thread,
    /// A 64-bit integer (helper results, statuses, slot indices).
    Int,
    /// A host address (a pointer to a value, returned by a helper).
    Ptr,
}

impl IrType {
    /// Whether values of this type have a payload kept in a register (`nil`, `false` and
    /// `true` are fully described by their type).
    pub const fn has_payload(self) -> bool {
        !matches!(self, IrType::Nil | IrType::False | IrType::True)
    }

    /// Whether the payload lives in a floating-point register.
    pub const fn is_float(self) -> bool {
        matches!(self, IrType::Num)
    }

    /// LuaJIT's three-letter name in dumps.
    pub const fn name(self) -> &'static str {
        match self {
            IrType::Nil => "nil",
            IrType::False => "fal",
            IrType::True => "tru",
            IrType::Num => "num",
            IrType::Str => "str",
            IrType::Tab => "tab",
            IrType::Func => "fun",
            IrType::Udata => "udt",
            IrType::Thread => "thr",
            IrType::Int => "int",
            IrType::Ptr => "p64",
        }
    }
}

/// How runtime values are laid out in memory: slot size, where the tag byte and the 8-byte
/// payload sit, and the tag of each value type (booleans share one tag, told apart by payload).
#[derive(Clone, Copy, Debug)]
pub struct ValueLayout {
    pub slot_size: u32,
    pub tag_offset: u32,
    pub payload_offset: u32,
    pub tag_nil: u8,
    pub tag_bool: u8,
    pub tag_num: u8,
    pub tag_str: u8,
    pub tag_tab: u8,
    pub tag_func: u8,
    pub tag_udata: u8,
    pub tag_thread: u8,
}

impl ValueLayout {
    /// The tag byte of a value type, `None` for internal types.
    pub fn tag(&self, ty: IrType) -> Option<u8> {
        Some(match ty {
            IrType::Nil => self.tag_nil,
            IrType::False | IrType::True => self.tag_bool,
            IrType::Num => self.tag_num,
            IrType::Str => self.tag_str,
            IrType::Tab => self.tag_tab,
            IrType::Func => self.tag_func,
            IrType::Udata => self.tag_udata,
            IrType::Thread => self.tag_thread,
            IrType::Int | IrType::Ptr => return None,
        })
    }
}

/// A reference to an instruction (dense index) or to a constant (high bit set).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Ref(u32);

const CONST_BIT: u32 = 1 << 31;

impl Ref {
    /// The ref of instruction `index`.
    pub const fn ins(index: usize) -> Ref {
        Ref(index as u32)
    }

    /// The ref of constant `index`.
    pub const fn konst(index: usize) -> Ref {
        Ref(index as u32 | CONST_BIT)
    }

    pub const fn is_const(self) -> bool {
        self.0 & CONST_BIT != 0
    }

    /// Index into the instruction or constant table.
    pub const fn index(self) -> usize {
        (self.0 & !CONST_BIT) as usize
    }
}

/// A helper the runtime provides, by its index in the runtime's helper table.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct HelperId(pub u16);

/// A constant.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Const {
    /// A number (bits compared, so -0 and NaNs stay distinct).
    Num(f64),
    /// A 64-bit integer.
    Int(i64),
    /// A value of a payload type other than `Num` (handles, strings), by its raw payload.
    Gc(IrType, u64),
    /// `nil`, `false` or `true`.
    Pri(IrType),
}

impl Const {
    pub fn ty(&self) -> IrType {
        match *self {
            Const::Num(_) => IrType::Num,
            Const::Int(_) => IrType::Int,
            Const::Gc(ty, _) | Const::Pri(ty) => ty,
        }
    }

    /// The payload bits as they are stored in a slot.
    pub fn bits(&self) -> u64 {
        match *self {
            Const::Num(n) => n.to_bits(),
            Const::Int(i) => i as u64,
            Const::Gc(_, bits) => bits,
            Const::Pri(IrType::True) => 1,
            Const::Pri(_) => 0,
        }
    }

    fn same(&self, other: &Const) -> bool {
        match (self, other) {
            (Const::Num(a), Const::Num(b)) => a.to_bits() == b.to_bits(),
            _ => self == other,
        }
    }
}

/// Comparison conditions of guards. `U*` variants also hold when the operands are unordered
/// (a NaN is involved), so each condition's negation is another condition of the list.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Cmp {
    Lt,
    Ge,
    Le,
    Gt,
    Ult,
    Uge,
    Ule,
    Ugt,
    Eq,
    Ne,
}

impl Cmp {
    pub const fn name(self) -> &'static str {
        match self {
            Cmp::Lt => "LT",
            Cmp::Ge => "GE",
            Cmp::Le => "LE",
            Cmp::Gt => "GT",
            Cmp::Ult => "ULT",
            Cmp::Uge => "UGE",
            Cmp::Ule => "ULE",
            Cmp::Ugt => "UGT",
            Cmp::Eq => "EQ",
            Cmp::Ne => "NE",
        }
    }

    /// Evaluates the condition on two numbers, as the guard does at run time.
    pub fn holds(self, a: f64, b: f64) -> bool {
        let unordered = a.is_nan() || b.is_nan();
        match self {
            Cmp::Lt => a < b,
            Cmp::Ge => a >= b,
            Cmp::Le => a <= b,
            Cmp::Gt => a > b,
            Cmp::Ult => unordered || a < b,
            Cmp::Uge => unordered || a >= b,
            Cmp::Ule => unordered || a <= b,
            Cmp::Ugt => unordered || a > b,
            Cmp::Eq => a == b,
            Cmp::Ne => a != b,
        }
    }
}

/// Floating-point operations with one or two operands.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FloatOp {
    Add,
    Sub,
    Mul,
    Div,
    Neg,
    Abs,
    Sqrt,
    Floor,
    Ceil,
    /// Lua's `math.min` of two: `if b < a then b else a`.
    Min,
    /// Lua's `math.max` of two: `if b > a then b else a`.
    Max,
}

impl FloatOp {
    pub const fn name(self) -> &'static str {
        match self {
            FloatOp::Add => "ADD",
            FloatOp::Sub => "SUB",
            FloatOp::Mul => "MUL",
            FloatOp::Div => "DIV",
            FloatOp::Neg => "NEG",
            FloatOp::Abs => "ABS",
            FloatOp::Sqrt => "SQRT",
            FloatOp::Floor => "FLOOR",
            FloatOp::Ceil => "CEIL",
            FloatOp::Min => "MIN",
            FloatOp::Max => "MAX",
        }
    }

    pub const fn is_unary(self) -> bool {
        matches!(
            self,
            FloatOp::Neg | FloatOp::Abs | FloatOp::Sqrt | FloatOp::Floor | FloatOp::Ceil
        )
    }

    /// The result on constants: exactly what the interpreter computes.
    pub fn eval(self, a: f64, b: f64) -> f64 {
        match self {
            FloatOp::Add => a + b,
            FloatOp::Sub => a - b,
            FloatOp::Mul => a * b,
            FloatOp::Div => a / b,
            FloatOp::Neg => -a,
            FloatOp::Abs => a.abs(),
            FloatOp::Sqrt => a.sqrt(),
            FloatOp::Floor => a.floor(),
            FloatOp::Ceil => a.ceil(),
            FloatOp::Min => {
                if b < a {
                    b
                } else {
                    a
                }
            }
            FloatOp::Max => {
                if b > a {
                    b
                } else {
                    a
                }
            }
        }
    }
}

/// The memory a helper reads or writes, for alias analysis: a set of classes (bits the runtime
/// assigns, e.g. string-keyed fields, number-keyed entries, upvalues) and which argument, if
/// any, is the key within them. Accesses alias when their classes meet, unless both keys are
/// constants that differ.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Memory {
    pub classes: u8,
    pub key: Option<u8>,
    /// A load reads exactly what a store of the same classes wrote when both name the same
    /// object (argument 0) and key; the store's value is its last argument.
    pub forwardable: bool,
}

/// What a helper call may do, for CSE and the optimizer.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Effect {
    /// Depends on its arguments only.
    Pure,
    /// Reads memory a store may change.
    Load(Memory),
    /// Writes memory (and may allocate).
    Store(Memory),
}

/// One IR instruction.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum Op {
    /// Loads stack slot `slot` (relative to the trace's base) with a type check when `check`.
    SLoad { slot: i32, check: bool },
    /// A floating-point operation (`b` unused for unary ones).
    Float(FloatOp, Ref, Ref),
    /// Guard: leave unless `a cmp b` holds (numbers, or raw payloads for other types).
    Guard(Cmp, Ref, Ref),
    /// Calls a helper with integer (or raw-bits) arguments; the result is an `Int` or `Ptr`
    /// unless the type says `Num` (raw bits returned in x0).
    Call {
        helper: HelperId,
        effect: Effect,
        args: [Ref; 4],
        nargs: u8,
    },
    /// Loads the value at a `Ptr` plus a byte offset, guarding its type (`ty` of the instruction).
    VLoad(Ref, i32),
    /// Loads 64 raw bits at a `Ptr` plus a byte offset, without a guard (the result is an `Int`
    /// or `Ptr`): a field of a table's layout record (`TableParts`), memory of `layout_classes`.
    Load(Ref, i32),
    /// The address of the layout record of table `a` (a `Tab` handle) in the runtime's table
    /// arena, computed inline (see [`crate::asm::TableAccess`]); its fields are read with `Load`.
    /// It moves when the arena grows, so it reads memory of `layout_classes` as those loads do.
    TableParts(Ref),
    /// Guard and address of an array element (LuaJIT's AREF with its bounds check): `key`, a
    /// number, must be an integer in `1..=len`; the result is `base + (key-1) * slot size`.
    /// Operands: array base (`Ptr`), key (`Num`, or the `Int` of a `ToIndex`), length (`Int`).
    ArrayRef(Ref, Ref, Ref),
    /// Guard: number `a` is an integer (NaN and fractions leave); the result is that integer
    /// (`Int`). Elements of several tables at one key share it (one conversion, CSE'd).
    ToIndex(Ref),
    /// Guard and address of a hash slot's value (LuaJIT's HREFK): slot `index` (an `Int`
    /// constant) of a hash part at `base` with `len` slots must hold the string whose payload is
    /// `key` (an `Int` constant); the result is the address of that slot's value.
    HashRef(Ref, Ref, Ref, Ref),
    /// Stores a value (tag and payload) at an address from `ArrayRef` or `HashRef`.
    VStore(Ref, Ref),
    /// Guard: heap allocation has not reached the collector's threshold.
    GcCheck,
    /// Copies the payload of `a` with a new type: number → raw bits (`Int`) or bits → number.
    Conv(Ref),
    /// Marks the start of the loop body (the rest is one iteration; LuaJIT's LOOP).
    Loop,
    /// At the end of an optimized loop: `left` (defined before the loop) takes the value of
    /// `right` (computed in the loop body) for the next iteration.
    Phi(Ref, Ref),
    /// A dead instruction left by DCE (emits nothing).
    Nop,
}

/// An instruction: operation, result type, and the snapshot a guard exits through.
#[derive(Clone, Copy, PartialEq, Debug)]
pub struct Ins {
    pub op: Op,
    pub ty: IrType,
    /// For guards (and type-checked loads): the snapshot restored when it fails.
    pub snap: Option<u32>,
}

impl Ins {
    /// Whether the instruction can leave the trace.
    pub fn is_guard(&self) -> bool {
        match self.op {
            Op::Guard(..)
            | Op::GcCheck
            | Op::VLoad(..)
            | Op::ArrayRef(..)
            | Op::HashRef(..)
            | Op::ToIndex(_) => true,
            Op::SLoad { check, .. } => check,
            _ => false,
        }
    }

    /// Whether removing an unused instance would change behaviour.
    pub fn has_side_effect(&self) -> bool {
        self.is_guard()
            || matches!(
                self.op,
                Op::Call {
                    effect: Effect::Store(_),
                    ..
                } | Op::Loop
                    | Op::Phi(..)
                    | Op::VStore(..)
            )
    }

    /// The refs this instruction reads.
    pub fn operands(&self) -> impl Iterator<Item = Ref> + '_ {
        let (list, n): ([Ref; 4], usize) = match self.op {
            Op::Float(op, a, b) => ([a, b, a, a], if op.is_unary() { 1 } else { 2 }),
            Op::Guard(_, a, b) => ([a, b, a, a], 2),
            Op::Call { args, nargs, .. } => (args, nargs as usize),
            Op::VLoad(a, _) | Op::Load(a, _) | Op::TableParts(a) | Op::Conv(a) | Op::ToIndex(a) => {
                ([a, a, a, a], 1)
            }
            Op::Phi(a, b) | Op::VStore(a, b) => ([a, b, a, a], 2),
            Op::ArrayRef(a, b, c) => ([a, b, c, a], 3),
            Op::HashRef(a, b, c, d) => ([a, b, c, d], 4),
            Op::SLoad { .. } | Op::GcCheck | Op::Loop | Op::Nop => ([Ref(0); 4], 0),
        };
        list.into_iter().take(n)
    }
}

/// A slot written since the trace started: where its value comes from.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SnapEntry {
    pub slot: i32,
    pub value: Ref,
}

/// An inlined call frame open at a snapshot, in the runtime's own terms (the IR does not read it).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SnapFrame {
    /// Slot of the called function, relative to the trace's base.
    pub func_slot: i32,
    /// Runtime function handle.
    pub function: u32,
    /// The caller's pc to resume at when this frame returns.
    pub return_pc: u32,
    /// Results the caller wants (-1: all).
    pub nresults: i32,
}

/// The interpreter state to restore when a guard fails: modified slots, open inlined frames, the
/// pc of the instruction to resume at (in the innermost frame) and ticks since the iteration start.
#[derive(Clone, PartialEq, Debug)]
pub struct Snapshot {
    /// The first instruction this snapshot applies to (for dumps: `SNAP #n` precedes it).
    pub at: u32,
    pub pc: u32,
    pub entries: Vec<SnapEntry>,
    /// Frames at and below the trace's start frame that returned before this point (a side trace
    /// that left the function it started in); they are popped before `frames` are pushed.
    pub pops: u32,
    pub frames: Vec<SnapFrame>,
    pub ticks: u32,
    /// The interpreter has a GC point here: an exit through this snapshot collects first.
    pub gc_point: bool,
}

/// Optimization switches the IR builder and passes honour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Passes {
    pub fold: bool,
    pub cse: bool,
    pub dce: bool,
    /// Store-to-load forwarding.
    pub fwd: bool,
}

impl Passes {
    /// Every pass on (LuaJIT's `-O3` for these).
    pub const ALL: Passes = Passes {
        fold: true,
        cse: true,
        dce: true,
        fwd: true,
    };
}

/// Why an instruction could not be added.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum IrError {
    /// A guard whose outcome is known to fail (LuaJIT's GFAIL).
    GuardAlwaysFails,
}

/// A trace's IR under construction and after optimization.
#[derive(Clone, Debug)]
pub struct Ir {
    pub insts: Vec<Ins>,
    pub consts: Vec<Const>,
    pub snaps: Vec<Snapshot>,
    /// Slot map at the end of the loop body: written back before jumping to the loop start.
    pub tail: Vec<SnapEntry>,
    /// Ticks one iteration adds to the virtual clock.
    pub tail_ticks: u32,
    /// A trace that does not loop (a side trace): after the tail writes the slots back, it leaves
    /// through this snapshot, which holds no slot entries of its own.
    pub exit_tail: Option<u32>,
    /// A side trace linked to another trace: after the tail writes the slots back and ticks the
    /// clock, it jumps to this address (the other trace's entry) with the same base.
    pub link_entry: Option<u64>,
    pub passes: Passes,
    /// The memory classes array element stores (`VStore`) write and element loads read.
    pub array_classes: u8,
    /// The same for hash slots (`HashRef`).
    pub field_classes: u8,
    /// The memory classes that stores changing a table's layout record (or moving it) write.
    pub layout_classes: u8,
}

impl Ir {
    pub fn new(passes: Passes) -> Ir {
        Ir {
            insts: Vec::new(),
            consts: Vec::new(),
            snaps: Vec::new(),
            tail: Vec::new(),
            tail_ticks: 0,
            exit_tail: None,
            link_entry: None,
            passes,
            array_classes: u8::MAX,
            field_classes: u8::MAX,
            layout_classes: u8::MAX,
        }
    }

    /// Interns a constant.
    pub fn konst(&mut self, c: Const) -> Ref {
        if let Some(i) = self.consts.iter().position(|k| k.same(&c)) {
            return Ref::konst(i);
        }
        self.consts.push(c);
        Ref::konst(self.consts.len() - 1)
    }

    pub fn num(&mut self, n: f64) -> Ref {
        self.konst(Const::Num(n))
    }

    pub fn int(&mut self, i: i64) -> Ref {
        self.konst(Const::Int(i))
    }

    /// The constant a ref names, if it is one.
    pub fn const_of(&self, r: Ref) -> Option<Const> {
        r.is_const().then(|| self.consts[r.index()])
    }

    /// The type of a ref's value.
    pub fn ty(&self, r: Ref) -> IrType {
        if r.is_const() {
            self.consts[r.index()].ty()
        } else {
            self.insts[r.index()].ty
        }
    }

    pub fn ins(&self, r: Ref) -> &Ins {
        &self.insts[r.index()]
    }

    /// Records a snapshot that guards emitted from now on exit through.
    pub fn snapshot(&mut self, mut snap: Snapshot) -> u32 {
        snap.at = self.insts.len() as u32;
        // Nothing emitted since the last snapshot: replace it (LuaJIT merges such snapshots).
        if let Some(last) = self.snaps.last_mut() {
            if last.at == snap.at {
                *last = snap;
                return self.snaps.len() as u32 - 1;
            }
        }
        self.snaps.push(snap);
        self.snaps.len() as u32 - 1
    }

    fn current_snap(&self) -> Option<u32> {
        self.snaps.len().checked_sub(1).map(|s| s as u32)
    }

    fn push(&mut self, op: Op, ty: IrType) -> Ref {
        let snap = if (Ins { op, ty, snap: None }).is_guard() {
            self.current_snap()
        } else {
            None
        };
        self.insts.push(Ins { op, ty, snap });
        Ref::ins(self.insts.len() - 1)
    }

    /// Emits an instruction through constant folding and CSE (when enabled).
    pub fn emit(&mut self, op: Op, ty: IrType) -> Result<Ref, IrError> {
        if self.passes.fold {
            if let Some(folded) = crate::opt::fold::fold(self, op, ty)? {
                return Ok(folded);
            }
        }
        if self.passes.cse {
            if let Some(same) = crate::opt::cse::find(self, op, ty) {
                return Ok(same);
            }
        }
        Ok(self.push(op, ty))
    }

    /// Emits without folding or CSE.
    pub fn emit_raw(&mut self, op: Op, ty: IrType) -> Ref {
        self.push(op, ty)
    }

    /// A readable name for a ref in dumps: `0012` or a constant's value.
    pub fn ref_text(&self, r: Ref) -> String {
        match self.const_of(r) {
            Some(Const::Num(n)) => format_num(n),
            Some(Const::Int(i)) => format!("{i:+}"),
            Some(Const::Gc(ty, bits)) => format!("[{} {:#x}]", ty.name(), bits & 0xffff_ffff),
            Some(Const::Pri(ty)) => ty.name().to_string(),
            None => format!("{:04}", r.index() + 1),
        }
    }

    /// LuaJIT-style IR listing (`jit.dump`'s `i` mode) with snapshots.
    pub fn listing(&self, helper_name: &dyn Fn(HelperId) -> String) -> String {
        let mut out = String::new();
        let mut snaps = self.snaps.iter().enumerate().peekable();
        for (i, ins) in self.insts.iter().enumerate() {
            while let Some((n, snap)) = snaps.next_if(|(_, s)| s.at as usize <= i) {
                out.push_str(&self.snap_line(n, snap));
            }
            if ins.op == Op::Nop {
                continue;
            }
            let guard = if ins.is_guard() { '>' } else { ' ' };
            if ins.op == Op::Loop {
                out.push_str(&format!("{:04} ------ LOOP ------------\n", i + 1));
                continue;
            }
            let guard = if self.is_phi_operand(Ref::ins(i)) && guard == ' ' {
                '+'
            } else {
                guard
            };
            let body = match ins.op {
                Op::SLoad { slot, check } => {
                    format!("SLOAD  #{slot:<5}{}", if check { "T" } else { "" })
                }
                Op::Float(op, a, b) => {
                    if op.is_unary() {
                        format!("{:<6} {}", op.name(), self.ref_text(a))
                    } else {
                        format!(
                            "{:<6} {}  {}",
                            op.name(),
                            self.ref_text(a),
                            self.ref_text(b)
                        )
                    }
                }
                Op::Guard(cmp, a, b) => {
                    format!(
                        "{:<6} {}  {}",
                        cmp.name(),
                        self.ref_text(a),
                        self.ref_text(b)
                    )
                }
                Op::Call {
                    helper,
                    args,
                    nargs,
                    ..
                } => {
                    let args: Vec<String> = args[..nargs as usize]
                        .iter()
                        .map(|&a| self.ref_text(a))
                        .collect();
                    format!("CALL   {}  ({})", helper_name(helper), args.join(" "))
                }
                Op::VLoad(p, 0) => format!("VLOAD  {}", self.ref_text(p)),
                Op::VLoad(p, off) => format!("VLOAD  {}  {off:+}", self.ref_text(p)),
                Op::Load(p, off) => format!("LOAD   {}  {off:+}", self.ref_text(p)),
                Op::TableParts(t) => format!("TPARTS {}", self.ref_text(t)),
                Op::ToIndex(k) => format!("TOINT  {}", self.ref_text(k)),
                Op::GcCheck => "GCSTEP".to_string(),
                Op::Conv(a) => format!("CONV   {}", self.ref_text(a)),
                Op::Loop => "LOOP".to_string(),
                Op::Phi(a, b) => format!("PHI    {}  {}", self.ref_text(a), self.ref_text(b)),
                Op::ArrayRef(p, k, n) => format!(
                    "AREF   {}  {}  {}",
                    self.ref_text(p),
                    self.ref_text(k),
                    self.ref_text(n)
                ),
                Op::VStore(p, v) => format!("VSTORE {}  {}", self.ref_text(p), self.ref_text(v)),
                Op::HashRef(p, n, i, k) => format!(
                    "HREFK  {}  {}  {}  {}",
                    self.ref_text(p),
                    self.ref_text(n),
                    self.ref_text(i),
                    self.ref_text(k)
                ),
                Op::Nop => unreachable!(),
            };
            let ty = if ins.op == Op::Loop || ins.op == Op::GcCheck {
                "   "
            } else {
                ins.ty.name()
            };
            out.push_str(&format!("{:04} {guard}  {ty} {body}\n", i + 1));
        }
        for (n, snap) in snaps {
            out.push_str(&self.snap_line(n, snap));
        }
        out
    }

    /// Whether a PHI names this value (LuaJIT marks such instructions with `+` in dumps).
    fn is_phi_operand(&self, r: Ref) -> bool {
        self.insts
            .iter()
            .any(|ins| matches!(ins.op, Op::Phi(a, b) if a == r || b == r))
    }

    /// Index of the LOOP instruction, if the loop was optimized.
    pub fn loop_start(&self) -> Option<usize> {
        self.insts.iter().position(|ins| ins.op == Op::Loop)
    }

    fn snap_line(&self, n: usize, snap: &Snapshot) -> String {
        let mut entries: Vec<SnapEntry> = snap.entries.clone();
        entries.sort_by_key(|e| e.slot);
        let parts: Vec<String> = entries
            .iter()
            .map(|e| format!("{}={}", e.slot, self.ref_text(e.value)))
            .collect();
        format!(
            "....        SNAP   #{n:<3} [ {} ] pc {}{}\n",
            parts.join(" "),
            snap.pc,
            if snap.frames.is_empty() {
                String::new()
            } else {
                format!(" depth {}", snap.frames.len())
            } + &if snap.pops == 0 {
                String::new()
            } else {
                format!(" pop {}", snap.pops)
            }
        )
    }
}

/// Numbers in dumps as LuaJIT prints them (`%.14g`-like, integers without a fraction).
pub fn format_num(n: f64) -> String {
    if n == n.trunc() && n.abs() < 1e15 {
        if n == 0.0 && n.is_sign_negative() {
            "-0".to_string()
        } else {
            format!("{}", n as i64)
        }
    } else {
        format!("{n}")
    }
}

impl fmt::Display for Ref {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_const() {
            write!(f, "K{}", self.index())
        } else {
            write!(f, "{:04}", self.index() + 1)
        }
    }
}
