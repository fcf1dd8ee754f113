//! The trace ABI: how the runtime enters a trace and how every exit gets back.
//!
//! The enter stub is called as `enter(trace_entry, base, state) -> exit_number`. It saves the
//! callee-saved registers on the machine stack, sets x19 = `base` and x20 = `state`, and jumps
//! into the trace. A trace never touches SP, so the exit handler, reached from any exit stub
//! with the exit number in w17, stores x0..x30 and d0..d31 into the state's exit save area,
//! restores the callee-saved registers and returns the exit number to the enter stub's caller
//! (LuaJIT's `->vm_exit_handler`, vm_arm64.dasc).
#![forbid(unsafe_code)]

use crate::assembler::{Assembler, Code, Fusing};
use crate::error::Result;
use crate::imm::Imm12;
use crate::inst::{ImmOp, Inst, Width};
use crate::reg::{Base, Data, Fp, Gp, X0, X1, X17, X19, X2, X20};

/// The register that holds the virtual clock's tick counter while traces run: loaded by the
/// enter stub, advanced by traces and exit thunks, stored back by the exit handler (so a loop
/// iteration ticks with one `add`, not a load, an add and a store).
pub const TICKS: Gp = crate::reg::X28;

/// Offsets into the runtime's trace state and the addresses a trace calls.
#[derive(Clone, Debug)]
pub struct TraceAbi {
    /// Byte offset of the 31 saved x registers (x0..x30) in the trace state.
    pub gpr_offset: u32,
    /// Byte offset of the 32 saved d registers.
    pub fpr_offset: u32,
    /// Byte offset of the spill area (8 bytes a slot).
    pub spill_offset: u32,
    pub max_spills: u32,
    /// Byte offset of the virtual clock's tick counter.
    pub ticks_offset: u32,
    /// Byte offsets of pointers to the heap's allocated-bytes counter and GC threshold.
    pub allocated_ptr_offset: u32,
    pub threshold_ptr_offset: u32,
    /// How a trace finds a table's layout record (`TableParts`); `None` where the runtime
    /// offers none (such IR fails to assemble).
    pub tables: Option<TableAccess>,
    /// Address of the exit handler (from [`exit_handler`], installed once).
    pub exit_handler: u64,
    /// Call addresses of the runtime's helpers, by `HelperId`.
    pub helpers: Vec<u64>,
    /// Whether to fuse adjacent loads and stores into pairs.
    pub fuse_pairs: bool,
    /// How the fuser compares offsets (a planted fault only with `fault-injection`).
    pub fuse_mode: crate::fuse::Mode,
    /// `-Ofuse=check`: verify every pair made.
    pub fuse_check: bool,
}

/// Where tables live: a table handle `h` has its layout record at
/// `*(*(state + arena_ptr_offset)) + h * stride + record_offset` (the trace state holds the
/// address of the arena's base pointer, which changes when the arena grows).
#[derive(Clone, Copy, Debug)]
pub struct TableAccess {
    pub arena_ptr_offset: u32,
    pub stride: u32,
    pub record_offset: u32,
}

/// Bytes of machine stack the enter stub uses: x19..x30 and d8..d15.
const FRAME: u64 = 160;

fn imm(v: u64) -> Imm12 {
    Imm12::new(v).expect("frame size fits an immediate")
}

fn callee_saved() -> impl Iterator<Item = (Data, i64)> {
    let gps = (19..=30u8).map(|n| Data::Gp(Gp::new(n).expect("x19..x30")));
    let fps = (8..=15u8).map(|n| Data::Fp(Fp::new(n).expect("d8..d15")));
    gps.chain(fps).enumerate().map(|(i, d)| (d, 8 * i as i64))
}

/// `enter(entry, base, state)`: saves callee-saved registers, sets x19/x20, jumps to `entry`.
/// Loads the virtual clock into x28, where traces count it ([`TICKS`]).
pub fn enter_stub(ticks_offset: u32) -> Result<Code> {
    let mut a = Assembler::new();
    a.push(Inst::IntImm {
        op: ImmOp::Sub,
        dst: Base::Sp,
        src: Base::Sp,
        imm: imm(FRAME),
    });
    for (data, off) in callee_saved() {
        a.store(Width::B8, data, Base::Sp, off)?;
    }
    a.push(Inst::Mov { dst: X19, src: X1 });
    a.push(Inst::Mov { dst: X20, src: X2 });
    a.load(Width::B8, TICKS.into(), X20.into(), ticks_offset as i64)?;
    a.push(Inst::JumpReg(X0));
    a.finish(Fusing::Pairs)
}

/// The shared exit handler: saves every register into the state and the clock from x28 into
/// its tick counter, returns w17 to the caller of the enter stub.
pub fn exit_handler(gpr_offset: u32, fpr_offset: u32, ticks_offset: u32) -> Result<Code> {
    let mut a = Assembler::new();
    a.store(Width::B8, TICKS.into(), X20.into(), ticks_offset as i64)?;
    for n in 0..=30u8 {
        let r = Gp::new(n).expect("x0..x30");
        a.store(
            Width::B8,
            r.into(),
            X20.into(),
            gpr_offset as i64 + 8 * n as i64,
        )?;
    }
    for n in 0..=31u8 {
        let r = Fp::new(n).expect("d0..d31");
        a.store(
            Width::B8,
            r.into(),
            X20.into(),
            fpr_offset as i64 + 8 * n as i64,
        )?;
    }
    a.push(Inst::Mov { dst: X0, src: X17 });
    for (data, off) in callee_saved() {
        a.load(Width::B8, data, Base::Sp, off)?;
    }
    a.push(Inst::IntImm {
        op: ImmOp::Add,
        dst: Base::Sp,
        src: Base::Sp,
        imm: imm(FRAME),
    });
    a.push(Inst::Ret);
    a.finish(Fusing::Pairs)
}
