//! Disassembly of emitted code with yaxpeax-arm: listings for dumps, and decoded memory operands
//! that the tests use as an oracle independent of the emitter.
#![forbid(unsafe_code)]

use std::fmt::Write;

use yaxpeax_arch::{Decoder, U8Reader};
use yaxpeax_arm::armv8::a64::{InstDecoder, Instruction, Opcode, Operand, SIMDSizeCode, SizeCode};

use crate::assembler::Code;

/// Decodes one little-endian instruction word.
pub fn decode(word: [u8; 4]) -> Option<Instruction> {
    InstDecoder::default()
        .decode(&mut U8Reader::new(&word))
        .ok()
}

/// The assembly text of one instruction word (`.inst 0x...` if it does not decode).
pub fn text(word: [u8; 4]) -> String {
    match decode(word) {
        Some(inst) => inst.to_string(),
        None => format!(".inst {:#010x}", u32::from_le_bytes(word)),
    }
}

/// A listing of `code`: one line per instruction (`offset  word  text`) with `=>Ln:` before each
/// label position, and the literal pool as `.quad` lines.
pub fn listing(code: &Code) -> String {
    let mut out = String::new();
    let bytes = code.bytes();
    let pool = code.encoded.pool_offset;
    let mut labels: Vec<(usize, u32)> = code
        .encoded
        .label_offsets
        .iter()
        .enumerate()
        .filter_map(|(index, offset)| offset.map(|o| (o, index as u32)))
        .collect();
    labels.sort();
    let mut labels = labels.into_iter().peekable();
    for (index, chunk) in bytes[..pool].chunks_exact(4).enumerate() {
        let offset = index * 4;
        while let Some((_, label)) = labels.next_if(|&(o, _)| o == offset) {
            let _ = writeln!(out, "=>L{label}:");
        }
        let word = [chunk[0], chunk[1], chunk[2], chunk[3]];
        let _ = writeln!(
            out,
            "{offset:08x}  {:08x}  {}",
            u32::from_le_bytes(word),
            text(word)
        );
    }
    for (index, chunk) in bytes[pool..].chunks_exact(8).enumerate() {
        let value = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let _ = writeln!(out, "{:08x}  .quad {value:#018x}", pool + index * 8);
    }
    out
}

/// What a decoded load or store accesses.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Access {
    /// Whether it reads memory.
    pub load: bool,
    /// The base register number (31 = SP).
    pub base: u16,
    /// The signed byte offset from the base.
    pub offset: i64,
    /// Bytes per register.
    pub size: u32,
    /// The registers transferred, in address order: (is SIMD&FP, number).
    pub registers: Vec<(bool, u16)>,
}

impl Access {
    /// The byte ranges accessed relative to the base, one per register, in address order.
    pub fn ranges(&self) -> Vec<std::ops::Range<i64>> {
        (0..self.registers.len() as i64)
            .map(|i| {
                let start = self.offset + i * i64::from(self.size);
                start..start + i64::from(self.size)
            })
            .collect()
    }
}

/// The memory access of an immediate-offset `LDR/STR/LDUR/STUR/LDP/STP` (plain, no writeback)
/// word, decoded by yaxpeax; `None` for anything else.
pub fn memory_access(word: [u8; 4]) -> Option<Access> {
    let inst = decode(word)?;
    let (load, pair, byte_size) = match inst.opcode {
        Opcode::LDR | Opcode::LDUR => (true, false, None),
        Opcode::STR | Opcode::STUR => (false, false, None),
        Opcode::LDRB | Opcode::LDURB => (true, false, Some(1)),
        Opcode::STRB | Opcode::STURB => (false, false, Some(1)),
        Opcode::LDRH | Opcode::LDURH => (true, false, Some(2)),
        Opcode::STRH | Opcode::STURH => (false, false, Some(2)),
        Opcode::LDP => (true, true, None),
        Opcode::STP => (false, true, None),
        _ => return None,
    };
    let count = if pair { 2 } else { 1 };
    let mut registers = Vec::new();
    let mut size = byte_size;
    for operand in &inst.operands[..count] {
        let (fp, number, bytes) = register_operand(operand)?;
        registers.push((fp, number));
        size = Some(byte_size.unwrap_or(bytes));
    }
    let (base, offset) = match inst.operands[count] {
        Operand::RegPreIndex(base, offset, false) => (base, i64::from(offset)),
        _ => return None,
    };
    Some(Access {
        load,
        base,
        offset,
        size: size?,
        registers,
    })
}

fn register_operand(operand: &Operand) -> Option<(bool, u16, u32)> {
    match *operand {
        Operand::Register(SizeCode::X, n) => Some((false, n, 8)),
        Operand::Register(SizeCode::W, n) => Some((false, n, 4)),
        Operand::SIMDRegister(code, n) => {
            let bytes = match code {
                SIMDSizeCode::B => 1,
                SIMDSizeCode::H => 2,
                SIMDSizeCode::S => 4,
                SIMDSizeCode::D => 8,
                SIMDSizeCode::Q => 16,
            };
            Some((true, n, bytes))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inst::{Cond, Inst, LiteralDst};
    use crate::reg::{X0, X1};
    use crate::{Assembler, Fusing};

    #[test]
    fn listing_shows_labels_code_and_pool() {
        let mut a = Assembler::new();
        let top = a.new_label();
        a.bind(top);
        a.push(Inst::Cmp { lhs: X0, rhs: X1 });
        a.push(Inst::BranchCond(Cond::Ne, top));
        a.load_literal(LiteralDst::Gp(X0), 0x1122_3344_5566_7788);
        a.push(Inst::Ret);
        let code = a.finish(Fusing::Pairs).unwrap();
        assert_eq!(
            listing(&code),
            "=>L0:\n\
             00000000  eb01001f  cmp x0, x1\n\
             00000004  54ffffe1  b.ne $-0x4\n\
             00000008  58000040  ldr x0, $+0x8\n\
             0000000c  d65f03c0  ret\n\
             00000010  .quad 0x1122334455667788\n"
        );
    }

    #[test]
    fn words_that_do_not_decode_are_shown_raw() {
        assert_eq!(text([0xff, 0xff, 0xff, 0xff]), ".inst 0xffffffff");
        assert_eq!(memory_access([0x1f, 0x20, 0x03, 0xd5]), None);
    }
}
