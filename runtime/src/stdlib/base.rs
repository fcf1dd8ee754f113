//! The base library: `print`, `type`, `pairs`, `pcall`, `error`, `load`, `require`, ...

use super::register;
use crate::heap::{Function, LuaClosure, Special, Userdata};
use crate::text::number::{parse_integer_in_base, parse_number};
use crate::value::{TableRef, Value};
use crate::vm::{LuaError, LuaResult, Vm};
use std::io::Write;

pub fn open(vm: &mut Vm) {
    let g = vm.globals;
    register(
        vm,
        g,
        &[
            ("assert", assert),
            ("collectgarbage", collectgarbage),
            ("dofile", dofile),
            ("error", error),
            ("getfenv", getfenv),
            ("getmetatable", getmetatable),
            ("ipairs", ipairs),
            ("load", load),
            ("loadfile", loadfile),
            ("loadstring", loadstring),
            ("next", next),
            ("pairs", pairs),
            ("print", print),
            ("rawequal", rawequal),
            ("rawget", rawget),
            ("rawset", rawset),
            ("select", select),
            ("setfenv", setfenv),
            ("setmetatable", setmetatable),
            ("tonumber", tonumber),
            ("tostring", tostring),
            ("type", type_),
            ("unpack", unpack),
            ("newproxy", newproxy),
            ("gcinfo", gcinfo),
        ],
    );
    let pcall_fn = vm.new_native_special("pcall", special_placeholder, Vec::new(), Special::Pcall);
    vm.set_field(g, "pcall", pcall_fn);
    let xpcall_fn =
        vm.new_native_special("xpcall", special_placeholder, Vec::new(), Special::Xpcall);
    vm.set_field(g, "xpcall", xpcall_fn);
    vm.set_field(g, "_G", Value::Table(g));
    let version = vm.str_value(b"Lua 5.1");
    vm.set_field(g, "_VERSION", version);

    super::package::open(vm);
    let reg = vm.registry;
    // The iterators pairs/ipairs return.
    let next_fn = vm.get_global("next");
    vm.set_field(reg, "next", next_fn);
    let inext = vm.new_native("ipairs_aux", ipairs_aux);
    vm.set_field(reg, "ipairs_aux", inext);
}

/// Never called: the dispatch loop implements natives marked special.
fn special_placeholder(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    Err(vm.rt_error("internal error: special native called directly"))
}

/// Compiles `source` into a function whose environment is the globals table. Sources that
/// start with ESC are binary chunks from `string.dump`.
pub fn load_chunk(vm: &mut Vm, source: &[u8], chunk_name: &[u8]) -> Result<Value, String> {
    if source.first() == Some(&0x1b) {
        return load_dump(vm, source, chunk_name);
    }
    let display = crate::syntax::chunk_display_name(chunk_name);
    let chunk = crate::syntax::parse(source, &display).map_err(|e| e.to_string())?;
    let proto = crate::compiler::compile_chunk(&chunk, &display, source, chunk_name, &mut vm.heap)
        .map_err(|e| e.to_string())?;
    let env = vm.thread_env();
    let f = vm.heap.new_function(Function::Lua(LuaClosure {
        proto,
        upvalues: Vec::new(),
        env,
    }));
    Ok(Value::Function(f))
}

/// Loads a `string.dump` chunk: recompiles its source and takes the dumped function, with
/// fresh (nil) upvalues as Lua does.
fn load_dump(vm: &mut Vm, bytes: &[u8], chunk_name: &[u8]) -> Result<Value, String> {
    use crate::bytecode::dump;
    let name = if chunk_name.first() == Some(&0x1b) {
        "(binary)".to_string()
    } else {
        crate::syntax::chunk_display_name(chunk_name)
    };
    let dumped = dump::decode(bytes).map_err(|e| format!("{name}: {e}"))?;
    let display = crate::syntax::chunk_display_name(&dumped.chunk_name);
    let chunk = crate::syntax::parse(&dumped.chunk_text, &display).map_err(|e| e.to_string())?;
    let main = crate::compiler::compile_chunk(
        &chunk,
        &display,
        &dumped.chunk_text,
        &dumped.chunk_name,
        &mut vm.heap,
    )
    .map_err(|e| e.to_string())?;
    let mut main = main;
    if dumped.strip {
        // Stripped: named by the name it is loaded under, as LuaJIT does.
        let source: std::rc::Rc<str> = crate::syntax::chunk_display_name(chunk_name).into();
        dump::strip(&mut main, &source, chunk_name);
    }
    let proto = dump::find(&main, &dumped.path)
        .ok_or_else(|| format!("{name}: cannot load malformed bytecode"))?
        .clone();
    let upvalues = (0..proto.upvalues.len())
        .map(|_| vm.heap.new_upval(crate::heap::Upval::Closed(Value::Nil)))
        .collect();
    let env = vm.thread_env();
    let f = vm.heap.new_function(Function::Lua(LuaClosure {
        proto,
        upvalues,
        env,
    }));
    Ok(Value::Function(f))
}

/// Reads and compiles a file (`-` or None: stdin) with Lua's chunk name `@file`.
pub fn load_file(vm: &mut Vm, path: Option<&str>) -> Result<Value, String> {
    let (bytes, name) = match path {
        None | Some("-") => {
            let mut buf = Vec::new();
            std::io::Read::read_to_end(&mut std::io::stdin(), &mut buf)
                .map_err(|e| format!("cannot read stdin: {e}"))?;
            (buf, "=stdin".to_string())
        }
        Some(p) => match std::fs::read(p) {
            Ok(b) => (b, format!("@{p}")),
            Err(e) => return Err(format!("cannot open {p}: {}", io_error_text(&e))),
        },
    };
    let bytes = skip_shebang(bytes);
    load_chunk(vm, &bytes, name.as_bytes())
}

fn skip_shebang(bytes: Vec<u8>) -> Vec<u8> {
    if bytes.starts_with(b"#") {
        // Keep the newline so line numbers stay right.
        let end = bytes
            .iter()
            .position(|&b| b == b'\n')
            .unwrap_or(bytes.len());
        bytes[end..].to_vec()
    } else {
        bytes
    }
}

/// The C library's wording for an I/O error ("No such file or directory").
pub fn io_error_text(e: &std::io::Error) -> String {
    let s = e.to_string();
    match s.find(" (os error") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

fn print(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    // Like Lua 5.1, print converts through the global `tostring` when it has been replaced.
    let tostring_fn = vm.get_global("tostring");
    let builtin = matches!(tostring_fn, Value::Function(f) if matches!(vm.heap.function(f), Function::Native(n) if n.name == "tostring"));
    let mut line = Vec::new();
    for i in 0..nargs {
        if i > 0 {
            line.push(b'\t');
        }
        let v = vm.arg(i);
        let s = match v {
            Value::String(_) | Value::Number(_) if builtin => v,
            _ if builtin => vm.tostring(v)?,
            _ => vm.call1(tostring_fn, &[v])?,
        };
        match s {
            Value::String(s) => line.extend_from_slice(vm.heap.str_bytes(s)),
            Value::Number(n) => crate::text::number::format_number(n, &mut line),
            _ => return Err(vm.rt_error("'tostring' must return a string to 'print'")),
        }
    }
    line.push(b'\n');
    let _ = vm.stdout.write_all(&line);
    Ok(0)
}

fn type_(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.check_any(0)?;
    let s = vm.str_value(v.type_name().as_bytes());
    vm.ret1(s)
}

fn tostring(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.check_any(0)?;
    let s = vm.tostring(v)?;
    vm.ret1(s)
}

fn tonumber(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let base = vm.opt_int(1, 10)?;
    let v = vm.arg(0);
    if base == 10 {
        let n = match v {
            Value::Number(n) => Some(n),
            Value::String(s) => parse_number(vm.heap.str_bytes(s)),
            _ => {
                vm.check_any(0)?;
                None
            }
        };
        return vm.ret1(n.map_or(Value::Nil, Value::Number));
    }
    if !(2..=36).contains(&base) {
        return Err(vm.arg_error(1, "base out of range"));
    }
    let s = vm.check_str(0)?;
    let n = parse_integer_in_base(&s, base as u32);
    vm.ret1(n.map_or(Value::Nil, Value::Number))
}

fn ipairs(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_any(0)?;
    if !matches!(t, Value::Table(_)) {
        return Err(vm.arg_type_error(0, "table"));
    }
    let reg = vm.registry;
    let key = vm.str_value(b"ipairs_aux");
    let f = vm.heap.table(reg).get(key);
    vm.push(f);
    vm.push(t);
    vm.push(Value::Number(0.0));
    Ok(3)
}

fn ipairs_aux(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let i = vm.check_int(1)? + 1;
    let v = vm.heap.table(t).get_int(i);
    if v.is_nil() {
        return Ok(0);
    }
    vm.push(Value::Number(i as f64));
    vm.push(v);
    Ok(2)
}

fn pairs(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    vm.check_any(0)?;
    let t = vm.check_table(0)?;
    let reg = vm.registry;
    let key = vm.str_value(b"next");
    let f = vm.heap.table(reg).get(key);
    vm.push(f);
    vm.push(Value::Table(t));
    vm.push(Value::Nil);
    Ok(3)
}

fn next(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let k = vm.arg(1);
    match vm.heap.table(t).next(k) {
        Ok(Some((k, v))) => {
            vm.push(k);
            vm.push(v);
            Ok(2)
        }
        Ok(None) => vm.ret1(Value::Nil),
        // LuaJIT raises this one without a position.
        Err(e) => Err(LuaError::new(vm.str_value(e.to_string().as_bytes()))),
    }
}

fn rawget(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let k = vm.check_any(1)?;
    let v = vm.heap.table(t).get(k);
    vm.ret1(v)
}

fn rawset(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    vm.check_any(2)?;
    let (k, v) = (vm.arg(1), vm.arg(2));
    vm.raw_set(t, k, v).map_err(|_| {
        let msg = if k.is_nil() {
            "table index is nil"
        } else {
            "table index is NaN"
        };
        vm.rt_error(msg)
    })?;
    vm.ret1(Value::Table(t))
}

fn rawequal(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let a = vm.check_any(0)?;
    let b = vm.check_any(1)?;
    vm.ret1(Value::Boolean(a.raw_eq(b)))
}

fn getmetatable(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.check_any(0)?;
    let Some(mt) = vm.metatable(v) else {
        return vm.ret1(Value::Nil);
    };
    let protected = vm.heap.table(mt).get_str(Value::String(vm.names.metatable));
    if !protected.is_nil() {
        return vm.ret1(protected);
    }
    vm.ret1(Value::Table(mt))
}

fn setmetatable(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let mt = match vm.arg(1) {
        Value::Nil if vm.nargs() >= 2 => None,
        Value::Table(m) => Some(m),
        _ => return Err(vm.arg_error(1, "nil or table expected")),
    };
    if let Some(old) = vm.heap.table(t).metatable {
        if !vm
            .heap
            .table(old)
            .get_str(Value::String(vm.names.metatable))
            .is_nil()
        {
            return Err(vm.rt_error("cannot change a protected metatable"));
        }
    }
    vm.heap.table_mut(t).set_metatable(mt);
    vm.ret1(Value::Table(t))
}

fn assert(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let v = vm.check_any(0)?;
    if v.truthy() {
        return Ok(nargs); // the arguments are already on top
    }
    if nargs >= 2 {
        // LuaJIT positions string messages at the caller.
        let msg = vm.arg(1);
        if let Some(text) = vm.to_text(msg) {
            let mut full = vm.where_(1).into_bytes();
            full.extend_from_slice(&text);
            let s = vm.new_string(&full)?;
            return Err(LuaError::new(s));
        }
        return Err(LuaError::new(msg));
    }
    Err(vm.rt_error("assertion failed!"))
}

fn error(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.arg(0);
    let level = vm.opt_int(1, 1)?;
    if let (Value::String(_) | Value::Number(_), true) = (v, level > 0) {
        let text = vm.to_text(v).unwrap_or_default();
        let pos = vm.where_(level as usize);
        let mut msg = pos.into_bytes();
        msg.extend_from_slice(&text);
        let s = vm.new_string(&msg)?;
        return Err(LuaError::new(s));
    }
    Err(LuaError::new(v))
}

fn select(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    if let Value::String(s) = vm.arg(0) {
        if vm.heap.str_bytes(s) == b"#" {
            return vm.ret1(Value::Number((nargs - 1) as f64));
        }
    }
    let n = vm.check_int(0)?;
    let rest = nargs as i64 - 1;
    let start = if n < 0 {
        if -n > rest {
            return Err(vm.arg_error(0, "index out of range"));
        }
        rest + n
    } else if n == 0 {
        return Err(vm.arg_error(0, "index out of range"));
    } else {
        (n - 1).min(rest)
    };
    // Results are the arguments from `start + 1` on, already on the stack top.
    Ok((rest - start) as usize)
}

fn unpack(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let i = vm.opt_int(1, 1)?;
    let j = match vm.arg(2) {
        Value::Nil => vm.heap.table(t).border() as i64,
        _ => vm.check_int(2)?,
    };
    if i > j {
        return Ok(0);
    }
    let n = (j - i + 1) as u64;
    if n >= 8_000_000 {
        return Err(vm.rt_error("too many results to unpack"));
    }
    vm.ensure_stack(vm.th.top + n as usize + 16)?;
    for k in i..=j {
        let v = vm.heap.table(t).get_int(k);
        vm.push(v);
    }
    Ok(n as usize)
}

fn collectgarbage(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let opt = vm.opt_str(0)?;
    let opt = opt.as_deref().unwrap_or(b"collect");
    match opt {
        b"collect" => {
            vm.collect_garbage();
            vm.run_finalizers()?;
            vm.ret1(Value::Number(0.0))
        }
        b"count" => {
            let kb = vm.memory_kb();
            vm.ret1(Value::Number(kb))
        }
        b"step" => {
            let kib = vm.opt_int(1, 0)?.max(0) as u64;
            let heap = &mut vm.heap;
            let finished = heap.pacing.step(kib, heap.allocated, heap.threshold);
            if finished {
                vm.collect_garbage();
                vm.run_finalizers()?;
            }
            vm.ret1(Value::Boolean(finished))
        }
        b"stop" => {
            vm.heap.pacing.stopped = true;
            let limit = vm.heap.max_memory;
            vm.heap.threshold = if limit > 0 { limit } else { usize::MAX };
            vm.ret1(Value::Number(0.0))
        }
        b"restart" => {
            vm.heap.pacing.stopped = false;
            vm.heap.threshold = vm.heap.allocated;
            vm.ret1(Value::Number(0.0))
        }
        b"setpause" | b"setstepmul" => {
            let value = vm.opt_int(1, 0)?.clamp(0, u32::MAX as i64) as u32;
            let pacing = &mut vm.heap.pacing;
            let field = if opt == b"setpause" {
                &mut pacing.pause
            } else {
                &mut pacing.stepmul
            };
            let previous = std::mem::replace(field, value);
            vm.ret1(Value::Number(previous as f64))
        }
        b"isrunning" => {
            let running = !vm.heap.pacing.stopped;
            vm.ret1(Value::Boolean(running))
        }
        _ => {
            let text = String::from_utf8_lossy(opt).into_owned();
            Err(vm.arg_error(0, &format!("invalid option '{text}'")))
        }
    }
}

fn gcinfo(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let kb = vm.memory_kb().floor();
    vm.ret1(Value::Number(kb))
}

fn load_result(vm: &mut Vm, r: Result<Value, String>) -> LuaResult<usize> {
    match r {
        Ok(f) => vm.ret1(f),
        Err(msg) => {
            vm.push(Value::Nil);
            let s = vm.new_string(msg.as_bytes())?;
            vm.push(s);
            Ok(2)
        }
    }
}

/// In LuaJIT 2.1 `loadstring` is `load` (it accepts reader functions too).
fn loadstring(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    load(vm, nargs)
}

/// `load(chunk [, chunkname [, mode [, env]]])` as LuaJIT 2.1 has it: `chunk` is a string or a
/// reader function; `mode` "b", "t" or "bt" says which kinds of chunk are accepted; `env`
/// becomes the function's environment.
fn load(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let chunk = vm.arg(0);
    let is_reader = matches!(chunk, Value::Function(_));
    if !is_reader && !matches!(chunk, Value::String(_) | Value::Number(_)) {
        return Err(vm.arg_type_error(0, "function"));
    }
    let name = match vm.opt_str(1)? {
        Some(name) => name.to_vec(),
        None if is_reader => b"=(load)".to_vec(),
        None => vm.check_str(0)?.to_vec(),
    };
    let mode = vm
        .opt_str(2)?
        .map_or_else(|| b"bt".to_vec(), |m| m.to_vec());
    let env = match vm.arg(3) {
        Value::Nil => None,
        Value::Table(t) => Some(t),
        _ => return Err(vm.arg_type_error(3, "table")),
    };
    let source = if is_reader {
        match read_chunk(vm, chunk, &name)? {
            Ok(source) => source,
            Err(message) => return load_result(vm, Err(message)),
        }
    } else {
        vm.check_str(0)?.to_vec()
    };
    let binary = source.first() == Some(&0x1b);
    if !mode.contains(if binary { &b'b' } else { &b't' }) {
        return load_result(vm, Err("attempt to load chunk with wrong mode".into()));
    }
    let loaded = load_chunk(vm, &source, &name);
    if let (Ok(Value::Function(f)), Some(env)) = (&loaded, env) {
        if let Function::Lua(c) = vm.heap.functions.get_mut(f.0) {
            c.env = env;
        }
    }
    load_result(vm, loaded)
}

/// Calls a `load` reader until it returns nil or "", parsing what it gave so far whenever that
/// has doubled and ends between tokens: a syntax error before the end of the text stops the
/// reading (an endless reader of bad code ends, as in LuaJIT). The inner error is the message
/// `load` returns.
fn read_chunk(vm: &mut Vm, reader: Value, name: &[u8]) -> LuaResult<Result<Vec<u8>, String>> {
    let display = crate::syntax::chunk_display_name(name);
    let mut source = Vec::new();
    let mut next_check = 1;
    vm.temp_roots.push(reader);
    let outcome = loop {
        let piece = match vm.call1(reader, &[]) {
            Ok(piece) => piece,
            Err(error) => {
                let message = vm.to_text(error.value).unwrap_or_default();
                break Ok(Err(String::from_utf8_lossy(&message).into_owned()));
            }
        };
        let bytes = match piece {
            Value::Nil => break Ok(Ok(())),
            Value::String(s) => vm.heap.str_bytes(s),
            _ => {
                let message = format!("{}reader function must return a string", vm.where_(1));
                break Ok(Err(message));
            }
        };
        if bytes.is_empty() {
            break Ok(Ok(()));
        }
        source.extend_from_slice(bytes);
        if let Err(error) = vm.check_memory(source.len()) {
            break Err(error);
        }
        let between_tokens = source.last().is_some_and(|b| b.is_ascii_whitespace());
        if source.len() >= next_check && between_tokens && source.first() != Some(&0x1b) {
            next_check = source.len() * 2;
            if let Err(error) = crate::syntax::parse(&source, &display) {
                let message = error.to_string();
                if !message.ends_with("'<eof>'") {
                    break Ok(Err(message));
                }
            }
        }
    };
    vm.temp_roots.pop();
    Ok(outcome?.map(|()| source))
}

fn loadfile(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let path = vm
        .opt_str(0)?
        .map(|p| String::from_utf8_lossy(&p).into_owned());
    let r = load_file(vm, path.as_deref());
    load_result(vm, r)
}

fn dofile(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let path = vm
        .opt_str(0)?
        .map(|p| String::from_utf8_lossy(&p).into_owned());
    let f = match load_file(vm, path.as_deref()) {
        Ok(f) => f,
        Err(msg) => {
            let s = vm.new_string(msg.as_bytes())?;
            return Err(LuaError::new(s));
        }
    };
    let results = vm.call(f, &[])?;
    let n = results.len();
    for v in results {
        vm.push(v);
    }
    Ok(n)
}

/// The function at stack `level` for getfenv/setfenv (0 = the running function's caller
/// context as Lua numbers it: 1 = the function that called getfenv).
fn function_at_level(vm: &mut Vm, arg: usize) -> LuaResult<Option<Value>> {
    match vm.arg(arg) {
        Value::Function(f) => Ok(Some(Value::Function(f))),
        Value::Nil if arg == 0 => level_function(vm, 1),
        _ => {
            let level = vm.check_int(arg)?;
            if level < 0 {
                return Err(vm.arg_error(arg, "invalid level"));
            }
            if level == 0 {
                return Ok(None);
            }
            level_function(vm, level as usize)
        }
    }
}

fn level_function(vm: &mut Vm, level: usize) -> LuaResult<Option<Value>> {
    let frames = &vm.th.frames;
    if level >= frames.len() {
        return Err(vm.arg_error(0, "invalid level"));
    }
    Ok(Some(Value::Function(
        frames[frames.len() - 1 - level].closure,
    )))
}

fn getfenv(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let env = match function_at_level(vm, 0)? {
        Some(Value::Function(f)) => vm.heap.function(f).env(),
        None | Some(_) => vm.thread_env(),
    };
    vm.ret1(Value::Table(env))
}

fn setfenv(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let env: TableRef = vm.check_table(1)?;
    if vm.arg(0).is_nil() {
        // Only getfenv takes nil for level 1.
        return Err(vm.arg_type_error(0, "number"));
    }
    match function_at_level(vm, 0)? {
        None => {
            // Level 0: the running thread's globals (the state's, on the main thread).
            if vm.current == vm.main_thread {
                vm.globals = env;
                vm.th.env = None;
            } else {
                vm.th.env = Some(env);
            }
            Ok(0)
        }
        Some(Value::Function(f)) => {
            let is_native = matches!(vm.heap.function(f), Function::Native(_));
            if is_native {
                return Err(vm.rt_error("'setfenv' cannot change environment of given object"));
            }
            match vm.heap.functions.get_mut(f.0) {
                Function::Lua(c) => c.env = env,
                Function::Native(n) => n.env = env,
            }
            vm.ret1(Value::Function(f))
        }
        Some(_) => Ok(0),
    }
}

fn newproxy(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let metatable = match vm.arg(0) {
        Value::Boolean(true) => Some(vm.heap.new_table(0, 0)),
        Value::Userdata(u) => vm.heap.userdata.get(u.0).metatable,
        Value::Nil | Value::Boolean(false) => None,
        _ => return Err(vm.arg_error(0, "boolean or proxy expected")),
    };
    let u = vm.heap.new_userdata(Userdata {
        metatable,
        env: None,
        payload: Box::new(()),
        finalized: false,
    });
    vm.ret1(Value::Userdata(u))
}
