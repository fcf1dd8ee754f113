//! Function prototypes: the compiled form of one Lua function.

use crate::value::Value;
use std::rc::Rc;

use super::Op;

/// How a closure captures one upvalue when it is created.
#[derive(Clone, Debug)]
pub struct UpvalDesc {
    /// True: a register of the enclosing function; false: an upvalue of the enclosing closure.
    pub in_stack: bool,
    pub index: u8,
    pub name: Vec<u8>,
}

/// A local variable's name and the pc range where its register holds it.
#[derive(Clone, Debug)]
pub struct LocalVar {
    pub name: Vec<u8>,
    pub reg: u8,
    pub start_pc: usize,
    pub end_pc: usize,
}

#[derive(Debug)]
pub struct Proto {
    /// Stable identifier (creation order within one VM), the key of hot counters.
    pub id: u32,
    /// Display name of the chunk (`t.lua`, `[string "..."]`).
    pub source: Rc<str>,
    pub line_defined: u32,
    pub last_line_defined: u32,
    pub num_params: u8,
    pub is_vararg: bool,
    pub max_stack: usize,
    pub code: Vec<Op>,
    pub lines: Vec<u32>,
    pub constants: Vec<Value>,
    pub protos: Vec<Rc<Proto>>,
    pub upvalues: Vec<UpvalDesc>,
    pub locals: Vec<LocalVar>,
    /// Where the function comes from, so `string.dump` can name it: the whole chunk's source
    /// and chunk name, and the indices leading from the main function to this one.
    pub origin: Origin,
    /// The trace compiler's per-pc state (hot counters, trace starts) and `jit.off(f)`.
    pub jit: crate::jit::hotcount::ProtoJit,
}

/// The chunk a prototype was compiled from and its position in that chunk's function tree.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    pub chunk_text: Rc<[u8]>,
    pub chunk_name: Rc<[u8]>,
    pub path: Vec<u32>,
}

impl Proto {
    /// Name of the local variable held in `reg` at `pc`, if any.
    pub fn local_name(&self, reg: u8, pc: usize) -> Option<&[u8]> {
        self.locals
            .iter()
            .rev()
            .find(|l| l.reg == reg && l.start_pc <= pc && pc < l.end_pc)
            .map(|l| l.name.as_slice())
    }
}
