//! Permanent regression tests for load/store pair fusion.
//!
//! The first is the miscompile behind this project: `str x30,[x19,#488]` and
//! `stur x0,[x19,#-16]` fused into `stp x30,x0,[x19,#488]` because the 9-bit immediate of -16 has
//! the bits of 496. The next three are the 2023 fixes LuaJIT needed in the same peephole:
//! negative scaled 7-bit offsets whose sign bits leaked into other fields, unaligned unscaled
//! pairs, and fusion across a branch target. Each is checked at the fuser's decision, in the
//! decoded encoding, and by running both versions.
// Needs an executor: native on aarch64, emulated elsewhere.
#![cfg(any(feature = "emulator", target_arch = "aarch64"))]

mod support;

use jit_aarch64::disasm;
use jit_aarch64::fuse::{fuse, fuse_pairs, Refusal};
use jit_aarch64::imm::PairOffset;
use jit_aarch64::inst::{Inst, PairOp, Width};
use jit_aarch64::reg::*;
use jit_aarch64::{Assembler, Fusing};

use support::*;

fn sequence(build: impl FnOnce(&mut Assembler)) -> Vec<Inst> {
    let mut a = Assembler::new();
    build(&mut a);
    a.insts().to_vec()
}

/// Runs `insts` fused and unfused from the same state and asserts identical results; returns
/// the fused instruction list.
fn assert_fusion_preserves_behaviour(insts: &[Inst]) -> Vec<Inst> {
    let fused = fuse_pairs(insts);
    let mut executor = executor();
    let initial = State::seeded(0x5eed);
    let unfused_program = program(insts);
    let fused_program = program(&fused.insts);
    let expected = run(executor.as_mut(), &unfused_program, &initial);
    let actual = run(executor.as_mut(), &fused_program, &initial);
    assert_eq!(actual, expected, "fusion changed behaviour of {insts:?}");
    for fusion in &fused.fusions {
        check_pair_covers(
            word(&fused_program, fused_program.sequence_start + fusion.output),
            word(
                &unfused_program,
                unfused_program.sequence_start + fusion.first,
            ),
            word(
                &unfused_program,
                unfused_program.sequence_start + fusion.second,
            ),
        )
        .unwrap();
    }
    fused.insts
}

fn text_of(insts: &[Inst]) -> Vec<String> {
    let mut a = Assembler::new();
    a.extend(insts.iter().copied());
    let code = a.finish(Fusing::Off).unwrap();
    code.bytes()
        .chunks(4)
        .map(|w| disasm::text(w.try_into().unwrap()))
        .collect()
}

#[test]
fn regression_488_and_minus_16_are_not_a_pair() {
    let insts = sequence(|a| {
        a.store(Width::B8, X30.into(), X19.into(), 488).unwrap();
        a.store(Width::B8, X0.into(), X19.into(), -16).unwrap();
    });
    assert_eq!(
        text_of(&insts),
        ["str x30, [x19, #0x1e8]", "stur x0, [x19, #-0x10]"]
    );
    assert_eq!(fuse(&insts[0], &insts[1]), Err(Refusal::NotAdjacent));
    let fused = assert_fusion_preserves_behaviour(&insts);
    assert_eq!(fused, insts);

    // The same program written to the location the buggy fuser believed in does fuse, at 488.
    let adjacent = sequence(|a| {
        a.store(Width::B8, X30.into(), X19.into(), 488).unwrap();
        a.store(Width::B8, X0.into(), X19.into(), 496).unwrap();
    });
    let fused = assert_fusion_preserves_behaviour(&adjacent);
    assert_eq!(text_of(&fused), ["stp x30, x0, [x19, #0x1e8]"]);
}

#[test]
fn regression_every_negative_pair_offset_encodes_exactly() {
    // LuaJIT 2023: negative imm7 values were not masked, corrupting neighbouring fields. Check
    // every index of every pair form against the disassembler.
    let forms: [(Width, Data, Data); 5] = [
        (Width::B4, X1.into(), X2.into()),
        (Width::B8, X29.into(), X30.into()),
        (Width::B4, V30.into(), V31.into()),
        (Width::B8, V0.into(), V1.into()),
        (Width::B16, V7.into(), V8.into()),
    ];
    for (width, first, second) in forms {
        for index in -64i8..=63 {
            let offset = PairOffset::new(index).unwrap();
            for (base, base_field) in [(Base::Gp(X19), 19u16), (Base::Sp, 31)] {
                let pair = PairOp::new(width, first, second, base, offset).unwrap();
                for inst in [Inst::LoadPair(pair), Inst::StorePair(pair)] {
                    let word = jit_aarch64::emit::encode_one(&inst).unwrap();
                    let access = disasm::memory_access(word).unwrap();
                    assert_eq!(
                        access.offset,
                        i64::from(index) * i64::from(width.bytes()),
                        "{inst:?}"
                    );
                    assert_eq!(access.base, base_field, "{inst:?}");
                    assert_eq!(access.load, matches!(inst, Inst::LoadPair(_)), "{inst:?}");
                    assert_eq!(
                        access.registers,
                        [
                            (first.is_fp(), u16::from(first.field())),
                            (second.is_fp(), u16::from(second.field()))
                        ]
                    );
                    assert_eq!(access.size, width.bytes());
                }
            }
        }
    }
}

#[test]
fn regression_negative_offsets_fuse_to_the_right_pair() {
    // Single accesses reach negative offsets only through the unscaled form (-256..-1), so these
    // are the negative pairs a fuser can meet; the pair immediates are negative scaled indices.
    let insts = sequence(|a| {
        a.load(Width::B8, X1.into(), X19.into(), -16).unwrap();
        a.load(Width::B8, X2.into(), X19.into(), -8).unwrap();
        a.store(Width::B8, X3.into(), X20.into(), -256).unwrap();
        a.store(Width::B8, X4.into(), X20.into(), -248).unwrap();
        a.store(Width::B4, X5.into(), X21.into(), -252).unwrap();
        a.store(Width::B4, X6.into(), X21.into(), -256).unwrap();
        a.store(Width::B16, V1.into(), X19.into(), -256).unwrap();
        a.store(Width::B16, V2.into(), X19.into(), -240).unwrap();
        // One unscaled and one scaled access across zero.
        a.store(Width::B8, X7.into(), X20.into(), -8).unwrap();
        a.store(Width::B8, X8.into(), X20.into(), 0).unwrap();
        a.load(Width::B4, V3.into(), X21.into(), -4).unwrap();
        a.load(Width::B4, V4.into(), X21.into(), -8).unwrap();
    });
    let fused = assert_fusion_preserves_behaviour(&insts);
    assert_eq!(
        text_of(&fused),
        [
            "ldp x1, x2, [x19, #-0x10]",
            "stp x3, x4, [x20, #-0x100]",
            "stp w6, w5, [x21, #-0x100]",
            "stp q1, q2, [x19, #-0x100]",
            "stp x7, x8, [x20, #-0x8]",
            "ldp s4, s3, [x21, #-0x8]",
        ]
    );
}

#[test]
fn regression_unaligned_unscaled_accesses_are_not_paired() {
    // LuaJIT 2023: two unscaled accesses at -12 and -4 were fused although -12 is not a multiple
    // of 8, so the pair addressed -16/-8 (or -8/0).
    for (width, low) in [
        (Width::B8, -12i64),
        (Width::B8, 1),
        (Width::B8, 255 - 8),
        (Width::B4, -6),
        (Width::B4, 3),
    ] {
        let size = i64::from(width.bytes());
        let insts = sequence(|a| {
            a.store(width, X0.into(), X19.into(), low).unwrap();
            a.store(width, X1.into(), X19.into(), low + size).unwrap();
            a.load(width, X2.into(), X20.into(), low).unwrap();
            a.load(width, X3.into(), X20.into(), low + size).unwrap();
        });
        assert_eq!(
            fuse(&insts[0], &insts[1]),
            Err(Refusal::Misaligned),
            "{width:?} at {low}"
        );
        assert_eq!(
            fuse(&insts[2], &insts[3]),
            Err(Refusal::Misaligned),
            "{width:?} at {low}"
        );
        let fused = assert_fusion_preserves_behaviour(&insts);
        assert_eq!(fused, insts);
    }
    // Aligned unscaled neighbours do pair (both below zero, so both were STUR).
    let insts = sequence(|a| {
        a.store(Width::B8, X0.into(), X19.into(), -24).unwrap();
        a.store(Width::B8, X1.into(), X19.into(), -16).unwrap();
    });
    assert_eq!(
        text_of(&assert_fusion_preserves_behaviour(&insts)),
        ["stp x0, x1, [x19, #-0x18]"]
    );
}

#[test]
fn regression_no_fusion_across_a_branch_target() {
    // LuaJIT 2023: an access at a branch target was fused with the one before it, so the pair
    // began before the target and a branch to the target missed the second access entirely (or,
    // for loads, clobbered a register the other path relied on). Here x5 == 0 jumps straight to
    // the second load; x1 must keep its initial value then and x2 must still be loaded.
    let mut a = Assembler::new();
    let target = a.new_label();
    a.push(Inst::BranchZero(X5, target));
    a.load(Width::B8, X1.into(), X19.into(), 0).unwrap();
    a.bind(target);
    a.load(Width::B8, X2.into(), X19.into(), 8).unwrap();
    let insts = a.insts().to_vec();
    let fused = fuse_pairs(&insts);
    assert!(fused.fusions.is_empty());
    assert_eq!(fused.insts, insts);
    for x5 in [0u64, 1] {
        let mut initial = State::seeded(x5 + 7);
        initial.registers.x[5] = x5;
        let mut executor = executor();
        let state = run(executor.as_mut(), &program(&fused.insts), &initial);
        let memory_word = |offset: usize| {
            u64::from_le_bytes(initial.memory[offset..offset + 8].try_into().unwrap())
        };
        let base = BASE_POSITIONS[0];
        let expected_x1 = if x5 == 0 {
            initial.registers.x[1]
        } else {
            memory_word(base)
        };
        assert_eq!(state.registers.x[1], expected_x1, "x5 = {x5}");
        assert_eq!(state.registers.x[2], memory_word(base + 8));
    }
}

#[test]
fn fuser_refuses_to_fuse_across_a_label() {
    for load in [true, false] {
        let mut a = Assembler::new();
        let label = a.new_label();
        let access = |a: &mut Assembler, data: Data, offset| {
            if load {
                a.load(Width::B8, data, X19.into(), offset).unwrap()
            } else {
                a.store(Width::B8, data, X19.into(), offset).unwrap()
            }
        };
        access(&mut a, X1.into(), 16);
        a.bind(label);
        access(&mut a, X2.into(), 24);
        let fused = fuse_pairs(a.insts());
        assert!(
            fused.fusions.is_empty(),
            "fused across a label: {:?}",
            fused.insts
        );
        // Without the label the same two accesses fuse.
        let without: Vec<Inst> = a
            .insts()
            .iter()
            .copied()
            .filter(|i| !matches!(i, Inst::Bind(_)))
            .collect();
        assert_eq!(fuse_pairs(&without).fusions.len(), 1);
    }
}

#[test]
fn fuser_refusals_on_decoded_operands() {
    let one = |build: &dyn Fn(&mut Assembler)| {
        let mut a = Assembler::new();
        build(&mut a);
        let insts = a.insts().to_vec();
        assert_eq!(insts.len(), 2, "{insts:?}");
        fuse(&insts[0], &insts[1])
    };
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X1.into(), X19.into(), 0).unwrap();
            a.store(Width::B8, X2.into(), X19.into(), 8).unwrap();
        }),
        Err(Refusal::DirectionDiffers)
    );
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X1.into(), X19.into(), 0).unwrap();
            a.load(Width::B4, X2.into(), X19.into(), 8).unwrap();
        }),
        Err(Refusal::WidthDiffers)
    );
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X1.into(), X19.into(), 0).unwrap();
            a.load(Width::B8, V2.into(), X19.into(), 8).unwrap();
        }),
        Err(Refusal::ClassDiffers)
    );
    assert_eq!(
        one(&|a| {
            a.store(Width::B2, X1.into(), X19.into(), 0).unwrap();
            a.store(Width::B2, X2.into(), X19.into(), 2).unwrap();
        }),
        Err(Refusal::NoPairForm)
    );
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X1.into(), X19.into(), 0).unwrap();
            a.load(Width::B8, X2.into(), X20.into(), 8).unwrap();
        }),
        Err(Refusal::BaseDiffers)
    );
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X1.into(), X19.into(), 0).unwrap();
            a.load(Width::B8, X1.into(), X19.into(), 8).unwrap();
        }),
        Err(Refusal::SameDestination)
    );
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X19.into(), X19.into(), 0).unwrap();
            a.load(Width::B8, X2.into(), X19.into(), 8).unwrap();
        }),
        Err(Refusal::LoadWritesBase)
    );
    assert_eq!(
        one(&|a| {
            a.load(Width::B8, X2.into(), X19.into(), 0).unwrap();
            a.load(Width::B8, X19.into(), X19.into(), 8).unwrap();
        }),
        Err(Refusal::LoadWritesBase)
    );
    assert_eq!(
        one(&|a| {
            a.store(Width::B8, X1.into(), X19.into(), 512).unwrap();
            a.store(Width::B8, X2.into(), X19.into(), 520).unwrap();
        }),
        Err(Refusal::OutOfPairRange)
    );
    // Register-offset accesses never fuse (the offset is not known).
    let mut a = Assembler::new();
    a.store(Width::B8, X1.into(), X19.into(), 40_000).unwrap();
    a.store(Width::B8, X2.into(), X19.into(), 40_008).unwrap();
    let insts = a.insts();
    assert_eq!(fuse(&insts[1], &insts[3]), Err(Refusal::RegisterOffset));
    // Stores of the same register and of the zero register are fine.
    assert!(one(&|a| {
        a.store(Width::B8, X1.into(), X19.into(), 0).unwrap();
        a.store(Width::B8, X1.into(), X19.into(), 8).unwrap();
    })
    .is_ok());
    assert!(one(&|a| {
        a.store(Width::B4, Data::Zr, Base::Sp, 4).unwrap();
        a.store(Width::B4, Data::Zr, Base::Sp, 0).unwrap();
    })
    .is_ok());
}
