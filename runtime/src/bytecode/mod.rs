//! Register bytecode: the one contract between the compiler and the interpreter (and, later, the
//! trace recorder). One `Proto` per Lua function, with line info and local-variable names for
//! error messages, and a stable `id` for hot counters.

pub mod dump;
mod op;
mod proto;

pub use op::{Op, Reg, Rk, RK_CONSTANT};
pub use proto::{LocalVar, Origin, Proto, UpvalDesc};
