//! Encoding of [`Inst`]s with dynasm: the only module that uses `dynasm!`.
//!
//! Every operand reaching the `a64!` macro comes from a typed register or immediate that was
//! range-checked when it was built, so dynasm's own checks (which panic on a bad dynamic immediate)
//! can never fire and register numbers are never masked. Label and literal-pool resolution is
//! dynasm's: code is position independent (PC-relative branches and literal loads only).
#![forbid(unsafe_code)]
// dynasm's expansion converts every dynamic register operand with `.into()`.
#![allow(clippy::useless_conversion)]

use dynasm::dynasm;
use dynasmrt::aarch64::Aarch64Relocation;
use dynasmrt::{DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

use crate::error::{Error, Result};
use crate::inst::{
    Addressing, Cond, FloatOp, FloatUnaryOp, ImmOp, Inst, IntOp, Label, LiteralDst, MemOp, MoveOp,
    PairOp, ShiftOp, Width,
};

/// The one entry point to dynasm, fixed to A64.
macro_rules! a64 {
    ($ops:expr ; $($t:tt)*) => {
        dynasm!($ops ; .arch aarch64 ; $($t)*)
    };
}

/// Expands `$m!(cond_token, args...)` for the runtime condition `$cond` (dynasm takes condition
/// codes only as literal tokens).
macro_rules! with_cond {
    ($cond:expr, $m:ident ! ( $($args:tt)* )) => {
        match $cond {
            Cond::Eq => $m!(eq, $($args)*),
            Cond::Ne => $m!(ne, $($args)*),
            Cond::Hs => $m!(hs, $($args)*),
            Cond::Lo => $m!(lo, $($args)*),
            Cond::Mi => $m!(mi, $($args)*),
            Cond::Pl => $m!(pl, $($args)*),
            Cond::Vs => $m!(vs, $($args)*),
            Cond::Vc => $m!(vc, $($args)*),
            Cond::Hi => $m!(hi, $($args)*),
            Cond::Ls => $m!(ls, $($args)*),
            Cond::Ge => $m!(ge, $($args)*),
            Cond::Lt => $m!(lt, $($args)*),
            Cond::Gt => $m!(gt, $($args)*),
            Cond::Le => $m!(le, $($args)*),
        }
    };
}

macro_rules! b_cond {
    ($c:ident, $ops:expr, $label:expr) => {
        a64!($ops ; b.$c =>$label)
    };
}
macro_rules! fcsel_cond {
    ($c:ident, $ops:expr, $d:expr, $n:expr, $m:expr) => {
        a64!($ops ; fcsel D($d), D($n), D($m), $c)
    };
}
macro_rules! csel_cond {
    ($c:ident, $ops:expr, $d:expr, $n:expr, $m:expr) => {
        a64!($ops ; csel X($d), X($n), X($m), $c)
    };
}
macro_rules! cset_cond {
    ($c:ident, $ops:expr, $d:expr) => {
        a64!($ops ; cset X($d), $c)
    };
}

/// Machine code for a whole instruction list.
#[derive(Clone, Debug)]
pub struct Encoded {
    /// The code followed by the literal pool.
    pub bytes: Vec<u8>,
    /// Byte offset of each label, by label index (`None` if never bound).
    pub label_offsets: Vec<Option<usize>>,
    /// Byte offset of each instruction of the input list (a [`Inst::Bind`] gets the offset of
    /// the next instruction).
    pub inst_offsets: Vec<usize>,
    /// Byte offset where the literal pool starts (equal to the code length if it is empty).
    pub pool_offset: usize,
}

/// Encodes `insts` (labels numbered below `label_count`) followed by an 8-aligned pool holding
/// `literals`.
pub fn encode(insts: &[Inst], label_count: u32, literals: &[u64]) -> Result<Encoded> {
    let mut ops: VecAssembler<Aarch64Relocation> = VecAssembler::new(0);
    let labels: Vec<DynamicLabel> = (0..label_count).map(|_| ops.new_dynamic_label()).collect();
    let pool: Vec<DynamicLabel> = literals.iter().map(|_| ops.new_dynamic_label()).collect();
    let mut label_offsets = vec![None; label_count as usize];
    let mut inst_offsets = Vec::with_capacity(insts.len());
    let label = |l: Label| -> Result<DynamicLabel> {
        labels
            .get(l.0 as usize)
            .copied()
            .ok_or(Error::UnknownLabel(l.0))
    };
    for inst in insts {
        inst_offsets.push(ops.offset().0);
        if let Inst::Bind(l) = inst {
            let slot = label_offsets
                .get_mut(l.0 as usize)
                .ok_or(Error::UnknownLabel(l.0))?;
            if slot.is_some() {
                return Err(Error::LabelBoundTwice(l.0));
            }
            *slot = Some(ops.offset().0);
            let dynamic = label(*l)?;
            a64!(ops ; =>dynamic);
            continue;
        }
        encode_inst(&mut ops, inst, &label, &pool)?;
    }
    for (index, inst) in insts.iter().enumerate() {
        if let Some(target) = branch_target(inst) {
            if label_offsets
                .get(target.0 as usize)
                .copied()
                .flatten()
                .is_none()
            {
                return Err(Error::UnboundLabel {
                    label: target.0,
                    instruction: index,
                });
            }
        }
    }
    let pool_offset = if literals.is_empty() {
        ops.offset().0
    } else {
        a64!(ops ; .align 8);
        let start = ops.offset().0;
        for (value, dynamic) in literals.iter().zip(&pool) {
            let dynamic = *dynamic;
            let value = *value;
            a64!(ops ; =>dynamic ; .u64 value);
        }
        start
    };
    let bytes = ops
        .finalize()
        .map_err(|e| Error::Relocation(e.to_string()))?;
    Ok(Encoded {
        bytes,
        label_offsets,
        inst_offsets,
        pool_offset,
    })
}

/// The encoding of one instruction that refers to no label or literal (for tables and patching).
pub fn encode_one(inst: &Inst) -> Result<[u8; 4]> {
    if branch_target(inst).is_some() || matches!(inst, Inst::Bind(_) | Inst::LoadLiteral { .. }) {
        return Err(Error::NotStandalone(format!("{inst:?}")));
    }
    let encoded = encode(std::slice::from_ref(inst), 0, &[])?;
    encoded
        .bytes
        .try_into()
        .map_err(|_| Error::NotStandalone(format!("{inst:?}")))
}

fn branch_target(inst: &Inst) -> Option<Label> {
    match *inst {
        Inst::Branch(l)
        | Inst::BranchCond(_, l)
        | Inst::BranchZero(_, l)
        | Inst::BranchNonZero(_, l)
        | Inst::TestBitZero(_, _, l)
        | Inst::TestBitNonZero(_, _, l) => Some(l),
        _ => None,
    }
}

fn encode_inst(
    ops: &mut VecAssembler<Aarch64Relocation>,
    inst: &Inst,
    label: &dyn Fn(Label) -> Result<DynamicLabel>,
    pool: &[DynamicLabel],
) -> Result<()> {
    match *inst {
        Inst::Bind(_) => {}
        Inst::Load(m) => encode_load(ops, &m),
        Inst::Store(m) => encode_store(ops, &m),
        Inst::LoadPair(p) => encode_pair(ops, &p, true),
        Inst::StorePair(p) => encode_pair(ops, &p, false),
        Inst::LoadLiteral { dst, literal } => {
            let target = *pool
                .get(literal.0 as usize)
                .ok_or(Error::UnknownLiteral(literal.0))?;
            match dst {
                LiteralDst::Gp(r) => a64!(ops ; ldr X(r.number()), =>target),
                LiteralDst::Fp(r) => a64!(ops ; ldr D(r.number()), =>target),
            }
        }
        Inst::Int { op, dst, lhs, rhs } => {
            let (d, n, m) = (dst.number(), lhs.number(), rhs.number());
            match op {
                IntOp::Add => a64!(ops ; add X(d), X(n), X(m)),
                IntOp::Adds => a64!(ops ; adds X(d), X(n), X(m)),
                IntOp::Sub => a64!(ops ; sub X(d), X(n), X(m)),
                IntOp::Subs => a64!(ops ; subs X(d), X(n), X(m)),
                IntOp::And => a64!(ops ; and X(d), X(n), X(m)),
                IntOp::Orr => a64!(ops ; orr X(d), X(n), X(m)),
                IntOp::Eor => a64!(ops ; eor X(d), X(n), X(m)),
                IntOp::Mul => a64!(ops ; mul X(d), X(n), X(m)),
                IntOp::Sdiv => a64!(ops ; sdiv X(d), X(n), X(m)),
                IntOp::Udiv => a64!(ops ; udiv X(d), X(n), X(m)),
                IntOp::Lsl => a64!(ops ; lslv X(d), X(n), X(m)),
                IntOp::Lsr => a64!(ops ; lsrv X(d), X(n), X(m)),
                IntOp::Asr => a64!(ops ; asrv X(d), X(n), X(m)),
            }
        }
        Inst::IntImm { op, dst, src, imm } => {
            let (d, n, bits) = (dst.field(), src.field(), u32::from(imm.bits()));
            match (op, imm.shifted()) {
                (ImmOp::Add, false) => a64!(ops ; add XSP(d), XSP(n), #bits),
                (ImmOp::Add, true) => a64!(ops ; add XSP(d), XSP(n), #bits, lsl #12),
                (ImmOp::Sub, false) => a64!(ops ; sub XSP(d), XSP(n), #bits),
                (ImmOp::Sub, true) => a64!(ops ; sub XSP(d), XSP(n), #bits, lsl #12),
            }
        }
        Inst::Shift {
            op,
            dst,
            src,
            amount,
        } => {
            let (d, n, a) = (dst.number(), src.number(), u32::from(amount.amount()));
            match op {
                ShiftOp::Lsl => a64!(ops ; lsl X(d), X(n), #a),
                ShiftOp::Lsr => a64!(ops ; lsr X(d), X(n), #a),
                ShiftOp::Asr => a64!(ops ; asr X(d), X(n), #a),
            }
        }
        Inst::Cmp { lhs, rhs } => a64!(ops ; cmp X(lhs.number()), X(rhs.number())),
        Inst::CmpImm { lhs, imm } => {
            let (n, bits) = (lhs.field(), u32::from(imm.bits()));
            if imm.shifted() {
                a64!(ops ; cmp XSP(n), #bits, lsl #12)
            } else {
                a64!(ops ; cmp XSP(n), #bits)
            }
        }
        Inst::Cmp32 { lhs, rhs } => a64!(ops ; cmp W(lhs.number()), W(rhs.number())),
        Inst::CmpImm32 { lhs, imm } => {
            let (n, bits) = (lhs.number(), u32::from(imm.bits()));
            if imm.shifted() {
                a64!(ops ; cmp WSP(n), #bits, lsl #12)
            } else {
                a64!(ops ; cmp WSP(n), #bits)
            }
        }
        Inst::Mov { dst, src } => a64!(ops ; mov X(dst.number()), X(src.number())),
        Inst::Mov32 { dst, src } => a64!(ops ; mov W(dst.number()), W(src.number())),
        Inst::MoveWide { op, dst, imm } => {
            let (d, chunk) = (dst.number(), u32::from(imm.chunk()));
            match (op, imm.shift()) {
                (MoveOp::Movz, 0) => a64!(ops ; movz X(d), #chunk),
                (MoveOp::Movz, 16) => a64!(ops ; movz X(d), #chunk, lsl #16),
                (MoveOp::Movz, 32) => a64!(ops ; movz X(d), #chunk, lsl #32),
                (MoveOp::Movz, _) => a64!(ops ; movz X(d), #chunk, lsl #48),
                (MoveOp::Movn, 0) => a64!(ops ; movn X(d), #chunk),
                (MoveOp::Movn, 16) => a64!(ops ; movn X(d), #chunk, lsl #16),
                (MoveOp::Movn, 32) => a64!(ops ; movn X(d), #chunk, lsl #32),
                (MoveOp::Movn, _) => a64!(ops ; movn X(d), #chunk, lsl #48),
                (MoveOp::Movk, 0) => a64!(ops ; movk X(d), #chunk),
                (MoveOp::Movk, 16) => a64!(ops ; movk X(d), #chunk, lsl #16),
                (MoveOp::Movk, 32) => a64!(ops ; movk X(d), #chunk, lsl #32),
                (MoveOp::Movk, _) => a64!(ops ; movk X(d), #chunk, lsl #48),
            }
        }
        Inst::Csel {
            dst,
            lhs,
            rhs,
            cond,
        } => {
            let (d, n, m) = (dst.number(), lhs.number(), rhs.number());
            with_cond!(cond, csel_cond!(ops, d, n, m))
        }
        Inst::Cset { dst, cond } => {
            let d = dst.number();
            with_cond!(cond, cset_cond!(ops, d))
        }
        Inst::Float { op, dst, lhs, rhs } => {
            let (d, n, m) = (dst.number(), lhs.number(), rhs.number());
            match op {
                FloatOp::Add => a64!(ops ; fadd D(d), D(n), D(m)),
                FloatOp::Sub => a64!(ops ; fsub D(d), D(n), D(m)),
                FloatOp::Mul => a64!(ops ; fmul D(d), D(n), D(m)),
                FloatOp::Div => a64!(ops ; fdiv D(d), D(n), D(m)),
                FloatOp::Max => a64!(ops ; fmax D(d), D(n), D(m)),
                FloatOp::Min => a64!(ops ; fmin D(d), D(n), D(m)),
            }
        }
        Inst::FloatUnary { op, dst, src } => {
            let (d, n) = (dst.number(), src.number());
            match op {
                FloatUnaryOp::Mov => a64!(ops ; fmov D(d), D(n)),
                FloatUnaryOp::Neg => a64!(ops ; fneg D(d), D(n)),
                FloatUnaryOp::Abs => a64!(ops ; fabs D(d), D(n)),
                FloatUnaryOp::Sqrt => a64!(ops ; fsqrt D(d), D(n)),
                FloatUnaryOp::RoundDown => a64!(ops ; frintm D(d), D(n)),
                FloatUnaryOp::RoundUp => a64!(ops ; frintp D(d), D(n)),
                FloatUnaryOp::RoundTowardZero => a64!(ops ; frintz D(d), D(n)),
            }
        }
        Inst::FloatSelect {
            dst,
            lhs,
            rhs,
            cond,
        } => {
            let (d, n, m) = (dst.number(), lhs.number(), rhs.number());
            with_cond!(cond, fcsel_cond!(ops, d, n, m))
        }
        Inst::FloatCmp { lhs, rhs } => a64!(ops ; fcmp D(lhs.number()), D(rhs.number())),
        Inst::FloatCmpZero { lhs } => a64!(ops ; fcmp D(lhs.number()), 0.0),
        Inst::FloatToBits { dst, src } => a64!(ops ; fmov X(dst.number()), D(src.number())),
        Inst::BitsToFloat { dst, src } => a64!(ops ; fmov D(dst.number()), X(src.number())),
        Inst::FloatImm { dst, imm } => {
            // FMOV (scalar, immediate), double: 0x1e601000 | imm8 << 13 | Rd.
            let word = 0x1e60_1000u32 | u32::from(imm.bits()) << 13 | u32::from(dst.number());
            a64!(ops ; .u32 word);
        }
        Inst::IntToFloat { dst, src } => a64!(ops ; scvtf D(dst.number()), X(src.number())),
        Inst::FloatToInt { dst, src } => a64!(ops ; fcvtzs X(dst.number()), D(src.number())),
        Inst::Branch(l) => {
            let target = label(l)?;
            a64!(ops ; b =>target)
        }
        Inst::BranchCond(cond, l) => {
            let target = label(l)?;
            with_cond!(cond, b_cond!(ops, target))
        }
        Inst::BranchZero(r, l) => {
            let target = label(l)?;
            a64!(ops ; cbz X(r.number()), =>target)
        }
        Inst::BranchNonZero(r, l) => {
            let target = label(l)?;
            a64!(ops ; cbnz X(r.number()), =>target)
        }
        Inst::TestBitZero(r, bit, l) => {
            let (target, b) = (label(l)?, u32::from(bit.bit()));
            a64!(ops ; tbz X(r.number()), #b, =>target)
        }
        Inst::TestBitNonZero(r, bit, l) => {
            let (target, b) = (label(l)?, u32::from(bit.bit()));
            a64!(ops ; tbnz X(r.number()), #b, =>target)
        }
        Inst::CallReg(r) => a64!(ops ; blr X(r.number())),
        Inst::JumpReg(r) => a64!(ops ; br X(r.number())),
        Inst::Ret => a64!(ops ; ret),
        Inst::Nop => a64!(ops ; nop),
        Inst::Brk(code) => {
            let code = u32::from(code);
            a64!(ops ; brk #code)
        }
    }
    Ok(())
}

fn encode_load(ops: &mut VecAssembler<Aarch64Relocation>, m: &MemOp) {
    let (t, n) = (m.data().field(), m.base().field());
    let fp = m.data().is_fp();
    match m.addressing() {
        Addressing::Scaled(offset) => {
            let o = offset.bytes(m.width().bytes()) as u32;
            match (fp, m.width()) {
                (false, Width::B1) => a64!(ops ; ldrb W(t), [XSP(n), #o]),
                (false, Width::B2) => a64!(ops ; ldrh W(t), [XSP(n), #o]),
                (false, Width::B4) => a64!(ops ; ldr W(t), [XSP(n), #o]),
                (false, _) => a64!(ops ; ldr X(t), [XSP(n), #o]),
                (true, Width::B1) => a64!(ops ; ldr B(t), [XSP(n), #o]),
                (true, Width::B2) => a64!(ops ; ldr H(t), [XSP(n), #o]),
                (true, Width::B4) => a64!(ops ; ldr S(t), [XSP(n), #o]),
                (true, Width::B8) => a64!(ops ; ldr D(t), [XSP(n), #o]),
                (true, Width::B16) => a64!(ops ; ldr Q(t), [XSP(n), #o]),
            }
        }
        Addressing::Unscaled(offset) => {
            let o = offset.bytes() as i32;
            match (fp, m.width()) {
                (false, Width::B1) => a64!(ops ; ldurb W(t), [XSP(n), #o]),
                (false, Width::B2) => a64!(ops ; ldurh W(t), [XSP(n), #o]),
                (false, Width::B4) => a64!(ops ; ldur W(t), [XSP(n), #o]),
                (false, _) => a64!(ops ; ldur X(t), [XSP(n), #o]),
                (true, Width::B1) => a64!(ops ; ldur B(t), [XSP(n), #o]),
                (true, Width::B2) => a64!(ops ; ldur H(t), [XSP(n), #o]),
                (true, Width::B4) => a64!(ops ; ldur S(t), [XSP(n), #o]),
                (true, Width::B8) => a64!(ops ; ldur D(t), [XSP(n), #o]),
                (true, Width::B16) => a64!(ops ; ldur Q(t), [XSP(n), #o]),
            }
        }
        Addressing::Index(index) => {
            let i = index.number();
            match (fp, m.width()) {
                (false, Width::B1) => a64!(ops ; ldrb W(t), [XSP(n), X(i)]),
                (false, Width::B2) => a64!(ops ; ldrh W(t), [XSP(n), X(i)]),
                (false, Width::B4) => a64!(ops ; ldr W(t), [XSP(n), X(i)]),
                (false, _) => a64!(ops ; ldr X(t), [XSP(n), X(i)]),
                (true, Width::B1) => a64!(ops ; ldr B(t), [XSP(n), X(i)]),
                (true, Width::B2) => a64!(ops ; ldr H(t), [XSP(n), X(i)]),
                (true, Width::B4) => a64!(ops ; ldr S(t), [XSP(n), X(i)]),
                (true, Width::B8) => a64!(ops ; ldr D(t), [XSP(n), X(i)]),
                (true, Width::B16) => a64!(ops ; ldr Q(t), [XSP(n), X(i)]),
            }
        }
    }
}

fn encode_store(ops: &mut VecAssembler<Aarch64Relocation>, m: &MemOp) {
    let (t, n) = (m.data().field(), m.base().field());
    let fp = m.data().is_fp();
    match m.addressing() {
        Addressing::Scaled(offset) => {
            let o = offset.bytes(m.width().bytes()) as u32;
            match (fp, m.width()) {
                (false, Width::B1) => a64!(ops ; strb W(t), [XSP(n), #o]),
                (false, Width::B2) => a64!(ops ; strh W(t), [XSP(n), #o]),
                (false, Width::B4) => a64!(ops ; str W(t), [XSP(n), #o]),
                (false, _) => a64!(ops ; str X(t), [XSP(n), #o]),
                (true, Width::B1) => a64!(ops ; str B(t), [XSP(n), #o]),
                (true, Width::B2) => a64!(ops ; str H(t), [XSP(n), #o]),
                (true, Width::B4) => a64!(ops ; str S(t), [XSP(n), #o]),
                (true, Width::B8) => a64!(ops ; str D(t), [XSP(n), #o]),
                (true, Width::B16) => a64!(ops ; str Q(t), [XSP(n), #o]),
            }
        }
        Addressing::Unscaled(offset) => {
            let o = offset.bytes() as i32;
            match (fp, m.width()) {
                (false, Width::B1) => a64!(ops ; sturb W(t), [XSP(n), #o]),
                (false, Width::B2) => a64!(ops ; sturh W(t), [XSP(n), #o]),
                (false, Width::B4) => a64!(ops ; stur W(t), [XSP(n), #o]),
                (false, _) => a64!(ops ; stur X(t), [XSP(n), #o]),
                (true, Width::B1) => a64!(ops ; stur B(t), [XSP(n), #o]),
                (true, Width::B2) => a64!(ops ; stur H(t), [XSP(n), #o]),
                (true, Width::B4) => a64!(ops ; stur S(t), [XSP(n), #o]),
                (true, Width::B8) => a64!(ops ; stur D(t), [XSP(n), #o]),
                (true, Width::B16) => a64!(ops ; stur Q(t), [XSP(n), #o]),
            }
        }
        Addressing::Index(index) => {
            let i = index.number();
            match (fp, m.width()) {
                (false, Width::B1) => a64!(ops ; strb W(t), [XSP(n), X(i)]),
                (false, Width::B2) => a64!(ops ; strh W(t), [XSP(n), X(i)]),
                (false, Width::B4) => a64!(ops ; str W(t), [XSP(n), X(i)]),
                (false, _) => a64!(ops ; str X(t), [XSP(n), X(i)]),
                (true, Width::B1) => a64!(ops ; str B(t), [XSP(n), X(i)]),
                (true, Width::B2) => a64!(ops ; str H(t), [XSP(n), X(i)]),
                (true, Width::B4) => a64!(ops ; str S(t), [XSP(n), X(i)]),
                (true, Width::B8) => a64!(ops ; str D(t), [XSP(n), X(i)]),
                (true, Width::B16) => a64!(ops ; str Q(t), [XSP(n), X(i)]),
            }
        }
    }
}

fn encode_pair(ops: &mut VecAssembler<Aarch64Relocation>, p: &PairOp, load: bool) {
    let (t1, t2, n) = (p.first().field(), p.second().field(), p.base().field());
    let o = p.byte_offset() as i32;
    let fp = p.first().is_fp();
    match (load, fp, p.width()) {
        (true, false, Width::B4) => a64!(ops ; ldp W(t1), W(t2), [XSP(n), #o]),
        (true, false, _) => a64!(ops ; ldp X(t1), X(t2), [XSP(n), #o]),
        (true, true, Width::B4) => a64!(ops ; ldp S(t1), S(t2), [XSP(n), #o]),
        (true, true, Width::B8) => a64!(ops ; ldp D(t1), D(t2), [XSP(n), #o]),
        (true, true, _) => a64!(ops ; ldp Q(t1), Q(t2), [XSP(n), #o]),
        (false, false, Width::B4) => a64!(ops ; stp W(t1), W(t2), [XSP(n), #o]),
        (false, false, _) => a64!(ops ; stp X(t1), X(t2), [XSP(n), #o]),
        (false, true, Width::B4) => a64!(ops ; stp S(t1), S(t2), [XSP(n), #o]),
        (false, true, Width::B8) => a64!(ops ; stp D(t1), D(t2), [XSP(n), #o]),
        (false, true, _) => a64!(ops ; stp Q(t1), Q(t2), [XSP(n), #o]),
    }
}
