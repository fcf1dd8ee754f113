//! Executor behaviour through the `Executor` trait: arithmetic, loops, helper calls, host memory
//! and patching. These run on whichever executor the host gets (emulated on x86-64, native on
//! aarch64).
// Needs an executor: native on aarch64, emulated elsewhere.
#![cfg(any(feature = "emulator", target_arch = "aarch64"))]

use std::time::Instant;

use jit_aarch64::executor::host_executor;
use jit_aarch64::imm::{Imm12, MoveWide};
use jit_aarch64::inst::{
    BitIndex, Cond, FloatOp, FloatUnaryOp, ImmOp, Inst, IntOp, LiteralDst, MoveOp,
};
use jit_aarch64::reg::*;
use jit_aarch64::{emit, Assembler, Executor, Fusing, Helper, Width};

fn run(executor: &mut dyn Executor, assembler: Assembler, args: &[u64]) -> u64 {
    let code = assembler.finish(Fusing::Pairs).unwrap();
    let id = executor.install(code.bytes()).unwrap();
    // SAFETY: the test programs follow the C ABI and touch only memory passed to them.
    let result = unsafe { executor.call(id, 0, args) }.unwrap();
    executor.remove(id).unwrap();
    result
}

/// `stp x29, x30, [sp, #-16]!` spelled without writeback: sub sp; stp.
fn push_frame(a: &mut Assembler) {
    a.add_imm(Base::Sp, Base::Sp, -16).unwrap();
    a.store_pair(Width::B8, X29.into(), X30.into(), Base::Sp, 0)
        .unwrap();
}

fn pop_frame_and_return(a: &mut Assembler) {
    a.load_pair(Width::B8, X29.into(), X30.into(), Base::Sp, 0)
        .unwrap();
    a.add_imm(Base::Sp, Base::Sp, 16).unwrap();
    a.push(Inst::Ret);
}

#[test]
fn integer_arithmetic() {
    let mut executor = host_executor().unwrap();
    // ((x0 + x1) * x2 - x3) / x4, then xor with a 64-bit constant and shift.
    let mut a = Assembler::new();
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X5,
        lhs: X0,
        rhs: X1,
    });
    a.push(Inst::Int {
        op: IntOp::Mul,
        dst: X5,
        lhs: X5,
        rhs: X2,
    });
    a.push(Inst::Int {
        op: IntOp::Sub,
        dst: X5,
        lhs: X5,
        rhs: X3,
    });
    a.push(Inst::Int {
        op: IntOp::Sdiv,
        dst: X5,
        lhs: X5,
        rhs: X4,
    });
    a.mov_imm(X6, 0x0123_4567_89ab_cdef);
    a.push(Inst::Int {
        op: IntOp::Eor,
        dst: X0,
        lhs: X5,
        rhs: X6,
    });
    a.add_imm(X0.into(), X0.into(), -0x1234_5678).unwrap();
    a.push(Inst::Ret);
    let (x0, x1, x2, x3, x4) = (7i64, -3, 1000, 17, -6);
    let expected = ((((x0 + x1) * x2 - x3) / x4) ^ 0x0123_4567_89ab_cdef).wrapping_sub(0x1234_5678);
    let args = [x0, x1, x2, x3, x4].map(|v| v as u64);
    assert_eq!(run(executor.as_mut(), a, &args) as i64, expected);
}

#[test]
fn immediates_of_every_shape() {
    let mut executor = host_executor().unwrap();
    for value in [
        0u64,
        1,
        0xffff,
        0x1_0000,
        0xffff_ffff_ffff_ffff,
        0xffff_ffff_ffff_0000,
        0x8000_0000_0000_0001,
        0xdead_beef_0000_cafe,
    ] {
        let mut a = Assembler::new();
        a.mov_imm(X0, value);
        a.push(Inst::Ret);
        assert_eq!(run(executor.as_mut(), a, &[]), value, "{value:#x}");
        let mut a = Assembler::new();
        a.load_literal(LiteralDst::Gp(X0), value);
        a.push(Inst::Ret);
        assert_eq!(run(executor.as_mut(), a, &[]), value, "literal {value:#x}");
    }
}

#[test]
fn flags_select_and_compare_branches() {
    let mut executor = host_executor().unwrap();
    // max(x0, x1) signed via csel, plus 100 if x0 == x1 via cset; lt/ge through branches.
    let mut a = Assembler::new();
    let less = a.new_label();
    let done = a.new_label();
    a.push(Inst::Cmp { lhs: X0, rhs: X1 });
    a.push(Inst::Csel {
        dst: X2,
        lhs: X0,
        rhs: X1,
        cond: Cond::Gt,
    });
    a.push(Inst::Cset {
        dst: X3,
        cond: Cond::Eq,
    });
    a.push(Inst::BranchCond(Cond::Lt, less));
    a.mov_imm(X4, 1000);
    a.push(Inst::Branch(done));
    a.bind(less);
    a.mov_imm(X4, 2000);
    a.bind(done);
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X0,
        lhs: X2,
        rhs: X4,
    });
    a.mov_imm(X5, 100);
    a.push(Inst::Int {
        op: IntOp::Mul,
        dst: X3,
        lhs: X3,
        rhs: X5,
    });
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X0,
        lhs: X0,
        rhs: X3,
    });
    a.push(Inst::Ret);
    let code = a.finish(Fusing::Pairs).unwrap();
    let id = executor.install(code.bytes()).unwrap();
    for (x, y, expected) in [
        (5i64, 3i64, 1005i64),
        (-5, 3, 2003),
        (4, 4, 1104),
        (-1, -2, 999),
    ] {
        // SAFETY: register-only code.
        let result = unsafe { executor.call(id, 0, &[x as u64, y as u64]) }.unwrap();
        assert_eq!(result as i64, expected, "({x}, {y})");
    }
}

#[test]
fn floating_point_arithmetic() {
    let mut executor = host_executor().unwrap();
    // sqrt(a*a + b*b) / c, converted to integer after scaling by 1000.
    let mut a = Assembler::new();
    a.push(Inst::BitsToFloat { dst: V0, src: X0 });
    a.push(Inst::BitsToFloat { dst: V1, src: X1 });
    a.push(Inst::IntToFloat { dst: V2, src: X2 });
    a.push(Inst::Float {
        op: FloatOp::Mul,
        dst: V0,
        lhs: V0,
        rhs: V0,
    });
    a.push(Inst::Float {
        op: FloatOp::Mul,
        dst: V1,
        lhs: V1,
        rhs: V1,
    });
    a.push(Inst::Float {
        op: FloatOp::Add,
        dst: V0,
        lhs: V0,
        rhs: V1,
    });
    a.push(Inst::FloatUnary {
        op: jit_aarch64::inst::FloatUnaryOp::Sqrt,
        dst: V0,
        src: V0,
    });
    a.push(Inst::Float {
        op: FloatOp::Div,
        dst: V0,
        lhs: V0,
        rhs: V2,
    });
    a.load_literal(LiteralDst::Fp(V3), 1000.0f64.to_bits());
    a.push(Inst::Float {
        op: FloatOp::Mul,
        dst: V0,
        lhs: V0,
        rhs: V3,
    });
    a.push(Inst::FloatToInt { dst: X0, src: V0 });
    a.push(Inst::Ret);
    let result = run(
        executor.as_mut(),
        a,
        &[3.0f64.to_bits(), 4.0f64.to_bits(), (-2i64) as u64],
    );
    assert_eq!(result as i64, -2500);
}

#[test]
fn ten_million_iteration_loop() {
    let mut executor = host_executor().unwrap();
    // x0 = iterations; sum of i for i in 1..=n, computed by a counting loop.
    let mut a = Assembler::new();
    let top = a.new_label();
    let done = a.new_label();
    a.mov_imm(X1, 0);
    a.push(Inst::BranchZero(X0, done));
    a.bind(top);
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X1,
        lhs: X1,
        rhs: X0,
    });
    a.push(Inst::IntImm {
        op: ImmOp::Sub,
        dst: X0.into(),
        src: X0.into(),
        imm: Imm12::new(1).unwrap(),
    });
    a.push(Inst::BranchNonZero(X0, top));
    a.bind(done);
    a.push(Inst::Mov { dst: X0, src: X1 });
    a.push(Inst::Ret);
    let n: u64 = 10_000_000;
    let code = a.finish(Fusing::Pairs).unwrap();
    let id = executor.install(code.bytes()).unwrap();
    let start = Instant::now();
    // SAFETY: register-only code.
    let result = unsafe { executor.call(id, 0, &[n]) }.unwrap();
    let elapsed = start.elapsed();
    assert_eq!(result, n * (n + 1) / 2);
    let instructions = 3.0 * n as f64;
    eprintln!(
        "{} executor: {n} iterations ({instructions:.0} instructions) in {elapsed:?}, {:.0} M instructions/s",
        executor.name(),
        instructions / elapsed.as_secs_f64() / 1e6
    );
}

extern "C" fn weigh_eight(a: u64, b: u64, c: u64, d: u64, e: u64, f: u64, g: u64, h: u64) -> u64 {
    [a, b, c, d, e, f, g, h]
        .iter()
        .enumerate()
        .map(|(i, v)| v.wrapping_mul(1 << (8 * i)))
        .fold(0, u64::wrapping_add)
}

extern "C" fn hypotenuse(a: f64, b: f64) -> f64 {
    a.hypot(b)
}

extern "C" fn add_one(a: u64) -> u64 {
    a + 1
}

#[test]
fn helper_calls_with_eight_arguments() {
    let mut executor = host_executor().unwrap();
    let weigh = executor.helper_address(Helper::Int8(weigh_eight)).unwrap();
    let hypot = executor.helper_address(Helper::Float2(hypotenuse)).unwrap();
    let increment = executor.helper_address(Helper::Int1(add_one)).unwrap();
    let mut a = Assembler::new();
    push_frame(&mut a);
    // Pass the entry's arguments on, reversed, so each register is really read.
    for (dst, src) in [
        (X9, X0),
        (X10, X1),
        (X11, X2),
        (X12, X3),
        (X13, X4),
        (X14, X5),
        (X15, X6),
        (X8, X7),
    ] {
        a.push(Inst::Mov { dst, src });
    }
    for (dst, src) in [
        (X0, X8),
        (X1, X15),
        (X2, X14),
        (X3, X13),
        (X4, X12),
        (X5, X11),
        (X6, X10),
        (X7, X9),
    ] {
        a.push(Inst::Mov { dst, src });
    }
    a.call(weigh);
    a.call(increment);
    // Keep the result in a callee-saved register across the float call.
    a.add_imm(Base::Sp, Base::Sp, -16).unwrap();
    a.store(Width::B8, X19.into(), Base::Sp, 0).unwrap();
    a.push(Inst::Mov { dst: X19, src: X0 });
    a.load_literal(LiteralDst::Fp(V0), 5.0f64.to_bits());
    a.load_literal(LiteralDst::Fp(V1), 12.0f64.to_bits());
    a.call(hypot);
    a.push(Inst::FloatToInt { dst: X1, src: V0 });
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X0,
        lhs: X19,
        rhs: X1,
    });
    a.load(Width::B8, X19.into(), Base::Sp, 0).unwrap();
    a.add_imm(Base::Sp, Base::Sp, 16).unwrap();
    pop_frame_and_return(&mut a);
    let args = [1u64, 2, 3, 4, 5, 6, 7, 8];
    let reversed = [8u64, 7, 6, 5, 4, 3, 2, 1];
    let expected = weigh_eight(
        reversed[0],
        reversed[1],
        reversed[2],
        reversed[3],
        reversed[4],
        reversed[5],
        reversed[6],
        reversed[7],
    ) + 1
        + 13;
    assert_eq!(run(executor.as_mut(), a, &args), expected);
}

#[test]
fn many_helper_calls_in_a_loop() {
    let mut executor = host_executor().unwrap();
    let increment = executor.helper_address(Helper::Int1(add_one)).unwrap();
    let mut a = Assembler::new();
    push_frame(&mut a);
    a.add_imm(Base::Sp, Base::Sp, -16).unwrap();
    a.store(Width::B8, X19.into(), Base::Sp, 0).unwrap();
    a.push(Inst::Mov { dst: X19, src: X0 });
    a.mov_imm(X0, 0);
    let top = a.new_label();
    a.bind(top);
    a.call(increment);
    a.push(Inst::IntImm {
        op: ImmOp::Sub,
        dst: X19.into(),
        src: X19.into(),
        imm: Imm12::new(1).unwrap(),
    });
    a.push(Inst::BranchNonZero(X19, top));
    a.load(Width::B8, X19.into(), Base::Sp, 0).unwrap();
    a.add_imm(Base::Sp, Base::Sp, 16).unwrap();
    pop_frame_and_return(&mut a);
    let calls = 10_000;
    let start = Instant::now();
    assert_eq!(run(executor.as_mut(), a, &[calls]), calls);
    let per_call = start.elapsed() / calls as u32;
    eprintln!(
        "{} executor: {calls} helper calls, {per_call:?} per call",
        executor.name()
    );
}

#[test]
fn reads_and_writes_host_memory_at_the_same_addresses() {
    let mut executor = host_executor().unwrap();
    // Sum a host array of u64 into its last slot, spanning several pages.
    let mut data: Vec<u64> = (1..=3000).collect();
    let mut a = Assembler::new();
    let top = a.new_label();
    a.mov_imm(X2, 0);
    a.bind(top);
    a.load(Width::B8, X3.into(), X0.into(), 0).unwrap();
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X2,
        lhs: X2,
        rhs: X3,
    });
    a.add_imm(X0.into(), X0.into(), 8).unwrap();
    a.push(Inst::IntImm {
        op: ImmOp::Sub,
        dst: X1.into(),
        src: X1.into(),
        imm: Imm12::new(1).unwrap(),
    });
    a.push(Inst::BranchNonZero(X1, top));
    a.store(Width::B8, X2.into(), X0.into(), -8).unwrap();
    a.push(Inst::Mov { dst: X0, src: X2 });
    a.push(Inst::Ret);
    let pointer = data.as_mut_ptr() as u64;
    let sum = run(executor.as_mut(), a, &[pointer, data.len() as u64]);
    assert_eq!(sum, 3000 * 3001 / 2);
    assert_eq!(data[2999], sum);
}

#[test]
fn patched_code_runs_the_new_instructions() {
    let mut executor = host_executor().unwrap();
    let mut a = Assembler::new();
    a.mov_imm(X0, 1);
    a.push(Inst::Ret);
    let code = a.finish(Fusing::Off).unwrap();
    let id = executor.install(code.bytes()).unwrap();
    // SAFETY: register-only code.
    assert_eq!(unsafe { executor.call(id, 0, &[]) }.unwrap(), 1);
    let replacement = Inst::MoveWide {
        op: MoveOp::Movz,
        dst: X0,
        imm: MoveWide::new(2, 0).unwrap(),
    };
    executor
        .patch(id, 0, &emit::encode_one(&replacement).unwrap())
        .unwrap();
    // SAFETY: as above.
    let result = unsafe { executor.call(id, 0, &[]) }.unwrap();
    assert_eq!(result, 2, "stale translation after patch");
    // Patch a branch in: jump over the mov to a second exit.
    let mut a = Assembler::new();
    let second = a.new_label();
    a.push(Inst::Nop);
    a.mov_imm(X0, 10);
    a.push(Inst::Ret);
    a.bind(second);
    a.mov_imm(X0, 20);
    a.push(Inst::Ret);
    let code = a.finish(Fusing::Off).unwrap();
    let id = executor.install(code.bytes()).unwrap();
    // SAFETY: register-only code.
    assert_eq!(unsafe { executor.call(id, 0, &[]) }.unwrap(), 10);
    let mut jump = Assembler::new();
    let target = jump.new_label();
    jump.push(Inst::Branch(target));
    jump.extend([Inst::Nop, Inst::Nop]);
    jump.bind(target);
    let branch = jump.finish(Fusing::Off).unwrap();
    assert_eq!(code.label_offset(second), Some(12));
    executor.patch(id, 0, &branch.bytes()[..4]).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { executor.call(id, 0, &[]) }.unwrap(), 20);
    assert!(executor.patch(id, 18, &[0; 4]).is_err());
}

#[test]
fn call_checks_its_arguments() {
    let mut executor = host_executor().unwrap();
    let id = executor
        .install(&emit::encode_one(&Inst::Ret).unwrap())
        .unwrap();
    // SAFETY: `ret` only.
    unsafe {
        assert!(executor.call(id, 0, &[0; 9]).is_err());
        assert!(executor.call(id, 4, &[]).is_err());
        assert!(executor.call(id, 2, &[]).is_err());
    }
    executor.remove(id).unwrap();
    // SAFETY: the call is refused before running anything.
    assert!(unsafe { executor.call(id, 0, &[]) }.is_err());
    assert!(executor.install(&[]).is_err());
}

extern "C" fn allocate(bytes: u64) -> u64 {
    // Large enough for the allocator to create a fresh mapping during the call.
    let memory = vec![0u8; bytes as usize].into_boxed_slice();
    Box::leak(memory).as_mut_ptr() as u64
}

#[test]
fn writes_memory_a_helper_allocated_during_the_call() {
    let mut executor = host_executor().unwrap();
    let allocate = executor.helper_address(Helper::Int1(allocate)).unwrap();
    let mut data = vec![5u64; 4];
    let mut a = Assembler::new();
    a.add_imm(Base::Sp, Base::Sp, -32).unwrap();
    a.store_pair(Width::B8, X19.into(), X30.into(), Base::Sp, 0)
        .unwrap();
    a.store(Width::B8, X20.into(), Base::Sp, 16).unwrap();
    // Touch the caller's memory first, then allocate, then write the new memory's far end.
    a.push(Inst::Mov { dst: X19, src: X0 });
    a.load(Width::B8, X20.into(), X19.into(), 0).unwrap();
    a.mov_imm(X0, 8 << 20);
    a.call(allocate);
    a.mov_imm(X1, (8 << 20) - 8);
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X1,
        lhs: X0,
        rhs: X1,
    });
    a.store(Width::B8, X20.into(), X1.into(), 0).unwrap();
    a.store(Width::B8, X0.into(), X19.into(), 8).unwrap();
    a.load(Width::B8, X20.into(), Base::Sp, 16).unwrap();
    a.load_pair(Width::B8, X19.into(), X30.into(), Base::Sp, 0)
        .unwrap();
    a.add_imm(Base::Sp, Base::Sp, 32).unwrap();
    a.push(Inst::Ret);
    let last = run(executor.as_mut(), a, &[data.as_mut_ptr() as u64]);
    let new_memory = data[1];
    assert_eq!(last, new_memory);
    // SAFETY: `allocate` leaked 8 MiB at `new_memory`; the code wrote its last word.
    let written = unsafe { *((new_memory + (8 << 20) - 8) as *const u64) };
    assert_eq!(written, 5);
}

#[test]
fn any_immediate_and_any_addend_execute_exactly() {
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    let executor = std::cell::RefCell::new(host_executor().unwrap());
    let mut runner = TestRunner::new(Config {
        failure_persistence: None,
        ..Config::default()
    });
    use proptest::prelude::*;
    let addend = prop_oneof![
        any::<i64>(),
        -5000i64..5000,
        (-4096i64..4096).prop_map(|v| v << 12)
    ];
    let values = (any::<u64>(), addend, any::<u64>());
    let outcome = runner.run(&values, |(constant, addend, start)| {
        let mut a = Assembler::new();
        a.mov_imm(X2, constant);
        a.add_imm(X0.into(), X0.into(), addend)
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        a.push(Inst::Int {
            op: IntOp::Eor,
            dst: X0,
            lhs: X0,
            rhs: X2,
        });
        a.push(Inst::Ret);
        let result = run(executor.borrow_mut().as_mut(), a, &[start]);
        let expected = start.wrapping_add(addend as u64) ^ constant;
        if result == expected {
            Ok(())
        } else {
            Err(TestCaseError::fail(format!("{result:#x} != {expected:#x}")))
        }
    });
    if let Err(failure) = outcome {
        panic!("{failure}");
    }
}

/// Runs `body` (which reads x0/x1 and leaves its result in x0) as a function of two arguments.
fn run_two(executor: &mut dyn Executor, body: impl FnOnce(&mut Assembler), x: u64, y: u64) -> u64 {
    let mut a = Assembler::new();
    body(&mut a);
    a.push(Inst::Ret);
    run(executor, a, &[x, y])
}

#[test]
fn rounding_select_and_compare_with_zero() {
    let mut executor = host_executor().unwrap();
    for (op, f) in [
        (FloatUnaryOp::RoundDown, f64::floor as fn(f64) -> f64),
        (FloatUnaryOp::RoundUp, f64::ceil),
        (FloatUnaryOp::RoundTowardZero, f64::trunc),
    ] {
        for value in [2.5f64, -2.5, 7.0, -0.25, 1e300, -1e-300, f64::INFINITY] {
            let result = run_two(
                executor.as_mut(),
                |a| {
                    a.push(Inst::BitsToFloat { dst: V1, src: X0 });
                    a.push(Inst::FloatUnary {
                        op,
                        dst: V2,
                        src: V1,
                    });
                    a.push(Inst::FloatToBits { dst: X0, src: V2 });
                },
                value.to_bits(),
                0,
            );
            assert_eq!(
                f64::from_bits(result).to_bits(),
                f(value).to_bits(),
                "{op:?} {value}"
            );
        }
    }
    // x0 < 0.0 ? x0 : x1, and NaN compares unordered (lt is false).
    let select = |a: &mut Assembler| {
        a.push(Inst::BitsToFloat { dst: V0, src: X0 });
        a.push(Inst::BitsToFloat { dst: V1, src: X1 });
        a.push(Inst::FloatCmpZero { lhs: V0 });
        a.push(Inst::FloatSelect {
            dst: V2,
            lhs: V0,
            rhs: V1,
            cond: Cond::Mi,
        });
        a.push(Inst::FloatToBits { dst: X0, src: V2 });
    };
    for (x, y, expected) in [
        (-1.5f64, 9.0f64, -1.5f64),
        (0.0, 9.0, 9.0),
        (-0.0, 9.0, 9.0),
        (3.0, 9.0, 9.0),
        (f64::NAN, 9.0, 9.0),
    ] {
        let result = run_two(executor.as_mut(), select, x.to_bits(), y.to_bits());
        assert_eq!(f64::from_bits(result), expected, "select({x}, {y})");
    }
}

#[test]
fn thirty_two_bit_compares_moves_and_bit_tests() {
    let mut executor = host_executor().unwrap();
    // cset lt on the low 32 bits only: the upper halves must be ignored.
    let less32 = |a: &mut Assembler| {
        a.push(Inst::Cmp32 { lhs: X0, rhs: X1 });
        a.push(Inst::Cset {
            dst: X0,
            cond: Cond::Lt,
        });
    };
    for (x, y, expected) in [
        (0xffff_ffff_0000_0001u64, 0x0000_0000_0000_0002u64, 1u64),
        (0x0000_0000_0000_0002, 0xffff_ffff_0000_0001, 0),
        (0x0000_0001_ffff_ffff, 0, 1),
        (0, 0x1234_0000_0000_0000, 0),
    ] {
        assert_eq!(
            run_two(executor.as_mut(), less32, x, y),
            expected,
            "{x:#x} < {y:#x}"
        );
    }
    let equals_immediate = |a: &mut Assembler| {
        a.push(Inst::CmpImm32 {
            lhs: X0,
            imm: Imm12::new(0x5000).unwrap(),
        });
        a.push(Inst::Cset {
            dst: X0,
            cond: Cond::Eq,
        });
    };
    assert_eq!(
        run_two(executor.as_mut(), equals_immediate, 0x7_0000_5000, 0),
        1
    );
    assert_eq!(run_two(executor.as_mut(), equals_immediate, 0x5001, 0), 0);
    let mov32 = |a: &mut Assembler| a.push(Inst::Mov32 { dst: X0, src: X1 });
    assert_eq!(
        run_two(executor.as_mut(), mov32, 7, 0xdead_beef_cafe_f00d),
        0xcafe_f00d
    );
    // x0 = bit 0 of x0 ? 10 : 20, plus 1 if bit 63 of x1 is set and 2 if bit 40 is clear.
    let bits = |a: &mut Assembler| {
        let (odd, join, high_clear, join2, b40_set) = (
            a.new_label(),
            a.new_label(),
            a.new_label(),
            a.new_label(),
            a.new_label(),
        );
        a.push(Inst::TestBitNonZero(X0, BitIndex::new(0).unwrap(), odd));
        a.mov_imm(X2, 20);
        a.push(Inst::Branch(join));
        a.bind(odd);
        a.mov_imm(X2, 10);
        a.bind(join);
        a.push(Inst::TestBitZero(
            X1,
            BitIndex::new(63).unwrap(),
            high_clear,
        ));
        a.add_imm(X2.into(), X2.into(), 1).unwrap();
        a.bind(high_clear);
        a.push(Inst::TestBitNonZero(
            X1,
            BitIndex::new(40).unwrap(),
            b40_set,
        ));
        a.add_imm(X2.into(), X2.into(), 2).unwrap();
        a.push(Inst::Branch(join2));
        a.bind(b40_set);
        a.bind(join2);
        a.push(Inst::Mov { dst: X0, src: X2 });
    };
    for (x, y, expected) in [
        (1u64, 0u64, 12u64),
        (2, 0, 22),
        (3, 1 << 63, 13),
        (4, (1 << 63) | (1 << 40), 21),
        (5, 1 << 40, 10),
    ] {
        assert_eq!(
            run_two(executor.as_mut(), bits, x, y),
            expected,
            "({x:#x}, {y:#x})"
        );
    }
    assert!(BitIndex::new(64).is_none());
}

#[test]
fn repeated_calls_on_one_buffer_survive_forgetting_and_reallocation() {
    let mut executor = host_executor().unwrap();
    // x0[i] += 1 for i < x1; returns the sum of the new values.
    let mut a = Assembler::new();
    let top = a.new_label();
    a.mov_imm(X3, 0);
    a.bind(top);
    a.load(Width::B8, X4.into(), X0.into(), 0).unwrap();
    a.add_imm(X4.into(), X4.into(), 1).unwrap();
    a.store(Width::B8, X4.into(), X0.into(), 0).unwrap();
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X3,
        lhs: X3,
        rhs: X4,
    });
    a.add_imm(X0.into(), X0.into(), 8).unwrap();
    a.add_imm(X1.into(), X1.into(), -1).unwrap();
    a.push(Inst::BranchNonZero(X1, top));
    a.push(Inst::Mov { dst: X0, src: X3 });
    a.push(Inst::Ret);
    let id = executor
        .install(a.finish(Fusing::Pairs).unwrap().bytes())
        .unwrap();
    let call = |executor: &mut dyn Executor, data: &mut [u64]| {
        // SAFETY: the code reads and writes the words of `data` only.
        unsafe { executor.call(id, 0, &[data.as_mut_ptr() as u64, data.len() as u64]) }.unwrap()
    };
    let mut data = vec![0u64; 4_000];
    let n = data.len() as u64;
    let start = Instant::now();
    for round in 1..=1000u64 {
        assert_eq!(call(executor.as_mut(), &mut data), round * n);
    }
    eprintln!(
        "{} executor: 1000 calls over the same {} KiB, {:?} per call",
        executor.name(),
        n / 128,
        start.elapsed() / 1000
    );
    executor.forget_mappings();
    assert_eq!(call(executor.as_mut(), &mut data), 1001 * n);
    for size in [8_000usize, 100, 300_000] {
        let mut moved = data.clone();
        moved.resize(size, 1000);
        drop(std::mem::replace(&mut data, moved));
        executor.forget_mappings();
        for round in 1..=3u64 {
            let expected = data.iter().map(|&v| v + 1).sum::<u64>();
            assert_eq!(
                call(executor.as_mut(), &mut data),
                expected,
                "{size} #{round}"
            );
        }
    }
    // A timeout is either enforced (emulator) or refused (native); neither disturbs calls.
    match executor.set_timeout(Some(std::time::Duration::from_secs(60))) {
        Ok(()) | Err(jit_aarch64::Error::TimeoutUnsupported(_)) => {}
        Err(e) => panic!("{e}"),
    }
    let expected = data[0] + 1;
    assert_eq!(call(executor.as_mut(), &mut data[..1]), expected);
    executor.set_timeout(None).unwrap();
}

fn returns(value: u16) -> Vec<u8> {
    let mut a = Assembler::new();
    a.push(Inst::MoveWide {
        op: MoveOp::Movz,
        dst: X0,
        imm: MoveWide::new(value, 0).unwrap(),
    });
    a.push(Inst::Ret);
    a.finish(Fusing::Off).unwrap().bytes().to_vec()
}

#[test]
fn code_area_holds_many_pieces_until_full() {
    let mut executor = host_executor().unwrap();
    let before = executor.install(&returns(1)).unwrap();
    executor.reserve_code_area(100).unwrap();
    // 8-byte pieces take 16-byte slots: 256 fit in the 4 KiB the request rounds up to.
    let mut pieces = Vec::new();
    loop {
        match executor.install(&returns(pieces.len() as u16)) {
            Ok(id) => pieces.push(id),
            Err(jit_aarch64::Error::CodeAreaFull {
                capacity,
                used,
                requested,
            }) => {
                assert_eq!((capacity, used, requested), (4096, 4096, 8));
                break;
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert_eq!(pieces.len(), 256);
    let first = executor.code_address(pieces[0]).unwrap();
    for (n, id) in pieces.iter().enumerate() {
        assert_eq!(executor.code_address(*id).unwrap(), first + 16 * n as u64);
        // SAFETY: register-only code.
        assert_eq!(unsafe { executor.call(*id, 0, &[]) }.unwrap(), n as u64);
    }
    // SAFETY: as above.
    assert_eq!(unsafe { executor.call(before, 0, &[]) }.unwrap(), 1);
    assert!(matches!(
        executor.reserve_code_area(1 << 20),
        Err(jit_aarch64::Error::CodeAreaInUse(_))
    ));

    // Patching a piece in the area is seen by the next call; bounds are the piece's own.
    let replacement = emit::encode_one(&Inst::MoveWide {
        op: MoveOp::Movz,
        dst: X0,
        imm: MoveWide::new(999, 0).unwrap(),
    })
    .unwrap();
    executor.patch(pieces[7], 0, &replacement).unwrap();
    // SAFETY: as above.
    assert_eq!(unsafe { executor.call(pieces[7], 0, &[]) }.unwrap(), 999);
    // SAFETY: as above.
    assert_eq!(unsafe { executor.call(pieces[8], 0, &[]) }.unwrap(), 8);
    assert!(executor.patch(pieces[7], 8, &replacement).is_err());
    // SAFETY: refused before running anything (offset 8 is past the piece's end).
    assert!(unsafe { executor.call(pieces[7], 8, &[]) }.is_err());

    // Holes are not reused; once everything is removed, placement starts over.
    executor.remove(pieces[3]).unwrap();
    assert!(executor.install(&returns(0)).is_err());
    // SAFETY: refused: the piece was removed.
    assert!(unsafe { executor.call(pieces[3], 0, &[]) }.is_err());
    // SAFETY: register-only code.
    assert_eq!(unsafe { executor.call(pieces[4], 0, &[]) }.unwrap(), 4);
    for id in pieces.iter().filter(|&&id| id != pieces[3]) {
        executor.remove(*id).unwrap();
    }
    let again = executor.install(&returns(77)).unwrap();
    assert_eq!(executor.code_address(again).unwrap(), first);
    // SAFETY: register-only code at an address that held other code before.
    assert_eq!(unsafe { executor.call(again, 0, &[]) }.unwrap(), 77);
    executor.remove(again).unwrap();

    // An empty area can be replaced by a larger one.
    executor.reserve_code_area(64 << 10).unwrap();
    let ids: Vec<_> = (0..1000)
        .map(|n| executor.install(&returns(n)).unwrap())
        .collect();
    for (n, id) in ids.iter().enumerate() {
        // SAFETY: register-only code.
        assert_eq!(unsafe { executor.call(*id, 0, &[]) }.unwrap(), n as u64);
    }
    assert!(executor.install(&[]).is_err());
}
