//! The `coroutine` library.

use super::new_library;
use crate::heap::{Function, Special};
use crate::value::Value;
use crate::vm::coroutine::Resumed;
use crate::vm::thread::CoStatus;
use crate::vm::{LuaError, LuaResult, Vm};

pub fn open(vm: &mut Vm) {
    let t = new_library(
        vm,
        "coroutine",
        &[
            ("create", create),
            ("resume", resume),
            ("status", status),
            ("wrap", wrap),
            ("running", running),
            ("isyieldable", isyieldable),
        ],
    );
    let y = vm.new_native_special(
        "yield",
        |vm, _| Err(vm.rt_error("internal error: yield called directly")),
        Vec::new(),
        Special::Yield,
    );
    vm.set_field(t, "yield", y);
}

fn check_function(vm: &mut Vm, i: usize) -> LuaResult<Value> {
    match vm.arg(i) {
        v @ Value::Function(_) => Ok(v),
        _ => Err(vm.arg_type_error(i, "function")),
    }
}

fn create(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let f = check_function(vm, 0)?;
    let co = vm.new_coroutine(f);
    vm.ret1(Value::Thread(co))
}

fn args_from(vm: &Vm, from: usize) -> Vec<Value> {
    (from..vm.nargs()).map(|i| vm.arg(i)).collect()
}

fn resume(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let Value::Thread(co) = vm.arg(0) else {
        return Err(vm.arg_error(0, "coroutine expected"));
    };
    let args = args_from(vm, 1);
    match vm.resume(co, &args)? {
        Resumed::Ok(values) => {
            vm.ensure_stack(vm.th.top + values.len() + 8)?;
            vm.push(Value::Boolean(true));
            let n = values.len();
            for v in values {
                vm.push(v);
            }
            Ok(n + 1)
        }
        Resumed::Err(e) => {
            vm.push(Value::Boolean(false));
            vm.push(e);
            Ok(2)
        }
    }
}

fn status(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let Value::Thread(co) = vm.arg(0) else {
        return Err(vm.arg_error(0, "coroutine expected"));
    };
    let s = match vm.coroutine_status(co) {
        CoStatus::Suspended => "suspended",
        CoStatus::Running => "running",
        CoStatus::Normal => "normal",
        CoStatus::Dead => "dead",
    };
    let v = vm.str_value(s.as_bytes());
    vm.ret1(v)
}

fn running(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    if vm.current == vm.main_thread {
        return vm.ret1(Value::Nil);
    }
    let c = vm.current;
    vm.ret1(Value::Thread(c))
}

fn isyieldable(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let y = vm.current != vm.main_thread && vm.th.nested == 0;
    vm.ret1(Value::Boolean(y))
}

fn wrap(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let f = check_function(vm, 0)?;
    let co = vm.new_coroutine(f);
    let w = vm.new_native_with("wrap", wrapped, vec![Value::Thread(co)]);
    vm.ret1(w)
}

fn wrapped(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let closure = vm.th.frames.last().expect("native frame").closure;
    let Function::Native(n) = vm.heap.function(closure) else {
        unreachable!()
    };
    let Value::Thread(co) = n.upvalues[0] else {
        unreachable!()
    };
    let args = args_from(vm, 0);
    match vm.resume(co, &args)? {
        Resumed::Ok(values) => {
            vm.ensure_stack(vm.th.top + values.len() + 8)?;
            let n = values.len();
            for v in values {
                vm.push(v);
            }
            Ok(n)
        }
        Resumed::Err(e) => {
            // Like LuaJIT, string errors get the position of the code that called the wrapper.
            if let Value::String(_) = e {
                let text = vm.to_text(e).unwrap_or_default();
                let mut msg = vm.where_(1).into_bytes();
                msg.extend_from_slice(&text);
                let v = vm.new_string(&msg)?;
                return Err(LuaError::new(v));
            }
            Err(LuaError::new(e))
        }
    }
}
