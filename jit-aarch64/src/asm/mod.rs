//! From optimized IR to A64: register allocation, lowering, exit stubs (lj_asm.c, lj_asm_arm64.h).
//!
//! A trace is one straight-line loop body: guards branch to per-snapshot exit stubs, the tail
//! writes the final slot map back to the Lua stack, adds the iteration's ticks to the virtual
//! clock and branches to the start. No value lives across the back-edge, so allocation is a
//! single forward linear scan over live ranges (definition to last use, where snapshot entries
//! of a guard count as uses at that guard). Values live across a helper call take callee-saved
//! registers; when a class runs out, values go to spill slots in the runtime's trace state.
//!
//! Fixed registers (the trace ABI, shared with [`abi`]): x19 = the Lua stack base of the trace's
//! frame, x20 = the runtime's trace state (spill area, exit save area), x28 = the virtual clock's
//! tick counter (`abi::TICKS`), x0..x7 helper
//! arguments, x14/x15 and d30/d31 scratch for spilled or constant operands, x16/x17 the
//! instruction layer's scratch. x18, x29 and x30 are never used.
#![forbid(unsafe_code)]

pub mod abi;

use crate::assembler::{Assembler, Code, Fusing};
use crate::error::{Error, Result};
use crate::inst::{
    Cond, FloatOp as A64FloatOp, FloatUnaryOp, Inst, IntOp, Label, LiteralDst, Width,
};
use crate::ir::{Cmp, FloatOp, Ir, IrType, Op, Ref, ValueLayout};
use crate::reg::{Base, Data, Fp, Gp, X0, X14, X15, X16, X17, X19, X20};

pub use abi::{TableAccess, TraceAbi};

/// Where a value lives for its whole live range.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Loc {
    /// No payload, unused, or a constant.
    None,
    Gp(Gp),
    Fp(Fp),
    /// Spill slot `n` of the trace state's spill area.
    Spill(u32),
}

/// A trace's machine code and what the exit path needs to read values back.
#[derive(Debug)]
pub struct Assembled {
    pub code: Code,
    /// Location of each instruction's result.
    pub locs: Vec<Loc>,
    /// Byte offset of each snapshot's exit stub in the code (see [`exit_thunk`]).
    pub exit_offsets: Vec<usize>,
    /// Spill slots used.
    pub spills: u32,
}

const GP_CALLER: [u8; 6] = [8, 9, 10, 11, 12, 13];
/// x28 is not here: it holds the clock ([`abi::TICKS`]).
const GP_CALLEE: [u8; 7] = [21, 22, 23, 24, 25, 26, 27];
const FP_CALLER: [u8; 22] = [
    0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
];
const FP_CALLEE: [u8; 8] = [8, 9, 10, 11, 12, 13, 14, 15];

fn fp(n: u8) -> Fp {
    Fp::new(n).expect("register numbers in the pools are valid")
}

fn gp(n: u8) -> Gp {
    Gp::new(n).expect("register numbers in the pools are valid")
}

/// Live ranges and register assignment.
fn allocate(ir: &Ir, max_spills: u32) -> Result<(Vec<Loc>, u32)> {
    let n = ir.insts.len();
    let mut last_use = vec![0usize; n];
    let use_at = |r: Ref, at: usize, last_use: &mut Vec<usize>| {
        if !r.is_const() {
            last_use[r.index()] = last_use[r.index()].max(at);
        }
    };
    for (i, ins) in ir.insts.iter().enumerate() {
        if ins.op == Op::Nop {
            continue;
        }
        for r in ins.operands() {
            use_at(r, i, &mut last_use);
        }
        if ins.is_guard() {
            if let Some(s) = ins.snap {
                for e in &ir.snaps[s as usize].entries {
                    use_at(e.value, i, &mut last_use);
                }
            }
        }
    }
    match ir.loop_start() {
        // Values from before LOOP that the body uses live through every iteration, and PHI
        // operands until the back-edge moves.
        Some(l) => {
            for ins in ir.insts.iter().skip(l) {
                for r in ins.operands() {
                    if (!r.is_const() && r.index() < l) || matches!(ins.op, Op::Phi(..)) {
                        use_at(r, n, &mut last_use);
                    }
                }
                if ins.is_guard() {
                    if let Some(s) = ins.snap {
                        for e in &ir.snaps[s as usize].entries {
                            if !e.value.is_const() && e.value.index() < l {
                                use_at(e.value, n, &mut last_use);
                            }
                        }
                    }
                }
            }
        }
        None => {
            for e in &ir.tail {
                use_at(e.value, n, &mut last_use);
            }
        }
    }
    // calls_before[i]: helper calls among instructions 0..i.
    let mut calls_before = vec![0u32; n + 2];
    for (i, ins) in ir.insts.iter().enumerate() {
        calls_before[i + 1] = calls_before[i] + matches!(ins.op, Op::Call { .. }) as u32;
    }
    calls_before[n + 1] = calls_before[n];

    let mut locs = vec![Loc::None; n];
    let mut free_gp: Vec<bool> = vec![true; 31];
    let mut free_fp: Vec<bool> = vec![true; 32];
    let mut spills = 0u32;
    // Values sorted by last use, to release registers as the scan passes them.
    let mut live: Vec<usize> = Vec::new();
    for i in 0..n {
        let ins = &ir.insts[i];
        // Release values whose last use is at or before this instruction: their registers may
        // be the result register (operands are read first; a guard exits before writing).
        live.retain(|&v| {
            if last_use[v] <= i {
                match locs[v] {
                    Loc::Gp(r) => free_gp[r.number() as usize] = true,
                    Loc::Fp(r) => free_fp[r.number() as usize] = true,
                    _ => {}
                }
                false
            } else {
                true
            }
        });
        if matches!(ins.op, Op::Nop | Op::Loop | Op::Phi(..))
            || !ins.ty.has_payload()
            || last_use[i] <= i
        {
            continue;
        }
        // A call strictly after the definition and before the last use clobbers caller-saved
        // registers; a value read only by the call itself is moved to an argument first.
        let end = last_use[i].min(n);
        let crosses_call = calls_before[end] > calls_before[i + 1];
        let (caller, callee, free): (&[u8], &[u8], &mut Vec<bool>) = if ins.ty.is_float() {
            (&FP_CALLER, &FP_CALLEE, &mut free_fp)
        } else {
            (&GP_CALLER, &GP_CALLEE, &mut free_gp)
        };
        let pick = |pool: &[u8], free: &mut Vec<bool>| {
            pool.iter()
                .copied()
                .find(|&r| free[r as usize])
                .inspect(|&r| {
                    free[r as usize] = false;
                })
        };
        let reg = if crosses_call {
            pick(callee, free)
        } else {
            pick(caller, free).or_else(|| pick(callee, free))
        };
        locs[i] = match reg {
            Some(r) if ins.ty.is_float() => Loc::Fp(fp(r)),
            Some(r) => Loc::Gp(gp(r)),
            None => {
                if spills >= max_spills {
                    return Err(Error::TraceLimit("too many spill slots"));
                }
                spills += 1;
                Loc::Spill(spills - 1)
            }
        };
        live.push(i);
    }
    Ok((locs, spills))
}

struct Lowering<'a> {
    ir: &'a Ir,
    abi: &'a TraceAbi,
    layout: &'a ValueLayout,
    locs: Vec<Loc>,
    a: Assembler,
    exits: Vec<Label>,
    loop_label: Label,
    /// In a run of slot write-backs (a tail, an exit thunk: nothing else emitted between the
    /// stores), the tag x16 still holds from the previous store, so it is not set again.
    tag_in_x16: Option<u64>,
}

/// The source of a back-edge move.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Src {
    Loc(Loc),
    Const(u64),
}

/// The A64 condition that holds exactly when `cmp` holds after `fcmp a, b` (numbers) or
/// `cmp a, b` (integers and payloads, signed).
fn condition(cmp: Cmp, float: bool) -> Cond {
    if float {
        match cmp {
            Cmp::Lt => Cond::Mi,
            Cmp::Ge => Cond::Ge,
            Cmp::Le => Cond::Ls,
            Cmp::Gt => Cond::Gt,
            Cmp::Ult => Cond::Lt,
            Cmp::Uge => Cond::Pl,
            Cmp::Ule => Cond::Le,
            Cmp::Ugt => Cond::Hi,
            Cmp::Eq => Cond::Eq,
            Cmp::Ne => Cond::Ne,
        }
    } else {
        match cmp {
            Cmp::Lt | Cmp::Ult => Cond::Lt,
            Cmp::Ge | Cmp::Uge => Cond::Ge,
            Cmp::Le | Cmp::Ule => Cond::Le,
            Cmp::Gt | Cmp::Ugt => Cond::Gt,
            Cmp::Eq => Cond::Eq,
            Cmp::Ne => Cond::Ne,
        }
    }
}

/// The condition that holds exactly when `cond` does not.
pub fn invert(cond: Cond) -> Cond {
    match cond {
        Cond::Eq => Cond::Ne,
        Cond::Ne => Cond::Eq,
        Cond::Hs => Cond::Lo,
        Cond::Lo => Cond::Hs,
        Cond::Mi => Cond::Pl,
        Cond::Pl => Cond::Mi,
        Cond::Vs => Cond::Vc,
        Cond::Vc => Cond::Vs,
        Cond::Hi => Cond::Ls,
        Cond::Ls => Cond::Hi,
        Cond::Ge => Cond::Lt,
        Cond::Lt => Cond::Ge,
        Cond::Gt => Cond::Le,
        Cond::Le => Cond::Gt,
    }
}

impl Lowering<'_> {
    fn exit_label(&self, snap: Option<u32>) -> Result<Label> {
        let s = snap.ok_or(Error::TraceLimit("guard without a snapshot"))?;
        Ok(self.exits[s as usize])
    }

    fn spill_offset(&self, n: u32) -> i64 {
        self.abi.spill_offset as i64 + 8 * n as i64
    }

    /// The payload of `r` in a general-purpose register (`scratch` if it must be built).
    fn gp_of(&mut self, r: Ref, scratch: Gp) -> Result<Gp> {
        if let Some(k) = self.ir.const_of(r) {
            self.a.mov_imm(scratch, k.bits());
            return Ok(scratch);
        }
        match self.locs[r.index()] {
            Loc::Gp(g) => Ok(g),
            Loc::Fp(f) => {
                self.a.push(Inst::FloatToBits {
                    dst: scratch,
                    src: f,
                });
                Ok(scratch)
            }
            Loc::Spill(n) => {
                let off = self.spill_offset(n);
                self.a.load(Width::B8, scratch.into(), X20.into(), off)?;
                Ok(scratch)
            }
            Loc::None => {
                self.a.mov_imm(scratch, 0);
                Ok(scratch)
            }
        }
    }

    /// The value of number `r` in a floating-point register.
    fn fp_of(&mut self, r: Ref, scratch: Fp) -> Result<Fp> {
        if let Some(k) = self.ir.const_of(r) {
            match crate::imm::FpImm8::new(f64::from_bits(k.bits())) {
                Some(imm) => self.a.push(Inst::FloatImm { dst: scratch, imm }),
                None => self.a.load_literal(LiteralDst::Fp(scratch), k.bits()),
            }
            return Ok(scratch);
        }
        match self.locs[r.index()] {
            Loc::Fp(f) => Ok(f),
            Loc::Gp(g) => {
                self.a.push(Inst::BitsToFloat {
                    dst: scratch,
                    src: g,
                });
                Ok(scratch)
            }
            Loc::Spill(n) => {
                let off = self.spill_offset(n);
                self.a.load(Width::B8, scratch.into(), X20.into(), off)?;
                Ok(scratch)
            }
            Loc::None => Err(Error::TraceLimit("number without a location")),
        }
    }

    /// Where to compute instruction `i`'s result, and the spill slot to store it to after.
    fn dst(&self, i: usize) -> (Loc, Option<u32>) {
        match self.locs[i] {
            Loc::Spill(n) => {
                if self.ir.insts[i].ty.is_float() {
                    (Loc::Fp(fp(31)), Some(n))
                } else {
                    (Loc::Gp(X15), Some(n))
                }
            }
            other => (other, None),
        }
    }

    fn finish_dst(&mut self, dst: Loc, spill: Option<u32>) -> Result<()> {
        if let Some(n) = spill {
            let data: Data = match dst {
                Loc::Fp(f) => f.into(),
                Loc::Gp(g) => g.into(),
                _ => return Ok(()),
            };
            let off = self.spill_offset(n);
            self.a.store(Width::B8, data, X20.into(), off)?;
        }
        Ok(())
    }

    fn guard_branch(&mut self, exit_if: Cond, snap: Option<u32>) -> Result<()> {
        let label = self.exit_label(snap)?;
        self.a.push(Inst::BranchCond(exit_if, label));
        Ok(())
    }

    /// Loads a value's tag from `base + offset`, checks it (and a boolean's payload) against
    /// `ty`, then loads the payload into the instruction's location.
    fn typed_load(&mut self, i: usize, base: Gp, offset: i64, check: bool) -> Result<()> {
        let ins = self.ir.insts[i];
        let layout = *self.layout;
        if check {
            let tag = layout
                .tag(ins.ty)
                .ok_or(Error::TraceLimit("typed load of an internal type"))?;
            self.a.load(
                Width::B1,
                X16.into(),
                base.into(),
                offset + layout.tag_offset as i64,
            )?;
            self.cmp_imm(X16, tag as u64)?;
            self.guard_branch(Cond::Ne, ins.snap)?;
            if matches!(ins.ty, IrType::True | IrType::False) {
                self.a.load(
                    Width::B1,
                    X16.into(),
                    base.into(),
                    offset + layout.payload_offset as i64,
                )?;
                self.cmp_imm(X16, (ins.ty == IrType::True) as u64)?;
                self.guard_branch(Cond::Ne, ins.snap)?;
            }
        }
        if self.locs[i] == Loc::None {
            return Ok(());
        }
        let (dst, spill) = self.dst(i);
        let payload = offset + layout.payload_offset as i64;
        match dst {
            Loc::Fp(f) => self.a.load(Width::B8, f.into(), base.into(), payload)?,
            Loc::Gp(g) => {
                // Handles are 32-bit payloads; the bytes after them are padding.
                let width = if ins.ty == IrType::Str
                    || !matches!(
                        ins.ty,
                        IrType::Tab | IrType::Func | IrType::Udata | IrType::Thread
                    ) {
                    Width::B8
                } else {
                    Width::B4
                };
                self.a.load(width, g.into(), base.into(), payload)?
            }
            _ => {}
        }
        self.finish_dst(dst, spill)
    }

    fn cmp_imm(&mut self, reg: Gp, value: u64) -> Result<()> {
        match crate::imm::Imm12::new(value) {
            Some(imm) => self.a.push(Inst::CmpImm {
                lhs: Base::Gp(reg),
                imm,
            }),
            None => {
                self.a.mov_imm(X17, value);
                self.a.push(Inst::Cmp { lhs: reg, rhs: X17 });
            }
        }
        Ok(())
    }

    fn lower(&mut self, i: usize) -> Result<()> {
        let ins = self.ir.insts[i];
        match ins.op {
            Op::Nop | Op::Phi(..) => {}
            Op::ArrayRef(base, key, len) => self.array_ref(i, base, key, len)?,
            Op::ToIndex(key) => self.lower_to_index(i, key)?,
            Op::HashRef(base, len, index, key) => self.hash_ref(i, base, len, index, key)?,
            Op::VStore(p, value) => {
                let p = self.gp_of(p, X15)?;
                self.store_value(p, 0, value)?;
            }
            Op::Loop => {
                // The pre-roll was one iteration: tick for it, then the body starts.
                self.add_ticks()?;
                self.a.bind(self.loop_label);
            }
            Op::SLoad { slot, check } => {
                let off = slot as i64 * self.layout.slot_size as i64;
                self.typed_load(i, X19, off, check)?;
            }
            Op::VLoad(ptr, offset) => {
                let p = self.gp_of(ptr, X14)?;
                self.typed_load(i, p, offset as i64, true)?;
            }
            Op::Load(ptr, offset) => {
                if self.locs[i] != Loc::None {
                    let p = self.gp_of(ptr, X14)?;
                    let (dst, spill) = self.dst(i);
                    let Loc::Gp(g) = dst else {
                        return Err(Error::TraceLimit("a raw load into a float register"));
                    };
                    self.a.load(Width::B8, g.into(), p.into(), offset as i64)?;
                    self.finish_dst(dst, spill)?;
                }
            }
            Op::TableParts(t) => {
                if self.locs[i] != Loc::None {
                    let access = self
                        .abi
                        .tables
                        .ok_or(Error::TraceLimit("no inline table access"))?;
                    let t = self.gp_of(t, X14)?;
                    let (dst, spill) = self.dst(i);
                    let Loc::Gp(g) = dst else {
                        return Err(Error::TraceLimit("a table record in a float register"));
                    };
                    self.a.load(
                        Width::B8,
                        X16.into(),
                        X20.into(),
                        access.arena_ptr_offset as i64,
                    )?;
                    self.a.load(Width::B8, X16.into(), X16.into(), 0)?;
                    self.a.mov_imm(X17, access.stride as u64);
                    self.a.push(Inst::Int {
                        op: IntOp::Mul,
                        dst: X17,
                        lhs: t,
                        rhs: X17,
                    });
                    self.a.push(Inst::Int {
                        op: IntOp::Add,
                        dst: g,
                        lhs: X16,
                        rhs: X17,
                    });
                    self.a
                        .add_imm(g.into(), g.into(), access.record_offset as i64)?;
                    self.finish_dst(dst, spill)?;
                }
            }
            Op::Float(op, a, b) => {
                let x = self.fp_of(a, fp(30))?;
                let y = if op.is_unary() {
                    x
                } else {
                    self.fp_of(b, fp(31))?
                };
                let (dst, spill) = self.dst(i);
                let Loc::Fp(d) = dst else {
                    return Ok(());
                };
                let binary = |op| Inst::Float {
                    op,
                    dst: d,
                    lhs: x,
                    rhs: y,
                };
                let unary = |op| Inst::FloatUnary { op, dst: d, src: x };
                match op {
                    FloatOp::Add => self.a.push(binary(A64FloatOp::Add)),
                    FloatOp::Sub => self.a.push(binary(A64FloatOp::Sub)),
                    FloatOp::Mul => self.a.push(binary(A64FloatOp::Mul)),
                    FloatOp::Div => self.a.push(binary(A64FloatOp::Div)),
                    FloatOp::Neg => self.a.push(unary(FloatUnaryOp::Neg)),
                    FloatOp::Abs => self.a.push(unary(FloatUnaryOp::Abs)),
                    FloatOp::Sqrt => self.a.push(unary(FloatUnaryOp::Sqrt)),
                    FloatOp::Floor => self.a.push(unary(FloatUnaryOp::RoundDown)),
                    FloatOp::Ceil => self.a.push(unary(FloatUnaryOp::RoundUp)),
                    FloatOp::Min | FloatOp::Max => {
                        // Lua: min = (b < a) ? b : a; max = (b > a) ? b : a. Not fmin/fmax,
                        // whose NaN and signed-zero results differ.
                        self.a.push(Inst::FloatCmp { lhs: y, rhs: x });
                        let cond = if op == FloatOp::Min {
                            Cond::Mi
                        } else {
                            Cond::Gt
                        };
                        self.a.push(Inst::FloatSelect {
                            dst: d,
                            lhs: y,
                            rhs: x,
                            cond,
                        });
                    }
                }
                self.finish_dst(dst, spill)?;
            }
            Op::Guard(cmp, a, b) => {
                let float = self.ir.ty(a) == IrType::Num;
                if float {
                    let x = self.fp_of(a, fp(30))?;
                    let y = self.fp_of(b, fp(31))?;
                    self.a.push(Inst::FloatCmp { lhs: x, rhs: y });
                } else if let Some(k) = self.ir.const_of(b) {
                    // Against a constant: `cbz`/`cbnz` for zero, else `cmp` with an immediate.
                    let x = self.gp_of(a, X14)?;
                    if k.bits() == 0 && matches!(cmp, Cmp::Eq | Cmp::Ne) {
                        let exit = self.exit_label(ins.snap)?;
                        self.a.push(match cmp {
                            Cmp::Eq => Inst::BranchNonZero(x, exit),
                            _ => Inst::BranchZero(x, exit),
                        });
                        return Ok(());
                    }
                    self.cmp_imm(x, k.bits())?;
                } else {
                    let x = self.gp_of(a, X14)?;
                    let y = self.gp_of(b, X15)?;
                    self.a.push(Inst::Cmp { lhs: x, rhs: y });
                }
                self.guard_branch(invert(condition(cmp, float)), ins.snap)?;
            }
            Op::Call {
                helper,
                args,
                nargs,
                ..
            } => {
                self.a.push(Inst::Mov { dst: X0, src: X20 });
                for (k, &arg) in args[..nargs as usize].iter().enumerate() {
                    let reg = gp(1 + k as u8);
                    let src = self.gp_of(arg, reg)?;
                    if src != reg {
                        self.a.push(Inst::Mov { dst: reg, src });
                    }
                }
                let target = self
                    .abi
                    .helpers
                    .get(helper.0 as usize)
                    .copied()
                    .ok_or(Error::TraceLimit("unknown helper"))?;
                self.a.call(target);
                let (dst, spill) = self.dst(i);
                match dst {
                    Loc::Gp(g) => self.a.push(Inst::Mov { dst: g, src: X0 }),
                    Loc::Fp(f) => self.a.push(Inst::BitsToFloat { dst: f, src: X0 }),
                    _ => {}
                }
                self.finish_dst(dst, spill)?;
            }
            Op::GcCheck => {
                self.a.load(
                    Width::B8,
                    X16.into(),
                    X20.into(),
                    self.abi.allocated_ptr_offset as i64,
                )?;
                self.a.load(Width::B8, X16.into(), X16.into(), 0)?;
                self.a.load(
                    Width::B8,
                    X14.into(),
                    X20.into(),
                    self.abi.threshold_ptr_offset as i64,
                )?;
                self.a.load(Width::B8, X14.into(), X14.into(), 0)?;
                self.a.push(Inst::Cmp { lhs: X16, rhs: X14 });
                self.guard_branch(Cond::Hs, ins.snap)?;
            }
            Op::Conv(a) => {
                let (dst, spill) = self.dst(i);
                match dst {
                    Loc::Gp(g) => {
                        let src = self.gp_of(a, g)?;
                        if src != g {
                            self.a.push(Inst::Mov { dst: g, src });
                        }
                    }
                    Loc::Fp(f) => {
                        let src = self.fp_of(a, f)?;
                        if src != f {
                            self.a.push(Inst::FloatUnary {
                                op: FloatUnaryOp::Mov,
                                dst: f,
                                src,
                            });
                        }
                    }
                    _ => {}
                }
                self.finish_dst(dst, spill)?;
            }
        }
        Ok(())
    }

    fn add_ticks(&mut self) -> Result<()> {
        if self.ir.tail_ticks > 0 {
            self.a.add_imm(
                abi::TICKS.into(),
                abi::TICKS.into(),
                self.ir.tail_ticks as i64,
            )?;
        }
        Ok(())
    }

    /// One move of the back-edge's parallel copy.
    fn move_value(&mut self, dst: Loc, src: Src, float: bool) -> Result<()> {
        let scratch_gp = X15;
        let scratch_fp = fp(31);
        match (dst, src) {
            (Loc::Gp(d), Src::Const(bits)) => self.a.mov_imm(d, bits),
            (Loc::Fp(d), Src::Const(bits)) => self.a.load_literal(LiteralDst::Fp(d), bits),
            (Loc::Spill(n), Src::Const(bits)) => {
                self.a.mov_imm(scratch_gp, bits);
                let off = self.spill_offset(n);
                self.a
                    .store(Width::B8, scratch_gp.into(), X20.into(), off)?;
            }
            (Loc::Gp(d), Src::Loc(Loc::Gp(s))) => self.a.push(Inst::Mov { dst: d, src: s }),
            (Loc::Fp(d), Src::Loc(Loc::Fp(s))) => self.a.push(Inst::FloatUnary {
                op: FloatUnaryOp::Mov,
                dst: d,
                src: s,
            }),
            (Loc::Gp(d), Src::Loc(Loc::Spill(n))) => {
                let off = self.spill_offset(n);
                self.a.load(Width::B8, d.into(), X20.into(), off)?;
            }
            (Loc::Fp(d), Src::Loc(Loc::Spill(n))) => {
                let off = self.spill_offset(n);
                self.a.load(Width::B8, d.into(), X20.into(), off)?;
            }
            (Loc::Spill(n), Src::Loc(Loc::Gp(s))) => {
                let off = self.spill_offset(n);
                self.a.store(Width::B8, s.into(), X20.into(), off)?;
            }
            (Loc::Spill(n), Src::Loc(Loc::Fp(s))) => {
                let off = self.spill_offset(n);
                self.a.store(Width::B8, s.into(), X20.into(), off)?;
            }
            (Loc::Spill(d), Src::Loc(Loc::Spill(s))) => {
                let data: Data = if float {
                    scratch_fp.into()
                } else {
                    scratch_gp.into()
                };
                let (from, to) = (self.spill_offset(s), self.spill_offset(d));
                self.a.load(Width::B8, data, X20.into(), from)?;
                self.a.store(Width::B8, data, X20.into(), to)?;
            }
            _ => return Err(Error::TraceLimit("a PHI between register classes")),
        }
        Ok(())
    }

    /// The PHIs' parallel copy: every left value takes its right value at once.
    fn phi_moves(&mut self) -> Result<()> {
        for float in [false, true] {
            let mut pending: Vec<(Loc, Src)> = Vec::new();
            for ins in &self.ir.insts {
                let Op::Phi(left, right) = ins.op else {
                    continue;
                };
                if self.ir.ty(left).is_float() != float {
                    continue;
                }
                let dst = self.locs[left.index()];
                let src = match self.ir.const_of(right) {
                    Some(k) => Src::Const(k.bits()),
                    None => Src::Loc(self.locs[right.index()]),
                };
                if dst == Loc::None || src == Src::Loc(dst) {
                    continue;
                }
                pending.push((dst, src));
            }
            let cycle_temp = if float { Loc::Fp(fp(30)) } else { Loc::Gp(X14) };
            while !pending.is_empty() {
                let ready = (0..pending.len()).find(|&i| {
                    let dst = pending[i].0;
                    !pending.iter().any(|(_, s)| *s == Src::Loc(dst))
                });
                match ready {
                    Some(i) => {
                        let (dst, src) = pending.remove(i);
                        self.move_value(dst, src, float)?;
                    }
                    None => {
                        // A cycle: park one destination's current value in the temporary.
                        let blocked = pending[0].0;
                        self.move_value(cycle_temp, Src::Loc(blocked), float)?;
                        for (_, s) in pending.iter_mut() {
                            if *s == Src::Loc(blocked) {
                                *s = Src::Loc(cycle_temp);
                            }
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Writes a value back to stack slot `slot` at the tail. When the trace loaded the slot with
    /// a type check for a type with the same tag, the tag in memory is already right (nothing
    /// but the tail writes the stack) and only the payload is stored.
    fn store_slot_back(&mut self, slot: i32, value: Ref) -> Result<()> {
        let offset = slot as i64 * self.layout.slot_size as i64;
        let tag = self.layout.tag(self.ir.ty(value));
        let known = self.ir.insts.iter().any(|ins| {
            matches!(ins.op, Op::SLoad { slot: s, check: true } if s == slot)
                && self.layout.tag(ins.ty) == tag
        });
        self.store_value_as(X19, offset, value, !known)
    }

    /// Writes a value (tag and payload) at `base + offset`.
    fn store_value(&mut self, base: Gp, offset: i64, value: Ref) -> Result<()> {
        // Not part of a run: x16 holds nothing known before, and after it nothing may rely on it.
        self.tag_in_x16 = None;
        self.store_value_as(base, offset, value, true)?;
        self.tag_in_x16 = None;
        Ok(())
    }

    /// Writes a value's payload and, with `with_tag`, its tag as a whole word (the padding after
    /// the tag byte is zeroed): `mov x16, #tag`, the payload store, the tag store, so that a
    /// payload in a general register and its tag fuse into one `STP`. Uses x16, and x14/d30 for
    /// a payload that is not in a register; `base` must be none of them.
    fn store_value_as(&mut self, base: Gp, offset: i64, value: Ref, with_tag: bool) -> Result<()> {
        let layout = *self.layout;
        let ty = self.ir.ty(value);
        let tag = layout
            .tag(ty)
            .ok_or(Error::TraceLimit("an internal type stored as a value"))?;
        if with_tag && self.tag_in_x16 != Some(tag as u64) {
            self.a.mov_imm(X16, tag as u64);
            self.tag_in_x16 = Some(tag as u64);
        }
        let payload = offset + layout.payload_offset as i64;
        match ty {
            IrType::Nil => {}
            IrType::True | IrType::False => {
                let data = if ty == IrType::True {
                    self.a.mov_imm(X14, 1);
                    Data::Gp(X14)
                } else {
                    Data::Zr
                };
                self.a.store(Width::B8, data, base.into(), payload)?;
            }
            IrType::Num => {
                let f = self.fp_of(value, fp(30))?;
                self.a.store(Width::B8, f.into(), base.into(), payload)?;
            }
            _ => {
                let g = self.gp_of(value, X14)?;
                self.a.store(Width::B8, g.into(), base.into(), payload)?;
            }
        }
        if with_tag {
            self.a.store(
                Width::B8,
                X16.into(),
                base.into(),
                offset + layout.tag_offset as i64,
            )?;
        }
        Ok(())
    }

    /// `HashRef`: slot `index` exists and holds the string `key`, else exit; the address of
    /// the slot's value. A slot is a key value and then a value, one slot size each.
    fn hash_ref(&mut self, i: usize, base: Ref, len: Ref, index: Ref, key: Ref) -> Result<()> {
        let snap = self.ir.insts[i].snap;
        let (Some(index), Some(key)) = (self.ir.const_of(index), self.ir.const_of(key)) else {
            return Err(Error::TraceLimit(
                "a hash slot reference with a variable slot or key",
            ));
        };
        let layout = *self.layout;
        let slot = layout.slot_size as i64;
        let n = self.gp_of(len, X15)?;
        self.cmp_imm(n, index.bits())?;
        self.guard_branch(Cond::Ls, snap)?;
        let p = self.gp_of(base, X14)?;
        self.a
            .add_imm(X16.into(), p.into(), index.bits() as i64 * 2 * slot)?;
        let tag = layout
            .tag(IrType::Str)
            .ok_or(Error::TraceLimit("no string tag"))?;
        self.a
            .load(Width::B1, X17.into(), X16.into(), layout.tag_offset as i64)?;
        self.cmp_imm(X17, tag as u64)?;
        self.guard_branch(Cond::Ne, snap)?;
        self.a.load(
            Width::B8,
            X17.into(),
            X16.into(),
            layout.payload_offset as i64,
        )?;
        self.a.mov_imm(X15, key.bits());
        self.a.push(Inst::Cmp { lhs: X17, rhs: X15 });
        self.guard_branch(Cond::Ne, snap)?;
        let (dst, spill) = self.dst(i);
        if let Loc::Gp(d) = dst {
            self.a.add_imm(d.into(), X16.into(), slot)?;
        }
        self.finish_dst(dst, spill)
    }

    /// `ArrayRef`: integral key in `1..=len`, else exit; the element's address.
    /// `ToIndex`: the integer value of a number key, or leave.
    fn lower_to_index(&mut self, i: usize, key: Ref) -> Result<()> {
        let snap = self.ir.insts[i].snap;
        let (dst, spill) = match self.locs[i] {
            Loc::None => (Loc::Gp(X16), None),
            _ => self.dst(i),
        };
        let Loc::Gp(d) = dst else {
            return Err(Error::TraceLimit("an index in a float register"));
        };
        self.integer_of(key, d, snap)?;
        self.finish_dst(dst, spill)
    }

    /// `dst` = number `key` converted to an integer; leaves through `snap` unless exact.
    fn integer_of(&mut self, key: Ref, dst: Gp, snap: Option<u32>) -> Result<()> {
        let k = self.fp_of(key, fp(30))?;
        self.a.push(Inst::FloatToInt { dst, src: k });
        self.a.push(Inst::IntToFloat {
            dst: fp(31),
            src: dst,
        });
        self.a.push(Inst::FloatCmp {
            lhs: fp(31),
            rhs: k,
        });
        // Not an integer (or NaN: unordered compares not equal).
        self.guard_branch(Cond::Ne, snap)
    }

    fn array_ref(&mut self, i: usize, base: Ref, key: Ref, len: Ref) -> Result<()> {
        let snap = self.ir.insts[i].snap;
        let index = if self.ir.ty(key) == IrType::Int {
            self.gp_of(key, X16)?
        } else {
            self.integer_of(key, X16, snap)?;
            X16
        };
        let n = self.gp_of(len, X15)?;
        self.a.add_imm(X16.into(), index.into(), -1)?;
        self.a.push(Inst::Cmp { lhs: X16, rhs: n });
        // key - 1 >= len, unsigned: also catches keys below 1.
        self.guard_branch(Cond::Hs, snap)?;
        let shift = self.layout.slot_size.trailing_zeros() as u8;
        let amount = crate::imm::ShiftAmount::new(shift)
            .ok_or(Error::TraceLimit("slot size is not a power of two"))?;
        self.a.push(Inst::Shift {
            op: crate::inst::ShiftOp::Lsl,
            dst: X16,
            src: X16,
            amount,
        });
        let p = self.gp_of(base, X14)?;
        let (dst, spill) = self.dst(i);
        if let Loc::Gp(d) = dst {
            self.a.push(Inst::Int {
                op: crate::inst::IntOp::Add,
                dst: d,
                lhs: p,
                rhs: X16,
            });
        }
        self.finish_dst(dst, spill)
    }
}

/// Assembles a trace: the loop body, its tail and one exit stub per snapshot.
pub fn assemble(
    ir: &Ir,
    layout: &ValueLayout,
    abi: &TraceAbi,
    exit_base: u32,
) -> Result<Assembled> {
    let (locs, spills) = allocate(ir, abi.max_spills)?;
    let mut a = Assembler::new();
    let start = a.new_label();
    let exits: Vec<Label> = ir.snaps.iter().map(|_| a.new_label()).collect();
    let loop_label = a.new_label();
    let mut l = Lowering {
        ir,
        abi,
        layout,
        locs,
        a,
        exits,
        loop_label,
        tag_in_x16: None,
    };
    l.a.bind(start);
    for i in 0..ir.insts.len() {
        l.lower(i)?;
    }
    if let Some(target) = ir.link_entry {
        // Linked: write the slots back, tick the clock, continue in the other trace.
        l.tag_in_x16 = None;
        for e in &ir.tail {
            l.store_slot_back(e.slot, e.value)?;
        }
        l.add_ticks()?;
        l.a.load_literal(LiteralDst::Gp(X16), target);
        l.a.push(Inst::JumpReg(X16));
    } else if let Some(snap) = ir.exit_tail {
        // A trace that does not loop: write the slots back, then leave through the final
        // snapshot (the runtime pops and pushes frames and carries on at its pc).
        l.tag_in_x16 = None;
        for e in &ir.tail {
            l.store_slot_back(e.slot, e.value)?;
        }
        l.add_ticks()?;
        let exit = *l
            .exits
            .get(snap as usize)
            .ok_or(Error::TraceLimit("the final snapshot does not exist"))?;
        l.a.push(Inst::Branch(exit));
    } else if ir.loop_start().is_some() {
        // Back-edge of an optimized loop: PHI moves, tick, again from LOOP.
        l.phi_moves()?;
        l.add_ticks()?;
        l.a.push(Inst::Branch(loop_label));
    } else {
        // Tail: write back the iteration's slots, tick the clock, start over.
        l.tag_in_x16 = None;
        for e in &ir.tail {
            l.store_slot_back(e.slot, e.value)?;
        }
        l.add_ticks()?;
        l.a.push(Inst::Branch(start));
    }
    // Exit stubs: exit number in w17, then the shared handler.
    let handler = l.a.new_label();
    for (s, &label) in l.exits.clone().iter().enumerate() {
        l.a.bind(label);
        l.a.mov_imm(X17, (exit_base + s as u32) as u64);
        l.a.push(Inst::Branch(handler));
    }
    l.a.bind(handler);
    l.a.load_literal(LiteralDst::Gp(X16), abi.exit_handler);
    l.a.push(Inst::JumpReg(X16));
    let fusing = if abi.fuse_pairs {
        Fusing::Pairs
    } else {
        Fusing::Off
    };
    let locs = l.locs;
    let exits = l.exits;
    let code = l.a.finish_fusing(fusing, abi.fuse_mode, abi.fuse_check)?;
    let exit_offsets = exits
        .iter()
        .map(|&e| {
            code.label_offset(e)
                .ok_or(Error::TraceLimit("an exit stub was not bound"))
        })
        .collect::<Result<Vec<usize>>>()?;
    Ok(Assembled {
        code,
        locs,
        exit_offsets,
        spills,
    })
}

/// Code that leaves a trace through snapshot `snap` without the runtime, for a side trace that
/// grows from that exit: writes the snapshot's slots to the stack from where the trace keeps
/// them (`locs`, registers and spill slots as the guard left them), adds the snapshot's ticks to
/// the clock, and jumps to `target` (the side trace's entry) with the same base. Only for
/// snapshots without frames to push or pop and without a GC point: those need the runtime. The
/// exit stub is then patched into a branch here ([`branch_to`]).
pub fn exit_thunk(
    ir: &Ir,
    locs: &[Loc],
    layout: &ValueLayout,
    abi: &TraceAbi,
    snap: usize,
    target: u64,
) -> Result<Code> {
    let s = ir
        .snaps
        .get(snap)
        .ok_or(Error::TraceLimit("no such snapshot"))?;
    if !s.frames.is_empty() || s.pops != 0 || s.gc_point {
        return Err(Error::TraceLimit("this exit needs the runtime"));
    }
    let mut a = Assembler::new();
    let loop_label = a.new_label();
    let mut l = Lowering {
        ir,
        abi,
        layout,
        locs: locs.to_vec(),
        a,
        exits: Vec::new(),
        loop_label,
        tag_in_x16: None,
    };
    for e in &s.entries {
        let offset = e.slot as i64 * layout.slot_size as i64;
        l.store_value_as(X19, offset, e.value, true)?;
    }
    if s.ticks > 0 {
        l.a.add_imm(abi::TICKS.into(), abi::TICKS.into(), s.ticks as i64)?;
    }
    l.a.load_literal(LiteralDst::Gp(X16), target);
    l.a.push(Inst::JumpReg(X16));
    let fusing = if abi.fuse_pairs {
        Fusing::Pairs
    } else {
        Fusing::Off
    };
    l.a.finish_fusing(fusing, abi.fuse_mode, abi.fuse_check)
}

/// The bytes of `b <to>` placed at address `from` (both 4-byte aligned, within ±128 MiB), to
/// patch an exit stub into a branch.
pub fn branch_to(from: u64, to: u64) -> Result<[u8; 4]> {
    let delta = to.wrapping_sub(from) as i64;
    if delta % 4 != 0 || !(-(1 << 27)..(1 << 27)).contains(&delta) {
        return Err(Error::TraceLimit("branch target out of range"));
    }
    let word = 0x1400_0000u32 | ((delta >> 2) as u32 & 0x03ff_ffff);
    Ok(word.to_le_bytes())
}

#[cfg(test)]
mod tests {
    use super::branch_to;

    #[test]
    fn patched_branches_decode_to_their_targets() {
        for (from, to) in [
            (0x1000u64, 0x1040u64),
            (0x2000, 0x1000),
            (0x10_0000, 0x10_0000),
        ] {
            let bytes = branch_to(from, to).unwrap();
            let word = u32::from_le_bytes(bytes);
            assert_eq!(word >> 26, 0b000101, "{word:#x}");
            let imm = ((word << 6) as i32 >> 6) as i64 * 4;
            assert_eq!(from as i64 + imm, to as i64);
        }
        assert!(branch_to(0x1000, 0x1002).is_err());
        assert!(branch_to(0, 1 << 28).is_err());
    }
}
