//! The instruction builder: typed operations in, an instruction list with labels and a literal
//! pool out, then optional pair fusion and encoding.
//!
//! Operations that take arbitrary offsets or immediates pick the form that fits:
//! a memory offset becomes the scaled unsigned form, else the unscaled signed form, else an
//! offset built in the scratch register x17 and used as a register index. x16 is used for helper
//! call targets. Code built here must not keep values in x16/x17 across these operations.
#![forbid(unsafe_code)]

use crate::emit::{self, Encoded};
use crate::error::{Error, Result};
use crate::fuse::{self, Fusion};
use crate::imm::{Imm12, MoveWide, PairOffset, SImm9, ScaledOffset};
use crate::inst::{
    Addressing, ImmOp, Inst, IntOp, Label, Literal, LiteralDst, MemOp, MoveOp, PairOp, Width,
};
use crate::reg::{Base, Data, Gp, SCRATCH_CALL, SCRATCH_IMMEDIATE};

/// Whether [`Assembler::finish`] runs the pair fuser.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fusing {
    /// Fuse adjacent loads/stores into pairs.
    Pairs,
    /// Emit the list as built.
    Off,
}

/// Finished machine code.
#[derive(Clone, Debug)]
pub struct Code {
    /// The instructions that were encoded (after fusion).
    pub insts: Vec<Inst>,
    /// Fusions made, indices referring to the list before and after fusion.
    pub fusions: Vec<Fusion>,
    /// The encoding, offsets of labels and instructions, and the literal pool position.
    pub encoded: Encoded,
}

impl Code {
    /// The machine code followed by the literal pool.
    pub fn bytes(&self) -> &[u8] {
        &self.encoded.bytes
    }

    /// The byte offset of a bound label.
    pub fn label_offset(&self, label: Label) -> Option<usize> {
        self.encoded
            .label_offsets
            .get(label.0 as usize)
            .copied()
            .flatten()
    }
}

/// Builds an instruction list.
#[derive(Clone, Debug, Default)]
pub struct Assembler {
    insts: Vec<Inst>,
    label_count: u32,
    literals: Vec<u64>,
}

impl Assembler {
    /// An empty assembler.
    pub fn new() -> Assembler {
        Assembler::default()
    }

    /// A fresh, unbound label.
    pub fn new_label(&mut self) -> Label {
        let label = Label(self.label_count);
        self.label_count += 1;
        label
    }

    /// Binds `label` to the current position.
    pub fn bind(&mut self, label: Label) {
        self.insts.push(Inst::Bind(label));
    }

    /// Appends one instruction as it is.
    pub fn push(&mut self, inst: Inst) {
        self.insts.push(inst);
    }

    /// Appends several instructions as they are.
    pub fn extend(&mut self, insts: impl IntoIterator<Item = Inst>) {
        self.insts.extend(insts);
    }

    /// The instructions so far.
    pub fn insts(&self) -> &[Inst] {
        &self.insts
    }

    /// A 64-bit constant in the literal pool (equal values share a slot).
    pub fn literal(&mut self, value: u64) -> Literal {
        let index = match self.literals.iter().position(|&v| v == value) {
            Some(index) => index,
            None => {
                self.literals.push(value);
                self.literals.len() - 1
            }
        };
        Literal(index as u32)
    }

    /// `ldr dst, =value` through the literal pool.
    pub fn load_literal(&mut self, dst: LiteralDst, value: u64) {
        let literal = self.literal(value);
        self.insts.push(Inst::LoadLiteral { dst, literal });
    }

    /// Loads `width` bytes at `base + offset` into `data`.
    pub fn load(&mut self, width: Width, data: Data, base: Base, offset: i64) -> Result<()> {
        let op = self.memory_operand(width, data, base, offset, "load")?;
        self.insts.push(Inst::Load(op));
        Ok(())
    }

    /// Stores `width` bytes of `data` at `base + offset`.
    pub fn store(&mut self, width: Width, data: Data, base: Base, offset: i64) -> Result<()> {
        let op = self.memory_operand(width, data, base, offset, "store")?;
        self.insts.push(Inst::Store(op));
        Ok(())
    }

    /// `ldp first, second, [base, #offset]`; the offset must fit the pair form.
    pub fn load_pair(
        &mut self,
        width: Width,
        first: Data,
        second: Data,
        base: Base,
        offset: i64,
    ) -> Result<()> {
        let pair = pair_operand(width, first, second, base, offset)?;
        self.insts.push(Inst::LoadPair(pair));
        Ok(())
    }

    /// `stp first, second, [base, #offset]`; the offset must fit the pair form.
    pub fn store_pair(
        &mut self,
        width: Width,
        first: Data,
        second: Data,
        base: Base,
        offset: i64,
    ) -> Result<()> {
        let pair = pair_operand(width, first, second, base, offset)?;
        self.insts.push(Inst::StorePair(pair));
        Ok(())
    }

    /// Sets `dst` to `value` with the shortest `movz`/`movn` + `movk` sequence.
    pub fn mov_imm(&mut self, dst: Gp, value: u64) {
        let chunks = |v: u64| (0..4).map(move |i| ((v >> (16 * i)) & 0xffff) as u16);
        let zeros = chunks(value).filter(|&c| c == 0).count();
        let ones = chunks(value).filter(|&c| c == 0xffff).count();
        let (first, filler, invert) = if ones > zeros {
            (MoveOp::Movn, 0xffff, true)
        } else {
            (MoveOp::Movz, 0, false)
        };
        let mut started = false;
        for (i, chunk) in chunks(value).enumerate() {
            if chunk == filler {
                continue;
            }
            let shift = (16 * i) as u8;
            let (op, bits) = if started {
                (MoveOp::Movk, chunk)
            } else if invert {
                (first, !chunk)
            } else {
                (first, chunk)
            };
            self.push_move(op, dst, bits, shift);
            started = true;
        }
        if !started {
            self.push_move(first, dst, 0, 0);
        }
    }

    /// `dst = src + value` for any 64-bit `value` (through x17 if no immediate form fits).
    pub fn add_imm(&mut self, dst: Base, src: Base, value: i64) -> Result<()> {
        let (op, magnitude) = if value < 0 {
            (ImmOp::Sub, value.unsigned_abs())
        } else {
            (ImmOp::Add, value as u64)
        };
        if let Some(imm) = Imm12::new(magnitude) {
            self.insts.push(Inst::IntImm { op, dst, src, imm });
            return Ok(());
        }
        let (Base::Gp(dst), Base::Gp(src)) = (dst, src) else {
            return Err(Error::NoEncoding(format!(
                "adding {value} to or from SP (use an immediate of at most 24 bits)"
            )));
        };
        if src == SCRATCH_IMMEDIATE {
            return Err(Error::ScratchInUse { what: "add_imm" });
        }
        self.mov_imm(SCRATCH_IMMEDIATE, value as u64);
        self.insts.push(Inst::Int {
            op: IntOp::Add,
            dst,
            lhs: src,
            rhs: SCRATCH_IMMEDIATE,
        });
        Ok(())
    }

    /// Calls the function at absolute address `target` (a helper address from an executor):
    /// `ldr x16, =target; blr x16`. Clobbers x16, x17 and x30 and everything the callee may.
    pub fn call(&mut self, target: u64) {
        self.load_literal(LiteralDst::Gp(SCRATCH_CALL), target);
        self.insts.push(Inst::CallReg(SCRATCH_CALL));
    }

    /// Encodes the list, fusing pairs first if asked.
    pub fn finish(self, fusing: Fusing) -> Result<Code> {
        self.finish_fusing(fusing, fuse::Mode::Correct, false)
    }

    /// [`Assembler::finish`] with the fuser's offset comparison `mode`, and with `check`, every
    /// pair made verified against the two accesses it replaces ([`fuse::check`]).
    pub fn finish_fusing(self, fusing: Fusing, mode: fuse::Mode, check: bool) -> Result<Code> {
        let (insts, fusions) = match fusing {
            Fusing::Pairs => {
                let fused = fuse::fuse_pairs_in(&self.insts, mode);
                if check {
                    fuse::check(&self.insts, &fused).map_err(|bad| Error::BadPair(bad.message))?;
                }
                (fused.insts, fused.fusions)
            }
            Fusing::Off => (self.insts, Vec::new()),
        };
        let encoded = emit::encode(&insts, self.label_count, &self.literals)?;
        Ok(Code {
            insts,
            fusions,
            encoded,
        })
    }

    fn push_move(&mut self, op: MoveOp, dst: Gp, chunk: u16, shift: u8) {
        // Shifts come from 16·i for i in 0..4, always a valid position.
        if let Some(imm) = MoveWide::new(chunk, shift) {
            self.insts.push(Inst::MoveWide { op, dst, imm });
        }
    }

    fn memory_operand(
        &mut self,
        width: Width,
        data: Data,
        base: Base,
        offset: i64,
        what: &'static str,
    ) -> Result<MemOp> {
        // Check the register/width combination before emitting anything for the offset.
        let no_encoding =
            || Error::NoEncoding(format!("a {}-byte {what} through {data:?}", width.bytes()));
        let probe = Addressing::Scaled(ScaledOffset::new(0).ok_or_else(no_encoding)?);
        MemOp::new(width, data, base, probe).ok_or_else(no_encoding)?;
        let addressing = if let Some(scaled) = ScaledOffset::from_bytes(offset, width.bytes()) {
            Addressing::Scaled(scaled)
        } else if let Some(unscaled) = SImm9::new(offset) {
            Addressing::Unscaled(unscaled)
        } else {
            let scratch_used =
                base == Base::Gp(SCRATCH_IMMEDIATE) || data == Data::Gp(SCRATCH_IMMEDIATE);
            if scratch_used {
                return Err(Error::ScratchInUse { what });
            }
            self.mov_imm(SCRATCH_IMMEDIATE, offset as u64);
            Addressing::Index(SCRATCH_IMMEDIATE)
        };
        MemOp::new(width, data, base, addressing).ok_or_else(no_encoding)
    }
}

fn pair_operand(
    width: Width,
    first: Data,
    second: Data,
    base: Base,
    offset: i64,
) -> Result<PairOp> {
    let describe = || {
        format!(
            "a {}-byte pair of {first:?} and {second:?} at offset {offset}",
            width.bytes()
        )
    };
    let offset = PairOffset::from_bytes(offset, width.bytes()).ok_or_else(|| {
        Error::NoEncoding(format!(
            "{} (offset must be a multiple of the size in -64..=63 elements)",
            describe()
        ))
    })?;
    PairOp::new(width, first, second, base, offset).ok_or_else(|| Error::NoEncoding(describe()))
}
