//! The trace compiler's tunables and optimization switches, named and defaulted as LuaJIT 2.1's
//! (`-O` on the command line, `jit.opt.start` from Lua; lj_jit.h's `JIT_PARAMDEF` and `JIT_F_OPT_*`,
//! parsed as lib_jit.c's `jitopt_level`, `jitopt_flag` and `jitopt_param` do).
#![forbid(unsafe_code)]

use thiserror::Error;

/// Why an optimization item was refused. The first message is LuaJIT's own (`LJ_ERR_JITOPT`), so
/// `jit.opt.start` fails with the same text as under LuaJIT.
#[derive(Clone, Debug, Error, PartialEq, Eq)]
pub enum ParamError {
    #[error("unknown or malformed optimization flag '{0}'")]
    Unknown(String),
    #[error("optimization parameter '{item}' is out of range: use a value from 0 to {max}")]
    OutOfRange { item: String, max: u32 },
    #[error("empty optimization flag in '{0}': separate flags with single commas, as in 'hotloop=1,-fold'")]
    Empty(String),
    #[error("'{0}' plants a fault in the JIT and needs a test build of the runtime: cargo build -p runtime --features fault-injection")]
    NoFaultInjection(String),
}

/// The largest parameter value: LuaJIT keeps parameters in an `int32_t`.
pub const PARAM_MAX: u32 = i32::MAX as u32;

/// Parameter names in lj_jit.h's order.
pub const PARAM_NAMES: [&str; 15] = [
    "maxtrace",
    "maxrecord",
    "maxirconst",
    "maxside",
    "maxsnap",
    "minstitch",
    "hotloop",
    "hotexit",
    "tryside",
    "instunroll",
    "loopunroll",
    "callunroll",
    "recunroll",
    "sizemcode",
    "maxmcode",
];

/// Flag names in lj_jit.h's order (`JIT_F_OPTSTRING`): the order `jit.status()` lists them in.
pub const FLAG_NAMES: [&str; 11] = [
    "fold", "cse", "dce", "fwd", "dse", "narrow", "loop", "abc", "sink", "fuse", "fma",
];

/// The level `-O` and `jit.opt.start()` without arguments restore (`JIT_F_OPT_DEFAULT`).
pub const DEFAULT_LEVEL: u8 = 3;

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
    /// `-Ofuse=check`: verify every load/store pair the fuser makes (a trace with a bad pair is
    /// not installed, and the run says so on stderr).
    pub fuse_check: bool,
    /// `-Ofault=lso` (test builds with the `fault-injection` feature only): the pair fuser reads
    /// an unscaled offset by its raw 9-bit field, LuaJIT's pre-2023 LDP/STP fusion bug.
    pub fault_lso: bool,
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
            fuse_check: false,
            fault_lso: false,
        }
    }
}

impl JitParams {
    /// Applies one `-O` argument: empty restores the default flags (`-O` alone), otherwise a
    /// comma-separated list of items, each as [`JitParams::apply_item`]. Items apply in order, so
    /// on an error the ones before it have taken effect (as with LuaJIT).
    pub fn apply(&mut self, spec: &str) -> Result<(), ParamError> {
        if spec.is_empty() {
            self.flags = OptFlags::level(DEFAULT_LEVEL);
            return Ok(());
        }
        for item in spec.split(',') {
            if item.is_empty() {
                return Err(ParamError::Empty(spec.to_string()));
            }
            self.apply_item(item)?;
        }
        Ok(())
    }

    /// Applies one item, as one argument of `jit.opt.start`: a level (`"0"`..`"9"`, where 3 and
    /// above mean 3), a flag (`"fold"`, `"+fold"`, `"-fold"`, `"nofold"`, `"no-fold"`) or a
    /// parameter (`"hotloop=10"`; no digits at all means 0, as in LuaJIT).
    pub fn apply_item(&mut self, item: &str) -> Result<(), ParamError> {
        if let [digit @ b'0'..=b'9'] = item.as_bytes() {
            self.flags = OptFlags::level((digit - b'0').min(DEFAULT_LEVEL));
            return Ok(());
        }
        let (name, on) = if let Some(rest) = item.strip_prefix('+') {
            (rest, true)
        } else if let Some(rest) = item.strip_prefix('-') {
            (rest, false)
        } else if let Some(rest) = item.strip_prefix("no") {
            (rest.strip_prefix('-').unwrap_or(rest), false)
        } else {
            (item, true)
        };
        if let Some(flag) = self.flags.flag_mut(name) {
            *flag = on;
            return Ok(());
        }
        match item {
            "fuse=check" | "fuse=nocheck" => {
                self.fuse_check = item == "fuse=check";
                return Ok(());
            }
            "fault=none" => {
                self.fault_lso = false;
                return Ok(());
            }
            "fault=lso" if cfg!(feature = "fault-injection") => {
                self.fault_lso = true;
                return Ok(());
            }
            "fault=lso" => return Err(ParamError::NoFaultInjection(item.to_string())),
            _ => {}
        }
        let unknown = || ParamError::Unknown(item.to_string());
        let (name, digits) = item.split_once('=').ok_or_else(unknown)?;
        let param = self.param_mut(name).ok_or_else(unknown)?;
        if !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(unknown());
        }
        let value = match digits.parse::<u32>() {
            _ if digits.is_empty() => 0,
            Ok(n) if n <= PARAM_MAX => n,
            _ => {
                return Err(ParamError::OutOfRange {
                    item: item.to_string(),
                    max: PARAM_MAX,
                })
            }
        };
        *param = value;
        Ok(())
    }

    /// The numeric parameter called `name` (LuaJIT's spelling).
    pub fn param_mut(&mut self, name: &str) -> Option<&mut u32> {
        Some(match name {
            "maxtrace" => &mut self.maxtrace,
            "maxrecord" => &mut self.maxrecord,
            "maxirconst" => &mut self.maxirconst,
            "maxside" => &mut self.maxside,
            "maxsnap" => &mut self.maxsnap,
            "minstitch" => &mut self.minstitch,
            "hotloop" => &mut self.hotloop,
            "hotexit" => &mut self.hotexit,
            "tryside" => &mut self.tryside,
            "instunroll" => &mut self.instunroll,
            "loopunroll" => &mut self.loopunroll,
            "callunroll" => &mut self.callunroll,
            "recunroll" => &mut self.recunroll,
            "sizemcode" => &mut self.sizemcode,
            "maxmcode" => &mut self.maxmcode,
            _ => return None,
        })
    }

    /// The enabled flags, space-separated in LuaJIT's order, e.g.
    /// `"fold cse dce fwd dse narrow loop abc sink fuse"` at the default level.
    pub fn flag_names(&self) -> String {
        self.flags.enabled().collect::<Vec<_>>().join(" ")
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

    /// The switch called `name` (LuaJIT's spelling: `loop` is `loop_`).
    pub fn flag_mut(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "fold" => &mut self.fold,
            "cse" => &mut self.cse,
            "dce" => &mut self.dce,
            "fwd" => &mut self.fwd,
            "dse" => &mut self.dse,
            "narrow" => &mut self.narrow,
            "loop" => &mut self.loop_,
            "abc" => &mut self.abc,
            "sink" => &mut self.sink,
            "fuse" => &mut self.fuse,
            "fma" => &mut self.fma,
            _ => return None,
        })
    }

    /// The names of the enabled switches, in LuaJIT's order ([`FLAG_NAMES`]).
    pub fn enabled(&self) -> impl Iterator<Item = &'static str> + '_ {
        let on = [
            self.fold,
            self.cse,
            self.dce,
            self.fwd,
            self.dse,
            self.narrow,
            self.loop_,
            self.abc,
            self.sink,
            self.fuse,
            self.fma,
        ];
        FLAG_NAMES
            .into_iter()
            .zip(on)
            .filter_map(|(name, on)| on.then_some(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn applied(spec: &str) -> Result<JitParams, ParamError> {
        let mut p = JitParams::default();
        p.apply(spec)?;
        Ok(p)
    }

    #[test]
    fn levels_and_default() {
        let all = "fold cse dce fwd dse narrow loop abc sink fuse";
        assert_eq!(JitParams::default().flag_names(), all);
        assert_eq!(applied("0").unwrap().flag_names(), "");
        assert_eq!(applied("1").unwrap().flag_names(), "fold cse dce");
        assert_eq!(
            applied("2").unwrap().flag_names(),
            "fold cse dce narrow loop"
        );
        assert_eq!(applied("3").unwrap().flag_names(), all);
        // Any single digit above 3 means 3, as in LuaJIT.
        assert_eq!(applied("0,9").unwrap().flag_names(), all);
        // `-O` alone restores the default flags and keeps parameters.
        let mut p = applied("0,hotloop=5").unwrap();
        p.apply("").unwrap();
        assert_eq!(p.flag_names(), all);
        assert_eq!(p.hotloop, 5);
        assert!(matches!(applied("12"), Err(ParamError::Unknown(s)) if s == "12"));
        assert!(applied("-3").is_err());
    }

    #[test]
    fn flags_on_and_off() {
        let p = applied("-fold,no-cse,nodce,+fma,sink").unwrap();
        assert_eq!(p.flag_names(), "fwd dse narrow loop abc sink fuse fma");
        assert!(!p.flags.fold && !p.flags.cse && !p.flags.dce && p.flags.fma);
        let p = applied("0,loop").unwrap();
        assert!(p.flags.loop_);
        assert_eq!(p.flag_names(), "loop");
        for bad in ["Fold", "fold=1", "no", "no-", "+", "foldx", "+hotloop=1"] {
            assert_eq!(
                applied(bad),
                Err(ParamError::Unknown(bad.to_string())),
                "{bad}"
            );
        }
    }

    #[test]
    fn every_parameter_by_name() {
        for (i, name) in PARAM_NAMES.iter().enumerate() {
            let p = applied(&format!("{name}={}", 1000 + i)).unwrap();
            let mut q = p.clone();
            assert_eq!(*q.param_mut(name).unwrap(), 1000 + i as u32, "{name}");
        }
        let p = applied("hotloop=1,hotexit=2,-fold").unwrap();
        assert_eq!((p.hotloop, p.hotexit, p.flags.fold), (1, 2, false));
        // No digits at all is zero, as LuaJIT's digit loop reads it.
        assert_eq!(applied("minstitch=").unwrap().minstitch, 0);
        assert_eq!(applied("maxmcode=2147483647").unwrap().maxmcode, PARAM_MAX);
    }

    #[test]
    fn malformed_parameters() {
        for bad in [
            "hotloop",
            "hotloop=1x",
            "hotloop=-1",
            "hotloop= 1",
            "hot=1",
            "=1",
            "",
        ] {
            assert_eq!(
                JitParams::default().apply_item(bad),
                Err(ParamError::Unknown(bad.to_string())),
                "{bad:?}"
            );
        }
        assert_eq!(
            applied("hotloop=2147483648"),
            Err(ParamError::OutOfRange {
                item: "hotloop=2147483648".into(),
                max: PARAM_MAX
            })
        );
        assert!(applied("hotloop=99999999999999999999").is_err());
        assert_eq!(
            applied("fold,,cse"),
            Err(ParamError::Empty("fold,,cse".into()))
        );
        assert!(applied("fold,").is_err());
        // A list is not one `jit.opt.start` argument.
        assert!(JitParams::default()
            .apply_item("hotloop=1,hotexit=1")
            .is_err());
    }

    #[test]
    fn messages_read_like_luajit() {
        assert_eq!(
            ParamError::Unknown("foo".into()).to_string(),
            "unknown or malformed optimization flag 'foo'"
        );
    }
}
