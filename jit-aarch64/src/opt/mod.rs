//! Optimizations on the trace IR, by LuaJIT stage: constant folding (`fold`, lj_opt_fold.c),
//! common-subexpression elimination with memory-effect barriers (`cse`, lj_opt_fold.c's
//! `lj_opt_cse` and lj_opt_mem.c's forwarding for loads) and dead-code elimination (`dce`,
//! lj_opt_dce.c) and loop optimization by copy-substitution (`loop_`, lj_opt_loop.c). No pass may change a result bit: no reassociation, no FMA, no `x^2 → x*x`.
#![forbid(unsafe_code)]

pub mod cse;
pub mod dce;
pub mod fold;
pub mod loop_;
