//! The dispatch loop: one `match` over the instruction set. Fast paths (numbers, plain tables)
//! are inline; everything else goes to the metamethod-aware slow paths, which name the culprit
//! variable in their errors. Errors are caught here at `pcall`/`xpcall` frames.

use super::arith::{ArithOp, ArithOutcome};
use super::call::Precall;
use super::thread::{Continuation, FrameKind};
use super::{describe_register, hook, registers, LuaError, LuaResult, Vm};
use crate::bytecode::{Op, Proto, Rk, RK_CONSTANT};
use crate::heap::{Function, LuaClosure, Upval};
use crate::value::{FuncRef, Value};
use std::rc::Rc;

/// How a run of the dispatch loop ended.
pub(crate) enum Exit {
    /// The entry frame returned; its results are in place.
    Returned,
    /// The running coroutine yielded the values at `first..first + count`.
    Yielded { first: usize, count: usize },
    /// Recording started or stopped: continue in the other variant of the dispatch loop.
    Switch,
}

impl Vm {
    /// Runs until the frame count drops to `entry`, catching errors at protected frames above it.
    pub(crate) fn execute(&mut self, entry: usize) -> LuaResult<Exit> {
        loop {
            let result = if self.jit.recording() || self.jit.stats || self.hooks.mask != 0 {
                self.run::<true>(entry)
            } else {
                self.run::<false>(entry)
            };
            match result {
                Ok(Exit::Switch) => continue,
                Ok(exit) => {
                    if self.jit.recording() {
                        self.jit_abort_recording();
                    }
                    return Ok(exit);
                }
                Err(mut err) => {
                    if self.jit.recording() {
                        self.jit_abort_recording();
                    }
                    let protected = self.th.frames[entry..]
                        .iter()
                        .rposition(|f| f.kind.is_protected())
                        .map(|i| i + entry);
                    match protected {
                        Some(index) => {
                            self.recover(index, *err);
                            if self.th.frames.len() <= entry {
                                return Ok(Exit::Returned);
                            }
                        }
                        None => {
                            if err.traceback.is_none()
                                && self.th.protected == 0
                                && self.current == self.main_thread
                            {
                                err.traceback = Some(self.traceback(0));
                            }
                            self.unwind_to(entry);
                            return Err(err);
                        }
                    }
                }
            }
        }
    }

    /// The dispatch loop. `RECORDING` is the instrumented variant: it shows each instruction to
    /// the trace recorder first (LuaJIT swaps dispatch tables for this), counts instructions for
    /// `-jstats` and calls debug hooks; the plain one pays nothing but a check at frame entry.
    fn run<const RECORDING: bool>(&mut self, entry: usize) -> LuaResult<Exit> {
        'frame: loop {
            let fi = self.th.frames.len() - 1;
            let frame = &self.th.frames[fi];
            let proto: Rc<Proto> = frame
                .proto
                .clone()
                .expect("the dispatch loop runs Lua frames");
            let closure = frame.closure;
            let base = frame.base;
            let mut pc = frame.pc;
            let code = &proto.code[..];
            let k = &proto.constants[..];
            if self.hooks.mask != 0 {
                if !RECORDING {
                    // A hook was set: its events come from the instrumented variant.
                    return Ok(Exit::Switch);
                }
                self.hook_frame_entry(pc)?;
            }

            macro_rules! reg {
                ($r:expr) => {
                    *registers::slot(&mut self.th.stack, base + $r as usize)
                };
            }
            macro_rules! rk {
                ($x:expr) => {{
                    let x: Rk = $x;
                    if x < RK_CONSTANT {
                        *registers::slot_ref(&self.th.stack, base + x as usize)
                    } else {
                        *registers::constant(k, (x - RK_CONSTANT) as usize)
                    }
                }};
            }
            // Hot paths read tags and payloads straight from the slot (no 16-byte copy that is
            // then re-read byte-wise: that defeats store forwarding and costs ~10 cycles).
            macro_rules! rk_ref {
                ($x:expr) => {{
                    let x: Rk = $x;
                    if x < RK_CONSTANT {
                        registers::slot_ref(&self.th.stack, base + x as usize)
                    } else {
                        registers::constant(k, (x - RK_CONSTANT) as usize)
                    }
                }};
            }
            macro_rules! num {
                ($r:expr) => {
                    match $r {
                        &Value::Number(n) => Some(n),
                        _ => None,
                    }
                };
            }
            // Slow paths may raise errors (which need the position) or call out (which may
            // inspect this frame): save pc first.
            macro_rules! slow {
                ($e:expr) => {{
                    self.th.frames[fi].pc = pc;
                    $e?
                }};
            }
            macro_rules! take_jump {
                () => {{
                    if let Op::Jmp { offset, .. } = code[pc] {
                        pc = (pc as i64 + 1 + offset as i64) as usize;
                    } else {
                        pc += 1;
                    }
                }};
            }
            // A conditional instruction: take the following `Jmp` when the outcome matches.
            macro_rules! branch {
                ($outcome:expr, $jump_if:expr) => {
                    if $outcome == $jump_if {
                        take_jump!();
                    } else {
                        pc += 1;
                    }
                };
            }
            // `Lt`/`Le`: numbers inline, everything else through the metamethod-aware comparison.
            macro_rules! order {
                ($b:expr, $c:expr, $jump_if:expr, $cmp:tt, $slow:ident) => {{
                    let r = match (num!(rk_ref!($b)), num!(rk_ref!($c))) {
                        (Some(x), Some(y)) => x $cmp y,
                        _ => {
                            let (x, y) = (rk!($b), rk!($c));
                            match slow!(self.$slow(x, y, Some($jump_if))) {
                                Some(r) => r,
                                None => continue 'frame,
                            }
                        }
                    };
                    branch!(r, $jump_if);
                }};
            }
            macro_rules! arith {
                ($op:expr, $a:expr, $b:expr, $c:expr, $f:expr) => {{
                    match (num!(rk_ref!($b)), num!(rk_ref!($c))) {
                        (Some(x), Some(y)) => reg!($a) = Value::Number($f(x, y)),
                        _ => {
                            let (x, y) = (rk!($b), rk!($c));
                            match slow!(self.arith_op(&proto, pc, $op, x, y, $b, $c, $a)) {
                                Some(v) => reg!($a) = v,
                                None => continue 'frame,
                            }
                        }
                    }
                }};
            }
            macro_rules! gc_point {
                () => {
                    if self.heap.allocated >= self.heap.threshold {
                        self.th.frames[fi].pc = pc;
                        slow!(self.gc_safe_point())
                    }
                };
            }

            // A loop op at `$loop_pc` is going round again (`pc` is the loop body): count it
            // and enter its trace, or start recording (switch to the recording variant). A
            // blacklisted loop costs one compare.
            macro_rules! hot_loop {
                ($loop_pc:expr) => {{
                    let loop_pc: usize = $loop_pc;
                    if self.jit.enabled
                        && !proto.jit.is_blacklisted(loop_pc)
                        && !(RECORDING && (self.jit.recording() || self.hooks.mask != 0))
                    {
                        self.th.frames[fi].pc = pc;
                        match self.jit_hot_loop(&proto, closure, base, loop_pc) {
                            Some(t) => {
                                self.jit_run_trace(t, base)?;
                                if self.jit.recording() {
                                    // A hot exit started a side trace.
                                    return Ok(Exit::Switch);
                                }
                                continue 'frame;
                            }
                            None if self.jit.recording() => return Ok(Exit::Switch),
                            None => {}
                        }
                    }
                }};
            }

            // `R(a) = obj[key]`: a plain table hit inline (`$get` is the table lookup to use),
            // anything else through the metamethod-aware path.
            macro_rules! index_into {
                ($a:expr, $b:expr, $obj:expr, $key:expr, $get:ident) => {{
                    let (obj, key) = ($obj, $key);
                    if let Value::Table(t) = obj {
                        let t = self.heap.table(t);
                        let v = t.$get(key);
                        if !v.is_nil() || t.metatable.is_none() {
                            reg!($a) = v;
                            continue;
                        }
                    }
                    match slow!(self.index_op(&proto, pc, obj, key, $b, $a)) {
                        Some(v) => reg!($a) = v,
                        None => continue 'frame,
                    }
                }};
            }

            loop {
                if RECORDING {
                    if self.hooks.mask & (hook::LINE | hook::COUNT) != 0 {
                        // Positioned at this instruction, for the hook's `getinfo` and errors.
                        self.th.frames[fi].pc = pc + 1;
                        self.hook_instruction(&proto, fi, pc)?;
                    }
                    if (self.jit.recording() || self.jit.stats)
                        && !self.jit_record(&proto, base, pc)
                        && self.hooks.mask == 0
                    {
                        self.th.frames[fi].pc = pc;
                        return Ok(Exit::Switch);
                    }
                }
                let op = registers::fetch(code, pc);
                pc += 1;
                match *op {
                    Op::Move { a, b } => reg!(a) = reg!(b),
                    Op::LoadK { a, k: i } => reg!(a) = *registers::constant(k, i as usize),
                    Op::LoadBool { a, value, skip } => {
                        reg!(a) = Value::Boolean(value);
                        if skip {
                            pc += 1;
                        }
                    }
                    Op::LoadNil { a, b } => {
                        for r in a..=b {
                            reg!(r) = Value::Nil;
                        }
                    }
                    Op::GetUpval { a, b } => reg!(a) = self.upval_get(closure, b),
                    Op::SetUpval { a, b } => {
                        let v = reg!(a);
                        self.upval_set(closure, b, v);
                    }
                    Op::GetGlobal { a, k: i } => {
                        let env = self.heap.function(closure).env();
                        let key = *registers::constant(k, i as usize);
                        let t = self.heap.table(env);
                        let v = t.get_str(key);
                        if !v.is_nil() || t.metatable.is_none() {
                            reg!(a) = v;
                        } else {
                            match slow!(self.index_with(
                                Value::Table(env),
                                key,
                                Some(Continuation::Store(a))
                            )) {
                                Some(v) => reg!(a) = v,
                                None => continue 'frame,
                            }
                        }
                    }
                    Op::SetGlobal { a, k: i } => {
                        let env = self.heap.function(closure).env();
                        let key = *registers::constant(k, i as usize);
                        let v = reg!(a);
                        if !slow!(self.set_index_with(
                            Value::Table(env),
                            key,
                            v,
                            Some(Continuation::Discard)
                        )) {
                            continue 'frame;
                        }
                    }
                    Op::GetTable { a, b, c } => {
                        let index = num!(rk_ref!(c));
                        if let &Value::Table(t) = &reg!(b) {
                            let t = self.heap.table(t);
                            // Array part first: the common `t[i]`.
                            if let Some(n) = index {
                                let i = n as usize;
                                if i as f64 == n && i >= 1 && i <= t.array.len() {
                                    let slot = &t.array[i - 1];
                                    if !matches!(slot, Value::Nil) || t.metatable.is_none() {
                                        reg!(a) = *slot;
                                        continue;
                                    }
                                }
                            }
                        }
                        index_into!(a, b, reg!(b), rk!(c), get);
                    }
                    Op::GetField { a, b, k: i } => {
                        index_into!(a, b, reg!(b), *registers::constant(k, i as usize), get_str);
                    }
                    Op::SetField { a, k: i, c } => {
                        let key = *registers::constant(k, i as usize);
                        let v = rk!(c);
                        if let &Value::Table(t) = &reg!(a) {
                            let table = self.heap.table_mut(t);
                            if table.metatable.is_none() {
                                match table.set(key, v) {
                                    Ok(grown) => {
                                        self.heap.allocated += grown;
                                        continue;
                                    }
                                    Err(e) => slow!(Err(self.error_at(0, &e.to_string()))),
                                }
                            }
                        }
                        let obj = reg!(a);
                        if !slow!(self.set_index_op(&proto, pc, obj, key, v, a)) {
                            continue 'frame;
                        }
                    }
                    Op::SetTable { a, b, c } => {
                        let index = num!(rk_ref!(b));
                        if let (&Value::Table(t), Some(n)) = (&reg!(a), index) {
                            let i = n as usize;
                            let table = self.heap.table_mut(t);
                            if table.metatable.is_none()
                                && i as f64 == n
                                && i >= 1
                                && i <= table.array.len()
                            {
                                table.array[i - 1] = *rk_ref!(c);
                                continue;
                            }
                        }
                        let obj = reg!(a);
                        let key = rk!(b);
                        let v = rk!(c);
                        if let Value::Table(t) = obj {
                            let table = self.heap.table_mut(t);
                            if table.metatable.is_none() {
                                match table.set(key, v) {
                                    Ok(grown) => {
                                        self.heap.allocated += grown;
                                        continue;
                                    }
                                    Err(e) => slow!(Err(self.error_at(0, &e.to_string()))),
                                }
                            }
                        }
                        if !slow!(self.set_index_op(&proto, pc, obj, key, v, a)) {
                            continue 'frame;
                        }
                    }
                    Op::NewTable { a, array, hash } => {
                        reg!(a) = Value::Table(self.heap.new_table(array as usize, hash as usize));
                        gc_point!();
                    }
                    Op::SelfOp { a, b, c } => {
                        let obj = reg!(b);
                        reg!(a + 1) = obj;
                        index_into!(a, b, obj, rk!(c), get);
                    }
                    Op::Add { a, b, c } => arith!(ArithOp::Add, a, b, c, |x: f64, y: f64| x + y),
                    Op::Sub { a, b, c } => arith!(ArithOp::Sub, a, b, c, |x: f64, y: f64| x - y),
                    Op::Mul { a, b, c } => arith!(ArithOp::Mul, a, b, c, |x: f64, y: f64| x * y),
                    Op::Div { a, b, c } => arith!(ArithOp::Div, a, b, c, |x: f64, y: f64| x / y),
                    Op::Mod { a, b, c } => arith!(ArithOp::Mod, a, b, c, super::arith::lua_mod),
                    Op::Pow { a, b, c } => arith!(ArithOp::Pow, a, b, c, f64::powf),
                    Op::Unm { a, b } => {
                        let x = reg!(b);
                        match x {
                            Value::Number(n) => reg!(a) = Value::Number(-n),
                            _ => match slow!(self.arith_op(
                                &proto,
                                pc,
                                ArithOp::Unm,
                                x,
                                x,
                                b as Rk,
                                b as Rk,
                                a
                            )) {
                                Some(v) => reg!(a) = v,
                                None => continue 'frame,
                            },
                        }
                    }
                    Op::Not { a, b } => {
                        let falsy = matches!(&reg!(b), Value::Nil | Value::Boolean(false));
                        reg!(a) = Value::Boolean(falsy);
                    }
                    Op::Len { a, b } => {
                        let x = reg!(b);
                        match x {
                            Value::Table(t) => {
                                reg!(a) = Value::Number(self.heap.table(t).border() as f64)
                            }
                            Value::String(s) => {
                                reg!(a) = Value::Number(self.heap.str_bytes(s).len() as f64)
                            }
                            _ => match slow!(self.len_op(&proto, pc, x, b, a)) {
                                Some(v) => reg!(a) = v,
                                None => continue 'frame,
                            },
                        }
                    }
                    Op::Concat { a, b, c } => {
                        match slow!(self.concat_op(&proto, pc, base, b, c, a)) {
                            Some(v) => reg!(a) = v,
                            None => continue 'frame,
                        }
                        gc_point!();
                    }
                    Op::Jmp { offset, close } => {
                        if close > 0 {
                            self.close_upvals(base + close as usize - 1);
                        }
                        if offset < 0 {
                            self.ticks += 1;
                        }
                        pc = (pc as i64 + offset as i64) as usize;
                    }
                    Op::Eq { jump_if, b, c } => {
                        let (x, y) = (rk!(b), rk!(c));
                        let eq = if x.raw_eq(y) {
                            true
                        } else if matches!(
                            (x, y),
                            (Value::Table(_), Value::Table(_))
                                | (Value::Userdata(_), Value::Userdata(_))
                        ) {
                            match slow!(self.equals_with(
                                x,
                                y,
                                Some(Continuation::Jump {
                                    jump_if,
                                    negate: false
                                })
                            )) {
                                Some(r) => r,
                                None => continue 'frame,
                            }
                        } else {
                            false
                        };
                        branch!(eq, jump_if);
                    }
                    Op::Lt { jump_if, b, c } => order!(b, c, jump_if, <, less_than_with),
                    Op::Le { jump_if, b, c } => order!(b, c, jump_if, <=, less_equal_with),
                    Op::Test { a, jump_if } => {
                        let truthy = !matches!(&reg!(a), Value::Nil | Value::Boolean(false));
                        branch!(truthy, jump_if);
                    }
                    Op::TestSet { a, b, jump_if } => {
                        let v = reg!(b);
                        if v.truthy() == jump_if {
                            reg!(a) = v;
                            take_jump!();
                        } else {
                            pc += 1;
                        }
                    }
                    Op::Call { a, b, c } => {
                        let func_slot = base + a as usize;
                        let nargs = if b != 0 {
                            b as usize - 1
                        } else {
                            self.th.top - func_slot - 1
                        };
                        self.th.frames[fi].pc = pc;
                        self.ticks += 1;
                        if self.push_lua_frame_fast(func_slot, nargs, c as i32 - 1) {
                            continue 'frame;
                        }
                        match self.precall(func_slot, nargs, c as i32 - 1, FrameKind::Normal)? {
                            Precall::Lua => continue 'frame,
                            Precall::Done => {
                                if c != 0 {
                                    self.th.top = base + proto.max_stack;
                                }
                                gc_point!();
                                if !RECORDING && self.hooks.mask != 0 {
                                    // The native set a hook (`debug.sethook`).
                                    return Ok(Exit::Switch);
                                }
                            }
                            Precall::Yield { first, count } => {
                                return Ok(Exit::Yielded { first, count })
                            }
                        }
                    }
                    Op::TailCall { a, b } => {
                        let func_slot = base + a as usize;
                        let nargs = if b != 0 {
                            b as usize - 1
                        } else {
                            self.th.top - func_slot - 1
                        };
                        self.th.frames[fi].pc = pc;
                        self.ticks += 1;
                        let mut nargs = nargs;
                        let mut callee = self.th.stack[func_slot];
                        if !matches!(callee, Value::Function(_)) {
                            // A callable object: its `__call` runs as the tail call, with the
                            // object as first argument.
                            let tm = self.metamethod(callee, self.names.call);
                            if matches!(tm, Value::Function(f) if matches!(self.heap.function(f), Function::Lua(_)))
                            {
                                slow!(self.ensure_stack(func_slot + nargs + 2));
                                self.th
                                    .stack
                                    .copy_within(func_slot..func_slot + 1 + nargs, func_slot + 1);
                                self.th.stack[func_slot] = tm;
                                nargs += 1;
                                callee = tm;
                            }
                        }
                        let is_lua = matches!(callee, Value::Function(f) if matches!(self.heap.function(f), Function::Lua(_)));
                        if is_lua {
                            self.tail_call(fi, func_slot, nargs)?;
                            continue 'frame;
                        }
                        // Natives (and `__call`) run as an ordinary call keeping every result;
                        // the `Return` that follows delivers them. Like a tail-called C function
                        // in LuaJIT, the native has no Lua caller to name it or give a position.
                        self.detach_next_native = true;
                        let r = self.precall(func_slot, nargs, -1, FrameKind::Normal);
                        self.detach_next_native = false;
                        match r? {
                            Precall::Lua => continue 'frame,
                            Precall::Done => {}
                            Precall::Yield { first, count } => {
                                return Ok(Exit::Yielded { first, count })
                            }
                        }
                    }
                    Op::Return { a, b } => {
                        let first = base + a as usize;
                        let count = if b != 0 {
                            b as usize - 1
                        } else {
                            self.th.top - first
                        };
                        if RECORDING && self.hooks.mask & hook::RETURN != 0 {
                            self.th.frames[fi].pc = pc;
                            self.hook_return()?;
                        }
                        if !self.th.open_upvals.is_empty() {
                            self.close_upvals(base);
                        }
                        // Common case: an ordinary frame returning a fixed number of results to
                        // a Lua caller in this run.
                        let frame = &self.th.frames[fi];
                        if frame.kind == FrameKind::Normal && frame.nresults >= 0 && fi > entry {
                            let dest = frame.func;
                            let wanted = frame.nresults as usize;
                            let stack = &mut self.th.stack[..];
                            // Branches, not a select between values: a selected Value goes
                            // through memory and stalls store forwarding.
                            if wanted == 1 && count >= 1 {
                                // Both slots lie in the callee's frame (results at or above
                                // its function slot, below its register top).
                                *registers::slot(stack, dest) = *registers::slot_ref(stack, first);
                            } else {
                                let copied = count.min(wanted);
                                for i in 0..copied {
                                    stack[dest + i] = stack[first + i];
                                }
                                for slot in &mut stack[dest + copied..dest + wanted] {
                                    *slot = Value::Nil;
                                }
                            }
                            self.th.top = dest + wanted;
                            self.th.frames.drop_top();
                            continue 'frame;
                        }
                        slow!(self.post_return(first, count));
                        if self.th.frames.len() <= entry {
                            return Ok(Exit::Returned);
                        }
                        continue 'frame;
                    }
                    Op::ForPrep { a, offset } => {
                        // Strings convert, as in LuaJIT's FORI.
                        let (init, limit, step) = (reg!(a), reg!(a + 1), reg!(a + 2));
                        let converted = (
                            self.to_number(init),
                            self.to_number(limit),
                            self.to_number(step),
                        );
                        let (Some(init), Some(limit_n), Some(step)) = converted else {
                            let msg = if converted.0.is_none() {
                                "'for' initial value must be a number"
                            } else if converted.1.is_none() {
                                "'for' limit must be a number"
                            } else {
                                "'for' step must be a number"
                            };
                            slow!(Err(self.error_at(0, msg)));
                            unreachable!()
                        };
                        reg!(a) = Value::Number(init - step);
                        reg!(a + 1) = Value::Number(limit_n);
                        reg!(a + 2) = Value::Number(step);
                        pc = (pc as i64 + offset as i64) as usize;
                    }
                    Op::ForLoop { a, offset } => {
                        self.ticks += 1;
                        let slots = &self.th.stack[base + a as usize..base + a as usize + 3];
                        if let (Some(idx), Some(limit), Some(step)) =
                            (num!(&slots[0]), num!(&slots[1]), num!(&slots[2]))
                        {
                            let idx = idx + step;
                            // The step's sign bit says which way, as in LuaJIT: `for i=1,2,0`
                            // loops upward for ever, a step of -0 counts downward.
                            if if !step.is_sign_negative() {
                                idx <= limit
                            } else {
                                limit <= idx
                            } {
                                reg!(a) = Value::Number(idx);
                                reg!(a + 3) = Value::Number(idx);
                                pc = (pc as i64 + offset as i64) as usize;
                                hot_loop!((pc as i64 - offset as i64 - 1) as usize);
                            }
                        }
                    }
                    Op::TForCall { a, c } => {
                        let slot = base + a as usize + 3;
                        self.th.stack.copy_within(slot - 3..slot, slot);
                        self.th.top = slot + 3;
                        self.th.frames[fi].pc = pc;
                        match self.precall(slot, 2, c as i32, FrameKind::Normal)? {
                            Precall::Lua => continue 'frame,
                            Precall::Done => self.th.top = base + proto.max_stack,
                            Precall::Yield { first, count } => {
                                return Ok(Exit::Yielded { first, count })
                            }
                        }
                    }
                    Op::TForLoop { a, offset } => {
                        let v = reg!(a + 3);
                        if !v.is_nil() {
                            reg!(a + 2) = v;
                            self.ticks += 1;
                            pc = (pc as i64 + offset as i64) as usize;
                            hot_loop!((pc as i64 - offset as i64 - 1) as usize);
                        }
                    }
                    Op::SetList { a, count, first } => {
                        let start = base + a as usize;
                        let n = if count == 0 {
                            self.th.top - start - 1
                        } else {
                            count as usize
                        };
                        let Value::Table(t) = reg!(a) else {
                            unreachable!("SetList on a table")
                        };
                        let mut grown = 0;
                        for i in 1..=n {
                            let v = self.th.stack[start + i];
                            let table = self.heap.table_mut(t);
                            grown += table
                                .set(Value::Number((first as usize + i) as f64), v)
                                .unwrap_or(0);
                        }
                        self.heap.allocated += grown;
                        self.th.top = base + proto.max_stack;
                    }
                    Op::Close { a } => self.close_upvals(base + a as usize),
                    Op::Closure { a, proto: index } => {
                        let p = proto.protos[index as usize].clone();
                        let mut upvalues = Vec::with_capacity(p.upvalues.len());
                        for d in &p.upvalues {
                            upvalues.push(if d.in_stack {
                                self.find_upval(base + d.index as usize)
                            } else {
                                match self.heap.function(closure) {
                                    Function::Lua(cl) => cl.upvalues[d.index as usize],
                                    Function::Native(_) => unreachable!("running a Lua closure"),
                                }
                            });
                        }
                        let env = self.heap.function(closure).env();
                        let f = self.heap.new_function(Function::Lua(LuaClosure {
                            proto: p,
                            upvalues,
                            env,
                        }));
                        reg!(a) = Value::Function(f);
                        gc_point!();
                    }
                    Op::VarArg { a, b } => {
                        let n = self.th.frames[fi].num_varargs;
                        let from = base - n;
                        let dest = base + a as usize;
                        if b == 0 {
                            slow!(self.ensure_stack(dest + n + 1));
                            self.th.stack.copy_within(from..from + n, dest);
                            self.th.top = dest + n;
                        } else {
                            let want = b as usize - 1;
                            for i in 0..want {
                                self.th.stack[dest + i] = if i < n {
                                    self.th.stack[from + i]
                                } else {
                                    Value::Nil
                                };
                            }
                        }
                    }
                    Op::Loop => {
                        self.ticks += 1;
                        hot_loop!(pc - 1);
                    }
                }
            }
        }
    }

    /// The common Lua-to-Lua call (fixed parameters, stack already large enough) without the
    /// general path's checks; false if the callee needs the general path.
    #[inline(always)]
    fn push_lua_frame_fast(&mut self, func_slot: usize, nargs: usize, nresults: i32) -> bool {
        let Value::Function(fr) = self.th.stack[func_slot] else {
            return false;
        };
        let Function::Lua(cl) = self.heap.function(fr) else {
            return false;
        };
        let p = &cl.proto;
        let new_base = func_slot + 1;
        let np = p.num_params as usize;
        if p.is_vararg
            || new_base + p.max_stack + 1 > self.th.stack.len()
            || self.th.frames.len() >= self.frame_limit
        {
            return false;
        }
        if nargs < np {
            for v in &mut self.th.stack[new_base + nargs..new_base + np] {
                *v = Value::Nil;
            }
        }
        self.th.top = new_base + p.max_stack;
        self.th
            .frames
            .push_lua(func_slot, new_base, fr, p, nresults);
        true
    }

    /// Replaces frame `fi` by a call of the Lua function in `func_slot`.
    fn tail_call(&mut self, fi: usize, func_slot: usize, nargs: usize) -> LuaResult<()> {
        let callee = self.th.stack[func_slot];
        let frame = self.th.frames[fi].clone();
        self.close_upvals(frame.base);
        // Move the callee and its arguments down to this frame's function slot.
        let dest = frame.func;
        self.th
            .stack
            .copy_within(func_slot..func_slot + 1 + nargs, dest);
        self.th.frames.pop();
        if frame.kind.is_protected() {
            self.th.protected -= 1;
        }
        let Value::Function(f) = callee else {
            unreachable!()
        };
        let proto = match self.heap.function(f) {
            Function::Lua(cl) => cl.proto.clone(),
            Function::Native(_) => unreachable!(),
        };
        self.push_lua_frame(dest, nargs, frame.nresults, f, proto, frame.kind)?;
        let new_frame = self.th.frames.last_mut().expect("pushed");
        new_frame.tail_calls = frame.tail_calls + 1;
        new_frame.via_pcall = frame.via_pcall;
        Ok(())
    }

    #[inline(always)]
    pub(crate) fn upval_get(&self, closure: FuncRef, index: u8) -> Value {
        let Function::Lua(cl) = self.heap.function(closure) else {
            unreachable!()
        };
        match *self.heap.upvals.get(cl.upvalues[index as usize].0) {
            Upval::Closed(v) => v,
            Upval::Open { thread, slot } => {
                if thread == self.current {
                    self.th.stack[slot]
                } else {
                    self.heap.threads.get(thread.0).state.stack[slot]
                }
            }
        }
    }

    #[inline(always)]
    pub(crate) fn upval_set(&mut self, closure: FuncRef, index: u8, v: Value) {
        let Function::Lua(cl) = self.heap.function(closure) else {
            unreachable!()
        };
        let uv = cl.upvalues[index as usize];
        match *self.heap.upvals.get(uv.0) {
            Upval::Closed(_) => *self.heap.upvals.get_mut(uv.0) = Upval::Closed(v),
            Upval::Open { thread, slot } => {
                if thread == self.current {
                    self.th.stack[slot] = v;
                } else {
                    self.heap.threads.get_mut(thread.0).state.stack[slot] = v;
                }
            }
        }
    }

    fn name_of(&self, proto: &Proto, pc: usize, rk: Rk) -> Option<(&'static str, String)> {
        if rk < RK_CONSTANT {
            describe_register(proto, self, pc - 1, rk as u8)
        } else {
            None
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn arith_op(
        &mut self,
        proto: &Proto,
        pc: usize,
        op: ArithOp,
        x: Value,
        y: Value,
        b: Rk,
        c: Rk,
        dest: u8,
    ) -> LuaResult<Option<Value>> {
        match self.arith_with(op, x, y, Some(Continuation::Store(dest)))? {
            ArithOutcome::Value(v) => return Ok(Some(v)),
            ArithOutcome::Pushed => return Ok(None),
            ArithOutcome::NoMetamethod => {}
        }
        let (culprit, rk) = if self.to_number(x).is_none() {
            (x, b)
        } else {
            (y, c)
        };
        let name = self.name_of(proto, pc, rk);
        Err(self.type_error("perform arithmetic on", culprit, name))
    }

    #[allow(clippy::too_many_arguments)]
    fn index_op(
        &mut self,
        proto: &Proto,
        pc: usize,
        obj: Value,
        key: Value,
        reg: u8,
        dest: u8,
    ) -> LuaResult<Option<Value>> {
        if !matches!(obj, Value::Table(_)) && self.metamethod(obj, self.names.index).is_nil() {
            let name = describe_register(proto, self, pc - 1, reg);
            return Err(self.type_error("index", obj, name));
        }
        self.index_with(obj, key, Some(Continuation::Store(dest)))
    }

    #[allow(clippy::too_many_arguments)]
    fn set_index_op(
        &mut self,
        proto: &Proto,
        pc: usize,
        obj: Value,
        key: Value,
        v: Value,
        reg: u8,
    ) -> LuaResult<bool> {
        if !matches!(obj, Value::Table(_)) && self.metamethod(obj, self.names.newindex).is_nil() {
            let name = describe_register(proto, self, pc - 1, reg);
            return Err(self.type_error("index", obj, name));
        }
        self.set_index_with(obj, key, v, Some(Continuation::Discard))
    }

    fn len_op(
        &mut self,
        proto: &Proto,
        pc: usize,
        x: Value,
        reg: u8,
        dest: u8,
    ) -> LuaResult<Option<Value>> {
        let tm = self.metamethod(x, self.names.len);
        if tm.is_nil() {
            let name = describe_register(proto, self, pc - 1, reg);
            return Err(self.type_error("get length of", x, name));
        }
        self.call_metamethod(tm, &[x, Value::Nil], Continuation::Store(dest))
    }

    /// `R(b) .. ... .. R(c)`: strings and numbers joined at once; `__concat` pairwise from the
    /// right, as Lua 5.1.
    /// `Ok(None)`: a `__concat` metamethod frame was pushed; its continuation stores the
    /// result in place of the pair and resumes the concatenation.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn concat_op(
        &mut self,
        proto: &Proto,
        pc: usize,
        base: usize,
        b: u8,
        c: u8,
        dest: u8,
    ) -> LuaResult<Option<Value>> {
        let first = base + b as usize;
        let mut last = base + c as usize;
        while last > first {
            let (x, y) = (self.th.stack[last - 1], self.th.stack[last]);
            if is_stringy(x) && is_stringy(y) {
                let mut start = last - 1;
                while start > first && is_stringy(self.th.stack[start - 1]) {
                    start -= 1;
                }
                if self.concat_overflows(&self.th.stack[start..=last]) {
                    return Err(self.error_at(0, "string length overflow"));
                }
                let mut buf = Vec::new();
                for i in start..=last {
                    let v = self.th.stack[i];
                    self.concat_piece(v, &mut buf);
                }
                self.check_memory(buf.len())?;
                self.th.stack[start] = self.str_value(&buf);
                last = start;
            } else {
                let mut tm = self.metamethod(x, self.names.concat);
                if tm.is_nil() {
                    tm = self.metamethod(y, self.names.concat);
                }
                if tm.is_nil() {
                    let (culprit, slot) = if is_stringy(x) {
                        (y, last)
                    } else {
                        (x, last - 1)
                    };
                    let name = describe_register(proto, self, pc - 1, (slot - base) as u8);
                    return Err(self.type_error("concatenate", culprit, name));
                }
                let cont = Continuation::Concat {
                    dest,
                    first: b,
                    last: (last - 1 - base) as u8,
                };
                match self.call_metamethod(tm, &[x, y], cont)? {
                    Some(r) => self.th.stack[last - 1] = r,
                    None => return Ok(None),
                }
                last -= 1;
            }
        }
        Ok(Some(self.th.stack[first]))
    }

    /// Collects garbage at a point where every live value is in a root, then runs finalizers.
    pub(crate) fn gc_safe_point(&mut self) -> LuaResult<()> {
        self.collect_garbage();
        self.run_finalizers()?;
        if self.heap.max_memory > 0 && self.heap.allocated > self.heap.max_memory {
            return Err(LuaError::new(self.str_value(b"not enough memory")));
        }
        Ok(())
    }
}

#[inline]
fn is_stringy(v: Value) -> bool {
    matches!(v, Value::String(_) | Value::Number(_))
}
