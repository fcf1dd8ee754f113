//! The `jit` module, as LuaJIT 2.1's lib_jit.c: `jit.on`/`jit.off`/`jit.flush` for the whole
//! engine, one function or a function tree, `jit.status()`, and `jit.opt.start` with LuaJIT's
//! levels, flags and parameters. Argument errors use LuaJIT's wording.

use super::new_library;
use crate::bytecode::Proto;
use crate::heap::Function;
use crate::jit::hotcount::HotState;
use crate::jit::params::DEFAULT_LEVEL;
use crate::jit::OptFlags;
use crate::value::Value;
use crate::vm::{LuaResult, Vm};
use std::rc::Rc;

pub fn open(vm: &mut Vm) {
    let t = new_library(
        vm,
        "jit",
        &[
            ("on", on),
            ("off", off),
            ("flush", flush),
            ("status", status),
            ("attach", attach),
        ],
    );
    let version = vm.str_value(b"LuaJIT 2.1.0-retrace");
    vm.set_field(t, "version", version);
    vm.set_field(t, "version_num", Value::Number(20100.0));
    let arch = vm.str_value(b"arm64");
    vm.set_field(t, "arch", arch);
    let os = vm.str_value(b"Linux");
    vm.set_field(t, "os", os);
    let opt = vm.heap.new_table(0, 1);
    let start = vm.new_native("start", opt_start);
    vm.set_field(opt, "start", start);
    vm.set_field(t, "opt", Value::Table(opt));
}

/// What `jit.on`/`jit.off`/`jit.flush` do to a prototype (lj_dispatch.c's `setptmode`).
#[derive(Clone, Copy)]
enum Mode {
    On,
    Off,
    Flush,
}

/// Which prototypes a call reaches (`LUAJIT_MODE_FUNC`, `_ALLFUNC`, `_ALLSUBFUNC`).
#[derive(Clone, Copy)]
enum Reach {
    /// `jit.off(f)`: `f` only.
    Function,
    /// `jit.off(f, true)`: `f` and every function nested in it, at any depth.
    WithNested,
    /// `jit.off(f, false)`: the nested functions only.
    NestedOnly,
}

/// lib_jit.c's `setjitmode`: no argument or nil acts on the engine; a Lua function, or `true` for
/// the calling function, acts on prototypes, with an optional boolean second argument choosing
/// [`Reach`]. Anything else, natives included, is "function expected".
fn set_mode(vm: &mut Vm, mode: Mode) -> LuaResult<usize> {
    let proto = match vm.arg(0) {
        Value::Nil => {
            match mode {
                Mode::On => vm.jit.enabled = true,
                Mode::Off => vm.jit.enabled = false,
                Mode::Flush => vm.jit.flush(),
            }
            return Ok(0);
        }
        Value::Function(f) => match vm.heap.function(f) {
            Function::Lua(c) => Some(c.proto.clone()),
            Function::Native(_) => None,
        },
        Value::Boolean(true) => calling_proto(vm),
        _ => None,
    };
    let Some(proto) = proto else {
        return Err(vm.arg_type_error(0, "function"));
    };
    let reach = match vm.arg(1) {
        Value::Boolean(true) => Reach::WithNested,
        Value::Boolean(false) => Reach::NestedOnly,
        _ => Reach::Function,
    };
    if !matches!(reach, Reach::NestedOnly) {
        set_proto_mode(&proto, mode);
    }
    if !matches!(reach, Reach::Function) {
        set_nested_mode(&proto, mode);
    }
    Ok(0)
}

/// The Lua function that called the running native (`jit.off(true)`); none when it was called
/// by `pcall` or from a native, as in LuaJIT.
fn calling_proto(vm: &Vm) -> Option<Rc<Proto>> {
    let frames = &vm.th.frames;
    let native = frames.last()?;
    if native.via_pcall || frames.len() < 2 {
        return None;
    }
    frames[frames.len() - 2].proto.clone()
}

fn set_proto_mode(proto: &Proto, mode: Mode) {
    match mode {
        Mode::On => {
            // lj_trace_reenableproto: loops blacklisted after repeated aborts may record again.
            proto.jit.off.set(false);
            for pc in 0..proto.code.len() {
                if proto.jit.state(pc) == HotState::Blacklisted {
                    proto.jit.set_state(pc, HotState::Fresh);
                }
            }
        }
        Mode::Off => {
            // lj_trace_flushproto: the function's traces are no longer entered.
            proto.jit.off.set(true);
            proto.jit.reset();
        }
        Mode::Flush => proto.jit.reset(),
    }
}

fn set_nested_mode(proto: &Proto, mode: Mode) {
    for child in &proto.protos {
        set_proto_mode(child, mode);
        set_nested_mode(child, mode);
    }
}

fn on(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    set_mode(vm, Mode::On)
}

fn off(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    set_mode(vm, Mode::Off)
}

/// `jit.flush()`, `jit.flush(f[, nested])`, or `jit.flush(n)` for root trace `n`. Traces never
/// change what a program computes, so dropping every trace where LuaJIT drops one is safe; the
/// trace cache has no per-trace removal.
fn flush(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    if nargs > 0 && matches!(vm.arg(0), Value::Number(_)) {
        vm.check_int(0)?;
        vm.jit.flush();
        return Ok(0);
    }
    set_mode(vm, Mode::Flush)
}

/// `jit.status()`: whether the JIT is on, then the CPU feature names (none on ARM64, as in
/// LuaJIT's lj_jit.h) and the enabled optimization flags, one string each.
fn status(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let enabled = vm.jit.enabled;
    vm.push(Value::Boolean(enabled));
    let flags: Vec<&str> = vm.jit.params.flags.enabled().collect();
    for name in &flags {
        let s = vm.str_value(name.as_bytes());
        vm.push(s);
    }
    Ok(1 + flags.len())
}

fn attach(_: &mut Vm, _: usize) -> LuaResult<usize> {
    Ok(0)
}

/// `jit.opt.start(...)`: each argument is one level, flag or `name=value` parameter; with no
/// arguments the default flags come back (parameters keep their values).
fn opt_start(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    if nargs == 0 {
        vm.jit.params.flags = OptFlags::level(DEFAULT_LEVEL);
        return Ok(0);
    }
    for i in 0..nargs {
        let item = vm.check_str(i)?;
        let item = String::from_utf8_lossy(&item).into_owned();
        if let Err(e) = vm.jit.params.apply_item(&item) {
            return Err(vm.rt_error(&e.to_string()));
        }
    }
    Ok(0)
}
