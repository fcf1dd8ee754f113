//! A harness that runs a load/store sequence on real registers and memory and reports the final
//! state, so fused and unfused code can be compared.
#![allow(dead_code)]

use jit_aarch64::disasm::{self, Access};
use jit_aarch64::executor::host_executor;
use jit_aarch64::inst::Inst;
use jit_aarch64::reg::*;
use jit_aarch64::{Assembler, Executor, Fusing, Width};

/// Bytes in the data area the sequence may touch.
pub const MEMORY_SIZE: usize = 128 * 1024;
/// Offsets of the three base registers x19, x20, x21 inside the data area (one unaligned).
pub const BASE_POSITIONS: [usize; 3] = [40_000, 40_024, 80_001];
/// The base registers.
pub const BASES: [Gp; 3] = [X19, X20, X21];
/// General-purpose data registers the sequence may use.
pub const GP_DATA: usize = 16;
/// SIMD&FP data registers the sequence may use (v0..v7, caller-saved).
pub const FP_DATA: usize = 8;

/// Registers as stored by the epilogue: x0..x15 then q0..q7.
#[repr(C)]
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Registers {
    pub x: [u64; GP_DATA],
    pub q: [[u8; 16]; FP_DATA],
}

/// The final (or initial) machine state the tests compare.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct State {
    pub registers: Registers,
    pub memory: Vec<u8>,
}

impl State {
    /// A state filled from `seed` with a simple generator (no zeros, so stores are visible).
    pub fn seeded(seed: u64) -> State {
        let mut value = seed | 1;
        let mut next = move || {
            value ^= value << 13;
            value ^= value >> 7;
            value ^= value << 17;
            value
        };
        let memory = (0..MEMORY_SIZE).map(|_| next() as u8 | 1).collect();
        let x = std::array::from_fn(|_| next());
        let q = std::array::from_fn(|_| {
            next()
                .to_le_bytes()
                .into_iter()
                .chain(next().to_le_bytes())
                .collect::<Vec<u8>>()
                .try_into()
                .unwrap()
        });
        State {
            registers: Registers { x, q },
            memory,
        }
    }
}

/// A program: prologue, the sequence, epilogue. `sequence_start` is the index of the first
/// sequence instruction in the program's instruction list.
pub struct Program {
    pub code: jit_aarch64::Code,
    pub sequence_start: usize,
}

/// Wraps `sequence` in a prologue that loads registers from the state block (x0 on entry) and
/// the bases (x1..x3), and an epilogue that stores them back. The wrapper itself is not fused.
pub fn program(sequence: &[Inst]) -> Program {
    let mut a = Assembler::new();
    // Recreate the sequence's labels (assemblers number labels from 0).
    let label_count = sequence
        .iter()
        .filter_map(label_of)
        .map(|l| l.index() + 1)
        .max()
        .unwrap_or(0);
    for _ in 0..label_count {
        a.new_label();
    }
    a.add_imm(Base::Sp, Base::Sp, -32).unwrap();
    a.store_pair(Width::B8, X19.into(), X20.into(), Base::Sp, 0)
        .unwrap();
    a.store_pair(Width::B8, X21.into(), X22.into(), Base::Sp, 16)
        .unwrap();
    a.push(Inst::Mov { dst: X22, src: X0 });
    a.push(Inst::Mov { dst: X19, src: X1 });
    a.push(Inst::Mov { dst: X20, src: X2 });
    a.push(Inst::Mov { dst: X21, src: X3 });
    for n in 0..GP_DATA as u8 {
        a.load(
            Width::B8,
            Gp::new(n).unwrap().into(),
            X22.into(),
            8 * i64::from(n),
        )
        .unwrap();
    }
    for n in 0..FP_DATA as u8 {
        a.load(
            Width::B16,
            Fp::new(n).unwrap().into(),
            X22.into(),
            128 + 16 * i64::from(n),
        )
        .unwrap();
    }
    let sequence_start = a.insts().len();
    a.extend(sequence.iter().copied());
    for n in 0..GP_DATA as u8 {
        a.store(
            Width::B8,
            Gp::new(n).unwrap().into(),
            X22.into(),
            8 * i64::from(n),
        )
        .unwrap();
    }
    for n in 0..FP_DATA as u8 {
        a.store(
            Width::B16,
            Fp::new(n).unwrap().into(),
            X22.into(),
            128 + 16 * i64::from(n),
        )
        .unwrap();
    }
    a.load_pair(Width::B8, X19.into(), X20.into(), Base::Sp, 0)
        .unwrap();
    a.load_pair(Width::B8, X21.into(), X22.into(), Base::Sp, 16)
        .unwrap();
    a.add_imm(Base::Sp, Base::Sp, 32).unwrap();
    a.push(Inst::Ret);
    Program {
        code: a.finish(Fusing::Off).unwrap(),
        sequence_start,
    }
}

fn label_of(inst: &Inst) -> Option<jit_aarch64::Label> {
    match *inst {
        Inst::Bind(l)
        | Inst::Branch(l)
        | Inst::BranchCond(_, l)
        | Inst::BranchZero(_, l)
        | Inst::BranchNonZero(_, l) => Some(l),
        _ => None,
    }
}

/// Runs `program` from `initial` and returns the final state.
pub fn run(executor: &mut dyn Executor, program: &Program, initial: &State) -> State {
    let mut state = initial.clone();
    let id = executor.install(program.code.bytes()).unwrap();
    let memory = state.memory.as_mut_ptr() as u64;
    let bases = BASE_POSITIONS.map(|p| memory + p as u64);
    let registers = &mut state.registers as *mut Registers as u64;
    // SAFETY: the sequence only addresses the data area through the bases (offsets are kept within
    // it by the generators), and the wrapper only the register block and its own stack frame.
    unsafe { executor.call(id, 0, &[registers, bases[0], bases[1], bases[2]]) }.unwrap();
    executor.remove(id).unwrap();
    state
}

/// The word at instruction `index` of a program.
pub fn word(program: &Program, index: usize) -> [u8; 4] {
    let offset = program.code.encoded.inst_offsets[index];
    program.code.bytes()[offset..offset + 4].try_into().unwrap()
}

/// Checks, with the disassembler only, that the pair word accesses exactly what the two single
/// words accessed: same base, same direction, same registers at the same byte ranges.
pub fn check_pair_covers(pair: [u8; 4], first: [u8; 4], second: [u8; 4]) -> Result<(), String> {
    let decode = |w: [u8; 4]| {
        disasm::memory_access(w)
            .ok_or_else(|| format!("`{}` is not a plain access", disasm::text(w)))
    };
    let (pair_access, a, b) = (decode(pair)?, decode(first)?, decode(second)?);
    let describe = || {
        format!(
            "`{}` + `{}` -> `{}`",
            disasm::text(first),
            disasm::text(second),
            disasm::text(pair)
        )
    };
    let mut singles: Vec<(std::ops::Range<i64>, (bool, u16))> = [&a, &b]
        .iter()
        .map(|s: &&Access| (s.ranges()[0].clone(), s.registers[0]))
        .collect();
    singles.sort_by_key(|(range, _)| range.start);
    let paired: Vec<(std::ops::Range<i64>, (bool, u16))> = pair_access
        .ranges()
        .into_iter()
        .zip(pair_access.registers.iter().copied())
        .collect();
    if pair_access.registers.len() != 2 {
        return Err(format!("not a pair: {}", describe()));
    }
    if pair_access.base != a.base || pair_access.base != b.base {
        return Err(format!("base differs: {}", describe()));
    }
    if pair_access.load != a.load || pair_access.load != b.load {
        return Err(format!("direction differs: {}", describe()));
    }
    if paired != singles {
        return Err(format!(
            "locations differ: {} ({paired:?} vs {singles:?})",
            describe()
        ));
    }
    Ok(())
}

/// The host's executor.
pub fn executor() -> Box<dyn Executor> {
    host_executor().unwrap()
}
