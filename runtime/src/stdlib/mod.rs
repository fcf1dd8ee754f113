//! The standard library: one module per Lua library, each with an `open` that installs it.

pub mod base;
pub mod bit;
pub mod coroutine;
pub mod debug;
mod debug_locals;
pub mod io;
pub mod jit;
pub mod jit_util;
pub mod math;
pub mod os;
pub mod package;
pub mod string;
pub mod table;

use crate::heap::NativeFn;
use crate::value::{TableRef, Value};
use crate::vm::Vm;

pub fn open_all(vm: &mut Vm) {
    base::open(vm);
    string::open(vm);
    table::open(vm);
    math::open(vm);
    os::open(vm);
    io::open(vm);
    coroutine::open(vm);
    debug::open(vm);
    bit::open(vm);
    jit::open(vm);
    jit_util::open(vm);
}

/// Creates a library table with `functions`, stores it as global `name` and in
/// `package.loaded`, and returns it.
pub fn new_library(vm: &mut Vm, name: &str, functions: &[(&'static str, NativeFn)]) -> TableRef {
    let t = vm.heap.new_table(0, functions.len());
    register(vm, t, functions);
    vm.set_global(name, Value::Table(t));
    if let Some(loaded) = loaded_table(vm) {
        vm.set_field(loaded, name, Value::Table(t));
    }
    t
}

pub fn register(vm: &mut Vm, t: TableRef, functions: &[(&'static str, NativeFn)]) {
    for &(name, f) in functions {
        let v = vm.new_native(name, f);
        vm.set_field(t, name, v);
    }
}

/// `package.loaded`.
pub fn loaded_table(vm: &mut Vm) -> Option<TableRef> {
    let reg = vm.registry;
    let key = vm.str_value(b"_LOADED");
    match vm.heap.table(reg).get(key) {
        Value::Table(t) => Some(t),
        _ => None,
    }
}
