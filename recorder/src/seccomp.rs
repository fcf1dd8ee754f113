//! The seccomp filter that makes recording cheap: calls whose effect depends only on the process itself
//! run without a ptrace stop; every other call (and any call from another ABI) stops the tracee.
#![forbid(unsafe_code)]

use crate::syscalls::untraced_numbers;

const AUDIT_ARCH_X86_64: u32 = 0xc000_003e;
const SECCOMP_RET_TRACE: u32 = 0x7ff0_0000;
const SECCOMP_RET_ALLOW: u32 = 0x7fff_0000;
const BPF_LD_W_ABS: u16 = 0x20;
const BPF_JEQ_K: u16 = 0x15;
const BPF_RET_K: u16 = 0x06;
const OFFSET_NR: u32 = 0;
const OFFSET_ARCH: u32 = 4;

fn statement(code: u16, k: u32) -> libc::sock_filter {
    libc::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

fn jump(k: u32, jt: u8, jf: u8) -> libc::sock_filter {
    libc::sock_filter {
        code: BPF_JEQ_K,
        jt,
        jf,
        k,
    }
}

/// The recording filter.
pub fn recording_filter() -> Vec<libc::sock_filter> {
    let untraced: Vec<u32> = untraced_numbers().map(|nr| nr as u32).collect();
    let mut program = vec![
        statement(BPF_LD_W_ABS, OFFSET_ARCH),
        jump(AUDIT_ARCH_X86_64, 1, 0),
        statement(BPF_RET_K, SECCOMP_RET_TRACE),
        statement(BPF_LD_W_ABS, OFFSET_NR),
    ];
    for (index, number) in untraced.iter().enumerate() {
        let to_allow = u8::try_from(untraced.len() - index).expect("fewer than 255 untraced calls");
        program.push(jump(*number, to_allow, 0));
    }
    program.push(statement(BPF_RET_K, SECCOMP_RET_TRACE));
    program.push(statement(BPF_RET_K, SECCOMP_RET_ALLOW));
    program
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the filter the way the kernel would, for a native call `number`.
    fn verdict(program: &[libc::sock_filter], arch: u32, number: u32) -> u32 {
        let mut accumulator = 0;
        let mut pc = 0;
        loop {
            let op = program[pc];
            match op.code {
                BPF_LD_W_ABS => accumulator = if op.k == OFFSET_ARCH { arch } else { number },
                BPF_JEQ_K => {
                    pc += usize::from(if accumulator == op.k { op.jt } else { op.jf });
                }
                BPF_RET_K => return op.k,
                other => panic!("unexpected opcode {other}"),
            }
            pc += 1;
        }
    }

    #[test]
    fn only_listed_calls_pass_without_a_stop() {
        let program = recording_filter();
        assert_eq!(verdict(&program, AUDIT_ARCH_X86_64, 10), SECCOMP_RET_ALLOW); // mprotect
        assert_eq!(verdict(&program, AUDIT_ARCH_X86_64, 39), SECCOMP_RET_ALLOW); // getpid
        assert_eq!(verdict(&program, AUDIT_ARCH_X86_64, 0), SECCOMP_RET_TRACE); // read
        assert_eq!(verdict(&program, AUDIT_ARCH_X86_64, 9), SECCOMP_RET_TRACE); // mmap
        assert_eq!(verdict(&program, 0x4000_0003, 10), SECCOMP_RET_TRACE); // i386 ABI
    }
}
