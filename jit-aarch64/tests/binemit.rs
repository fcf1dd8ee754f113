//! The binemit table: every instruction form the layer can emit, with its little-endian encoding
//! and its text as yaxpeax-arm prints it. Each row is checked both ways: the emitter must produce
//! the hex, and the disassembler must read the hex back as the text.
//!
//! The hex column was produced by GNU as, not by this crate; `scripts/check-binemit-with-gas`
//! re-checks every row against it. To add a row, assemble its text (write `.+` for `$+`, the
//! PC-relative form used in the label rows):
//!
//! ```text
//! echo 'ldur x0, [x19, #-0x100]' > t.s
//! aarch64-linux-gnu-as -o t.o t.s && aarch64-linux-gnu-objdump -d t.o
//! ```
//!
//! and write the word objdump prints byte-reversed (objdump shows the word, the table shows bytes
//! in memory order). Debian package: `binutils-aarch64-linux-gnu`.

use jit_aarch64::disasm;
use jit_aarch64::imm::{FpImm8, Imm12, MoveWide, PairOffset, SImm9, ScaledOffset, ShiftAmount};
use jit_aarch64::inst::{
    Addressing, BitIndex, Cond, FloatOp, FloatUnaryOp, ImmOp, Inst, IntOp, Label, LiteralDst,
    MemOp, MoveOp, PairOp, ShiftOp, Width,
};
use jit_aarch64::reg::*;
use jit_aarch64::{Assembler, Fusing};

type Row = (fn(Label) -> Inst, &'static str, &'static str);

fn gp(n: u8) -> Data {
    Data::Gp(Gp::new(n).unwrap())
}
fn fp(n: u8) -> Data {
    Data::Fp(Fp::new(n).unwrap())
}
fn base(n: u8) -> Base {
    Base::Gp(Gp::new(n).unwrap())
}
fn scaled(index: u16) -> Addressing {
    Addressing::Scaled(ScaledOffset::new(index).unwrap())
}
fn unscaled(bytes: i64) -> Addressing {
    Addressing::Unscaled(SImm9::new(bytes).unwrap())
}
fn index(n: u8) -> Addressing {
    Addressing::Index(Gp::new(n).unwrap())
}
fn mem(width: Width, data: Data, base: Base, addressing: Addressing) -> MemOp {
    MemOp::new(width, data, base, addressing).unwrap()
}
fn pair(width: Width, first: Data, second: Data, base: Base, index: i8) -> PairOp {
    PairOp::new(width, first, second, base, PairOffset::new(index).unwrap()).unwrap()
}
fn imm12(value: u64) -> Imm12 {
    Imm12::new(value).unwrap()
}
fn shift(amount: u8) -> ShiftAmount {
    ShiftAmount::new(amount).unwrap()
}
fn bit(number: u8) -> BitIndex {
    BitIndex::new(number).unwrap()
}
fn wide(chunk: u16, shift: u8) -> MoveWide {
    MoveWide::new(chunk, shift).unwrap()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Encodes `inst` at offset 0 after binding a label there (branch rows branch to themselves).
fn encode_row(make: fn(Label) -> Inst) -> Vec<u8> {
    let mut assembler = Assembler::new();
    let label = assembler.new_label();
    assembler.bind(label);
    assembler.push(make(label));
    assembler.finish(Fusing::Off).unwrap().bytes().to_vec()
}

#[rustfmt::skip]
const ROWS: &[Row] = &[
        (|_| Inst::Load(mem(Width::B1, gp(3), base(19), scaled(4095))), "63fe7f39", "ldrb w3, [x19, #0xfff]"),
        (|_| Inst::Load(mem(Width::B1, gp(30), Base::Sp, scaled(1))), "fe074039", "ldrb w30, [sp, #0x1]"),
        (|_| Inst::Load(mem(Width::B1, gp(0), base(19), unscaled(-256))), "60025038", "ldurb w0, [x19, #-0x100]"),
        (|_| Inst::Load(mem(Width::B1, gp(7), base(1), unscaled(255))), "27f04f38", "ldurb w7, [x1, #0xff]"),
        (|_| Inst::Load(mem(Width::B1, gp(2), base(4), index(17))), "82687138", "ldrb w2, [x4, x17]"),
        (|_| Inst::Load(mem(Width::B1, fp(31), base(20), scaled(4095))), "9ffe7f3d", "ldr b31, [x20, #0xfff]"),
        (|_| Inst::Load(mem(Width::B1, fp(1), base(2), unscaled(-1))), "41f05f3c", "ldur b1, [x2, #-0x1]"),
        (|_| Inst::Load(mem(Width::B1, fp(9), Base::Sp, index(16))), "e96b703c", "ldr b9, [sp, x16]"),
        (|_| Inst::Store(mem(Width::B1, gp(3), base(19), scaled(4095))), "63fe3f39", "strb w3, [x19, #0xfff]"),
        (|_| Inst::Store(mem(Width::B1, gp(30), Base::Sp, scaled(1))), "fe070039", "strb w30, [sp, #0x1]"),
        (|_| Inst::Store(mem(Width::B1, gp(0), base(19), unscaled(-256))), "60021038", "sturb w0, [x19, #-0x100]"),
        (|_| Inst::Store(mem(Width::B1, gp(7), base(1), unscaled(255))), "27f00f38", "sturb w7, [x1, #0xff]"),
        (|_| Inst::Store(mem(Width::B1, gp(2), base(4), index(17))), "82683138", "strb w2, [x4, x17]"),
        (|_| Inst::Store(mem(Width::B1, Data::Zr, base(5), scaled(2))), "bf080039", "strb wzr, [x5, #0x2]"),
        (|_| Inst::Store(mem(Width::B1, fp(31), base(20), scaled(4095))), "9ffe3f3d", "str b31, [x20, #0xfff]"),
        (|_| Inst::Store(mem(Width::B1, fp(1), base(2), unscaled(-1))), "41f01f3c", "stur b1, [x2, #-0x1]"),
        (|_| Inst::Store(mem(Width::B1, fp(9), Base::Sp, index(16))), "e96b303c", "str b9, [sp, x16]"),
        (|_| Inst::Load(mem(Width::B2, gp(3), base(19), scaled(4095))), "63fe7f79", "ldrh w3, [x19, #0x1ffe]"),
        (|_| Inst::Load(mem(Width::B2, gp(30), Base::Sp, scaled(1))), "fe074079", "ldrh w30, [sp, #0x2]"),
        (|_| Inst::Load(mem(Width::B2, gp(0), base(19), unscaled(-256))), "60025078", "ldurh w0, [x19, #-0x100]"),
        (|_| Inst::Load(mem(Width::B2, gp(7), base(1), unscaled(255))), "27f04f78", "ldurh w7, [x1, #0xff]"),
        (|_| Inst::Load(mem(Width::B2, gp(2), base(4), index(17))), "82687178", "ldrh w2, [x4, x17]"),
        (|_| Inst::Load(mem(Width::B2, fp(31), base(20), scaled(4095))), "9ffe7f7d", "ldr h31, [x20, #0x1ffe]"),
        (|_| Inst::Load(mem(Width::B2, fp(1), base(2), unscaled(-1))), "41f05f7c", "ldur h1, [x2, #-0x1]"),
        (|_| Inst::Load(mem(Width::B2, fp(9), Base::Sp, index(16))), "e96b707c", "ldr h9, [sp, x16]"),
        (|_| Inst::Store(mem(Width::B2, gp(3), base(19), scaled(4095))), "63fe3f79", "strh w3, [x19, #0x1ffe]"),
        (|_| Inst::Store(mem(Width::B2, gp(30), Base::Sp, scaled(1))), "fe070079", "strh w30, [sp, #0x2]"),
        (|_| Inst::Store(mem(Width::B2, gp(0), base(19), unscaled(-256))), "60021078", "sturh w0, [x19, #-0x100]"),
        (|_| Inst::Store(mem(Width::B2, gp(7), base(1), unscaled(255))), "27f00f78", "sturh w7, [x1, #0xff]"),
        (|_| Inst::Store(mem(Width::B2, gp(2), base(4), index(17))), "82683178", "strh w2, [x4, x17]"),
        (|_| Inst::Store(mem(Width::B2, Data::Zr, base(5), scaled(2))), "bf080079", "strh wzr, [x5, #0x4]"),
        (|_| Inst::Store(mem(Width::B2, fp(31), base(20), scaled(4095))), "9ffe3f7d", "str h31, [x20, #0x1ffe]"),
        (|_| Inst::Store(mem(Width::B2, fp(1), base(2), unscaled(-1))), "41f01f7c", "stur h1, [x2, #-0x1]"),
        (|_| Inst::Store(mem(Width::B2, fp(9), Base::Sp, index(16))), "e96b307c", "str h9, [sp, x16]"),
        (|_| Inst::Load(mem(Width::B4, gp(3), base(19), scaled(4095))), "63fe7fb9", "ldr w3, [x19, #0x3ffc]"),
        (|_| Inst::Load(mem(Width::B4, gp(30), Base::Sp, scaled(1))), "fe0740b9", "ldr w30, [sp, #0x4]"),
        (|_| Inst::Load(mem(Width::B4, gp(0), base(19), unscaled(-256))), "600250b8", "ldur w0, [x19, #-0x100]"),
        (|_| Inst::Load(mem(Width::B4, gp(7), base(1), unscaled(255))), "27f04fb8", "ldur w7, [x1, #0xff]"),
        (|_| Inst::Load(mem(Width::B4, gp(2), base(4), index(17))), "826871b8", "ldr w2, [x4, x17]"),
        (|_| Inst::Load(mem(Width::B4, fp(31), base(20), scaled(4095))), "9ffe7fbd", "ldr s31, [x20, #0x3ffc]"),
        (|_| Inst::Load(mem(Width::B4, fp(1), base(2), unscaled(-1))), "41f05fbc", "ldur s1, [x2, #-0x1]"),
        (|_| Inst::Load(mem(Width::B4, fp(9), Base::Sp, index(16))), "e96b70bc", "ldr s9, [sp, x16]"),
        (|_| Inst::Store(mem(Width::B4, gp(3), base(19), scaled(4095))), "63fe3fb9", "str w3, [x19, #0x3ffc]"),
        (|_| Inst::Store(mem(Width::B4, gp(30), Base::Sp, scaled(1))), "fe0700b9", "str w30, [sp, #0x4]"),
        (|_| Inst::Store(mem(Width::B4, gp(0), base(19), unscaled(-256))), "600210b8", "stur w0, [x19, #-0x100]"),
        (|_| Inst::Store(mem(Width::B4, gp(7), base(1), unscaled(255))), "27f00fb8", "stur w7, [x1, #0xff]"),
        (|_| Inst::Store(mem(Width::B4, gp(2), base(4), index(17))), "826831b8", "str w2, [x4, x17]"),
        (|_| Inst::Store(mem(Width::B4, Data::Zr, base(5), scaled(2))), "bf0800b9", "str wzr, [x5, #0x8]"),
        (|_| Inst::Store(mem(Width::B4, fp(31), base(20), scaled(4095))), "9ffe3fbd", "str s31, [x20, #0x3ffc]"),
        (|_| Inst::Store(mem(Width::B4, fp(1), base(2), unscaled(-1))), "41f01fbc", "stur s1, [x2, #-0x1]"),
        (|_| Inst::Store(mem(Width::B4, fp(9), Base::Sp, index(16))), "e96b30bc", "str s9, [sp, x16]"),
        (|_| Inst::Load(mem(Width::B8, gp(3), base(19), scaled(4095))), "63fe7ff9", "ldr x3, [x19, #0x7ff8]"),
        (|_| Inst::Load(mem(Width::B8, gp(30), Base::Sp, scaled(1))), "fe0740f9", "ldr x30, [sp, #0x8]"),
        (|_| Inst::Load(mem(Width::B8, gp(0), base(19), unscaled(-256))), "600250f8", "ldur x0, [x19, #-0x100]"),
        (|_| Inst::Load(mem(Width::B8, gp(7), base(1), unscaled(255))), "27f04ff8", "ldur x7, [x1, #0xff]"),
        (|_| Inst::Load(mem(Width::B8, gp(2), base(4), index(17))), "826871f8", "ldr x2, [x4, x17]"),
        (|_| Inst::Load(mem(Width::B8, fp(31), base(20), scaled(4095))), "9ffe7ffd", "ldr d31, [x20, #0x7ff8]"),
        (|_| Inst::Load(mem(Width::B8, fp(1), base(2), unscaled(-1))), "41f05ffc", "ldur d1, [x2, #-0x1]"),
        (|_| Inst::Load(mem(Width::B8, fp(9), Base::Sp, index(16))), "e96b70fc", "ldr d9, [sp, x16]"),
        (|_| Inst::Store(mem(Width::B8, gp(3), base(19), scaled(4095))), "63fe3ff9", "str x3, [x19, #0x7ff8]"),
        (|_| Inst::Store(mem(Width::B8, gp(30), Base::Sp, scaled(1))), "fe0700f9", "str x30, [sp, #0x8]"),
        (|_| Inst::Store(mem(Width::B8, gp(0), base(19), unscaled(-256))), "600210f8", "stur x0, [x19, #-0x100]"),
        (|_| Inst::Store(mem(Width::B8, gp(7), base(1), unscaled(255))), "27f00ff8", "stur x7, [x1, #0xff]"),
        (|_| Inst::Store(mem(Width::B8, gp(2), base(4), index(17))), "826831f8", "str x2, [x4, x17]"),
        (|_| Inst::Store(mem(Width::B8, Data::Zr, base(5), scaled(2))), "bf0800f9", "str xzr, [x5, #0x10]"),
        (|_| Inst::Store(mem(Width::B8, fp(31), base(20), scaled(4095))), "9ffe3ffd", "str d31, [x20, #0x7ff8]"),
        (|_| Inst::Store(mem(Width::B8, fp(1), base(2), unscaled(-1))), "41f01ffc", "stur d1, [x2, #-0x1]"),
        (|_| Inst::Store(mem(Width::B8, fp(9), Base::Sp, index(16))), "e96b30fc", "str d9, [sp, x16]"),
        (|_| Inst::Load(mem(Width::B16, fp(31), base(20), scaled(4095))), "9ffeff3d", "ldr q31, [x20, #0xfff0]"),
        (|_| Inst::Load(mem(Width::B16, fp(1), base(2), unscaled(-1))), "41f0df3c", "ldur q1, [x2, #-0x1]"),
        (|_| Inst::Load(mem(Width::B16, fp(9), Base::Sp, index(16))), "e96bf03c", "ldr q9, [sp, x16]"),
        (|_| Inst::Store(mem(Width::B16, fp(31), base(20), scaled(4095))), "9ffebf3d", "str q31, [x20, #0xfff0]"),
        (|_| Inst::Store(mem(Width::B16, fp(1), base(2), unscaled(-1))), "41f09f3c", "stur q1, [x2, #-0x1]"),
        (|_| Inst::Store(mem(Width::B16, fp(9), Base::Sp, index(16))), "e96bb03c", "str q9, [sp, x16]"),
        (|_| Inst::LoadPair(pair(Width::B4, gp(0), gp(1), base(19), -64)), "60066029", "ldp w0, w1, [x19, #-0x100]"),
        (|_| Inst::LoadPair(pair(Width::B4, gp(29), gp(30), Base::Sp, 63)), "fdfb5f29", "ldp w29, w30, [sp, #0xfc]"),
        (|_| Inst::StorePair(pair(Width::B4, gp(0), gp(1), base(19), -64)), "60062029", "stp w0, w1, [x19, #-0x100]"),
        (|_| Inst::StorePair(pair(Width::B4, gp(29), gp(30), Base::Sp, 63)), "fdfb1f29", "stp w29, w30, [sp, #0xfc]"),
        (|_| Inst::LoadPair(pair(Width::B8, gp(0), gp(1), base(19), -64)), "600660a9", "ldp x0, x1, [x19, #-0x200]"),
        (|_| Inst::LoadPair(pair(Width::B8, gp(29), gp(30), Base::Sp, 63)), "fdfb5fa9", "ldp x29, x30, [sp, #0x1f8]"),
        (|_| Inst::StorePair(pair(Width::B8, gp(0), gp(1), base(19), -64)), "600620a9", "stp x0, x1, [x19, #-0x200]"),
        (|_| Inst::StorePair(pair(Width::B8, gp(29), gp(30), Base::Sp, 63)), "fdfb1fa9", "stp x29, x30, [sp, #0x1f8]"),
        (|_| Inst::StorePair(pair(Width::B8, Data::Zr, gp(3), base(2), 1)), "5f8c00a9", "stp xzr, x3, [x2, #0x8]"),
        (|_| Inst::LoadPair(pair(Width::B4, fp(30), fp(31), base(3), -1)), "7efc7f2d", "ldp s30, s31, [x3, #-0x4]"),
        (|_| Inst::LoadPair(pair(Width::B4, fp(0), fp(2), base(28), 5)), "808b422d", "ldp s0, s2, [x28, #0x14]"),
        (|_| Inst::StorePair(pair(Width::B4, fp(30), fp(31), base(3), -1)), "7efc3f2d", "stp s30, s31, [x3, #-0x4]"),
        (|_| Inst::StorePair(pair(Width::B4, fp(0), fp(2), base(28), 5)), "808b022d", "stp s0, s2, [x28, #0x14]"),
        (|_| Inst::LoadPair(pair(Width::B8, fp(30), fp(31), base(3), -1)), "7efc7f6d", "ldp d30, d31, [x3, #-0x8]"),
        (|_| Inst::LoadPair(pair(Width::B8, fp(0), fp(2), base(28), 5)), "808b426d", "ldp d0, d2, [x28, #0x28]"),
        (|_| Inst::StorePair(pair(Width::B8, fp(30), fp(31), base(3), -1)), "7efc3f6d", "stp d30, d31, [x3, #-0x8]"),
        (|_| Inst::StorePair(pair(Width::B8, fp(0), fp(2), base(28), 5)), "808b026d", "stp d0, d2, [x28, #0x28]"),
        (|_| Inst::LoadPair(pair(Width::B16, fp(30), fp(31), base(3), -1)), "7efc7fad", "ldp q30, q31, [x3, #-0x10]"),
        (|_| Inst::LoadPair(pair(Width::B16, fp(0), fp(2), base(28), 5)), "808b42ad", "ldp q0, q2, [x28, #0x50]"),
        (|_| Inst::StorePair(pair(Width::B16, fp(30), fp(31), base(3), -1)), "7efc3fad", "stp q30, q31, [x3, #-0x10]"),
        (|_| Inst::StorePair(pair(Width::B16, fp(0), fp(2), base(28), 5)), "808b02ad", "stp q0, q2, [x28, #0x50]"),
        (|_| Inst::Int { op: IntOp::Add, dst: X0, lhs: X30, rhs: X15 }, "c0030f8b", "add x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Adds, dst: X0, lhs: X30, rhs: X15 }, "c0030fab", "adds x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Sub, dst: X0, lhs: X30, rhs: X15 }, "c0030fcb", "sub x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Subs, dst: X0, lhs: X30, rhs: X15 }, "c0030feb", "subs x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::And, dst: X0, lhs: X30, rhs: X15 }, "c0030f8a", "and x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Orr, dst: X0, lhs: X30, rhs: X15 }, "c0030faa", "orr x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Eor, dst: X0, lhs: X30, rhs: X15 }, "c0030fca", "eor x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Mul, dst: X0, lhs: X30, rhs: X15 }, "c07f0f9b", "mul x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Sdiv, dst: X0, lhs: X30, rhs: X15 }, "c00fcf9a", "sdiv x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Udiv, dst: X0, lhs: X30, rhs: X15 }, "c00bcf9a", "udiv x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Lsl, dst: X0, lhs: X30, rhs: X15 }, "c023cf9a", "lsl x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Lsr, dst: X0, lhs: X30, rhs: X15 }, "c027cf9a", "lsr x0, x30, x15"),
        (|_| Inst::Int { op: IntOp::Asr, dst: X0, lhs: X30, rhs: X15 }, "c02bcf9a", "asr x0, x30, x15"),
        (|_| Inst::IntImm { op: ImmOp::Add, dst: Base::Sp, src: Base::Sp, imm: imm12(16) }, "ff430091", "add sp, sp, #0x10"),
        (|_| Inst::IntImm { op: ImmOp::Add, dst: base(29), src: Base::Sp, imm: imm12(0) }, "fd030091", "mov x29, sp"),
        (|_| Inst::IntImm { op: ImmOp::Sub, dst: base(1), src: base(2), imm: imm12(4095) }, "41fc3fd1", "sub x1, x2, #0xfff"),
        (|_| Inst::IntImm { op: ImmOp::Add, dst: base(3), src: base(4), imm: imm12(0x7ff000) }, "83fc5f91", "add x3, x4, #0x7ff, lsl #12"),
        (|_| Inst::IntImm { op: ImmOp::Sub, dst: Base::Sp, src: Base::Sp, imm: imm12(0x1000) }, "ff0740d1", "sub sp, sp, #0x1, lsl #12"),
        (|_| Inst::Shift { op: ShiftOp::Lsl, dst: X1, src: X2, amount: shift(63) }, "410041d3", "lsl x1, x2, #0x3f"),
        (|_| Inst::Shift { op: ShiftOp::Lsl, dst: X1, src: X2, amount: shift(1) }, "41f87fd3", "lsl x1, x2, #0x1"),
        (|_| Inst::Shift { op: ShiftOp::Lsr, dst: X1, src: X2, amount: shift(63) }, "41fc7fd3", "lsr x1, x2, #0x3f"),
        (|_| Inst::Shift { op: ShiftOp::Lsr, dst: X1, src: X2, amount: shift(1) }, "41fc41d3", "lsr x1, x2, #0x1"),
        (|_| Inst::Shift { op: ShiftOp::Asr, dst: X1, src: X2, amount: shift(63) }, "41fc7f93", "asr x1, x2, #0x3f"),
        (|_| Inst::Shift { op: ShiftOp::Asr, dst: X1, src: X2, amount: shift(1) }, "41fc4193", "asr x1, x2, #0x1"),
        (|_| Inst::Cmp { lhs: X3, rhs: X30 }, "7f001eeb", "cmp x3, x30"),
        (|_| Inst::CmpImm { lhs: base(3), imm: imm12(4095) }, "7ffc3ff1", "cmp x3, #0xfff"),
        (|_| Inst::CmpImm { lhs: Base::Sp, imm: imm12(0x5000) }, "ff1740f1", "cmp sp, #0x5, lsl #12"),
        (|_| Inst::Cmp32 { lhs: X3, rhs: X30 }, "7f001e6b", "cmp w3, w30"),
        (|_| Inst::CmpImm32 { lhs: X0, imm: imm12(4095) }, "1ffc3f71", "cmp w0, #0xfff"),
        (|_| Inst::CmpImm32 { lhs: X30, imm: imm12(0x5000) }, "df174071", "cmp w30, #0x5, lsl #12"),
        (|_| Inst::Mov { dst: X9, src: X30 }, "e9031eaa", "mov x9, x30"),
        (|_| Inst::Mov32 { dst: X9, src: X30 }, "e9031e2a", "mov w9, w30"),
        (|_| Inst::Mov32 { dst: X0, src: X1 }, "e003012a", "mov w0, w1"),
        (|_| Inst::MoveWide { op: MoveOp::Movz, dst: X17, imm: wide(0xbeef, 0) }, "f1dd97d2", "mov x17, #0xbeef"),
        (|_| Inst::MoveWide { op: MoveOp::Movz, dst: X17, imm: wide(0xbeef, 16) }, "f1ddb7d2", "mov x17, #0xbeef0000"),
        (|_| Inst::MoveWide { op: MoveOp::Movz, dst: X17, imm: wide(0xbeef, 32) }, "f1ddd7d2", "mov x17, #0xbeef00000000"),
        (|_| Inst::MoveWide { op: MoveOp::Movz, dst: X17, imm: wide(0xbeef, 48) }, "f1ddf7d2", "mov x17, #0xbeef000000000000"),
        (|_| Inst::MoveWide { op: MoveOp::Movn, dst: X17, imm: wide(0xbeef, 0) }, "f1dd9792", "mov x17, #0xffffffffffff4110"),
        (|_| Inst::MoveWide { op: MoveOp::Movn, dst: X17, imm: wide(0xbeef, 16) }, "f1ddb792", "mov x17, #0xffffffff4110ffff"),
        (|_| Inst::MoveWide { op: MoveOp::Movn, dst: X17, imm: wide(0xbeef, 32) }, "f1ddd792", "mov x17, #0xffff4110ffffffff"),
        (|_| Inst::MoveWide { op: MoveOp::Movn, dst: X17, imm: wide(0xbeef, 48) }, "f1ddf792", "mov x17, #0x4110ffffffffffff"),
        (|_| Inst::MoveWide { op: MoveOp::Movk, dst: X17, imm: wide(0xbeef, 0) }, "f1dd97f2", "movk x17, #0xbeef"),
        (|_| Inst::MoveWide { op: MoveOp::Movk, dst: X17, imm: wide(0xbeef, 16) }, "f1ddb7f2", "movk x17, #0xbeef, lsl #16"),
        (|_| Inst::MoveWide { op: MoveOp::Movk, dst: X17, imm: wide(0xbeef, 32) }, "f1ddd7f2", "movk x17, #0xbeef, lsl #32"),
        (|_| Inst::MoveWide { op: MoveOp::Movk, dst: X17, imm: wide(0xbeef, 48) }, "f1ddf7f2", "movk x17, #0xbeef, lsl #48"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Eq }, "2000829a", "csel x0, x1, x2, eq"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Ne }, "2010829a", "csel x0, x1, x2, ne"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Hs }, "2020829a", "csel x0, x1, x2, hs"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Lo }, "2030829a", "csel x0, x1, x2, lo"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Mi }, "2040829a", "csel x0, x1, x2, mi"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Pl }, "2050829a", "csel x0, x1, x2, pl"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Vs }, "2060829a", "csel x0, x1, x2, vs"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Vc }, "2070829a", "csel x0, x1, x2, vc"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Hi }, "2080829a", "csel x0, x1, x2, hi"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Ls }, "2090829a", "csel x0, x1, x2, ls"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Ge }, "20a0829a", "csel x0, x1, x2, ge"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Lt }, "20b0829a", "csel x0, x1, x2, lt"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Gt }, "20c0829a", "csel x0, x1, x2, gt"),
        (|_| Inst::Csel { dst: X0, lhs: X1, rhs: X2, cond: Cond::Le }, "20d0829a", "csel x0, x1, x2, le"),
        (|_| Inst::Cset { dst: X5, cond: Cond::Eq }, "e5179f9a", "cset x5, eq"),
        (|_| Inst::Cset { dst: X5, cond: Cond::Lt }, "e5a79f9a", "cset x5, lt"),
        (|_| Inst::Cset { dst: X5, cond: Cond::Hi }, "e5979f9a", "cset x5, hi"),
        (|_| Inst::Float { op: FloatOp::Add, dst: V0, lhs: V31, rhs: V16 }, "e02b701e", "fadd d0, d31, d16"),
        (|_| Inst::Float { op: FloatOp::Sub, dst: V0, lhs: V31, rhs: V16 }, "e03b701e", "fsub d0, d31, d16"),
        (|_| Inst::Float { op: FloatOp::Mul, dst: V0, lhs: V31, rhs: V16 }, "e00b701e", "fmul d0, d31, d16"),
        (|_| Inst::Float { op: FloatOp::Div, dst: V0, lhs: V31, rhs: V16 }, "e01b701e", "fdiv d0, d31, d16"),
        (|_| Inst::Float { op: FloatOp::Max, dst: V0, lhs: V31, rhs: V16 }, "e04b701e", "fmax d0, d31, d16"),
        (|_| Inst::Float { op: FloatOp::Min, dst: V0, lhs: V31, rhs: V16 }, "e05b701e", "fmin d0, d31, d16"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::Mov, dst: V1, src: V2 }, "4140601e", "fmov d1, d2"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::Neg, dst: V1, src: V2 }, "4140611e", "fneg d1, d2"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::Abs, dst: V1, src: V2 }, "41c0601e", "fabs d1, d2"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::Sqrt, dst: V1, src: V2 }, "41c0611e", "fsqrt d1, d2"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::RoundDown, dst: V1, src: V2 }, "4140651e", "frintm d1, d2"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::RoundUp, dst: V1, src: V2 }, "41c0641e", "frintp d1, d2"),
        (|_| Inst::FloatUnary { op: FloatUnaryOp::RoundTowardZero, dst: V1, src: V2 }, "41c0651e", "frintz d1, d2"),
        (|_| Inst::FloatSelect { dst: V0, lhs: V31, rhs: V16, cond: Cond::Eq }, "e00f701e", "fcsel d0, d31, d16, eq"),
        (|_| Inst::FloatSelect { dst: V3, lhs: V4, rhs: V5, cond: Cond::Lt }, "83bc651e", "fcsel d3, d4, d5, lt"),
        (|_| Inst::FloatSelect { dst: V3, lhs: V4, rhs: V5, cond: Cond::Gt }, "83cc651e", "fcsel d3, d4, d5, gt"),
        (|_| Inst::FloatCmp { lhs: V3, rhs: V4 }, "6020641e", "fcmp d3, d4"),
        (|_| Inst::FloatCmpZero { lhs: V3 }, "6820601e", "fcmp d3, #0.0"),
        (|_| Inst::FloatCmpZero { lhs: V31 }, "e823601e", "fcmp d31, #0.0"),
        (|_| Inst::FloatToBits { dst: X5, src: V6 }, "c500669e", "fmov x5, d6"),
        (|_| Inst::BitsToFloat { dst: V7, src: X8 }, "0701679e", "fmov d7, x8"),
        (|_| Inst::FloatImm { dst: V0, imm: FpImm8::new(1.0).unwrap() }, "00106e1e", "fmov d0, #1.0"),
        (|_| Inst::FloatImm { dst: V7, imm: FpImm8::new(-0.5).unwrap() }, "07107c1e", "fmov d7, #-0.5"),
        (|_| Inst::FloatImm { dst: V30, imm: FpImm8::new(31.0).unwrap() }, "1ef0671e", "fmov d30, #31.0"),
        (|_| Inst::IntToFloat { dst: V9, src: X10 }, "4901629e", "scvtf d9, x10"),
        (|_| Inst::FloatToInt { dst: X11, src: V12 }, "8b01789e", "fcvtzs x11, d12"),
        (|_| Inst::CallReg(X16), "00023fd6", "blr x16"),
        (|_| Inst::JumpReg(X30), "c0031fd6", "br x30"),
        (|_| Inst::Ret, "c0035fd6", "ret"),
        (|_| Inst::Nop, "1f2003d5", "nop"),
        (|_| Inst::Brk(0xf000), "00003ed4", "brk #0xf000"),
        (|l| Inst::Branch(l), "00000014", "b $+0x0"),
        (|l| Inst::BranchCond(Cond::Eq, l), "00000054", "b.eq $+0x0"),
        (|l| Inst::BranchCond(Cond::Ne, l), "01000054", "b.ne $+0x0"),
        (|l| Inst::BranchCond(Cond::Hs, l), "02000054", "b.hs $+0x0"),
        (|l| Inst::BranchCond(Cond::Lo, l), "03000054", "b.lo $+0x0"),
        (|l| Inst::BranchCond(Cond::Mi, l), "04000054", "b.mi $+0x0"),
        (|l| Inst::BranchCond(Cond::Pl, l), "05000054", "b.pl $+0x0"),
        (|l| Inst::BranchCond(Cond::Vs, l), "06000054", "b.vs $+0x0"),
        (|l| Inst::BranchCond(Cond::Vc, l), "07000054", "b.vc $+0x0"),
        (|l| Inst::BranchCond(Cond::Hi, l), "08000054", "b.hi $+0x0"),
        (|l| Inst::BranchCond(Cond::Ls, l), "09000054", "b.ls $+0x0"),
        (|l| Inst::BranchCond(Cond::Ge, l), "0a000054", "b.ge $+0x0"),
        (|l| Inst::BranchCond(Cond::Lt, l), "0b000054", "b.lt $+0x0"),
        (|l| Inst::BranchCond(Cond::Gt, l), "0c000054", "b.gt $+0x0"),
        (|l| Inst::BranchCond(Cond::Le, l), "0d000054", "b.le $+0x0"),
        (|l| Inst::BranchZero(X3, l), "030000b4", "cbz x3, $+0x0"),
        (|l| Inst::BranchNonZero(X30, l), "1e0000b5", "cbnz x30, $+0x0"),
        (|l| Inst::TestBitZero(X3, bit(0), l), "03000036", "tbz w3, #0x0, $+0x0"),
        (|l| Inst::TestBitZero(X3, bit(63), l), "0300f8b6", "tbz x3, #0x3f, $+0x0"),
        (|l| Inst::TestBitNonZero(X30, bit(31), l), "1e00f837", "tbnz w30, #0x1f, $+0x0"),
        (|l| Inst::TestBitNonZero(X30, bit(32), l), "1e0000b7", "tbnz x30, #0x20, $+0x0"),
];

#[test]
fn every_row_encodes_to_its_hex_and_decodes_to_its_text() {
    let mut failures = Vec::new();
    for (number, (make, expected_hex, expected_text)) in ROWS.iter().enumerate() {
        let bytes = encode_row(*make);
        let actual_hex = hex(&bytes);
        let word: [u8; 4] = bytes.as_slice().try_into().unwrap_or_default();
        let actual_text = disasm::text(word);
        if actual_hex != *expected_hex || actual_text != *expected_text {
            failures.push(format!(
                "row {number}: {:?}\n  emitted {actual_hex} (table {expected_hex}); decodes as `{actual_text}` (table `{expected_text}`)",
                make(Label::default())
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} rows differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn standalone_rows_match_encode_one() {
    for (make, expected_hex, _) in ROWS {
        let inst = make(Label::default());
        match jit_aarch64::emit::encode_one(&inst) {
            Ok(word) => assert_eq!(hex(&word), *expected_hex, "{inst:?}"),
            Err(_) => assert!(
                matches!(
                    inst,
                    Inst::Branch(_)
                        | Inst::BranchCond(..)
                        | Inst::BranchZero(..)
                        | Inst::BranchNonZero(..)
                        | Inst::TestBitZero(..)
                        | Inst::TestBitNonZero(..)
                ),
                "{inst:?} should encode on its own"
            ),
        }
    }
}

#[test]
fn memory_rows_decode_to_the_offsets_the_emitter_meant() {
    for (make, _, _) in ROWS {
        let inst = make(Label::default());
        let word: [u8; 4] = encode_row(*make).try_into().unwrap();
        let decoded = disasm::memory_access(word);
        match inst {
            Inst::Load(m) | Inst::Store(m) => match m.byte_offset() {
                Some(offset) => {
                    let access =
                        decoded.unwrap_or_else(|| panic!("{inst:?} not decoded as an access"));
                    assert_eq!(access.offset, offset, "{inst:?}");
                    assert_eq!(access.size, m.width().bytes(), "{inst:?}");
                    assert_eq!(access.base, u16::from(m.base().field()), "{inst:?}");
                    assert_eq!(access.load, matches!(inst, Inst::Load(_)), "{inst:?}");
                }
                None => assert_eq!(
                    decoded, None,
                    "register-offset forms are not immediate accesses"
                ),
            },
            Inst::LoadPair(p) | Inst::StorePair(p) => {
                let access = decoded.unwrap_or_else(|| panic!("{inst:?} not decoded as an access"));
                assert_eq!(access.offset, p.byte_offset(), "{inst:?}");
                assert_eq!(access.size, p.width().bytes(), "{inst:?}");
                assert_eq!(access.registers.len(), 2);
            }
            _ => assert_eq!(decoded, None, "{inst:?} is not a memory access"),
        }
    }
}

#[test]
fn literal_loads_address_the_pool() {
    for (dst, expected_hex, expected_text) in [
        (LiteralDst::Gp(X0), "40000058", "ldr x0, $+0x8"),
        (LiteralDst::Fp(V1), "4100005c", "ldr d1, $+0x8"),
    ] {
        let mut assembler = Assembler::new();
        assembler.load_literal(dst, 0x1122_3344_5566_7788);
        let code = assembler.finish(Fusing::Off).unwrap();
        let bytes = code.bytes();
        assert_eq!(hex(&bytes[..4]), expected_hex);
        assert_eq!(disasm::text(bytes[..4].try_into().unwrap()), expected_text);
        assert_eq!(code.encoded.pool_offset, 8);
        assert_eq!(&bytes[8..16], &0x1122_3344_5566_7788u64.to_le_bytes());
    }
}

#[test]
fn forward_branches_resolve() {
    let mut assembler = Assembler::new();
    let target = assembler.new_label();
    assembler.push(Inst::Branch(target));
    assembler.push(Inst::BranchCond(Cond::Ne, target));
    assembler.push(Inst::BranchZero(X1, target));
    assembler.push(Inst::Nop);
    assembler.bind(target);
    assembler.push(Inst::Ret);
    let code = assembler.finish(Fusing::Off).unwrap();
    let texts: Vec<String> = code
        .bytes()
        .chunks(4)
        .map(|w| disasm::text(w.try_into().unwrap()))
        .collect();
    assert_eq!(
        texts,
        ["b $+0x10", "b.ne $+0xc", "cbz x1, $+0x8", "nop", "ret"]
    );
    assert_eq!(code.label_offset(target), Some(16));
}
