//! Property: fusing loads/stores into pairs never changes what a sequence does.
//!
//! Random sequences of loads and stores (every size, three bases, offsets over the whole signed
//! range with extra weight on -256..-1, 255..512, unaligned offsets and the pair-range edges, and
//! runs of neighbouring accesses so that fusion has something to do) are assembled with and
//! without fusion, executed from the same registers and memory, and must end in the same state.
//! Every pair the fuser made is decoded by the disassembler and must address exactly the two
//! original locations with the original registers.
// Needs an executor: native on aarch64, emulated elsewhere.
#![cfg(any(feature = "emulator", target_arch = "aarch64"))]

mod support;

use std::cell::{Cell, RefCell};

use jit_aarch64::fuse::fuse_pairs;
use jit_aarch64::inst::{Inst, Width};
use jit_aarch64::reg::{Base, Data, Fp, Gp};
use jit_aarch64::Assembler;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestCaseError, TestRunner};

use support::*;

#[derive(Clone, Copy, Debug)]
struct Access {
    /// A label is bound just before this access (nothing branches to it; it must still block
    /// fusion with the access before).
    label_before: bool,
    load: bool,
    width: Width,
    fp: bool,
    register: u8,
    base: usize,
    offset: i64,
}

/// How an access relates to the one before it.
#[derive(Clone, Copy, Debug)]
enum Link {
    Independent,
    /// Same direction, base, width and class; offset one element above.
    Above,
    /// Same, one element below.
    Below,
    /// Same, but offset shifted by a small amount (near-miss for adjacency).
    Near(i64),
}

fn width() -> impl Strategy<Value = Width> {
    prop_oneof![1 => Just(Width::B1), 1 => Just(Width::B2), 3 => Just(Width::B4), 4 => Just(Width::B8), 2 => Just(Width::B16)]
}

fn offset() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => -512i64..=512,
        2 => -256i64..=-1,
        2 => 255i64..=512,
        2 => (-130i64..=130).prop_map(|i| i * 8),
        1 => (-70i64..=70).prop_map(|i| i * 16),
        1 => prop::sample::select(vec![-520i64, -516, -512, -508, -264, -260, -257, -256, -252, -16, -12, -8, -4, 0, 248, 252, 255, 256, 496, 500, 504, 508, 512, 516, 1020, 1024]),
        1 => -33_000i64..=33_000,
    ]
}

fn access() -> impl Strategy<Value = Access> {
    (
        prop::bool::weighted(0.1),
        any::<bool>(),
        width(),
        any::<bool>(),
        0u8..16,
        0usize..3,
        offset(),
        any::<bool>(),
    )
        .prop_map(
            |(label_before, load, width, fp, register, base, offset, align)| {
                // Half the offsets are rounded to the access size, so that pairs are possible.
                let size = i64::from(width.bytes());
                let offset = if align {
                    offset - offset.rem_euclid(size)
                } else {
                    offset
                };
                let fp = fp || width == Width::B16;
                let register = if fp {
                    register % FP_DATA as u8
                } else {
                    register
                };
                Access {
                    label_before,
                    load,
                    width,
                    fp,
                    register,
                    base,
                    offset,
                }
            },
        )
}

fn link() -> impl Strategy<Value = Link> {
    prop_oneof![2 => Just(Link::Independent), 4 => Just(Link::Above), 2 => Just(Link::Below), 1 => (-3i64..=3).prop_map(Link::Near)]
}

fn sequence() -> impl Strategy<Value = Vec<Access>> {
    prop::collection::vec((access(), link()), 1..24).prop_map(|items| {
        let mut out: Vec<Access> = Vec::with_capacity(items.len());
        for (fresh, link) in items {
            let access = match (out.last(), link) {
                (Some(previous), Link::Above | Link::Below | Link::Near(_)) => {
                    let size = i64::from(previous.width.bytes());
                    let delta = match link {
                        Link::Above => size,
                        Link::Below => -size,
                        Link::Near(d) => size + d,
                        Link::Independent => 0,
                    };
                    let register = if previous.fp {
                        fresh.register % FP_DATA as u8
                    } else {
                        fresh.register
                    };
                    let offset = (previous.offset + delta).clamp(-33_000, 33_000);
                    Access {
                        offset,
                        register,
                        label_before: fresh.label_before,
                        ..*previous
                    }
                }
                _ => fresh,
            };
            out.push(access);
        }
        out
    })
}

fn assemble(accesses: &[Access]) -> Vec<Inst> {
    let mut a = Assembler::new();
    for access in accesses {
        if access.label_before {
            let label = a.new_label();
            a.bind(label);
        }
        let data = if access.fp {
            Data::Fp(Fp::new(access.register).unwrap())
        } else {
            Data::Gp(Gp::new(access.register).unwrap())
        };
        let base = Base::Gp(BASES[access.base]);
        if access.load {
            a.load(access.width, data, base, access.offset).unwrap();
        } else {
            a.store(access.width, data, base, access.offset).unwrap();
        }
    }
    a.insts().to_vec()
}

#[test]
fn fused_and_unfused_sequences_leave_identical_state() {
    let executor = RefCell::new(executor());
    let fusions_seen = Cell::new(0usize);
    let cases_with_fusion = Cell::new(0usize);
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    let cases = runner.config().cases;
    let outcome = runner.run(&(sequence(), any::<u64>()), |(accesses, seed)| {
        let unfused_insts = assemble(&accesses);
        let fused = fuse_pairs(&unfused_insts);
        let unfused = program(&unfused_insts);
        let with_pairs = program(&fused.insts);
        let initial = State::seeded(seed);
        let mut executor = executor.borrow_mut();
        let expected = run(executor.as_mut(), &unfused, &initial);
        let actual = run(executor.as_mut(), &with_pairs, &initial);
        prop_assert_eq!(&actual.registers, &expected.registers, "registers differ");
        if actual.memory != expected.memory {
            let first = actual
                .memory
                .iter()
                .zip(&expected.memory)
                .position(|(a, b)| a != b)
                .unwrap_or(0);
            return Err(TestCaseError::fail(format!(
                "memory differs first at data offset {first}"
            )));
        }
        for fusion in &fused.fusions {
            let pair_of_accesses = [fusion.first, fusion.second]
                .map(|i| matches!(unfused_insts[i], Inst::Load(_) | Inst::Store(_)));
            prop_assert!(fusion.second == fusion.first + 1 && pair_of_accesses == [true, true]);
            let pair = word(&with_pairs, with_pairs.sequence_start + fusion.output);
            let first = word(&unfused, unfused.sequence_start + fusion.first);
            let second = word(&unfused, unfused.sequence_start + fusion.second);
            check_pair_covers(pair, first, second).map_err(TestCaseError::fail)?;
        }
        fusions_seen.set(fusions_seen.get() + fused.fusions.len());
        cases_with_fusion.set(cases_with_fusion.get() + usize::from(!fused.fusions.is_empty()));
        Ok(())
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
    eprintln!(
        "{cases} cases, {} with at least one pair, {} pairs fused",
        cases_with_fusion.get(),
        fusions_seen.get()
    );
    assert!(
        cases_with_fusion.get() * 4 >= cases as usize,
        "the generator must give the fuser work in at least a quarter of the cases (about half is typical)"
    );
}
