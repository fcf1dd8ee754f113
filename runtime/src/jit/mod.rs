//! The trace compiler's runtime side (LuaJIT's lj_trace.c, lj_record.c, lj_snap.c restore):
//! hot counting at loop ops, recording into `jit-aarch64`'s IR, compiling and installing traces,
//! entering them and restoring the interpreter's state at exits, and the `-jdump`/`-jv` output.
//! Machine code, IR and optimizations live in `jit-aarch64`; this module knows the VM.
//!
//! Nothing here may change what a program observes: a trace computes the same values, ticks the
//! virtual clock and accounts allocation exactly as the interpreter would.

pub mod allow;
mod calls;
mod dump;
mod entry;
mod exit;
pub mod hotcount;
pub mod params;
mod record;
mod state;
mod trace;
mod value_bits;

pub use allow::TraceSet;
pub use params::{JitParams, OptFlags};

use std::collections::HashMap;
use std::io::Write;

use crate::determinism::Seed;

/// Where `-jdump` and `-jv` write.
#[derive(Default)]
pub struct JitLog {
    /// `-jdump[=file]`: traces with bytecode, IR and machine code.
    pub dump: Option<Box<dyn Write>>,
    /// `-jv[=file]`: one line per trace and abort.
    pub verbose: Option<Box<dyn Write>>,
    /// `-jkeys[=file]`: `<number> <key>` for every trace compiled (see [`allow`]).
    pub keys: Option<Box<dyn Write>>,
}

/// Counts for `-jstats`.
#[derive(Default, Clone, Copy, Debug)]
pub struct JitStats {
    pub traces: u64,
    pub aborts: u64,
    pub exits: u64,
    pub entries: u64,
    /// Bytecodes the interpreter executed, and those whole trace iterations executed.
    pub bytecodes: u64,
    pub in_traces: u64,
}

/// The trace compiler's state in a VM.
pub struct Jit {
    /// `jit.on()`/`jit.off()` (global).
    pub enabled: bool,
    pub params: JitParams,
    pub log: JitLog,
    /// `-jstats`: print counts of traces, aborts and exits at exit.
    pub stats: bool,
    pub counts: JitStats,
    pub(crate) seed: Seed,
    /// The trace being recorded.
    pub(crate) recorder: Option<Box<record::Recorder>>,
    /// Compiled traces; trace number n is at index n-1 (`None` after a flush).
    pub(crate) traces: Vec<trace::Trace>,
    /// The executor and trace state, created with the first trace.
    pub(crate) engine: Option<Box<entry::Engine>>,
    /// Abort count and last penalty per loop (proto id, pc).
    pub(crate) penalties: HashMap<(u32, usize), (u32, u32)>,
    /// Prototypes whose cells hold counters or traces (reset by `flush`).
    pub(crate) touched: Vec<std::rc::Rc<crate::bytecode::Proto>>,
    /// The executor could not be created: the JIT stays off, said once.
    pub(crate) unavailable: bool,
    /// `-jallow=LIST`: the traces that may run (`None`: all of them).
    pub allowed: Option<TraceSet>,
    /// What any trace may need once entered, since linked and patched traces run on from one
    /// to another without the runtime: checked at every entry.
    pub(crate) reach: Reach,
}

/// The most stack slots and inlined frames any compiled trace needs, and the lowest level from
/// which one assumes no upvalue is open (see `Recorder::upvalue_floor`).
#[derive(Default, Clone, Copy)]
pub(crate) struct Reach {
    pub max_slot: i32,
    pub max_depth: usize,
    pub upvalue_floor: Option<i32>,
}

impl Default for Jit {
    fn default() -> Jit {
        Jit {
            enabled: true,
            params: JitParams::default(),
            log: JitLog::default(),
            stats: false,
            counts: JitStats::default(),
            seed: Seed(0),
            recorder: None,
            traces: Vec::new(),
            engine: None,
            penalties: HashMap::new(),
            touched: Vec::new(),
            unavailable: false,
            allowed: None,
            reach: Reach::default(),
        }
    }
}

impl Jit {
    /// `jit.flush()`: drops every trace; counters start again.
    pub fn flush(&mut self) {
        self.recorder = None;
        for proto in self.touched.drain(..) {
            proto.jit.reset();
        }
        if let Some(engine) = self.engine.as_mut() {
            for t in self.traces.drain(..) {
                engine.remove(t.code);
                for thunk in t.thunks {
                    engine.remove(thunk);
                }
            }
        }
        self.reach = Reach::default();
        self.traces.clear();
    }

    /// Whether trace `t` may run (`-jallow`).
    #[inline]
    pub fn allows(&self, t: u32) -> bool {
        self.allowed.as_ref().is_none_or(|set| {
            let key = self
                .traces
                .get(t as usize - 1)
                .map_or("", |tr| tr.key.as_str());
            set.contains(t, key)
        })
    }

    /// Whether a trace is being recorded (the dispatch loop runs its recording variant).
    #[inline]
    pub fn recording(&self) -> bool {
        self.recorder.is_some()
    }

    /// The `-jstats` line.
    pub fn stats_line(&self) -> String {
        let c = self.counts;
        format!(
            "jit-stats: traces={} aborts={} bytecodes={} in-traces={} exits={} entries={}",
            c.traces,
            c.aborts,
            c.bytecodes + c.in_traces,
            c.in_traces,
            c.exits,
            c.entries
        )
    }
}

#[cfg(test)]
mod tests;
