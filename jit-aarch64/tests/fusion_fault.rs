//! The planted pair-fusion fault (`fault-injection` feature, test builds only) and the
//! `-Ofuse=check` verification that catches it: with the fault, an unscaled store at -16 read by
//! its raw 9-bit field (496) joins a store at 488 in `stp ..., [x19, #488]` — the story's
//! miscompile — and [`fuse::check`] names both original addresses; the correct fuser refuses the
//! same pair and every pair it does make passes the check.
#![cfg(feature = "fault-injection")]

use jit_aarch64::fuse::{self, Mode};
use jit_aarch64::inst::{Inst, Width};
use jit_aarch64::reg::*;
use jit_aarch64::{Assembler, Fusing};

/// `stur x16, [x19, #-16]` then `str x21, [x19, #488]`, as a side trace's tail writes the tag of
/// slot -1 and the payload of slot 30.
fn story() -> Vec<Inst> {
    let mut a = Assembler::new();
    a.store(Width::B8, X16.into(), X19.into(), -16).unwrap();
    a.store(Width::B8, Gp::new(21).unwrap().into(), X19.into(), 488)
        .unwrap();
    a.insts().to_vec()
}

#[test]
fn the_fault_fuses_a_store_at_minus_16_into_an_stp_at_488() {
    let fused = fuse::fuse_pairs_in(&story(), Mode::RawUnscaledFault);
    assert_eq!(fused.fusions.len(), 1);
    let Inst::StorePair(pair) = fused.insts[0] else {
        panic!("{:?}", fused.insts)
    };
    assert_eq!(pair.byte_offset(), 488);
    let bad = fuse::check(&story(), &fused).unwrap_err();
    assert!(bad.message.contains("[x19, #-16]"), "{}", bad.message);
    assert!(bad.message.contains("[x19, #496]"), "{}", bad.message);
}

#[test]
fn the_correct_fuser_refuses_the_pair_and_its_pairs_pass_the_check() {
    let fused = fuse::fuse_pairs_in(&story(), Mode::Correct);
    assert!(fused.fusions.is_empty(), "{:?}", fused.insts);
    let mut a = Assembler::new();
    for (n, off) in [(1u8, -16i64), (2, -8), (3, 480), (4, 488), (5, 0), (6, 8)] {
        a.store(Width::B8, Gp::new(n).unwrap().into(), X19.into(), off)
            .unwrap();
    }
    let insts = a.insts().to_vec();
    let fused = fuse::fuse_pairs_in(&insts, Mode::Correct);
    assert_eq!(fused.fusions.len(), 3);
    fuse::check(&insts, &fused).unwrap();
}

#[test]
fn the_assembler_reports_a_bad_pair_when_checking() {
    let mut a = Assembler::new();
    a.extend(story());
    let e = a
        .finish_fusing(Fusing::Pairs, Mode::RawUnscaledFault, true)
        .unwrap_err();
    assert!(e.to_string().starts_with("pair fusion check failed"), "{e}");
    let mut a = Assembler::new();
    a.extend(story());
    assert!(a
        .finish_fusing(Fusing::Pairs, Mode::RawUnscaledFault, false)
        .is_ok());
}
