//! `require("jit.util")`, as LuaJIT 2.1's lib_jit.c: `traceinfo(tr)` describes a compiled trace
//! (what tests that assert "this loop compiles" and tools like jit/v.lua read). The other
//! `jit.util` functions (IR, constants, snapshots, machine code as raw numbers) are not provided:
//! `-jdump` prints all of it as text.

use super::register;
use crate::value::Value;
use crate::vm::{LuaResult, Vm};

/// Creates the module and registers it in `package.loaded["jit.util"]`.
pub fn open(vm: &mut Vm) {
    let t = vm.heap.new_table(0, 1);
    register(vm, t, &[("traceinfo", traceinfo)]);
    if let Some(loaded) = super::loaded_table(vm) {
        vm.set_field(loaded, "jit.util", Value::Table(t));
    }
}

/// `traceinfo(tr)`: `nil` when there is no trace `tr`, else a table with `nins` (IR
/// instructions), `nk` (IR constants), `link` (the trace it continues to: itself for a loop),
/// `nexit` (exits, one per snapshot) and `linktype` (`"loop"`).
fn traceinfo(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let n = vm.check_int(0)?;
    let info = usize::try_from(n)
        .ok()
        .and_then(|n| n.checked_sub(1))
        .and_then(|i| vm.jit.traces.get(i))
        .map(|t| {
            (
                t.ir.insts.len(),
                t.ir.consts.len(),
                t.number,
                t.ir.snaps.len(),
            )
        });
    let Some((nins, nk, link, nexit)) = info else {
        vm.push(Value::Nil);
        return Ok(1);
    };
    let t = vm.heap.new_table(0, 5);
    vm.set_field(t, "nins", Value::Number(nins as f64));
    vm.set_field(t, "nk", Value::Number(nk as f64));
    vm.set_field(t, "link", Value::Number(link as f64));
    vm.set_field(t, "nexit", Value::Number(nexit as f64));
    let loop_ = vm.str_value(b"loop");
    vm.set_field(t, "linktype", loop_);
    vm.push(Value::Table(t));
    Ok(1)
}
