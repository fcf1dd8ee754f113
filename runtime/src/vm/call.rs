//! Calls and returns: frame setup for Lua functions (fixed parameters and varargs), native
//! calls, `__call`, the protected calls `pcall`/`xpcall` as frames of the dispatch loop, error
//! recovery at those frames, and calls from Rust into Lua.

use super::exec::Exit;
use super::thread::{Continuation, Frame, FrameKind, YieldTarget};
use super::{LuaError, LuaResult, Vm, MAX_FRAMES, MAX_NESTED_CALLS, MAX_STACK_SLOTS};
use crate::bytecode::{Op, Proto};
use crate::heap::{Function, NativeFn, Special, Upval};
use crate::value::{FuncRef, Value};
use std::rc::Rc;

/// What `precall` did.
pub(crate) enum Precall {
    /// A Lua frame was pushed; the dispatch loop continues in it.
    Lua,
    /// The call completed (native function); results are in place.
    Done,
    /// `coroutine.yield` with its values at `first..first + count`.
    Yield { first: usize, count: usize },
}

impl Vm {
    #[inline]
    pub(crate) fn ensure_stack(&mut self, size: usize) -> LuaResult<()> {
        if size > self.th.stack.len() {
            if size > MAX_STACK_SLOTS + (self.frame_limit - MAX_FRAMES) * 8 {
                return Err(self.error_at(0, "stack overflow"));
            }
            let new_len = size
                .max(self.th.stack.len() * 2)
                .min(MAX_STACK_SLOTS + 64)
                .max(size);
            self.th.stack.resize(new_len, Value::Nil);
        }
        Ok(())
    }

    /// Where values may be pushed without clobbering the registers of the running Lua frame.
    pub(crate) fn safe_top(&self) -> usize {
        match self.th.frames.last() {
            Some(Frame {
                proto: Some(p),
                base,
                ..
            }) => self.th.top.max(base + p.max_stack),
            _ => self.th.top,
        }
    }

    /// Calls the value in `func_slot` with the `nargs` values above it.
    pub(crate) fn precall(
        &mut self,
        func_slot: usize,
        nargs: usize,
        nresults: i32,
        kind: FrameKind,
    ) -> LuaResult<Precall> {
        let Value::Function(fr) = self.th.stack[func_slot] else {
            return self.call_via_metamethod(func_slot, nargs, nresults, kind);
        };
        match self.heap.function(fr) {
            Function::Lua(cl) => {
                let proto = cl.proto.clone();
                self.push_lua_frame(func_slot, nargs, nresults, fr, proto, kind)?;
                Ok(Precall::Lua)
            }
            Function::Native(n) => {
                let f = n.f;
                match n.special {
                    Special::None => {
                        let detached =
                            kind.is_protected() || std::mem::take(&mut self.detach_next_native);
                        self.call_native(func_slot, nargs, nresults, fr, f, detached)?;
                        Ok(Precall::Done)
                    }
                    Special::Pcall => {
                        self.precall_protected(func_slot, nargs, nresults, FrameKind::Pcall)
                    }
                    Special::Xpcall => {
                        self.precall_protected(func_slot, nargs, nresults, FrameKind::Xpcall)
                    }
                    Special::Yield => self.precall_yield(func_slot, nargs, nresults, kind),
                }
            }
        }
    }

    fn call_via_metamethod(
        &mut self,
        func_slot: usize,
        nargs: usize,
        nresults: i32,
        kind: FrameKind,
    ) -> LuaResult<Precall> {
        let obj = self.th.stack[func_slot];
        let tm = self.metamethod(obj, self.names.call);
        // LuaJIT does not chain __call: the metamethod itself must be a function.
        if !matches!(tm, Value::Function(_)) {
            if kind.is_protected() {
                // Called by pcall/xpcall themselves: no Lua position, as in LuaJIT.
                let msg = format!("attempt to call a {} value", obj.type_name());
                return Err(LuaError::new(self.str_value(msg.as_bytes())));
            }
            let name = self.callee_name(func_slot);
            return Err(self.type_error("call", obj, name));
        }
        self.ensure_stack(func_slot + nargs + 2)?;
        self.th
            .stack
            .copy_within(func_slot..func_slot + 1 + nargs, func_slot + 1);
        self.th.stack[func_slot] = tm;
        self.th.top = self.th.top.max(func_slot + nargs + 2);
        self.precall(func_slot, nargs + 1, nresults, kind)
    }

    /// The name the running Lua frame gives the function in `func_slot` (for "attempt to call").
    pub(crate) fn callee_name(&self, func_slot: usize) -> Option<(&'static str, String)> {
        let f = self.th.frames.last()?;
        let p = f.proto.as_ref()?;
        let pc = f.pc.checked_sub(1)?;
        match p.code.get(pc)? {
            Op::Call { a, .. } | Op::TailCall { a, .. } if f.base + *a as usize == func_slot => {
                super::describe_register(p, self, pc, *a)
            }
            _ => None,
        }
    }

    pub(crate) fn push_lua_frame(
        &mut self,
        func_slot: usize,
        nargs: usize,
        nresults: i32,
        closure: FuncRef,
        proto: Rc<Proto>,
        kind: FrameKind,
    ) -> LuaResult<()> {
        if self.th.frames.len() >= self.frame_limit {
            return Err(self.error_at(0, "stack overflow"));
        }
        let np = proto.num_params as usize;
        let (base, num_varargs) = if proto.is_vararg {
            let base = func_slot + 1 + nargs;
            self.ensure_stack(base + proto.max_stack + 1)?;
            for i in 0..np {
                self.th.stack[base + i] = if i < nargs {
                    std::mem::take(&mut self.th.stack[func_slot + 1 + i])
                } else {
                    Value::Nil
                };
            }
            (base, nargs.saturating_sub(np))
        } else {
            let base = func_slot + 1;
            self.ensure_stack(base + proto.max_stack + 1)?;
            for i in nargs..np {
                self.th.stack[base + i] = Value::Nil;
            }
            (base, 0)
        };
        self.th.top = base + proto.max_stack;
        if kind.is_protected() {
            self.th.protected += 1;
        }
        self.th.frames.push(Frame {
            func: func_slot,
            base,
            pc: 0,
            closure,
            proto: Some(proto),
            nresults,
            num_varargs,
            kind,
            tail_calls: 0,
            via_pcall: kind.is_protected(),
        });
        Ok(())
    }

    fn call_native(
        &mut self,
        func_slot: usize,
        nargs: usize,
        nresults: i32,
        closure: FuncRef,
        f: NativeFn,
        via_pcall: bool,
    ) -> LuaResult<()> {
        if self.th.frames.len() >= self.frame_limit {
            return Err(self.error_at(0, "stack overflow"));
        }
        self.th.top = func_slot + 1 + nargs;
        self.ensure_stack(self.th.top + 32)?;
        self.th
            .frames
            .push_native(func_slot, closure, nresults, nargs, via_pcall);
        if self.hooks.wants(super::hook::CALL) {
            self.hook_native_call()?;
        }
        let n = f(self, nargs)?;
        self.th.frames.drop_top();
        let first = self.th.top - n;
        self.place_results(func_slot, first, n, nresults);
        Ok(())
    }

    /// Moves `count` results from `first` to `dest`, adjusted to `wanted` (-1: all, setting top).
    /// Results always move down (`dest <= first`), so a forward copy is safe.
    #[inline]
    pub(crate) fn place_results(&mut self, dest: usize, first: usize, count: usize, wanted: i32) {
        debug_assert!(dest <= first);
        let n = if wanted < 0 { count } else { wanted as usize };
        if dest + n > self.th.stack.len() {
            self.th.stack.resize(dest + n + 16, Value::Nil);
        }
        let stack = &mut self.th.stack[..];
        let copied = count.min(n);
        if dest != first {
            for i in 0..copied {
                stack[dest + i] = stack[first + i];
            }
        }
        for v in &mut stack[dest + copied..dest + n] {
            *v = Value::Nil;
        }
        self.th.top = dest + n;
    }

    /// Pops the top frame, delivering `count` results found at `first`. Fails only when a
    /// metamethod's continuation does (a concatenation that goes on failing).
    pub(crate) fn post_return(&mut self, first: usize, count: usize) -> LuaResult<()> {
        let frame = self.th.frames.pop().expect("a frame returns");
        match frame.kind {
            FrameKind::Normal => self.place_results(frame.func, first, count, frame.nresults),
            FrameKind::Continuation(cont) => {
                let v = if count > 0 {
                    self.th.stack[first]
                } else {
                    Value::Nil
                };
                self.continue_after_metamethod(cont, v)?;
            }
            FrameKind::Pcall | FrameKind::Xpcall => {
                self.th.protected -= 1;
                let dest = frame.func - 1;
                self.th.stack.copy_within(first..first + count, dest + 1);
                self.th.stack[dest] = Value::Boolean(true);
                self.place_results(dest, dest, count + 1, frame.nresults);
            }
        }
        Ok(())
    }

    /// Completes the caller's instruction with a metamethod's result.
    pub(crate) fn continue_after_metamethod(
        &mut self,
        cont: Continuation,
        v: Value,
    ) -> LuaResult<()> {
        let caller = self
            .th
            .frames
            .last_mut()
            .expect("a continuation has a caller");
        let base = caller.base;
        match cont {
            Continuation::Store(reg) => self.th.stack[base + reg as usize] = v,
            Continuation::Concat { dest, first, last } => {
                self.th.stack[base + last as usize] = v;
                let (proto, pc) = (caller.proto.clone().expect("a Lua caller"), caller.pc);
                if let Some(p) = self.th.frames.last().and_then(|f| f.proto.as_ref()) {
                    self.th.top = self.th.frames.last().map_or(0, |f| f.base) + p.max_stack;
                }
                if let Some(r) = self.concat_op(&proto, pc, base, first, last, dest)? {
                    self.th.stack[base + dest as usize] = r;
                }
                return Ok(());
            }
            Continuation::Discard => {}
            Continuation::Jump { jump_if, negate } => {
                let taken = (v.truthy() != negate) == jump_if;
                let proto = caller.proto.as_ref().expect("a Lua caller");
                let pc = caller.pc;
                caller.pc = match (taken, proto.code.get(pc)) {
                    (true, Some(Op::Jmp { offset, .. })) => {
                        (pc as i64 + 1 + *offset as i64) as usize
                    }
                    _ => pc + 1,
                };
            }
        }
        if let Some(Frame {
            proto: Some(p),
            base,
            ..
        }) = self.th.frames.last()
        {
            self.th.top = base + p.max_stack;
        }
        Ok(())
    }

    /// Calls metamethod `f` for the running instruction: a Lua function runs in the dispatch
    /// loop as a continuation frame (`Ok(None)`: the loop must switch to it); a native runs now
    /// and its result is returned.
    pub(crate) fn call_metamethod(
        &mut self,
        f: Value,
        args: &[Value],
        cont: Continuation,
    ) -> LuaResult<Option<Value>> {
        let is_lua =
            matches!(f, Value::Function(h) if matches!(self.heap.function(h), Function::Lua(_)));
        if !is_lua {
            return Ok(Some(self.call1(f, args)?));
        }
        let slot = self.safe_top();
        self.ensure_stack(slot + args.len() + 1 + 32)?;
        self.th.stack[slot] = f;
        self.th.stack[slot + 1..slot + 1 + args.len()].copy_from_slice(args);
        self.th.top = slot + 1 + args.len();
        match self.precall(slot, args.len(), 1, FrameKind::Continuation(cont))? {
            Precall::Lua => Ok(None),
            Precall::Done => Ok(Some(self.th.stack[slot])),
            Precall::Yield { .. } => unreachable!("a Lua function does not yield at its call"),
        }
    }

    /// `pcall(f, ...)` and `xpcall(f, handler, ...)`.
    fn precall_protected(
        &mut self,
        func_slot: usize,
        nargs: usize,
        nresults: i32,
        kind: FrameKind,
    ) -> LuaResult<Precall> {
        let min_args = if kind == FrameKind::Pcall { 1 } else { 2 };
        if nargs < min_args {
            let (place, name) = match self.callee_name(func_slot) {
                Some((_, n)) => (self.where_(0), n),
                None => (String::new(), "?".to_string()),
            };
            let what = if nargs == 1 {
                "function expected, got no value"
            } else {
                "value expected"
            };
            let msg = format!("{place}bad argument #{} to '{name}' ({what})", nargs + 1);
            return Err(LuaError::new(self.str_value(msg.as_bytes())));
        }
        let mut call_args = nargs - 1;
        if kind == FrameKind::Xpcall {
            // Layout for the frame: handler in the xpcall slot, f above it, then f's arguments.
            let handler = self.th.stack[func_slot + 2];
            self.th.stack[func_slot] = handler;
            self.th
                .stack
                .copy_within(func_slot + 3..func_slot + 1 + nargs, func_slot + 2);
            call_args = nargs - 2;
        }
        let depth = self.th.frames.len();
        match self.precall(func_slot + 1, call_args, -1, kind) {
            Ok(Precall::Lua) => {
                self.th.frames.last_mut().expect("pushed").nresults = nresults;
                Ok(Precall::Lua)
            }
            Ok(Precall::Done) => {
                let count = self.th.top - (func_slot + 1);
                self.th.stack[func_slot] = Value::Boolean(true);
                self.place_results(func_slot, func_slot, count + 1, nresults);
                Ok(Precall::Done)
            }
            Ok(Precall::Yield { first, count }) => {
                // `pcall(coroutine.yield, ...)`: on resume the values become pcall's results.
                self.th.yield_results = Some(YieldTarget {
                    slot: func_slot,
                    wanted: nresults,
                    through_pcall: true,
                });
                Ok(Precall::Yield { first, count })
            }
            Err(err) => {
                let value = if kind == FrameKind::Xpcall {
                    let handler = self.th.stack[func_slot];
                    self.call_handler(handler, err.value)
                } else {
                    err.value
                };
                self.th.frames.truncate(depth);
                self.th.stack[func_slot] = Value::Boolean(false);
                self.th.stack[func_slot + 1] = value;
                self.place_results(func_slot, func_slot, 2, nresults);
                Ok(Precall::Done)
            }
        }
    }

    fn call_handler(&mut self, handler: Value, error: Value) -> Value {
        let saved = self.frame_limit;
        self.frame_limit = saved + 1000;
        let r = self.call1(handler, &[error]);
        self.frame_limit = saved;
        match r {
            Ok(v) => v,
            Err(_) => self.str_value(b"error in error handling"),
        }
    }

    /// Recovers from an error at the protected frame `index`: runs the xpcall handler (with the
    /// failing frames still in place, so it can take a traceback), unwinds, and delivers
    /// `false, message` to pcall's caller.
    pub(crate) fn recover(&mut self, index: usize, err: LuaError) {
        let frame = self.th.frames[index].clone();
        let value = if frame.kind == FrameKind::Xpcall {
            let handler = self.th.stack[frame.func - 1];
            self.call_handler(handler, err.value)
        } else {
            err.value
        };
        self.unwind_to(index);
        let dest = frame.func - 1;
        self.th.stack[dest] = Value::Boolean(false);
        self.th.stack[dest + 1] = value;
        self.place_results(dest, dest, 2, frame.nresults);
    }

    /// Removes frames above `len`, closing their upvalues.
    pub(crate) fn unwind_to(&mut self, len: usize) {
        if self.th.frames.len() <= len {
            return;
        }
        let level = self.th.frames[len].func;
        self.close_upvals(level);
        let removed = self.th.frames[len..]
            .iter()
            .filter(|f| f.kind.is_protected())
            .count();
        self.th.protected -= removed;
        self.th.frames.truncate(len);
    }

    fn precall_yield(
        &mut self,
        func_slot: usize,
        nargs: usize,
        nresults: i32,
        kind: FrameKind,
    ) -> LuaResult<Precall> {
        if self.current == self.main_thread {
            if kind.is_protected() {
                // Called by pcall itself: no Lua position.
                let msg = self.str_value(b"attempt to yield across C-call boundary");
                return Err(LuaError::new(msg));
            }
            return Err(self.error_at(0, "attempt to yield from outside a coroutine"));
        }
        if self.th.nested > 0 {
            return Err(self.error_at(0, "attempt to yield across C-call boundary"));
        }
        self.th.yield_results = Some(YieldTarget {
            slot: func_slot,
            wanted: nresults,
            through_pcall: false,
        });
        Ok(Precall::Yield {
            first: func_slot + 1,
            count: nargs,
        })
    }

    // ---- upvalues ----

    pub(crate) fn find_upval(&mut self, slot: usize) -> crate::value::UpvalRef {
        let list = &self.th.open_upvals;
        let mut i = list.len();
        while i > 0 && list[i - 1].0 >= slot {
            if list[i - 1].0 == slot {
                return list[i - 1].1;
            }
            i -= 1;
        }
        let uv = self.heap.new_upval(Upval::Open {
            thread: self.current,
            slot,
        });
        self.th.open_upvals.insert(i, (slot, uv));
        uv
    }

    /// Closes open upvalues for slots >= `level`.
    #[inline]
    pub(crate) fn close_upvals(&mut self, level: usize) {
        while let Some(&(slot, uv)) = self.th.open_upvals.last() {
            if slot < level {
                break;
            }
            let v = self.th.stack[slot];
            *self.heap.upvals.get_mut(uv.0) = Upval::Closed(v);
            self.th.open_upvals.pop();
        }
    }

    // ---- calls from Rust ----

    /// Calls `f` with `args`, returning all results.
    pub fn call(&mut self, f: Value, args: &[Value]) -> LuaResult<Vec<Value>> {
        let slot = self.call_at_top(f, args, -1)?;
        let results = self.th.stack[slot..self.th.top].to_vec();
        self.th.top = slot;
        Ok(results)
    }

    /// Calls `f` with `args`, returning the first result.
    pub fn call1(&mut self, f: Value, args: &[Value]) -> LuaResult<Value> {
        let slot = self.call_at_top(f, args, 1)?;
        let v = self.th.stack[slot];
        self.th.top = slot;
        Ok(v)
    }

    /// Calls `f` with `args`, discarding results beyond `n` (returns nothing).
    pub fn call_n(&mut self, f: Value, args: &[Value], n: i32) -> LuaResult<()> {
        let slot = self.call_at_top(f, args, n)?;
        self.th.top = slot;
        Ok(())
    }

    /// Pushes `f` and `args` above everything live, calls, and returns the slot the results
    /// start at (they end at `th.top`).
    fn call_at_top(&mut self, f: Value, args: &[Value], nresults: i32) -> LuaResult<usize> {
        let saved_top = self.th.top;
        let slot = self.safe_top();
        self.ensure_stack(slot + args.len() + 1 + 32)?;
        self.th.stack[slot] = f;
        self.th.stack[slot + 1..slot + 1 + args.len()].copy_from_slice(args);
        self.th.top = slot + 1 + args.len();
        let entry = self.th.frames.len();
        let callable = match f {
            Value::Function(_) => true,
            other => matches!(self.metamethod(other, self.names.call), Value::Function(_)),
        };
        if !callable {
            // A metamethod or callback that is not a function: reported without a position,
            // as LuaJIT does for calls made by the runtime itself.
            self.th.top = saved_top;
            let msg = format!("attempt to call a {} value", f.type_name());
            return Err(LuaError::new(self.str_value(msg.as_bytes())));
        }
        let r = self.precall(slot, args.len(), nresults, FrameKind::Normal);
        let r = match r {
            Ok(Precall::Lua) => self.run_nested(entry),
            Ok(Precall::Done) => Ok(()),
            Ok(Precall::Yield { .. }) => {
                Err(self.error_at(0, "attempt to yield across C-call boundary"))
            }
            Err(e) => {
                self.unwind_to(entry);
                Err(e)
            }
        };
        if let Err(e) = r {
            self.th.top = saved_top;
            return Err(e);
        }
        Ok(slot)
    }

    /// Runs the dispatch loop for a frame pushed from Rust until it returns.
    fn run_nested(&mut self, entry: usize) -> LuaResult<()> {
        if self.nested_calls >= MAX_NESTED_CALLS {
            self.unwind_to(entry);
            return Err(self.error_at(0, "C stack overflow"));
        }
        self.nested_calls += 1;
        self.th.nested += 1;
        let r = self.execute(entry);
        self.th.nested -= 1;
        self.nested_calls -= 1;
        match r {
            Ok(Exit::Returned) => Ok(()),
            Ok(Exit::Switch) => unreachable!("execute continues across dispatch switches"),
            Ok(Exit::Yielded { .. }) => {
                Err(self.error_at(0, "attempt to yield across C-call boundary"))
            }
            Err(e) => Err(e),
        }
    }
}
