//! Executor speed, printed as absolute figures and as ratios against the same work done by Rust
//! in the same run: `cargo bench -p jit-aarch64 --bench executor_speed`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use jit_aarch64::executor::host_executor;
use jit_aarch64::imm::Imm12;
use jit_aarch64::inst::{ImmOp, Inst, IntOp};
use jit_aarch64::reg::*;
use jit_aarch64::{Assembler, Executor, Fusing, Helper, Width};

fn best_of<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..runs {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one run"))
}

fn counting_loop() -> Assembler {
    let mut a = Assembler::new();
    let top = a.new_label();
    a.mov_imm(X1, 0);
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
        imm: Imm12::new(1).expect("fits"),
    });
    a.push(Inst::BranchNonZero(X0, top));
    a.push(Inst::Mov { dst: X0, src: X1 });
    a.push(Inst::Ret);
    a
}

extern "C" fn add_one(a: u64) -> u64 {
    a + 1
}

fn helper_loop(helper: u64) -> Assembler {
    let mut a = Assembler::new();
    a.add_imm(Base::Sp, Base::Sp, -16).expect("fits");
    a.store_pair(Width::B8, X19.into(), X30.into(), Base::Sp, 0)
        .expect("fits");
    a.push(Inst::Mov { dst: X19, src: X0 });
    a.mov_imm(X0, 0);
    let top = a.new_label();
    a.bind(top);
    a.call(helper);
    a.push(Inst::IntImm {
        op: ImmOp::Sub,
        dst: X19.into(),
        src: X19.into(),
        imm: Imm12::new(1).expect("fits"),
    });
    a.push(Inst::BranchNonZero(X19, top));
    a.load_pair(Width::B8, X19.into(), X30.into(), Base::Sp, 0)
        .expect("fits");
    a.add_imm(Base::Sp, Base::Sp, 16).expect("fits");
    a.push(Inst::Ret);
    a
}

/// Loads one byte from each of `x1` pages starting at `x0`.
fn page_walk() -> Assembler {
    let mut a = Assembler::new();
    let top = a.new_label();
    a.mov_imm(X2, 0);
    a.bind(top);
    a.load(Width::B1, X3.into(), X0.into(), 0).expect("fits");
    a.push(Inst::Int {
        op: IntOp::Add,
        dst: X2,
        lhs: X2,
        rhs: X3,
    });
    a.add_imm(X0.into(), X0.into(), 4096).expect("fits");
    a.push(Inst::IntImm {
        op: ImmOp::Sub,
        dst: X1.into(),
        src: X1.into(),
        imm: Imm12::new(1).expect("fits"),
    });
    a.push(Inst::BranchNonZero(X1, top));
    a.push(Inst::Mov { dst: X0, src: X2 });
    a.push(Inst::Ret);
    a
}

fn install(executor: &mut dyn Executor, a: Assembler) -> jit_aarch64::CodeId {
    let code = a.finish(Fusing::Pairs).expect("assembles");
    executor.install(code.bytes()).expect("installs")
}

fn main() {
    let mut executor = host_executor().expect("an executor for this host");
    let name = executor.name();

    let n: u64 = 20_000_000;
    let id = install(executor.as_mut(), counting_loop());
    // SAFETY: register-only code.
    let (emulated, sum) = best_of(3, || unsafe { executor.call(id, 0, &[n]) }.expect("runs"));
    assert_eq!(sum, n * (n + 1) / 2);
    let (native, rust_sum) = best_of(3, || {
        let mut sum = 0u64;
        let mut i = black_box(n);
        while i != 0 {
            sum = black_box(sum.wrapping_add(i));
            i -= 1;
        }
        sum
    });
    assert_eq!(rust_sum, sum);
    let rate = 3.0 * n as f64 / emulated.as_secs_f64() / 1e6;
    println!(
        "{name}: counting loop, {n} iterations: {emulated:?} ({rate:.0} M A64 instructions/s)"
    );
    println!("host Rust, same loop: {native:?}");
    println!(
        "ratio {name} / host Rust: {:.1}x",
        emulated.as_secs_f64() / native.as_secs_f64()
    );

    let calls: u64 = 100_000;
    let helper = executor
        .helper_address(Helper::Int1(add_one))
        .expect("helper slot");
    let id = install(executor.as_mut(), helper_loop(helper));
    let (elapsed, result) = best_of(3, || {
        // SAFETY: stack-only code calling a pure helper.
        unsafe { executor.call(id, 0, &[calls]) }.expect("runs")
    });
    assert_eq!(result, calls);
    let (rust_elapsed, _) = best_of(3, || {
        (0..calls).fold(0u64, |acc, _| black_box(add_one(black_box(acc))))
    });
    println!(
        "{name}: helper call round trip: {:?}",
        elapsed / calls as u32
    );
    println!(
        "ratio {name} / host Rust call: {:.0}x",
        elapsed.as_secs_f64() / rust_elapsed.as_secs_f64()
    );

    let pages = 512usize;
    let data = vec![1u8; pages * 4096];
    let id = install(executor.as_mut(), page_walk());
    let start = data.as_ptr() as u64;
    let (first_touch, touched) = best_of(3, || {
        // Mappings persist across calls; drop them so every run maps afresh.
        executor.forget_mappings();
        // SAFETY: reads one byte per page inside `data`.
        unsafe { executor.call(id, 0, &[start, pages as u64]) }.expect("runs")
    });
    assert_eq!(touched, pages as u64);
    println!(
        "{name}: first access to a host page (lazy mapping included): {:?} per page",
        first_touch / pages as u32
    );

    // A trace entered again and again on the same memory: one byte from each of 16 pages.
    let pages = 16usize;
    let data = vec![1u8; pages * 4096];
    let start = data.as_ptr() as u64;
    let entries = 2_000u32;
    let repeat = |executor: &mut dyn Executor, forget: bool| {
        best_of(3, || {
            for _ in 0..entries {
                if forget {
                    executor.forget_mappings();
                }
                // SAFETY: reads one byte per page inside `data`.
                let touched = unsafe { executor.call(id, 0, &[start, pages as u64]) };
                assert_eq!(touched.expect("runs"), pages as u64);
            }
        })
        .0 / entries
    };
    let kept = repeat(executor.as_mut(), false);
    let forgotten = repeat(executor.as_mut(), true);
    let empty = install(executor.as_mut(), {
        let mut a = Assembler::new();
        a.push(Inst::Ret);
        a
    });
    let (bare, _) = best_of(3, || {
        for _ in 0..entries {
            // SAFETY: `ret` only.
            unsafe { executor.call(empty, 0, &[]) }.expect("runs");
        }
    });
    println!(
        "{name}: repeated call touching the same {} KiB: {kept:?} per call with mappings kept, \
         {forgotten:?} when forgotten before each call (an empty call: {:?})",
        pages * 4,
        bare / entries
    );

    // Many small traces: a mapping (and emulator region) each, or places in one code area.
    let pieces = 500u32;
    let small = counting_loop().finish(Fusing::Pairs).expect("assembles");
    let install_many = |executor: &mut dyn Executor| {
        let start = Instant::now();
        let ids: Vec<_> = (0..pieces)
            .map(|_| executor.install(small.bytes()).expect("installs"))
            .collect();
        let installed = start.elapsed() / pieces;
        let start = Instant::now();
        for id in &ids {
            // SAFETY: register-only code.
            assert_eq!(unsafe { executor.call(*id, 0, &[3]) }.expect("runs"), 6);
        }
        let called = start.elapsed() / pieces;
        for id in ids {
            executor.remove(id).expect("removes");
        }
        (installed, called)
    };
    let (own_install, own_call) = install_many(executor.as_mut());
    executor
        .reserve_code_area(pieces as usize * 64)
        .expect("reserves");
    let (area_install, area_call) = install_many(executor.as_mut());
    println!(
        "{name}: {pieces} small pieces, install / first call each: own mappings \
         {own_install:?} / {own_call:?}, code area {area_install:?} / {area_call:?}"
    );
}
