//! The `jit` module. Until the trace compiler is attached it reports the interpreter's state
//! truthfully: `jit.on`/`jit.off` toggle a flag the trace compiler will honour, `jit.status()`
//! returns that flag.

use super::new_library;
use crate::value::Value;
use crate::vm::{LuaResult, Vm};

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

/// `jit.on()`/`jit.off()` with no argument or `true` change the global state; with a function
/// they apply to that function (accepted and ignored until traces exist).
fn toggle(vm: &mut Vm, enable: bool) -> LuaResult<usize> {
    match vm.arg(0) {
        Value::Nil | Value::Boolean(true) => vm.jit.enabled = enable,
        Value::Function(_) | Value::Boolean(false) => {}
        _ => return Err(vm.arg_type_error(0, "function")),
    }
    Ok(0)
}

fn on(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    toggle(vm, true)
}

fn off(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    toggle(vm, false)
}

fn flush(_: &mut Vm, _: usize) -> LuaResult<usize> {
    Ok(0)
}

fn status(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let e = vm.jit.enabled;
    vm.ret1(Value::Boolean(e))
}

fn attach(_: &mut Vm, _: usize) -> LuaResult<usize> {
    Ok(0)
}

fn opt_start(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    for i in 0..nargs {
        let s = vm.check_str(i)?;
        let text = String::from_utf8_lossy(&s).into_owned();
        let known = [
            "hotloop",
            "hotexit",
            "maxtrace",
            "maxrecord",
            "maxirconst",
            "maxside",
            "maxsnap",
            "sizemcode",
            "maxmcode",
            "tryside",
            "instunroll",
            "loopunroll",
            "callunroll",
            "recunroll",
        ];
        let name = text
            .trim_start_matches(['-', '+'])
            .split('=')
            .next()
            .unwrap_or("");
        let flag = [
            "fold", "cse", "dce", "narrow", "loop", "abc", "sink", "fuse", "fma",
        ];
        if !known.contains(&name) && !flag.contains(&name) && name.parse::<u32>().is_err() {
            return Err(vm.rt_error(&format!("unknown or malformed optimization flag '{text}'")));
        }
    }
    Ok(0)
}
