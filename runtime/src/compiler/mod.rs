//! The compiler: AST → register bytecode, one `Proto` per function.
//!
//! It follows Lua 5.1's code generator: locals live in the low registers of a frame,
//! temporaries are allocated stack-wise above them, and expressions are kept in a lazy
//! [`ExpDesc`] until the consumer decides where the value must go, so `a = b + 1` needs one
//! instruction. It never evaluates anything: constant folding is limited to numeric literals.

mod expr;
mod function;
mod stat;

use crate::bytecode::Proto;
use crate::heap::Heap;
use crate::syntax::ast::{Chunk, Line};
use std::rc::Rc;

use function::FuncState;

/// Registers available to one function (LuaJIT's limit on a frame).
pub const MAX_REGISTERS: usize = 250;
/// Locals one function may declare (Lua's LUAI_MAXVARS).
pub const MAX_LOCALS: usize = 200;
/// Upvalues one function may capture (LuaJIT's LJ_MAX_UPVAL).
pub const MAX_UPVALUES: usize = 60;

#[derive(Debug, Clone, thiserror::Error)]
#[error("{chunk}:{line}: {message}")]
pub struct CompileError {
    pub chunk: String,
    pub line: Line,
    pub message: String,
}

pub type CompileResult<T> = Result<T, CompileError>;

pub(crate) struct Compiler<'h> {
    heap: &'h mut Heap,
    source: Rc<str>,
    chunk_text: Rc<[u8]>,
    chunk_name: Rc<[u8]>,
    /// The function being compiled is the last; its enclosing functions precede it.
    funcs: Vec<FuncState>,
}

/// Compiles a parsed chunk into the prototype of its main function.
pub fn compile(chunk: &Chunk, source: &str, heap: &mut Heap) -> CompileResult<Rc<Proto>> {
    compile_chunk(chunk, source, b"", b"", heap)
}

/// Like [`compile`], recording the chunk's text and name in every prototype (for `string.dump`).
pub fn compile_chunk(
    chunk: &Chunk,
    source: &str,
    chunk_text: &[u8],
    chunk_name: &[u8],
    heap: &mut Heap,
) -> CompileResult<Rc<Proto>> {
    let mut c = Compiler {
        heap,
        source: Rc::from(source),
        chunk_text: Rc::from(chunk_text),
        chunk_name: Rc::from(chunk_name),
        funcs: Vec::new(),
    };
    c.open_function(0, true, 0);
    c.block(&chunk.body)?;
    let proto = c.close_function(chunk.body.end_line)?;
    Ok(Rc::new(proto))
}

impl Compiler<'_> {
    fn error<T>(&self, line: Line, message: impl Into<String>) -> CompileResult<T> {
        Err(CompileError {
            chunk: self.source.to_string(),
            line,
            message: message.into(),
        })
    }

    fn fs(&mut self) -> &mut FuncState {
        self.funcs.last_mut().expect("a function is open")
    }

    fn fs_ref(&self) -> &FuncState {
        self.funcs.last().expect("a function is open")
    }
}

#[cfg(test)]
mod tests;
