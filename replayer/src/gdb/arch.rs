//! The target description gdb 13 expects of an x86-64 Linux process: core, x87 and SSE registers
//! (`gdbstub_arch`'s layout), then `orig_rax`, `fs_base`/`gs_base` and the AVX upper halves, as in
//! gdb's own `amd64-avx-linux` description (`target.xml`).
#![forbid(unsafe_code)]

use gdbstub::arch::{Arch, Registers};
use gdbstub_arch::x86::reg::X86_64CoreRegs;

/// x86-64 Linux with AVX.
pub enum X86_64Linux {}

impl Arch for X86_64Linux {
    type Usize = u64;
    type Registers = LinuxRegisters;
    type RegId = gdbstub_arch::x86::reg::id::X86_64CoreRegId;
    type BreakpointKind = usize;

    fn target_description_xml() -> Option<&'static str> {
        Some(include_str!("target.xml"))
    }
}

/// Bytes of the core, x87 and SSE registers in a `g` packet.
const CORE_BYTES: usize = 16 * 8 + 8 + 4 + 6 * 4 + 8 * 10 + 8 * 4 + 16 * 16 + 4;

/// Every register of the description, in its order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct LinuxRegisters {
    /// General-purpose, segment, x87 and SSE registers.
    pub core: X86_64CoreRegs,
    /// The system call number at a system-call stop (-1 elsewhere).
    pub orig_rax: u64,
    /// Base of the fs segment (thread-local storage).
    pub fs_base: u64,
    /// Base of the gs segment.
    pub gs_base: u64,
    /// Upper 128 bits of ymm0..ymm15.
    pub ymm_upper: [u128; 16],
}

impl Registers for LinuxRegisters {
    type ProgramCounter = u64;

    fn pc(&self) -> u64 {
        self.core.rip
    }

    fn gdb_serialize(&self, mut write_byte: impl FnMut(Option<u8>)) {
        self.core.gdb_serialize(&mut write_byte);
        for word in [self.orig_rax, self.fs_base, self.gs_base] {
            word.to_le_bytes()
                .iter()
                .for_each(|byte| write_byte(Some(*byte)));
        }
        for half in &self.ymm_upper {
            half.to_le_bytes()
                .iter()
                .for_each(|byte| write_byte(Some(*byte)));
        }
    }

    fn gdb_deserialize(&mut self, bytes: &[u8]) -> Result<(), ()> {
        if bytes.len() < CORE_BYTES {
            return Err(());
        }
        self.core.gdb_deserialize(&bytes[..CORE_BYTES])?;
        let mut rest = bytes[CORE_BYTES..].chunks_exact(8);
        for word in [&mut self.orig_rax, &mut self.fs_base, &mut self.gs_base] {
            if let Some(chunk) = rest.next() {
                *word = u64::from_le_bytes(chunk.try_into().map_err(|_| ())?);
            }
        }
        let halves = bytes.get(CORE_BYTES + 24..).unwrap_or_default();
        for (half, chunk) in self.ymm_upper.iter_mut().zip(halves.chunks_exact(16)) {
            *half = u128::from_le_bytes(chunk.try_into().map_err(|_| ())?);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_round_trip_through_a_g_packet() {
        let mut registers = LinuxRegisters::default();
        registers.core.rip = 0x5555_5555_5150;
        registers.core.xmm[3] = 0x1234;
        registers.orig_rax = u64::MAX;
        registers.fs_base = 0x7fff_f7d8_a740;
        registers.ymm_upper[15] = u128::MAX - 1;
        let mut bytes = Vec::new();
        registers.gdb_serialize(|byte| bytes.push(byte.unwrap_or(0)));
        assert_eq!(bytes.len(), CORE_BYTES + 24 + 16 * 16);
        let mut back = LinuxRegisters::default();
        back.gdb_deserialize(&bytes).unwrap();
        assert_eq!(back, registers);
    }

    #[test]
    fn the_description_lists_every_serialized_register() {
        let xml = X86_64Linux::target_description_xml().unwrap();
        let bits: usize = xml
            .split("bitsize=\"")
            .skip(1)
            .map(|rest| rest.split('"').next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(bits / 8, CORE_BYTES + 24 + 16 * 16);
    }
}
