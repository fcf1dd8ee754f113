//! The trace compiler's runtime side: hot counting, recording, trace entry and exits, dumps.
//! Machine code, IR and optimizations live in `jit-aarch64`; this module knows the VM.

pub mod hotcount;
pub mod params;

pub use params::{JitParams, OptFlags};

use std::io::Write;

/// Where `-jdump` and `-jv` write.
#[derive(Default)]
pub struct JitLog {
    /// `-jdump[=file]`: traces with bytecode, IR and machine code.
    pub dump: Option<Box<dyn Write>>,
    /// `-jv[=file]`: one line per trace and abort.
    pub verbose: Option<Box<dyn Write>>,
}

/// The trace compiler's state in a VM.
pub struct Jit {
    /// `jit.on()`/`jit.off()` (global).
    pub enabled: bool,
    pub params: JitParams,
    pub log: JitLog,
    /// `-jstats`: print counts of traces, aborts and bytecodes at exit.
    pub stats: bool,
}

impl Default for Jit {
    fn default() -> Jit {
        Jit {
            enabled: true,
            params: JitParams::default(),
            log: JitLog::default(),
            stats: false,
        }
    }
}

impl Jit {
    /// `jit.flush()`: drops every trace; counters start again.
    pub fn flush(&mut self) {}
}
