//! Debug hooks (`debug.sethook`): the hook function and its mask, and the points where the
//! interpreter calls it — "call" when a function starts, "return" when a Lua function returns,
//! "line" when execution reaches a new line or jumps back, "count" every N instructions.
//!
//! As in LuaJIT, one hook serves the whole state (a thread argument to `sethook` is accepted and
//! ignored); it does not run while it is running; and natives report "call" but not "return".
//! Line and count events come from the instrumented variant of the dispatch loop, which the
//! interpreter switches to while a hook is set (and never enters compiled traces then, as
//! LuaJIT's compiled code calls no hooks either): with no hook, the plain loop pays nothing but
//! a check at each frame entry.

use super::{LuaResult, Vm};
use crate::bytecode::Proto;
use crate::value::Value;

pub const CALL: u8 = 1;
pub const RETURN: u8 = 2;
pub const LINE: u8 = 4;
pub const COUNT: u8 = 8;

/// The hook of the state.
#[derive(Debug, Clone)]
pub struct Hooks {
    /// The hook function (nil when none is set).
    pub function: Value,
    /// `CALL | RETURN | LINE | COUNT`; 0 when no hook is set.
    pub mask: u8,
    /// Instructions between "count" events.
    pub count: u32,
    countdown: u32,
    /// The hook is running: no events until it returns.
    running: bool,
}

impl Default for Hooks {
    fn default() -> Hooks {
        Hooks {
            function: Value::Nil,
            mask: 0,
            count: 0,
            countdown: 0,
            running: false,
        }
    }
}

impl Hooks {
    /// Sets the hook (`mask` 0 removes it).
    pub fn set(&mut self, function: Value, mask: u8, count: u32) {
        let mask = if function.is_nil() { 0 } else { mask };
        *self = Hooks {
            function: if mask == 0 { Value::Nil } else { function },
            mask,
            count,
            countdown: count,
            running: self.running,
        };
    }

    /// Whether an event of `kind` fires now.
    #[inline]
    pub fn wants(&self, kind: u8) -> bool {
        self.mask & kind != 0 && !self.running
    }
}

impl Vm {
    /// Calls the hook for `event` ("call", "return", "line", "count") with its line, with hooks
    /// off while it runs. Errors it raises propagate, as in LuaJIT.
    fn run_hook(&mut self, event: &[u8], line: Option<u32>) -> LuaResult<()> {
        let function = self.hooks.function;
        let name = self.str_value(event);
        let line = line.map_or(Value::Nil, |l| Value::Number(l as f64));
        // The hook runs above everything live and leaves `top` as it was: the instruction it
        // interrupted may be about to use a variable number of values ending there.
        let top = self.th.top;
        self.hooks.running = true;
        let result = self.call_n(function, &[name, line], 0);
        self.hooks.running = false;
        self.th.top = top;
        result
    }

    /// A Lua function starts (`pc` 0) or a frame is entered again after a call.
    pub(crate) fn hook_frame_entry(&mut self, pc: usize) -> LuaResult<()> {
        if self.hooks.running {
            return Ok(());
        }
        self.th.hook_last = None;
        if pc == 0 && self.hooks.wants(CALL) {
            self.run_hook(b"call", None)?;
            self.th.hook_last = None;
        }
        Ok(())
    }

    /// A native function starts (its frame is on top).
    pub(crate) fn hook_native_call(&mut self) -> LuaResult<()> {
        self.run_hook(b"call", None)?;
        self.th.hook_last = None;
        Ok(())
    }

    /// The Lua function on top returns.
    pub(crate) fn hook_return(&mut self) -> LuaResult<()> {
        if self.hooks.running {
            return Ok(());
        }
        if self.hooks.wants(RETURN) {
            self.run_hook(b"return", None)?;
        }
        self.th.hook_last = None;
        Ok(())
    }

    /// Instruction `pc` of frame `fi` is about to run: "count" and "line" events.
    pub(crate) fn hook_instruction(
        &mut self,
        proto: &Proto,
        fi: usize,
        pc: usize,
    ) -> LuaResult<()> {
        if self.hooks.running {
            return Ok(());
        }
        if self.hooks.mask & COUNT != 0 && self.hooks.count > 0 {
            self.hooks.countdown = self.hooks.countdown.saturating_sub(1);
            if self.hooks.countdown == 0 {
                self.hooks.countdown = self.hooks.count;
                self.run_hook(b"count", None)?;
            }
        }
        if self.hooks.mask & LINE != 0 {
            let line = proto.lines.get(pc).copied().unwrap_or(proto.line_defined);
            let fire = match self.th.hook_last {
                Some((frame, old)) if frame == fi => {
                    pc <= old || proto.lines.get(old).copied() != Some(line)
                }
                _ => true,
            };
            self.th.hook_last = Some((fi, pc));
            if fire {
                self.run_hook(b"line", Some(line))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setting_a_nil_function_or_an_empty_mask_removes_the_hook() {
        let mut h = Hooks::default();
        h.set(Value::Boolean(true), CALL | LINE, 0);
        assert!(h.wants(LINE) && h.wants(CALL) && !h.wants(RETURN));
        h.set(Value::Nil, CALL, 0);
        assert_eq!(h.mask, 0);
        h.set(Value::Boolean(true), 0, 0);
        assert!(h.function.is_nil());
    }
}
