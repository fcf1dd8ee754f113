//! The x86-64 user register file as recorded in events, and the comparison replay uses to detect divergence.
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};

macro_rules! registers {
    ($($name:ident),* $(,)?) => {
        /// General-purpose registers in `struct user_regs_struct` order.
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
        pub struct Registers {
            $(#[allow(missing_docs)] pub $name: u64,)*
        }

        impl From<libc::user_regs_struct> for Registers {
            fn from(regs: libc::user_regs_struct) -> Self {
                Registers { $($name: regs.$name,)* }
            }
        }

        impl From<Registers> for libc::user_regs_struct {
            fn from(regs: Registers) -> Self {
                libc::user_regs_struct { $($name: regs.$name,)* }
            }
        }
    };
}

registers!(
    r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8, rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs,
    eflags, rsp, ss, fs_base, gs_base, ds, es, fs, gs,
);

/// Arithmetic and direction flags: the `eflags` bits a program's own instructions decide.
const PROGRAM_FLAGS: u64 = 0xcd5;

impl Registers {
    /// The registers whose recorded and replayed values must agree, as `(name, value)` pairs.
    fn checked(&self) -> [(&'static str, u64); 21] {
        [
            ("rax", self.rax),
            ("rbx", self.rbx),
            ("rcx", self.rcx),
            ("rdx", self.rdx),
            ("rsi", self.rsi),
            ("rdi", self.rdi),
            ("rbp", self.rbp),
            ("rsp", self.rsp),
            ("r8", self.r8),
            ("r9", self.r9),
            ("r10", self.r10),
            ("r11", self.r11 & PROGRAM_FLAGS),
            ("r12", self.r12),
            ("r13", self.r13),
            ("r14", self.r14),
            ("r15", self.r15),
            ("rip", self.rip),
            ("orig_rax", self.orig_rax),
            ("eflags", self.eflags & PROGRAM_FLAGS),
            ("fs_base", self.fs_base),
            ("gs_base", self.gs_base),
        ]
    }

    /// The first register that differs between `self` (recorded) and `actual`, as
    /// `(name, expected, actual)`.
    pub fn first_difference(&self, actual: &Registers) -> Option<(&'static str, u64, u64)> {
        self.checked()
            .iter()
            .zip(actual.checked().iter())
            .find(|(expected, got)| expected.1 != got.1)
            .map(|(expected, got)| (expected.0, expected.1, got.1))
    }

    /// The six system-call arguments in ABI order.
    pub fn syscall_args(&self) -> [u64; 6] {
        [self.rdi, self.rsi, self.rdx, self.r10, self.r8, self.r9]
    }

    /// Sets the six system-call arguments in ABI order.
    pub fn set_syscall_args(&mut self, args: [u64; 6]) {
        [self.rdi, self.rsi, self.rdx, self.r10, self.r8, self.r9] = args;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn difference_ignores_system_flags_but_not_program_registers() {
        let recorded = Registers {
            rip: 0x401000,
            eflags: 0x246,
            ..Registers::default()
        };
        let mut replayed = recorded;
        replayed.eflags |= 0x100; // trap flag: set by debuggers, not by the program
        assert_eq!(recorded.first_difference(&replayed), None);
        replayed.rsp = 8;
        assert_eq!(recorded.first_difference(&replayed), Some(("rsp", 0, 8)));
    }
}
