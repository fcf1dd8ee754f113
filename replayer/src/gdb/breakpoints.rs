//! Software breakpoints and hardware watchpoints, armed in the timeline (which writes them into the
//! debugged process only while it runs, and re-arms watchpoints in every restored checkpoint).
#![forbid(unsafe_code)]

use gdbstub::target::ext::breakpoints::{
    Breakpoints, HwWatchpoint, HwWatchpointOps, SwBreakpoint, SwBreakpointOps, WatchKind,
};
use gdbstub::target::TargetResult;

use super::Debugger;
use crate::trap::{Access, Watchpoint};

fn watchpoint(address: u64, length: u64, kind: WatchKind) -> Watchpoint {
    Watchpoint {
        address,
        length,
        access: match kind {
            WatchKind::Write => Access::Write,
            WatchKind::Read => Access::Read,
            WatchKind::ReadWrite => Access::ReadWrite,
        },
    }
}

impl Breakpoints for Debugger {
    #[inline(always)]
    fn support_sw_breakpoint(&mut self) -> Option<SwBreakpointOps<'_, Self>> {
        Some(self)
    }

    #[inline(always)]
    fn support_hw_watchpoint(&mut self) -> Option<HwWatchpointOps<'_, Self>> {
        Some(self)
    }
}

impl SwBreakpoint for Debugger {
    fn add_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        self.timeline.add_breakpoint(addr);
        Ok(true)
    }

    fn remove_sw_breakpoint(&mut self, addr: u64, _kind: usize) -> TargetResult<bool, Self> {
        Ok(self.timeline.remove_breakpoint(addr))
    }
}

impl HwWatchpoint for Debugger {
    /// `false` (gdb then falls back or reports it) for ranges the debug registers cannot watch or when
    /// all four are in use.
    fn add_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        let watch = watchpoint(addr, len, kind);
        if !watch.is_supported() {
            return Ok(false);
        }
        Ok(self.timeline.add_watchpoint(watch).is_ok())
    }

    fn remove_hw_watchpoint(
        &mut self,
        addr: u64,
        len: u64,
        kind: WatchKind,
    ) -> TargetResult<bool, Self> {
        Ok(self.timeline.remove_watchpoint(watchpoint(addr, len, kind)))
    }
}
