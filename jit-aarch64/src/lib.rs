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
//! ```
//! use jit_aarch64::executor::host_executor;
//! use jit_aarch64::inst::{Inst, IntOp};
//! use jit_aarch64::reg::{Base, X0, X1, X2};
//! use jit_aarch64::{Assembler, Fusing, Width};
//!
//! # fn main() -> jit_aarch64::Result<()> {
//! // x0 = pointer to two u64s; returns their sum.
//! let mut a = Assembler::new();
//! a.load(Width::B8, X1.into(), Base::Gp(X0), 0)?;
//! a.load(Width::B8, X2.into(), Base::Gp(X0), 8)?; // fused with the load above into LDP
//! a.push(Inst::Int { op: IntOp::Add, dst: X0, lhs: X1, rhs: X2 });
//! a.push(Inst::Ret);
//! let code = a.finish(Fusing::Pairs)?;
//! assert_eq!(code.fusions.len(), 1);
//! print!("{}", jit_aarch64::disasm::listing(&code));
//!
//! // Without the `emulator` feature, only aarch64 hosts have an executor.
//! let Ok(mut executor) = host_executor() else { return Ok(()) };
//! let id = executor.install(code.bytes())?;
//! let pair = [40u64, 2];
//! // SAFETY: the code reads the two words `pair` holds and nothing else.
//! let sum = unsafe { executor.call(id, 0, &[pair.as_ptr() as u64])? };
//! assert_eq!(sum, 42);
//! # Ok(())
//! # }
//! ```
//!
//! Unsafe code lives only in `code` (executable memory), `executor::native` (entering code in the
//! code area) and `executor::emulated` (mapping host memory into the emulator).

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
pub mod asm;
pub mod ir;
pub mod opt;
