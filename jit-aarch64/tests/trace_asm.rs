//! Traces assembled from hand-built IR and run on the host's executor through the real enter
//! stub and exit handler: loops that run until a guard fails, the slots they leave behind, the
//! exit number and the registers saved for the snapshot.

use jit_aarch64::asm::{abi, assemble, Loc, TraceAbi};
use jit_aarch64::executor::host_executor;
use jit_aarch64::ir::{Cmp, FloatOp, Ir, IrType, Op, Passes, SnapEntry, Snapshot, ValueLayout};

const LAYOUT: ValueLayout = ValueLayout {
    slot_size: 16,
    tag_offset: 0,
    payload_offset: 8,
    tag_nil: 0,
    tag_bool: 1,
    tag_num: 2,
    tag_str: 3,
    tag_tab: 4,
    tag_func: 5,
    tag_udata: 6,
    tag_thread: 7,
};

/// Trace state: ticks at 0, saved x registers at 64, d registers at 320, spills at 576.
const TICKS: u32 = 0;
const GPR: u32 = 64;
const FPR: u32 = 64 + 8 * 32;
const SPILL: u32 = FPR + 8 * 32;
const STATE_WORDS: usize = (SPILL as usize + 8 * 64) / 8;

fn snap(ir: &mut Ir, pc: u32, entries: Vec<SnapEntry>) {
    ir.snapshot(Snapshot {
        at: 0,
        pc,
        entries,
        pops: 0,
        frames: vec![],
        ticks: 0,
        gc_point: false,
    });
}

fn number_slot(n: f64) -> [u64; 2] {
    [2, n.to_bits()]
}

/// `for i = i, limit do s = s + i end` as recorded: slot 0 = s, 1 = i, 2 = limit.
fn sum_loop(loop_opt: bool) -> Ir {
    let mut ir = Ir::new(Passes::ALL);
    snap(&mut ir, 0, vec![]);
    let s = ir
        .emit(
            Op::SLoad {
                slot: 0,
                check: true,
            },
            IrType::Num,
        )
        .unwrap();
    let i = ir
        .emit(
            Op::SLoad {
                slot: 1,
                check: true,
            },
            IrType::Num,
        )
        .unwrap();
    let limit = ir
        .emit(
            Op::SLoad {
                slot: 2,
                check: true,
            },
            IrType::Num,
        )
        .unwrap();
    let s2 = ir.emit(Op::Float(FloatOp::Add, s, i), IrType::Num).unwrap();
    let one = ir.num(1.0);
    let i2 = ir
        .emit(Op::Float(FloatOp::Add, i, one), IrType::Num)
        .unwrap();
    snap(&mut ir, 1, vec![SnapEntry { slot: 0, value: s2 }]);
    ir.emit(Op::Guard(Cmp::Le, i2, limit), IrType::Nil).unwrap();
    ir.tail = vec![
        SnapEntry { slot: 0, value: s2 },
        SnapEntry { slot: 1, value: i2 },
    ];
    ir.tail_ticks = 1;
    if loop_opt {
        jit_aarch64::opt::loop_::optimize(&mut ir).unwrap();
    }
    ir
}

/// Runs `ir` on `stack` until it exits; returns the exit number and the trace state.
fn run(ir: &Ir, stack: &mut [[u64; 2]]) -> (u32, Vec<u64>, Vec<Loc>) {
    let mut executor = host_executor().expect("an executor for this host");
    let enter = executor
        .install(abi::enter_stub(TICKS).unwrap().bytes())
        .unwrap();
    let handler = executor
        .install(abi::exit_handler(GPR, FPR, TICKS).unwrap().bytes())
        .unwrap();
    let abi = TraceAbi {
        gpr_offset: GPR,
        fpr_offset: FPR,
        spill_offset: SPILL,
        max_spills: 64,
        ticks_offset: TICKS,
        allocated_ptr_offset: 8,
        threshold_ptr_offset: 16,
        exit_handler: executor.code_address(handler).unwrap(),
        tables: None,
        helpers: vec![],
        fuse_pairs: true,
        fuse_mode: jit_aarch64::fuse::Mode::Correct,
        fuse_check: true,
    };
    let assembled = assemble(ir, &LAYOUT, &abi, 7 << 16).unwrap();
    let trace = executor.install(assembled.code.bytes()).unwrap();
    let entry = executor.code_address(trace).unwrap();
    let mut state = vec![0u64; STATE_WORDS];
    // SAFETY: the trace reads and writes the three stack slots and the state words only
    // (guards exit before anything else), both of which outlive the call.
    let exit = unsafe {
        executor.call(
            enter,
            0,
            &[entry, stack.as_mut_ptr() as u64, state.as_mut_ptr() as u64],
        )
    }
    .unwrap();
    (exit as u32, state, assembled.locs)
}

fn check_sum_loop(loop_opt: bool) {
    let ir = sum_loop(loop_opt);
    let mut stack = [number_slot(0.0), number_slot(1.0), number_slot(10.0)];
    let (exit, state, locs) = run(&ir, &mut stack);
    assert_eq!(exit >> 16, 7, "trace number in the exit");
    let snap = &ir.snaps[(exit & 0xffff) as usize];
    assert_eq!(snap.pc, 1, "the loop ends at the limit guard");
    // The snapshot's slot 0 is the sum after the last iteration: 1 + ... + 10.
    let entry = snap.entries.iter().find(|e| e.slot == 0).unwrap();
    let bits = match locs[entry.value.index()] {
        Loc::Fp(r) => state[(FPR / 8) as usize + r.number() as usize],
        Loc::Spill(n) => state[(SPILL / 8) as usize + n as usize],
        other => panic!("sum kept in {other:?}"),
    };
    assert_eq!(f64::from_bits(bits), 55.0);
    // Nine full iterations ticked the clock (the tenth left at its guard).
    assert_eq!(state[(TICKS / 8) as usize], 9);
    let written = if loop_opt { 1.0 } else { 10.0 };
    assert_eq!(f64::from_bits(stack[1][1]), written, "i as last written");
}

#[test]
fn a_loop_runs_until_its_guard_fails() {
    check_sum_loop(false);
}

#[test]
fn an_optimized_loop_keeps_values_in_registers() {
    check_sum_loop(true);
}

#[test]
fn a_type_guard_exits_before_anything_runs() {
    let ir = sum_loop(true);
    let mut stack = [[3, 0], number_slot(1.0), number_slot(10.0)];
    let (exit, _, _) = run(&ir, &mut stack);
    assert_eq!(exit, 7 << 16, "snapshot 0: the first slot load's guard");
    assert_eq!(stack[0], [3, 0]);
}
