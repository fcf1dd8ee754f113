//! Registers, memory, continue and single step of the debugged process.
#![forbid(unsafe_code)]

use gdbstub::common::Signal;
use gdbstub::target::ext::base::reverse_exec::{ReverseContOps, ReverseStepOps};
use gdbstub::target::ext::base::singlethread::{
    SingleThreadBase, SingleThreadResume, SingleThreadResumeOps, SingleThreadSingleStep,
    SingleThreadSingleStepOps,
};
use gdbstub::target::{TargetError, TargetResult};

use super::arch::LinuxRegisters;

use super::{Debugger, Motion};

/// The full x87 tag word from the abridged one `fxsave` keeps (one bit a register: in use or empty).
fn full_tag_word(abridged: u16) -> u32 {
    (0..8).fold(0u32, |tags, register| {
        let empty = abridged & (1 << register) == 0;
        tags | (if empty { 0b11 } else { 0b00 }) << (2 * register)
    })
}

impl SingleThreadBase for Debugger {
    fn read_registers(&mut self, all: &mut LinuxRegisters) -> TargetResult<(), Self> {
        let general = self.timeline.registers().map_err(TargetError::Fatal)?;
        all.orig_rax = general.orig_rax;
        all.fs_base = general.fs_base;
        all.gs_base = general.gs_base;
        all.ymm_upper = self
            .timeline
            .ymm_upper_halves()
            .map_err(TargetError::Fatal)?;
        let regs = &mut all.core;
        regs.regs = [
            general.rax,
            general.rbx,
            general.rcx,
            general.rdx,
            general.rsi,
            general.rdi,
            general.rbp,
            general.rsp,
            general.r8,
            general.r9,
            general.r10,
            general.r11,
            general.r12,
            general.r13,
            general.r14,
            general.r15,
        ];
        regs.rip = general.rip;
        regs.eflags = general.eflags as u32;
        regs.segments.cs = general.cs as u32;
        regs.segments.ss = general.ss as u32;
        regs.segments.ds = general.ds as u32;
        regs.segments.es = general.es as u32;
        regs.segments.fs = general.fs as u32;
        regs.segments.gs = general.gs as u32;
        let fp = self.timeline.fp_registers().map_err(TargetError::Fatal)?;
        for (index, st) in regs.st.iter_mut().enumerate() {
            let words = &fp.st_space[index * 4..index * 4 + 4];
            let bytes: Vec<u8> = words.iter().flat_map(|word| word.to_le_bytes()).collect();
            st.copy_from_slice(&bytes[..10]);
        }
        regs.fpu.fctrl = u32::from(fp.cwd);
        regs.fpu.fstat = u32::from(fp.swd);
        regs.fpu.ftag = full_tag_word(fp.ftw);
        regs.fpu.fiseg = (fp.rip >> 32) as u32;
        regs.fpu.fioff = fp.rip as u32;
        regs.fpu.foseg = (fp.rdp >> 32) as u32;
        regs.fpu.fooff = fp.rdp as u32;
        regs.fpu.fop = u32::from(fp.fop);
        for (index, xmm) in regs.xmm.iter_mut().enumerate() {
            let words = &fp.xmm_space[index * 4..index * 4 + 4];
            *xmm = words
                .iter()
                .rev()
                .fold(0u128, |value, word| value << 32 | u128::from(*word));
        }
        regs.mxcsr = fp.mxcsr;
        Ok(())
    }

    /// General-purpose registers, `orig_rax` and the segment bases; x87, SSE and AVX registers are
    /// shown but not written.
    fn write_registers(&mut self, all: &LinuxRegisters) -> TargetResult<(), Self> {
        let mut general = self.timeline.registers().map_err(TargetError::Fatal)?;
        general.orig_rax = all.orig_rax;
        general.fs_base = all.fs_base;
        general.gs_base = all.gs_base;
        let regs = &all.core;
        let [rax, rbx, rcx, rdx, rsi, rdi, rbp, rsp, r8, r9, r10, r11, r12, r13, r14, r15] =
            regs.regs;
        general.rax = rax;
        general.rbx = rbx;
        general.rcx = rcx;
        general.rdx = rdx;
        general.rsi = rsi;
        general.rdi = rdi;
        general.rbp = rbp;
        general.rsp = rsp;
        general.r8 = r8;
        general.r9 = r9;
        general.r10 = r10;
        general.r11 = r11;
        general.r12 = r12;
        general.r13 = r13;
        general.r14 = r14;
        general.r15 = r15;
        general.rip = regs.rip;
        general.eflags = u64::from(regs.eflags);
        self.timeline
            .set_registers(&general)
            .map_err(TargetError::Fatal)
    }

    fn read_addrs(&mut self, start_addr: u64, data: &mut [u8]) -> TargetResult<usize, Self> {
        if let Ok(bytes) = self.timeline.read_memory(start_addr, data.len()) {
            data.copy_from_slice(&bytes);
            return Ok(data.len());
        }
        // Part of the range is unmapped: return what precedes the hole.
        let mut read = 0;
        for (address, byte) in (start_addr..).zip(data.iter_mut()) {
            match self.timeline.read_memory(address, 1) {
                Ok(bytes) => *byte = bytes[0],
                Err(_) => break,
            }
            read += 1;
        }
        if read == 0 {
            return Err(TargetError::Errno(14)); // EFAULT
        }
        Ok(read)
    }

    fn write_addrs(&mut self, start_addr: u64, data: &[u8]) -> TargetResult<(), Self> {
        self.timeline
            .write_memory(start_addr, data)
            .map_err(|_| TargetError::Errno(14))
    }

    #[inline(always)]
    fn support_resume(&mut self) -> Option<SingleThreadResumeOps<'_, Self>> {
        Some(self)
    }
}

impl SingleThreadResume for Debugger {
    /// The signal gdb passes is ignored: replay delivers exactly the recorded signals.
    fn resume(&mut self, _signal: Option<Signal>) -> Result<(), Self::Error> {
        self.motion = Motion::Continue;
        Ok(())
    }

    #[inline(always)]
    fn support_single_step(&mut self) -> Option<SingleThreadSingleStepOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_reverse_cont(&mut self) -> Option<ReverseContOps<'_, (), Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_reverse_step(&mut self) -> Option<ReverseStepOps<'_, (), Self>> {
        Some(self)
    }
}

impl SingleThreadSingleStep for Debugger {
    fn step(&mut self, _signal: Option<Signal>) -> Result<(), Self::Error> {
        self.motion = Motion::Step;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::full_tag_word;

    #[test]
    fn empty_registers_are_tagged_empty() {
        assert_eq!(full_tag_word(0), 0xffff);
        assert_eq!(full_tag_word(0b1000_0001), 0x3ffc);
    }
}
