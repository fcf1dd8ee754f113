//! `runtime`: a Lua 5.1 runtime (LuaJIT 2.1 dialect) whose every run is a function of a seed.
//!
//! Pipeline: source → [`syntax`] (lexer, parser → AST) → [`compiler`] (register [`bytecode`],
//! one `Proto` per function) → [`vm`] (dispatch loop, metamethods, coroutines, GC over the
//! handle-addressed [`heap`]) with the [`stdlib`]. Key idea: nothing observable depends on a
//! machine address, a clock or OS randomness unless asked — string hashes, identity hashes,
//! `math.random` and (under `--deterministic`) time all derive from the seed ([`determinism`]).

#![deny(unsafe_code)]

pub mod bytecode;
pub mod compiler;
pub mod determinism;
pub mod heap;
pub mod jit;
pub mod run;
pub mod stdlib;
pub mod syntax;
pub mod text;
pub mod value;
pub mod vm;
