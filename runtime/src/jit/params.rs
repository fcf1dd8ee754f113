//! The trace compiler's tunables and optimization switches, named and defaulted as LuaJIT 2.1's
//! (`-O` on the command line, `jit.opt.start` from Lua; lj_jit.h's `JIT_PARAMDEF` and `JIT_F_OPT_*`).
#![forbid(unsafe_code)]

/// Numeric parameters (`-Ohotloop=10`, `jit.opt.start("maxtrace=100")`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JitParams {
    /// Max. number of traces in the cache.
    pub maxtrace: u32,
    /// Max. number of recorded IR instructions.
    pub maxrecord: u32,
    /// Max. number of IR constants of a trace.
    pub maxirconst: u32,
    /// Max. number of side traces of a root trace.
    pub maxside: u32,
    /// Max. number of snapshots for a trace.
    pub maxsnap: u32,
    /// Min. number of IR instructions for a stitched trace.
    pub minstitch: u32,
    /// Number of iterations to detect a hot loop or hot call.
    pub hotloop: u32,
    /// Number of taken exits to start a side trace.
    pub hotexit: u32,
    /// Number of attempts to compile a side trace.
    pub tryside: u32,
    /// Max. unroll factor for instable loops.
    pub instunroll: u32,
    /// Max. unroll factor for loop ops in side traces.
    pub loopunroll: u32,
    /// Max. unroll factor for pseudo-recursive calls.
    pub callunroll: u32,
    /// Min. unroll factor for true recursion.
    pub recunroll: u32,
    /// Size of each machine code area in KBytes.
    pub sizemcode: u32,
    /// Max. total size of all machine code areas in KBytes.
    pub maxmcode: u32,
    pub flags: OptFlags,
}

/// Optimization switches (`-Ofold`, `-O-cse`, `-O2`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OptFlags {
    pub fold: bool,
    pub cse: bool,
    pub dce: bool,
    pub fwd: bool,
    pub dse: bool,
    pub narrow: bool,
    pub loop_: bool,
    pub abc: bool,
    pub sink: bool,
    pub fuse: bool,
    pub fma: bool,
}

impl Default for JitParams {
    fn default() -> JitParams {
        JitParams {
            maxtrace: 1000,
            maxrecord: 4000,
            maxirconst: 500,
            maxside: 100,
            maxsnap: 500,
            minstitch: 0,
            hotloop: 56,
            hotexit: 10,
            tryside: 4,
            instunroll: 4,
            loopunroll: 15,
            callunroll: 3,
            recunroll: 2,
            sizemcode: 64,
            maxmcode: 512,
            flags: OptFlags::level(3),
        }
    }
}

impl OptFlags {
    /// LuaJIT's `-O0`..`-O3` (`JIT_F_OPT_0..3`); `-O3` is the default. FMA is never in a level.
    pub fn level(level: u8) -> OptFlags {
        OptFlags {
            fold: level >= 1,
            cse: level >= 1,
            dce: level >= 1,
            narrow: level >= 2,
            loop_: level >= 2,
            fwd: level >= 3,
            dse: level >= 3,
            abc: level >= 3,
            sink: level >= 3,
            fuse: level >= 3,
            fma: false,
        }
    }
}
