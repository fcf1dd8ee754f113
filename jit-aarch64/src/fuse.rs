//! Load/store pair fusion: adjacent `LDR/STR` (scaled or unscaled) become one `LDP/STP`.
//!
//! Decisions are made on decoded operands only: the real signed byte offset of each access
//! (`MemOp::byte_offset`, which knows that an unscaled `-16` is not a scaled `496`), the access
//! size, the register class, the base register, and the pair form's constraints (offset a multiple
//! of the size, scaled index in -64..=63). Only instructions that are next to each other in the
//! list are fused, so a bound label (a branch target) between two accesses always prevents fusion.
//! This module must never inspect an encoding.
//!
//! [`check`] re-derives, for every pair made, the two addresses the pair covers and compares them
//! with the two accesses it replaced (`-Ofuse=check`). With the `fault-injection` feature,
//! [`Mode::RawUnscaledFault`] plants LuaJIT's pre-2023 mistake on purpose (the earlier access's
//! unscaled offset read as its raw 9-bit field, so a store at -16 looks like one at 496 and joins
//! a store at 488 in an `STP` at 488), for the planted-flake corpus and `runtime bisect`'s tests.
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

/// How offsets are compared.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Mode {
    /// By their real signed byte offsets.
    Correct,
    /// The planted fault: an earlier unscaled access's offset is taken from its raw 9-bit field
    /// (-16 reads as 496).
    #[cfg(feature = "fault-injection")]
    RawUnscaledFault,
}

/// Fuses every eligible pair of adjacent accesses, scanning forward; an instruction takes part in
/// at most one pair.
pub fn fuse_pairs(insts: &[Inst]) -> Fused {
    fuse_pairs_in(insts, Mode::Correct)
}

/// [`fuse_pairs`] with the offset comparison of `mode`.
pub fn fuse_pairs_in(insts: &[Inst], mode: Mode) -> Fused {
    let mut out = Vec::with_capacity(insts.len());
    let mut fusions = Vec::new();
    let mut i = 0;
    while i < insts.len() {
        if let Some(next) = insts.get(i + 1) {
            if let Ok(pair) = fuse_in(&insts[i], next, mode) {
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
    fuse_in(earlier, later, Mode::Correct)
}

/// The offset of the earlier access as `mode` reads it.
fn earlier_offset(a: &MemOp, mode: Mode) -> Option<i64> {
    match mode {
        Mode::Correct => a.byte_offset(),
        #[cfg(feature = "fault-injection")]
        Mode::RawUnscaledFault => match a.addressing() {
            crate::inst::Addressing::Unscaled(_) => a.byte_offset().map(|b| b & 0x1ff),
            _ => a.byte_offset(),
        },
    }
}

fn fuse_in(earlier: &Inst, later: &Inst, mode: Mode) -> Result<Inst, Refusal> {
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
    let (Some(offset_a), Some(offset_b)) = (earlier_offset(a, mode), b.byte_offset()) else {
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

/// A pair that does not do what the two accesses it replaced did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct BadPair {
    /// Index of the pair in the output.
    pub output: usize,
    pub message: String,
}

/// `(data, base, byte offset)` of each access an instruction makes, `None` if it is not a plain
/// load, store or pair with an immediate offset.
fn accesses(inst: &Inst) -> Option<Vec<(Data, Base, i64)>> {
    match inst {
        Inst::Load(m) | Inst::Store(m) => Some(vec![(m.data(), m.base(), m.byte_offset()?)]),
        Inst::LoadPair(p) | Inst::StorePair(p) => {
            let size = i64::from(p.width().bytes());
            Some(vec![
                (p.first(), p.base(), p.byte_offset()),
                (p.second(), p.base(), p.byte_offset() + size),
            ])
        }
        _ => None,
    }
}

/// Checks every fusion of `fused` against the instructions it was made from (`-Ofuse=check`):
/// the pair must access, register for register, exactly the addresses the two originals did.
pub fn check(original: &[Inst], fused: &Fused) -> Result<(), BadPair> {
    for f in &fused.fusions {
        let pair = &fused.insts[f.output];
        let (Some(mut got), Some(a), Some(b)) = (
            accesses(pair),
            accesses(&original[f.first]),
            accesses(&original[f.second]),
        ) else {
            return Err(BadPair {
                output: f.output,
                message: format!("fusion {f:?} did not make a pair of two immediate accesses"),
            });
        };
        let mut want = [a, b].concat();
        got.sort_by_key(|x| x.2);
        want.sort_by_key(|x| x.2);
        if got != want {
            let show = |v: &[(Data, Base, i64)]| {
                v.iter()
                    .map(|(d, b, o)| format!("{} at [{}, #{o}]", data_name(*d), base_name(*b)))
                    .collect::<Vec<_>>()
                    .join(" and ")
            };
            return Err(BadPair {
                output: f.output,
                message: format!(
                    "the pair at instruction {} accesses {}, but the two accesses it replaces \
                     were {}",
                    f.output,
                    show(&got),
                    show(&want)
                ),
            });
        }
    }
    Ok(())
}

fn data_name(d: Data) -> String {
    match d {
        Data::Gp(g) => format!("x{}", g.number()),
        Data::Zr => "xzr".to_string(),
        Data::Fp(f) => format!("v{}", f.number()),
    }
}

fn base_name(b: Base) -> String {
    match b {
        Base::Gp(g) => format!("x{}", g.number()),
        Base::Sp => "sp".to_string(),
    }
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
