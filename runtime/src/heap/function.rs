//! Functions (Lua closures and native functions) and upvalue cells.

use crate::bytecode::Proto;
use crate::value::{TableRef, ThreadRef, UpvalRef, Value};
use crate::vm::{LuaResult, Vm};
use std::rc::Rc;

/// A native function: reads its `nargs` arguments from the top of the stack
/// (`vm.arg(i)`), pushes its results and returns how many it pushed.
pub type NativeFn = fn(&mut Vm, usize) -> LuaResult<usize>;

pub struct LuaClosure {
    pub proto: Rc<Proto>,
    pub upvalues: Vec<UpvalRef>,
    pub env: TableRef,
}

/// Natives the dispatch loop implements itself because they manipulate frames.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Special {
    None,
    Pcall,
    Xpcall,
    Yield,
}

pub struct NativeClosure {
    pub f: NativeFn,
    pub name: &'static str,
    pub special: Special,
    pub upvalues: Vec<Value>,
    pub env: TableRef,
}

pub enum Function {
    Lua(LuaClosure),
    Native(NativeClosure),
}

impl Function {
    pub fn env(&self) -> TableRef {
        match self {
            Function::Lua(c) => c.env,
            Function::Native(c) => c.env,
        }
    }
}

/// An upvalue: open while the variable still lives in a stack slot of `thread`, closed (holding
/// the value itself) once that slot goes out of scope.
#[derive(Clone, Copy)]
pub enum Upval {
    Open { thread: ThreadRef, slot: usize },
    Closed(Value),
}
