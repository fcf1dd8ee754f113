//! Properties of the encoder over the whole range of every typed operand: any value the typed
//! constructors accept encodes without panicking, and the disassembler reads back exactly the
//! registers, base and signed offset that were meant. Plus the builder's error paths.

use jit_aarch64::disasm;
use jit_aarch64::emit::encode_one;
use jit_aarch64::imm::{PairOffset, SImm9, ScaledOffset};
use jit_aarch64::inst::{Addressing, Cond, Inst, MemOp, PairOp, Width};
use jit_aarch64::reg::{Base, Data, Fp, Gp, X17, X3};
use jit_aarch64::{Assembler, Error, Fusing};
use proptest::prelude::*;

fn width() -> impl Strategy<Value = Width> {
    prop::sample::select(Width::ALL.to_vec())
}

fn gp_data() -> impl Strategy<Value = Data> {
    prop_oneof![
        30 => (0u8..=30).prop_map(|n| Data::Gp(Gp::new(n).unwrap())),
        1 => Just(Data::Zr),
    ]
}

fn fp_data() -> impl Strategy<Value = Data> {
    (0u8..=31).prop_map(|n| Data::Fp(Fp::new(n).unwrap()))
}

/// A width and a register that have a single load/store form.
fn single_operands() -> impl Strategy<Value = (Width, Data)> {
    prop_oneof![
        (
            prop::sample::select(vec![Width::B1, Width::B2, Width::B4, Width::B8]),
            gp_data()
        ),
        (width(), fp_data()),
    ]
}

/// Width and two registers of one class that have a pair form.
fn pair_operands() -> impl Strategy<Value = (Width, Data, Data)> {
    prop_oneof![
        (
            prop::sample::select(vec![Width::B4, Width::B8]),
            gp_data(),
            gp_data()
        ),
        (
            prop::sample::select(vec![Width::B4, Width::B8, Width::B16]),
            fp_data(),
            fp_data()
        ),
    ]
}

fn base() -> impl Strategy<Value = Base> {
    prop_oneof![
        (0u8..=30).prop_map(|n| Base::Gp(Gp::new(n).unwrap())),
        Just(Base::Sp)
    ]
}

fn immediate_addressing() -> impl Strategy<Value = Addressing> {
    prop_oneof![
        (0u16..=4095).prop_map(|i| Addressing::Scaled(ScaledOffset::new(i).unwrap())),
        (-256i64..=255).prop_map(|b| Addressing::Unscaled(SImm9::new(b).unwrap())),
    ]
}

fn expected_register(data: Data) -> (bool, u16) {
    (data.is_fp(), u16::from(data.field()))
}

proptest! {
    #[test]
    fn single_accesses_decode_to_their_operands(
        load in any::<bool>(), (width, data) in single_operands(), base in base(), addressing in immediate_addressing()
    ) {
        let op = MemOp::new(width, data, base, addressing).unwrap();
        let inst = if load { Inst::Load(op) } else { Inst::Store(op) };
        let word = encode_one(&inst).unwrap();
        let access = disasm::memory_access(word)
            .ok_or_else(|| TestCaseError::fail(format!("{inst:?} -> `{}`", disasm::text(word))))?;
        prop_assert_eq!(access.load, load);
        prop_assert_eq!(access.base, u16::from(base.field()));
        prop_assert_eq!(Some(access.offset), op.byte_offset());
        prop_assert_eq!(access.size, width.bytes());
        prop_assert_eq!(access.registers, vec![expected_register(data)]);
    }

    #[test]
    fn pairs_decode_to_their_operands(
        load in any::<bool>(), (width, first, second) in pair_operands(), base in base(), index in -64i8..=63
    ) {
        let op = PairOp::new(width, first, second, base, PairOffset::new(index).unwrap()).unwrap();
        let inst = if load { Inst::LoadPair(op) } else { Inst::StorePair(op) };
        let word = encode_one(&inst).unwrap();
        let access = disasm::memory_access(word)
            .ok_or_else(|| TestCaseError::fail(format!("{inst:?} -> `{}`", disasm::text(word))))?;
        prop_assert_eq!(access.load, load);
        prop_assert_eq!(access.base, u16::from(base.field()));
        prop_assert_eq!(access.offset, i64::from(index) * i64::from(width.bytes()));
        prop_assert_eq!(access.size, width.bytes());
        prop_assert_eq!(access.registers, vec![expected_register(first), expected_register(second)]);
    }

    #[test]
    fn builder_offsets_of_any_size_address_what_was_asked(width in width(), offset in -70_000i64..70_000) {
        let mut a = Assembler::new();
        let data = Data::Fp(Fp::new(1).unwrap());
        a.store(width, data, X3.into(), offset).unwrap();
        match a.insts() {
            [Inst::Store(op)] => prop_assert_eq!(op.byte_offset(), Some(offset)),
            [.., Inst::Store(op)] => {
                // Out of immediate range: x17 holds the offset, built by the instructions before.
                prop_assert_eq!(op.addressing(), Addressing::Index(X17));
                prop_assert!(ScaledOffset::from_bytes(offset, width.bytes()).is_none() && SImm9::new(offset).is_none());
            }
            other => prop_assert!(false, "unexpected {other:?}"),
        }
    }
}

#[test]
fn builder_reports_impossible_operations() {
    let mut a = Assembler::new();
    let error = a.load(Width::B16, Data::Gp(X3), X3.into(), 0).unwrap_err();
    assert!(matches!(error, Error::NoEncoding(_)), "{error}");
    let error = a
        .store(Width::B16, Data::Zr, X3.into(), 1 << 20)
        .unwrap_err();
    assert!(matches!(error, Error::NoEncoding(_)), "{error}");
    let error = a
        .store(Width::B8, Data::Gp(X17), X3.into(), 1 << 20)
        .unwrap_err();
    assert!(matches!(error, Error::ScratchInUse { .. }), "{error}");
    let error = a
        .load(Width::B8, Data::Gp(X3), X17.into(), -1000)
        .unwrap_err();
    assert!(matches!(error, Error::ScratchInUse { .. }), "{error}");
    let error = a
        .load_pair(Width::B8, Data::Gp(X3), Data::Gp(X3), X3.into(), 4)
        .unwrap_err();
    assert!(matches!(error, Error::NoEncoding(_)), "{error}");
    let error = a
        .load_pair(Width::B2, Data::Gp(X3), Data::Gp(X3), X3.into(), 4)
        .unwrap_err();
    assert!(matches!(error, Error::NoEncoding(_)), "{error}");
    let error = a.add_imm(Base::Sp, Base::Sp, 1 << 30).unwrap_err();
    assert!(matches!(error, Error::NoEncoding(_)), "{error}");
    let error = a.add_imm(X3.into(), X17.into(), 1 << 30).unwrap_err();
    assert!(matches!(error, Error::ScratchInUse { .. }), "{error}");
    assert!(
        a.insts().is_empty(),
        "failed operations must not leave instructions behind"
    );
}

#[test]
fn labels_must_be_bound_once() {
    let mut a = Assembler::new();
    let label = a.new_label();
    a.push(Inst::Branch(label));
    let error = a.clone().finish(Fusing::Off).unwrap_err();
    assert!(matches!(error, Error::UnboundLabel { .. }), "{error}");
    a.bind(label);
    a.bind(label);
    let error = a.finish(Fusing::Off).unwrap_err();
    assert!(matches!(error, Error::LabelBoundTwice(_)), "{error}");
    let mut other = Assembler::new();
    other.push(Inst::Branch(label));
    assert!(matches!(
        other.finish(Fusing::Off),
        Err(Error::UnknownLabel(_))
    ));
}

#[test]
fn branch_out_of_range_is_an_error_not_a_panic() {
    // b.cond reaches ±1 MiB; put 1 MiB of code between it and its target.
    let mut a = Assembler::new();
    let far = a.new_label();
    a.push(Inst::BranchCond(Cond::Eq, far));
    a.extend(std::iter::repeat(Inst::Nop).take((1 << 20) / 4));
    a.bind(far);
    a.push(Inst::Ret);
    let error = a.finish(Fusing::Off).unwrap_err();
    assert!(matches!(error, Error::Relocation(_)), "{error}");
}
