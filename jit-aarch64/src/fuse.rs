//! Load/store pair fusion: adjacent `LDR/STR` (scaled or unscaled) become one `LDP/STP`.
//!
//! Decisions are made on decoded operands only: the real signed byte offset of each access
//! (`MemOp::byte_offset`, which knows that an unscaled `-16` is not a scaled `496`), the access
//! size, the register class, the base register, and the pair form's constraints (offset a multiple
//! of the size, scaled index in -64..=63). Only instructions that are next to each other in the
//! list are fused, so a bound label (a branch target) between two accesses always prevents fusion.
//! This module must never inspect an encoding.
#![forbid(unsafe_code)]

use crate::imm::PairOffset;
use crate::inst::{Inst, MemOp, PairOp, Width};
use crate::reg::{Base, Data};

/// Why two instructions were not fused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Refusal {
    /// One of them is not a single load or store.
    NotSingleAccess,
    /// One loads and the other stores.
    DirectionDiffers,
    /// The access sizes differ.
    WidthDiffers,
    /// One uses a general-purpose register, the other a SIMD&FP register.
    ClassDiffers,
    /// There is no pair instruction for this size and register class (1 or 2 bytes, or 16 bytes
    /// through general-purpose registers).
    NoPairForm,
    /// The base registers differ.
    BaseDiffers,
    /// An access uses a register offset.
    RegisterOffset,
    /// The two locations are not next to each other.
    NotAdjacent,
    /// The lower offset is not a multiple of the access size.
    Misaligned,
    /// The lower offset divided by the size is outside -64..=63.
    OutOfPairRange,
    /// Both loads write the same register.
    SameDestination,
    /// A load writes the base register, so the second address would change.
    LoadWritesBase,
}

/// Records one fusion: input instructions `first` and `second` became output instruction `output`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fusion {
    /// Index in the input of the earlier instruction.
    pub first: usize,
    /// Index in the input of the later instruction (always `first + 1`).
    pub second: usize,
    /// Index in the output of the pair instruction.
    pub output: usize,
}

/// The result of the pass.
#[derive(Clone, Debug)]
pub struct Fused {
    /// The rewritten instruction list.
    pub insts: Vec<Inst>,
    /// Every fusion made, in order.
    pub fusions: Vec<Fusion>,
}

/// Fuses every eligible pair of adjacent accesses, scanning forward; an instruction takes part in
/// at most one pair.
pub fn fuse_pairs(insts: &[Inst]) -> Fused {
    let mut out = Vec::with_capacity(insts.len());
    let mut fusions = Vec::new();
    let mut i = 0;
    while i < insts.len() {
        if let Some(next) = insts.get(i + 1) {
            if let Ok(pair) = fuse(&insts[i], next) {
                fusions.push(Fusion {
                    first: i,
                    second: i + 1,
                    output: out.len(),
                });
                out.push(pair);
                i += 2;
                continue;
            }
        }
        out.push(insts[i]);
        i += 1;
    }
    Fused {
        insts: out,
        fusions,
    }
}

/// The pair instruction doing the same as `earlier` followed by `later`, or why there is none.
pub fn fuse(earlier: &Inst, later: &Inst) -> Result<Inst, Refusal> {
    let (a, b, load) = match (earlier, later) {
        (Inst::Load(a), Inst::Load(b)) => (a, b, true),
        (Inst::Store(a), Inst::Store(b)) => (a, b, false),
        (Inst::Load(_), Inst::Store(_)) | (Inst::Store(_), Inst::Load(_)) => {
            return Err(Refusal::DirectionDiffers)
        }
        _ => return Err(Refusal::NotSingleAccess),
    };
    if a.width() != b.width() {
        return Err(Refusal::WidthDiffers);
    }
    if a.data().is_fp() != b.data().is_fp() {
        return Err(Refusal::ClassDiffers);
    }
    let width = a.width();
    let pairable = match width {
        Width::B4 | Width::B8 => true,
        Width::B16 => a.data().is_fp(),
        Width::B1 | Width::B2 => false,
    };
    if !pairable {
        return Err(Refusal::NoPairForm);
    }
    if a.base() != b.base() {
        return Err(Refusal::BaseDiffers);
    }
    let (Some(offset_a), Some(offset_b)) = (a.byte_offset(), b.byte_offset()) else {
        return Err(Refusal::RegisterOffset);
    };
    let size = i64::from(width.bytes());
    let (low, high) = if offset_b == offset_a + size {
        (a, b)
    } else if offset_a == offset_b + size {
        (b, a)
    } else {
        return Err(Refusal::NotAdjacent);
    };
    let low_offset = offset_a.min(offset_b);
    if low_offset % size != 0 {
        return Err(Refusal::Misaligned);
    }
    let offset =
        PairOffset::from_bytes(low_offset, width.bytes()).ok_or(Refusal::OutOfPairRange)?;
    if load {
        check_loads(a, b)?;
    }
    let pair = PairOp::new(width, low.data(), high.data(), low.base(), offset)
        .ok_or(Refusal::NoPairForm)?;
    Ok(if load {
        Inst::LoadPair(pair)
    } else {
        Inst::StorePair(pair)
    })
}

fn check_loads(a: &MemOp, b: &MemOp) -> Result<(), Refusal> {
    if a.data() == b.data() {
        return Err(Refusal::SameDestination);
    }
    let writes_base =
        |data: Data| matches!((data, a.base()), (Data::Gp(d), Base::Gp(base)) if d == base);
    if writes_base(a.data()) || writes_base(b.data()) {
        return Err(Refusal::LoadWritesBase);
    }
    Ok(())
}
