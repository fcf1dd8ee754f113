//! One A64 machine instruction with decoded, typed operands.
//!
//! An [`Inst`] maps to exactly one 32-bit encoding (or, for [`Inst::Bind`], to a position). The
//! peephole pass and the tests reason about these values, never about bit patterns: the byte
//! offset a memory instruction addresses is `MemOp::byte_offset`, computed from the typed
//! immediate with its real sign and scale.
#![forbid(unsafe_code)]

use crate::imm::{FpImm8, Imm12, MoveWide, PairOffset, SImm9, ScaledOffset, ShiftAmount};
use crate::reg::{Base, Data, Fp, Gp};

/// A code position that branches can target. Created by [`crate::Assembler::new_label`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug, Default)]
pub struct Label(pub(crate) u32);

impl Label {
    /// The label's number within its assembler.
    pub const fn index(self) -> u32 {
        self.0
    }
}

/// The number of a bit in an x register, 0..=63, that `TBZ/TBNZ` tests.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct BitIndex(u8);

impl BitIndex {
    /// `Some` for 0..=63.
    pub const fn new(bit: u8) -> Option<BitIndex> {
        if bit <= 63 {
            Some(BitIndex(bit))
        } else {
            None
        }
    }

    /// The bit number, 0..=63.
    pub const fn bit(self) -> u8 {
        self.0
    }
}

/// A 64-bit constant in the literal pool. Created by [`crate::Assembler::literal`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Literal(pub(crate) u32);

/// The size of a memory access.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Width {
    /// 1 byte.
    B1,
    /// 2 bytes.
    B2,
    /// 4 bytes.
    B4,
    /// 8 bytes.
    B8,
    /// 16 bytes (SIMD&FP registers only).
    B16,
}

impl Width {
    /// Every width, smallest first.
    pub const ALL: [Width; 5] = [Width::B1, Width::B2, Width::B4, Width::B8, Width::B16];

    /// The access size in bytes.
    pub const fn bytes(self) -> u32 {
        match self {
            Width::B1 => 1,
            Width::B2 => 2,
            Width::B4 => 4,
            Width::B8 => 8,
            Width::B16 => 16,
        }
    }
}

/// How a single load or store forms its address from the base register.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Addressing {
    /// `[base, #index*size]`: unsigned, scaled (`LDR/STR`).
    Scaled(ScaledOffset),
    /// `[base, #bytes]`: signed, unscaled (`LDUR/STUR`).
    Unscaled(SImm9),
    /// `[base, index]`: a byte offset held in a register (`LDR/STR (register)`).
    Index(Gp),
}

/// The operands of a single load or store.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MemOp {
    width: Width,
    data: Data,
    base: Base,
    addressing: Addressing,
}

impl MemOp {
    /// `None` for a 16-byte access through a general-purpose or zero register (no such instruction).
    pub fn new(width: Width, data: Data, base: Base, addressing: Addressing) -> Option<MemOp> {
        if width == Width::B16 && !data.is_fp() {
            return None;
        }
        Some(MemOp {
            width,
            data,
            base,
            addressing,
        })
    }

    /// The access size.
    pub const fn width(&self) -> Width {
        self.width
    }

    /// The register loaded or stored.
    pub const fn data(&self) -> Data {
        self.data
    }

    /// The base register.
    pub const fn base(&self) -> Base {
        self.base
    }

    /// The addressing form.
    pub const fn addressing(&self) -> Addressing {
        self.addressing
    }

    /// The signed byte offset from the base, when it is an immediate (`None` for a register index).
    pub fn byte_offset(&self) -> Option<i64> {
        match self.addressing {
            Addressing::Scaled(offset) => Some(offset.bytes(self.width.bytes())),
            Addressing::Unscaled(offset) => Some(offset.bytes()),
            Addressing::Index(_) => None,
        }
    }
}

/// The operands of `LDP/STP` (signed offset, no writeback).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PairOp {
    width: Width,
    first: Data,
    second: Data,
    base: Base,
    offset: PairOffset,
}

impl PairOp {
    /// `None` unless the width has a pair form for the register class (x/w: 4 or 8 bytes; s/d/q:
    /// 4, 8 or 16 bytes) and both registers are of the same class.
    pub fn new(
        width: Width,
        first: Data,
        second: Data,
        base: Base,
        offset: PairOffset,
    ) -> Option<PairOp> {
        if first.is_fp() != second.is_fp() {
            return None;
        }
        let allowed = match width {
            Width::B4 | Width::B8 => true,
            Width::B16 => first.is_fp(),
            Width::B1 | Width::B2 => false,
        };
        allowed.then_some(PairOp {
            width,
            first,
            second,
            base,
            offset,
        })
    }

    /// The size of each of the two elements.
    pub const fn width(&self) -> Width {
        self.width
    }

    /// The register at the lower address.
    pub const fn first(&self) -> Data {
        self.first
    }

    /// The register at the higher address.
    pub const fn second(&self) -> Data {
        self.second
    }

    /// The base register.
    pub const fn base(&self) -> Base {
        self.base
    }

    /// The scaled offset immediate.
    pub const fn offset(&self) -> PairOffset {
        self.offset
    }

    /// The signed byte offset of the first element.
    pub fn byte_offset(&self) -> i64 {
        self.offset.bytes(self.width.bytes())
    }
}

/// A condition code for `B.cond`, `CSEL` and `CSET`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Cond {
    /// Equal.
    Eq,
    /// Not equal.
    Ne,
    /// Unsigned higher or same (carry set).
    Hs,
    /// Unsigned lower (carry clear).
    Lo,
    /// Negative.
    Mi,
    /// Positive or zero.
    Pl,
    /// Overflow.
    Vs,
    /// No overflow.
    Vc,
    /// Unsigned higher.
    Hi,
    /// Unsigned lower or same.
    Ls,
    /// Signed greater or equal.
    Ge,
    /// Signed less.
    Lt,
    /// Signed greater.
    Gt,
    /// Signed less or equal.
    Le,
}

/// Three-register integer operations (64-bit).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum IntOp {
    /// `add`
    Add,
    /// `adds` (sets flags)
    Adds,
    /// `sub`
    Sub,
    /// `subs` (sets flags)
    Subs,
    /// `and`
    And,
    /// `orr`
    Orr,
    /// `eor`
    Eor,
    /// `mul`
    Mul,
    /// `sdiv` (division by zero gives 0)
    Sdiv,
    /// `udiv`
    Udiv,
    /// `lslv`
    Lsl,
    /// `lsrv`
    Lsr,
    /// `asrv`
    Asr,
}

/// Integer add/sub with a 12-bit immediate.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ImmOp {
    /// `add`
    Add,
    /// `sub`
    Sub,
}

/// Shifts by an immediate amount.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ShiftOp {
    /// `lsl`
    Lsl,
    /// `lsr`
    Lsr,
    /// `asr`
    Asr,
}

/// `MOVZ/MOVN/MOVK`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum MoveOp {
    /// Zero the rest.
    Movz,
    /// Invert the result.
    Movn,
    /// Keep the other bits.
    Movk,
}

/// Double-precision binary operations.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FloatOp {
    /// `fadd`
    Add,
    /// `fsub`
    Sub,
    /// `fmul`
    Mul,
    /// `fdiv`
    Div,
    /// `fmax`
    Max,
    /// `fmin`
    Min,
}

/// Double-precision unary operations.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FloatUnaryOp {
    /// `fmov` (register copy)
    Mov,
    /// `fneg`
    Neg,
    /// `fabs`
    Abs,
    /// `fsqrt`
    Sqrt,
    /// `frintm`: round toward minus infinity (`floor`).
    RoundDown,
    /// `frintp`: round toward plus infinity (`ceil`).
    RoundUp,
    /// `frintz`: round toward zero.
    RoundTowardZero,
}

/// Where a literal-pool load puts its 64-bit value.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum LiteralDst {
    /// An x register.
    Gp(Gp),
    /// A d register.
    Fp(Fp),
}

/// One A64 instruction (or a label position).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Inst {
    /// Binds a label here; emits nothing. The pair fuser never fuses across it.
    Bind(Label),
    /// A single load (zero-extending for 1/2/4-byte general-purpose loads).
    Load(MemOp),
    /// A single store.
    Store(MemOp),
    /// `LDP`.
    LoadPair(PairOp),
    /// `STP`.
    StorePair(PairOp),
    /// `LDR (literal)` of a 64-bit pool constant.
    LoadLiteral { dst: LiteralDst, literal: Literal },
    /// `op dst, lhs, rhs` on x registers.
    Int {
        op: IntOp,
        dst: Gp,
        lhs: Gp,
        rhs: Gp,
    },
    /// `add/sub dst, src, #imm` (SP allowed on both sides).
    IntImm {
        op: ImmOp,
        dst: Base,
        src: Base,
        imm: Imm12,
    },
    /// `lsl/lsr/asr dst, src, #amount`.
    Shift {
        op: ShiftOp,
        dst: Gp,
        src: Gp,
        amount: ShiftAmount,
    },
    /// `cmp lhs, rhs`.
    Cmp { lhs: Gp, rhs: Gp },
    /// `cmp lhs, #imm` (SP allowed).
    CmpImm { lhs: Base, imm: Imm12 },
    /// `cmp wN, wM`: compares the low 32 bits (signed conditions see them as `i32`).
    Cmp32 { lhs: Gp, rhs: Gp },
    /// `cmp wN, #imm`: compares the low 32 bits with an immediate.
    CmpImm32 { lhs: Gp, imm: Imm12 },
    /// `mov dst, src` (`orr dst, xzr, src`).
    Mov { dst: Gp, src: Gp },
    /// `mov wD, wN` (`orr wD, wzr, wN`): copies the low 32 bits and clears the upper 32.
    Mov32 { dst: Gp, src: Gp },
    /// `movz/movn/movk dst, #chunk, lsl #shift`.
    MoveWide { op: MoveOp, dst: Gp, imm: MoveWide },
    /// `csel dst, lhs, rhs, cond`.
    Csel {
        dst: Gp,
        lhs: Gp,
        rhs: Gp,
        cond: Cond,
    },
    /// `cset dst, cond`.
    Cset { dst: Gp, cond: Cond },
    /// `op dst, lhs, rhs` on d registers.
    Float {
        op: FloatOp,
        dst: Fp,
        lhs: Fp,
        rhs: Fp,
    },
    /// `op dst, src` on d registers.
    FloatUnary { op: FloatUnaryOp, dst: Fp, src: Fp },
    /// `fcsel dst, lhs, rhs, cond` (d registers).
    FloatSelect {
        dst: Fp,
        lhs: Fp,
        rhs: Fp,
        cond: Cond,
    },
    /// `fcmp lhs, rhs` (d registers).
    FloatCmp { lhs: Fp, rhs: Fp },
    /// `fcmp lhs, #0.0` (d register).
    FloatCmpZero { lhs: Fp },
    /// `fmov xd, dn`: the raw bits of a double.
    FloatToBits { dst: Gp, src: Fp },
    /// `fmov dd, xn`: a double from raw bits.
    BitsToFloat { dst: Fp, src: Gp },
    /// `fmov dd, #imm`: a double constant of the 8-bit form.
    FloatImm { dst: Fp, imm: FpImm8 },
    /// `scvtf dd, xn`: signed integer to double.
    IntToFloat { dst: Fp, src: Gp },
    /// `fcvtzs xd, dn`: double to signed integer, rounding toward zero (saturating).
    FloatToInt { dst: Gp, src: Fp },
    /// `b label`.
    Branch(Label),
    /// `b.cond label`.
    BranchCond(Cond, Label),
    /// `cbz reg, label`.
    BranchZero(Gp, Label),
    /// `cbnz reg, label`.
    BranchNonZero(Gp, Label),
    /// `tbz reg, #bit, label`: branches if the bit is clear (range ±32 KiB).
    TestBitZero(Gp, BitIndex, Label),
    /// `tbnz reg, #bit, label`: branches if the bit is set (range ±32 KiB).
    TestBitNonZero(Gp, BitIndex, Label),
    /// `blr reg`: call the address in a register.
    CallReg(Gp),
    /// `br reg`.
    JumpReg(Gp),
    /// `ret` (to x30).
    Ret,
    /// `nop`.
    Nop,
    /// `brk #code`.
    Brk(u16),
}

impl Inst {
    /// Whether this instruction can transfer control to a label or elsewhere.
    pub const fn is_branch(&self) -> bool {
        matches!(
            self,
            Inst::Branch(_)
                | Inst::BranchCond(..)
                | Inst::BranchZero(..)
                | Inst::BranchNonZero(..)
                | Inst::TestBitZero(..)
                | Inst::TestBitNonZero(..)
                | Inst::CallReg(_)
                | Inst::JumpReg(_)
                | Inst::Ret
                | Inst::Brk(_)
        )
    }

    /// Whether this emits a 4-byte instruction (everything but [`Inst::Bind`]).
    pub const fn is_encoded(&self) -> bool {
        !matches!(self, Inst::Bind(_))
    }
}
