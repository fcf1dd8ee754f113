//! Behaviour specific to the emulated executor: bad code gets an error, never a host crash or hang.
#![cfg(feature = "emulator")]

use std::time::{Duration, Instant};

use jit_aarch64::executor::emulated::{EmulatedExecutor, LAZY_CHUNK, MAX_HELPERS};
use jit_aarch64::inst::{Inst, IntOp};
use jit_aarch64::reg::*;
use jit_aarch64::{Assembler, Error, Executor, Fusing, Helper, Width};

fn install(executor: &mut EmulatedExecutor, assembler: Assembler) -> jit_aarch64::CodeId {
    executor
        .install(assembler.finish(Fusing::Off).unwrap().bytes())
        .unwrap()
}

fn returns_seven(executor: &mut EmulatedExecutor) {
    let mut a = Assembler::new();
    a.mov_imm(X0, 7);
    a.push(Inst::Ret);
    let id = install(executor, a);
    // SAFETY: register-only code.
    let result = unsafe { executor.call(id, 0, &[]) }.unwrap();
    assert_eq!(result, 7, "executor unusable after an error");
}

#[test]
fn load_from_an_unmapped_address_is_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    a.load(Width::B8, X0.into(), X0.into(), 0).unwrap();
    a.push(Inst::Ret);
    let id = install(&mut executor, a);
    for address in [0x10u64, 0x8000_0000_0000, 0x10_0000] {
        // SAFETY: the emulator checks the access; nothing on the host is touched.
        let error = unsafe { executor.call(id, 0, &[address]) }.unwrap_err();
        assert!(
            matches!(error, Error::Unmapped { address: a, .. } if a == address),
            "{error}"
        );
    }
    returns_seven(&mut executor);
}

static READ_ONLY: [u64; 4] = [1, 2, 3, 4];

#[test]
fn write_to_read_only_host_memory_is_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    a.load(Width::B8, X1.into(), X0.into(), 8).unwrap();
    a.store(Width::B8, X1.into(), X0.into(), 0).unwrap();
    a.push(Inst::Ret);
    let id = install(&mut executor, a);
    let address = READ_ONLY.as_ptr() as u64;
    // SAFETY: the store targets a read-only page, which the emulator maps read-only.
    let error = unsafe { executor.call(id, 0, &[address]) }.unwrap_err();
    assert!(
        matches!(error, Error::WriteToReadOnly { address: a, .. } if a == address),
        "{error}"
    );
    assert_eq!(READ_ONLY[0], 1);
    returns_seven(&mut executor);
}

#[test]
fn jump_to_an_unmapped_address_is_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    a.push(Inst::JumpReg(X0));
    let id = install(&mut executor, a);
    // SAFETY: the jump target is not mapped in the guest; the emulator reports it.
    let error = unsafe { executor.call(id, 0, &[0x4000_0000]) }.unwrap_err();
    assert!(matches!(error, Error::Unmapped { .. }), "{error}");
    returns_seven(&mut executor);
}

#[test]
fn endless_loop_stops_at_the_timeout() {
    let mut executor = EmulatedExecutor::new().unwrap();
    executor
        .set_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut a = Assembler::new();
    let top = a.new_label();
    a.bind(top);
    a.push(Inst::Branch(top));
    let id = install(&mut executor, a);
    // SAFETY: register-only code.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    assert!(matches!(error, Error::DidNotReturn { .. }), "{error}");
    returns_seven(&mut executor);
}

#[test]
fn breakpoint_is_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    a.push(Inst::Brk(1));
    let id = install(&mut executor, a);
    // SAFETY: register-only code.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    assert!(matches!(error, Error::DidNotReturn { .. }), "{error}");
    returns_seven(&mut executor);
}

#[test]
fn unregistered_helper_slot_is_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    a.call(jit_aarch64::executor::emulated::HELPER_PAGE + 40);
    a.push(Inst::Ret);
    let id = install(&mut executor, a);
    // SAFETY: the call lands in the helper page, which reports the unknown slot.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    assert!(matches!(error, Error::DidNotReturn { .. }), "{error}");
}

extern "C" fn zero() -> u64 {
    0
}

#[test]
fn helper_page_has_a_fixed_capacity() {
    let mut executor = EmulatedExecutor::new().unwrap();
    for _ in 0..MAX_HELPERS {
        executor.helper_address(Helper::Int0(zero)).unwrap();
    }
    assert!(matches!(
        executor.helper_address(Helper::Int0(zero)),
        Err(Error::TooManyHelpers(_))
    ));
}

#[test]
fn stack_overflow_is_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    // Recurse forever, pushing 16 bytes a level.
    let mut a = Assembler::new();
    let top = a.new_label();
    a.bind(top);
    a.add_imm(Base::Sp, Base::Sp, -16).unwrap();
    a.store(Width::B8, X30.into(), Base::Sp, 0).unwrap();
    a.push(Inst::Branch(top));
    let id = install(&mut executor, a);
    // SAFETY: the stack is the executor's own, guarded at the bottom.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    assert!(matches!(error, Error::StackOverflow { .. }), "{error}");
    // A read of the guard page is caught too.
    let mut a = Assembler::new();
    a.push(Inst::IntImm {
        op: jit_aarch64::inst::ImmOp::Sub,
        dst: X0.into(),
        src: Base::Sp,
        imm: jit_aarch64::imm::Imm12::new(0x100000).unwrap(),
    });
    a.load(Width::B8, X0.into(), X0.into(), -8).unwrap();
    a.push(Inst::Ret);
    let id = install(&mut executor, a);
    // SAFETY: as above.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    assert!(matches!(error, Error::StackOverflow { .. }), "{error}");
    returns_seven(&mut executor);
}

/// Adds `x1` to each of the `x2` u64s at `x0` and returns the sum of the results.
fn add_to_each(a: &mut Assembler) {
    let top = a.new_label();
    a.mov_imm(X3, 0);
    a.bind(top);
    a.load(Width::B8, X4.into(), X0.into(), 0).unwrap();
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X4,
        lhs: X4,
        rhs: X1,
    });
    a.store(Width::B8, X4.into(), X0.into(), 0).unwrap();
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X3,
        lhs: X3,
        rhs: X4,
    });
    a.add_imm(X0.into(), X0.into(), 8).unwrap();
    a.add_imm(X2.into(), X2.into(), -1).unwrap();
    a.push(Inst::BranchNonZero(X2, top));
    a.push(Inst::Mov { dst: X0, src: X3 });
    a.push(Inst::Ret);
}

#[test]
fn lazy_mappings_persist_across_calls_until_forgotten() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    add_to_each(&mut a);
    let id = install(&mut executor, a);
    // Spans several lazy chunks.
    let mut data = vec![0u64; 3 * (LAZY_CHUNK as usize) / 8];
    let n = data.len() as u64;
    let call = |executor: &mut EmulatedExecutor, data: &mut Vec<u64>, add: u64| {
        // SAFETY: the code reads and writes the `n` words of `data` only.
        unsafe { executor.call(id, 0, &[data.as_mut_ptr() as u64, add, data.len() as u64]) }
            .unwrap()
    };
    assert_eq!(call(&mut executor, &mut data, 1), n);
    let kept = executor.lazy_mappings();
    assert!(kept.len() >= 3, "{kept:x?}");
    let start = data.as_ptr() as u64;
    let end = start + 8 * n;
    let covered: u64 = kept
        .iter()
        .map(|&(s, l)| (s + l).min(end).saturating_sub(s.max(start)))
        .sum();
    assert_eq!(covered, end - start, "every word of the buffer is mapped");
    let timer = Instant::now();
    for round in 2..=200u64 {
        assert_eq!(call(&mut executor, &mut data, 1), round * n);
    }
    let repeated = timer.elapsed() / 199;
    assert_eq!(
        executor.lazy_mappings(),
        kept,
        "no call mapped anything again"
    );
    assert!(data.iter().all(|&v| v == 200));
    eprintln!("repeated call over {} KiB: {repeated:?}", 8 * n / 1024);

    executor.forget_mappings();
    assert!(executor.lazy_mappings().is_empty());
    assert_eq!(call(&mut executor, &mut data, 1), 201 * n);

    // Reallocate: the old buffer is freed (its chunks may now be stale), the new one lives
    // elsewhere or at the same place; after forgetting, calls see the new memory.
    let mut moved = vec![7u64; data.len() * 2];
    drop(data);
    executor.forget_mappings();
    assert_eq!(call(&mut executor, &mut moved, 3), 10 * 2 * n);
    assert_eq!(call(&mut executor, &mut moved, 0), 10 * 2 * n);
    assert!(moved.iter().all(|&v| v == 10));
    returns_seven(&mut executor);
}

#[test]
fn kept_mappings_see_the_hosts_current_bytes() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    add_to_each(&mut a);
    let id = install(&mut executor, a);
    let mut data = vec![1u64; 16];
    // SAFETY: the code touches the 16 words of `data` only.
    let first = unsafe { executor.call(id, 0, &[data.as_mut_ptr() as u64, 0, 16]) }.unwrap();
    assert_eq!(first, 16);
    // The host writes between calls; the kept identity mapping shows the new bytes.
    data.iter_mut().for_each(|v| *v = 5);
    // SAFETY: as above.
    let second = unsafe { executor.call(id, 0, &[data.as_mut_ptr() as u64, 0, 16]) }.unwrap();
    assert_eq!(second, 80);
}

#[test]
fn code_installed_over_freed_mapped_memory_runs() {
    // Free an anonymous mapping the guest had mapped, then install code without forgetting: the
    // fresh code mapping tends to land on the freed addresses, where a kept chunk still lies.
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    add_to_each(&mut a);
    let id = install(&mut executor, a);
    let mut reused = 0;
    for _ in 0..8 {
        let words = 1usize << 15;
        let mut data = dynasmrt::mmap::MutableBuffer::new(8 * words).unwrap();
        data.set_len(8 * words);
        let start = data.as_mut_ptr() as u64;
        // SAFETY: the code touches the `words` words of the mapping only (zero-filled).
        let sum = unsafe { executor.call(id, 0, &[start, 1, words as u64]) };
        assert_eq!(sum.unwrap(), words as u64);
        drop(data);
        let mut a = Assembler::new();
        a.mov_imm(X0, 7);
        a.push(Inst::Ret);
        let seven = install(&mut executor, a);
        let address = executor.code_address(seven).unwrap();
        if (start..start + 8 * words as u64).contains(&address) {
            reused += 1;
        }
        // SAFETY: register-only code.
        assert_eq!(unsafe { executor.call(seven, 0, &[]) }.unwrap(), 7);
    }
    eprintln!("code mapped over freed guest-visible memory {reused} times of 8");
}

#[test]
fn faults_carry_the_registers() {
    let mut executor = EmulatedExecutor::new().unwrap();
    let mut a = Assembler::new();
    a.mov_imm(X5, 0x5555);
    a.mov_imm(X30, 0x3030);
    a.load(Width::B8, X1.into(), X0.into(), 8).unwrap();
    a.push(Inst::Ret);
    let id = install(&mut executor, a);
    let load_pc = executor.code_address(id).unwrap() + 8;
    // SAFETY: the address is unmapped in the host; the emulator reports it.
    let error = unsafe { executor.call(id, 0, &[0x10, 0x77]) }.unwrap_err();
    let Error::Unmapped {
        address,
        pc,
        registers,
    } = &error
    else {
        panic!("{error}");
    };
    assert_eq!((*address, *pc, registers.pc), (0x18, load_pc, load_pc));
    assert_eq!(registers.x[0], 0x10);
    assert_eq!(registers.x[1], 0x77);
    assert_eq!(registers.x[5], 0x5555);
    assert_eq!(registers.x[30], 0x3030);
    assert_ne!(registers.sp, 0);
    let text = error.to_string();
    assert!(text.contains(&format!("pc {load_pc:#x}")), "{text}");
    assert!(
        text.contains("x0=0x10 x1=0x77 x5=0x5555 x30=0x3030 (the other 27 x registers 0)"),
        "{text}"
    );

    // A breakpoint and a timeout carry them too.
    let mut a = Assembler::new();
    a.mov_imm(X7, 0x77);
    a.push(Inst::Brk(3));
    let id = install(&mut executor, a);
    // SAFETY: register-only code.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    let Error::DidNotReturn { registers, .. } = &error else {
        panic!("{error}");
    };
    assert_eq!(registers.x[7], 0x77, "{error}");
    let mut a = Assembler::new();
    let top = a.new_label();
    a.mov_imm(X9, 0x99);
    a.bind(top);
    a.push(Inst::Branch(top));
    let id = install(&mut executor, a);
    executor
        .set_timeout(Some(Duration::from_millis(20)))
        .unwrap();
    // SAFETY: register-only code.
    let error = unsafe { executor.call(id, 0, &[]) }.unwrap_err();
    let Error::DidNotReturn {
        registers, reason, ..
    } = &error
    else {
        panic!("{error}");
    };
    assert_eq!(registers.x[9], 0x99, "{error}");
    assert!(reason.contains("timed out"), "{error}");
    executor.set_timeout(None).unwrap();
    returns_seven(&mut executor);
}

#[test]
fn a_jump_into_removed_area_code_stops_with_an_error() {
    let mut executor = EmulatedExecutor::new().unwrap();
    executor.reserve_code_area(4096).unwrap();
    let mut a = Assembler::new();
    a.mov_imm(X0, 5);
    a.push(Inst::Ret);
    let target = install(&mut executor, a);
    let mut a = Assembler::new();
    a.push(Inst::JumpReg(X0));
    let jumper = install(&mut executor, a);
    let address = executor.code_address(target).unwrap();
    // SAFETY: jumps to installed code that returns 5.
    assert_eq!(unsafe { executor.call(jumper, 0, &[address]) }.unwrap(), 5);
    executor.remove(target).unwrap();
    // SAFETY: the removed piece now holds `brk`, which the emulator reports.
    let error = unsafe { executor.call(jumper, 0, &[address]) }.unwrap_err();
    assert!(
        matches!(&error, Error::DidNotReturn { pc, .. } if *pc == address),
        "{error}"
    );
    // Unused space (zero words, `udf`) stops too.
    // SAFETY: as above.
    let error = unsafe { executor.call(jumper, 0, &[address + 256]) }.unwrap_err();
    assert!(matches!(error, Error::DidNotReturn { .. }), "{error}");
    returns_seven(&mut executor);
}
