//! The `debug` library: tracebacks, function and frame information, raw metatables, upvalues,
//! hooks (their events come from `crate::vm::hook`).

use super::debug_locals::{self, frame_at, state, thread_arg, FrameAt};
use super::new_library;
use crate::bytecode::Op;
use crate::heap::{Function, Upval};
use crate::value::Value;
use crate::vm::{hook, LuaResult, Vm};

pub fn open(vm: &mut Vm) {
    new_library(
        vm,
        "debug",
        &[
            ("traceback", traceback),
            ("getinfo", getinfo),
            ("getmetatable", getmetatable),
            ("setmetatable", setmetatable),
            ("getregistry", getregistry),
            ("getfenv", getfenv),
            ("setfenv", setfenv),
            ("getupvalue", getupvalue),
            ("setupvalue", setupvalue),
            ("getlocal", debug_locals::getlocal),
            ("setlocal", debug_locals::setlocal),
            ("upvalueid", upvalueid),
            ("upvaluejoin", upvaluejoin),
            ("sethook", sethook),
            ("debug", debug_debug),
            ("gethook", gethook),
        ],
    );
}

/// `debug.traceback([thread,] [msg [, level]])`: a message that is not a string (or number)
/// is returned unchanged; level defaults to 1 (the caller) on the running thread, 0 on another.
fn traceback(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let (thread, first) = thread_arg(vm);
    let msg = vm.arg(first);
    if !msg.is_nil() && !matches!(msg, Value::String(_) | Value::Number(_)) {
        return vm.ret1(msg);
    }
    let level = vm.opt_int(first + 1, if thread.is_none() { 1 } else { 0 })?;
    let mut text = match msg {
        Value::Nil => Vec::new(),
        v => {
            let mut t = vm.to_text(v).unwrap_or_default();
            t.push(b'\n');
            t
        }
    };
    let skip = level.max(0) as usize;
    let listing = match thread {
        None => vm.traceback(skip),
        Some(t) => {
            // The listing reads the running thread's state: show it the other one's for a
            // moment (no Lua code runs in between).
            std::mem::swap(&mut vm.th, &mut vm.heap.threads.get_mut(t.0).state);
            let mut listing = vm.traceback(skip.saturating_sub(1));
            let in_yield = vm.th.yield_results.is_some();
            std::mem::swap(&mut vm.th, &mut vm.heap.threads.get_mut(t.0).state);
            if in_yield && skip == 0 {
                // Level 0 of a suspended coroutine is the `yield` it waits in.
                listing.insert_str("stack traceback:".len(), "\n\t[C]: in function 'yield'");
            }
            listing
        }
    };
    text.extend_from_slice(listing.as_bytes());
    let v = vm.new_string(&text)?;
    vm.ret1(v)
}

/// `debug.getinfo([thread,] f | level [, what])`: the fields `what` asks for (default all):
/// `S` source, `l` current line, `u` upvalues, `n` name, `f` function, `L` active lines.
fn getinfo(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let (thread, first) = thread_arg(vm);
    let what = match vm.opt_str(first + 1)? {
        Some(letters) => letters.to_vec(),
        None => b"flnSu".to_vec(),
    };
    if what.iter().any(|c| !b"SlunfL".contains(c)) {
        return Err(vm.arg_error(first + 1, "invalid option"));
    }
    let (func, frame) = match vm.arg(first) {
        f @ Value::Function(_) => (f, None),
        _ => {
            let level = vm.check_int(first)?;
            let Some(at) = frame_at(vm, thread, level) else {
                return vm.ret1(Value::Nil);
            };
            if let Some(name) = at.c_level {
                return c_level_info(vm, at, name, &what);
            }
            let closure = state(vm, thread).frames[at.index].closure;
            (Value::Function(closure), Some(at))
        }
    };
    let Value::Function(fr) = func else {
        unreachable!("getinfo resolved a function")
    };
    let t = vm.heap.new_table(0, 12);
    if what.contains(&b'S') {
        source_fields(vm, t, fr);
    }
    if what.contains(&b'l') {
        let current = match frame.map(|at| &state(vm, at.thread).frames[at.index]) {
            Some(f) => match &f.proto {
                Some(p) => crate::vm::current_line(p, f) as f64,
                None => -1.0,
            },
            None => -1.0,
        };
        vm.set_field(t, "currentline", Value::Number(current));
    }
    if what.contains(&b'u') {
        let (nups, nparams, vararg) = match vm.heap.function(fr) {
            Function::Lua(cl) => (
                cl.upvalues.len(),
                cl.proto.num_params as usize,
                cl.proto.is_vararg,
            ),
            Function::Native(n) => (n.upvalues.len(), 0, true),
        };
        vm.set_field(t, "nups", Value::Number(nups as f64));
        vm.set_field(t, "nparams", Value::Number(nparams as f64));
        vm.set_field(t, "isvararg", Value::Boolean(vararg));
    }
    if what.contains(&b'n') {
        let name = frame.and_then(|at| frame_name(vm, at));
        let (namewhat, name) = match name {
            Some((kind, name)) => (kind, vm.str_value(name.as_bytes())),
            None => ("", Value::Nil),
        };
        vm.set_field(t, "name", name);
        let namewhat = vm.str_value(namewhat.as_bytes());
        vm.set_field(t, "namewhat", namewhat);
    }
    if what.contains(&b'f') {
        vm.set_field(t, "func", func);
    }
    if what.contains(&b'L') {
        let lines = match vm.heap.function(fr) {
            // Not the function's closing return, which LuaJIT does not list either.
            Function::Lua(cl) => {
                let lines = &cl.proto.lines;
                Some(lines[..lines.len().saturating_sub(1)].to_vec())
            }
            Function::Native(_) => None,
        };
        let active = match lines {
            Some(lines) => {
                let set = vm.heap.new_table(0, lines.len());
                for line in lines {
                    vm.heap
                        .table_mut(set)
                        .set(Value::Number(line as f64), Value::Boolean(true))
                        .map_err(|_| vm.rt_error("invalid line number"))?;
                }
                Value::Table(set)
            }
            None => Value::Nil,
        };
        vm.set_field(t, "activelines", active);
    }
    vm.ret1(Value::Table(t))
}

/// `getinfo` of a C level without a frame: the `pcall`/`xpcall` (`name`) that called frame
/// `at.index`, or (`name` "") the C entry below the main chunk.
fn c_level_info(vm: &mut Vm, at: FrameAt, name: &str, what: &[u8]) -> LuaResult<usize> {
    let frames = &state(vm, at.thread).frames;
    let caller_name = match name {
        "" => None,
        _ => at
            .index
            .checked_sub(1)
            .and_then(|i| vm.call_site_name(&frames[i])),
    };
    let t = vm.heap.new_table(0, 12);
    if what.contains(&b'S') {
        for (field, text) in [("source", "=[C]"), ("short_src", "[C]"), ("what", "C")] {
            let v = vm.str_value(text.as_bytes());
            vm.set_field(t, field, v);
        }
        vm.set_field(t, "linedefined", Value::Number(-1.0));
        vm.set_field(t, "lastlinedefined", Value::Number(-1.0));
    }
    if what.contains(&b'l') {
        vm.set_field(t, "currentline", Value::Number(-1.0));
    }
    if what.contains(&b'u') {
        vm.set_field(t, "nups", Value::Number(0.0));
        vm.set_field(t, "nparams", Value::Number(0.0));
        vm.set_field(t, "isvararg", Value::Boolean(true));
    }
    if what.contains(&b'n') {
        let (namewhat, name) = match caller_name {
            Some((kind, name)) => (kind, vm.str_value(name.as_bytes())),
            None => ("", Value::Nil),
        };
        vm.set_field(t, "name", name);
        let namewhat = vm.str_value(namewhat.as_bytes());
        vm.set_field(t, "namewhat", namewhat);
    }
    if what.contains(&b'f') && !name.is_empty() {
        let f = vm.get_global(name);
        vm.set_field(t, "func", f);
    }
    vm.ret1(Value::Table(t))
}

/// `source`, `short_src`, `what`, `linedefined`, `lastlinedefined`.
fn source_fields(vm: &mut Vm, t: crate::value::TableRef, fr: crate::value::FuncRef) {
    let (source, short_src, what, line_defined, last_line) = match vm.heap.function(fr) {
        Function::Lua(cl) => {
            let p = &cl.proto;
            let what = if p.line_defined == 0 { "main" } else { "Lua" };
            (
                String::from_utf8_lossy(&p.origin.chunk_name).into_owned(),
                p.source.to_string(),
                what,
                p.line_defined as f64,
                p.last_line_defined as f64,
            )
        }
        Function::Native(_) => ("=[C]".to_string(), "[C]".to_string(), "C", -1.0, -1.0),
    };
    let v = vm.str_value(source.as_bytes());
    vm.set_field(t, "source", v);
    let v = vm.str_value(short_src.as_bytes());
    vm.set_field(t, "short_src", v);
    let v = vm.str_value(what.as_bytes());
    vm.set_field(t, "what", v);
    vm.set_field(t, "linedefined", Value::Number(line_defined));
    vm.set_field(t, "lastlinedefined", Value::Number(last_line));
}

/// How the caller of a frame named the function it called (`global 'f'`, `method 'm'`, ...),
/// when the caller is a Lua function that called it directly (not through `pcall` or a
/// native). A tail-called function has the name of the call it replaced, as in LuaJIT.
fn frame_name(vm: &Vm, at: FrameAt) -> Option<(&'static str, String)> {
    let frames = &state(vm, at.thread).frames;
    let frame = &frames[at.index];
    if at.index == 0 || frame.via_pcall {
        return None;
    }
    let caller = &frames[at.index - 1];
    let named = match caller.proto.as_ref()?.code.get(caller.pc.checked_sub(1)?)? {
        Op::Call { a, .. } | Op::TailCall { a, .. } => caller.base + *a as usize == frame.func,
        _ => true,
    };
    if named {
        vm.call_site_name(caller)
    } else {
        None
    }
}

fn getmetatable(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.check_any(0)?;
    let mt = vm.metatable(v).map_or(Value::Nil, Value::Table);
    vm.ret1(mt)
}

fn setmetatable(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.arg(0);
    let mt = match vm.arg(1) {
        Value::Nil => None,
        Value::Table(t) => Some(t),
        _ => return Err(vm.arg_error(1, "nil or table expected")),
    };
    match v {
        Value::Table(t) => vm.heap.table_mut(t).set_metatable(mt),
        Value::Userdata(u) => vm.heap.userdata.get_mut(u.0).metatable = mt,
        Value::String(_) => vm.string_meta = mt,
        other => {
            if let Some(slot) = vm.type_meta.slot(other) {
                *slot = mt;
            }
        }
    }
    vm.ret1(v)
}

fn getregistry(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let r = vm.registry;
    vm.ret1(Value::Table(r))
}

fn upvalue_slot(vm: &mut Vm) -> LuaResult<Option<(crate::value::FuncRef, usize)>> {
    let Value::Function(f) = vm.arg(0) else {
        return Err(vm.arg_type_error(0, "function"));
    };
    let n = vm.check_int(1)?;
    let count = match vm.heap.function(f) {
        Function::Lua(cl) => cl.upvalues.len(),
        Function::Native(n) => n.upvalues.len(),
    };
    if n < 1 || n as usize > count {
        return Ok(None);
    }
    Ok(Some((f, n as usize - 1)))
}

fn getupvalue(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let Some((f, i)) = upvalue_slot(vm)? else {
        return Ok(0);
    };
    let (name, value) = match vm.heap.function(f) {
        Function::Lua(cl) => {
            let name = cl
                .proto
                .upvalues
                .get(i)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            let v = match *vm.heap.upvals.get(cl.upvalues[i].0) {
                Upval::Closed(v) => v,
                Upval::Open { thread, slot } => {
                    if thread == vm.current {
                        vm.th.stack[slot]
                    } else {
                        vm.heap.threads.get(thread.0).state.stack[slot]
                    }
                }
            };
            (name, v)
        }
        Function::Native(n) => (Vec::new(), n.upvalues[i]),
    };
    let name = vm.new_string(&name)?;
    vm.push(name);
    vm.push(value);
    Ok(2)
}

fn setupvalue(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let Some((f, i)) = upvalue_slot(vm)? else {
        return Ok(0);
    };
    let v = vm.arg(2);
    let name = match vm.heap.function(f) {
        Function::Lua(cl) => {
            let uv = cl.upvalues[i];
            let name = cl
                .proto
                .upvalues
                .get(i)
                .map(|u| u.name.clone())
                .unwrap_or_default();
            match *vm.heap.upvals.get(uv.0) {
                Upval::Closed(_) => *vm.heap.upvals.get_mut(uv.0) = Upval::Closed(v),
                Upval::Open { thread, slot } => {
                    if thread == vm.current {
                        vm.th.stack[slot] = v;
                    } else {
                        vm.heap.threads.get_mut(thread.0).state.stack[slot] = v;
                    }
                }
            }
            name
        }
        Function::Native(_) => Vec::new(),
    };
    if let Function::Native(n) = vm.heap.functions.get_mut(f.0) {
        n.upvalues[i] = v;
    }
    let name = vm.new_string(&name)?;
    vm.ret1(name)
}

/// `debug.sethook([thread,] [hook, mask [, count]])`.
fn sethook(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    // The hook is the state's, as in LuaJIT: a thread argument is skipped.
    let (_, first) = thread_arg(vm);
    let function = vm.arg(first);
    if function.is_nil() {
        vm.hooks.set(Value::Nil, 0, 0);
        return Ok(0);
    }
    let letters = vm.check_str(first + 1)?;
    if !matches!(function, Value::Function(_)) {
        return Err(vm.arg_type_error(first, "function"));
    }
    let count = vm.opt_int(first + 2, 0)?.clamp(0, u32::MAX as i64) as u32;
    let mut mask = 0;
    for (letter, bit) in [(b'c', hook::CALL), (b'r', hook::RETURN), (b'l', hook::LINE)] {
        if letters.contains(&letter) {
            mask |= bit;
        }
    }
    if count > 0 {
        mask |= hook::COUNT;
    }
    vm.hooks.set(function, mask, count);
    Ok(0)
}

/// `debug.gethook([thread])`: the hook, its mask letters and its count.
fn gethook(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let hooks = vm.hooks.clone();
    let mut letters = Vec::new();
    for (letter, bit) in [(b'c', hook::CALL), (b'r', hook::RETURN), (b'l', hook::LINE)] {
        if hooks.mask & bit != 0 {
            letters.push(letter);
        }
    }
    vm.push(hooks.function);
    let letters = vm.str_value(&letters);
    vm.push(letters);
    vm.push(Value::Number(hooks.count as f64));
    Ok(3)
}

/// The upvalue cell of upvalue `n` (1-based) of the Lua function at argument `i`.
fn upvalue_cell(vm: &mut Vm, i: usize) -> LuaResult<crate::value::UpvalRef> {
    let f = match vm.arg(i) {
        Value::Function(f) => f,
        _ => return Err(vm.arg_type_error(i, "function")),
    };
    let n = vm.check_int(i + 1)?;
    let cell = match vm.heap.function(f) {
        Function::Lua(cl) => usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|n| cl.upvalues.get(n).copied()),
        Function::Native(_) => None,
    };
    cell.ok_or_else(|| vm.arg_error(i + 1, "invalid upvalue index"))
}

/// `debug.upvalueid(f, n)`: a light userdata naming the upvalue's cell, equal for closures
/// sharing it.
fn upvalueid(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let cell = upvalue_cell(vm, 0)?;
    // One userdata per cell, kept in a weak-valued registry table while anyone holds it.
    let registry = vm.registry;
    let ids_key = vm.str_value(b"debug.upvalueid");
    let ids = match vm.heap.table(registry).get(ids_key) {
        Value::Table(t) => t,
        _ => {
            let ids = vm.heap.new_table(0, 4);
            let meta = vm.heap.new_table(0, 1);
            let mode = vm.str_value(b"v");
            vm.set_field(meta, "__mode", mode);
            vm.heap.table_mut(ids).set_metatable(Some(meta));
            vm.set_field(registry, "debug.upvalueid", Value::Table(ids));
            ids
        }
    };
    let key = Value::Number(cell.0 as f64);
    let id = match vm.heap.table(ids).get(key) {
        id @ Value::Userdata(_) => id,
        _ => {
            let id = vm.heap.new_marker();
            let _ = vm.heap.table_mut(ids).set(key, id);
            id
        }
    };
    vm.ret1(id)
}

/// `debug.upvaluejoin(f1, n1, f2, n2)`: upvalue `n1` of `f1` becomes upvalue `n2` of `f2`.
fn upvaluejoin(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let target = upvalue_cell(vm, 2)?;
    upvalue_cell(vm, 0)?;
    let (Value::Function(f), n) = (vm.arg(0), vm.check_int(1)?) else {
        unreachable!("checked by upvalue_cell")
    };
    if let Function::Lua(cl) = vm.heap.functions.get_mut(f.0) {
        cl.upvalues[n as usize - 1] = target;
    }
    Ok(0)
}

/// `debug.debug()`: runs the lines of standard input as chunks (prompt `lua_debug> ` and
/// errors on stderr) until a line `cont` or the end of input. Lines are read through
/// `io.stdin`, so the program reads on after them.
fn debug_debug(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let reader = crate::stdlib::base::load_chunk(
        vm,
        b"local io = ... return function() return io.stdin:read('*l') end",
        b"=debug.debug",
    )
    .map_err(|message| vm.rt_error(&message))?;
    let io = vm.get_global("io");
    let read_line = vm.call1(reader, &[io])?;
    vm.temp_roots.push(read_line);
    let result = debug_commands(vm, read_line);
    vm.temp_roots.retain(|v| !v.raw_eq(read_line));
    result.map(|()| 0)
}

fn debug_commands(vm: &mut Vm, read_line: Value) -> LuaResult<()> {
    use std::io::Write;
    loop {
        vm.flush_stdout();
        let _ = write!(std::io::stderr(), "lua_debug> ");
        let line = match vm.call1(read_line, &[])? {
            line @ Value::String(_) => vm.to_text(line).unwrap_or_default(),
            _ => return Ok(()),
        };
        if line == b"cont" {
            return Ok(());
        }
        let outcome = match crate::stdlib::base::load_chunk(vm, &line, b"=(debug command)") {
            Ok(chunk) => vm
                .call_n(chunk, &[], 0)
                .map_err(|error| crate::run::error_text(vm, &error).unwrap_or_default()),
            Err(message) => Err(message),
        };
        if let Err(message) = outcome {
            vm.flush_stdout();
            let _ = writeln!(std::io::stderr(), "{message}");
        }
    }
}

/// `debug.getfenv(o)`: the environment of a function, userdata or thread; nil for others.
fn getfenv(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let env = match vm.check_any(0)? {
        Value::Function(f) => Some(vm.heap.function(f).env()),
        Value::Userdata(u) => vm.heap.userdata.get(u.0).env,
        Value::Thread(t) if t == vm.current => Some(vm.thread_env()),
        Value::Thread(t) => Some(vm.heap.threads.get(t.0).state.env.unwrap_or(vm.globals)),
        _ => None,
    };
    vm.ret1(env.map_or(Value::Nil, Value::Table))
}

/// `debug.setfenv(o, t)`: sets the environment of a function, userdata or thread; returns `o`.
fn setfenv(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let object = vm.arg(0);
    let env = vm.check_table(1)?;
    match object {
        Value::Function(f) => match vm.heap.functions.get_mut(f.0) {
            Function::Lua(c) => c.env = env,
            Function::Native(n) => n.env = env,
        },
        Value::Userdata(u) => vm.heap.userdata.get_mut(u.0).env = Some(env),
        Value::Thread(t) if t == vm.current => vm.th.env = Some(env),
        Value::Thread(t) => vm.heap.threads.get_mut(t.0).state.env = Some(env),
        _ => return Err(vm.rt_error("'setfenv' cannot change environment of given object")),
    }
    vm.ret1(object)
}
