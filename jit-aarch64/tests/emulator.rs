//! Behaviour specific to the emulated executor: bad code gets an error, never a host crash or hang.
#![cfg(feature = "emulator")]

use std::time::Duration;

use jit_aarch64::executor::emulated::{EmulatedExecutor, MAX_HELPERS};
use jit_aarch64::inst::Inst;
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
    executor.set_timeout(Some(Duration::from_millis(50)));
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
