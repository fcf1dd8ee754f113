//! jit-aarch64: `Assembler (typed Inst list) → fuse (LDR/STR → LDP/STP) → emit (dynasm) → Executor`,
//! with `disasm` (yaxpeax-arm) reading the bytes back for dumps and tests.
//!
//! The key idea: no bit pattern is ever reasoned about. Registers and immediates are types that
//! can only be built in range, the pair fuser works on decoded operands (real signed offsets), and
//! an independent disassembler checks what was emitted.
//!
//! ```text
//!  Assembler::{load, store, add_imm, call, ...}   offsets/immediates pick a form that fits
//!        │  Vec<Inst> + labels + literal pool
//!        ▼
//!  fuse::fuse_pairs                               adjacent LDR/STR → LDP/STP, never across a label
//!        ▼
//!  emit::encode                                   dynasm (the only user of `dynasm!`)
//!        ▼  position-independent bytes
//!  Executor::{install, patch, call}               native (aarch64 hosts) | emulated (unicorn, others)
//!        ▲
//!  disasm::disassemble                            yaxpeax-arm: dumps and the test oracle
//! ```
//!
//! Unsafe code lives only in `code` (executable memory) and `executor::emulated` (mapping host
//! memory into the emulator).

pub mod assembler;
pub mod code;
pub mod disasm;
pub mod emit;
pub mod error;
pub mod executor;
pub mod fuse;
pub mod helper;
pub mod imm;
pub mod inst;
pub mod reg;

pub use assembler::{Assembler, Code, Fusing};
pub use error::{Error, Result};
pub use executor::{CodeId, Executor};
pub use helper::Helper;
pub use inst::{Inst, Label, Width};
