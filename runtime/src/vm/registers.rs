//! Unchecked access to the running Lua frame's registers, constants and code: the one place
//! the dispatch loop skips bounds checks.
//!
//! Why it is sound: every Lua frame is entered with `stack.len() > base + max_stack`, and the
//! stack only ever grows while the frame runs (`ensure_stack` never shrinks it); the compiler
//! is the only producer of bytecode (binary chunks are recompiled from source), and it emits
//! register operands below `max_stack`, constant indices inside the constant table and jump
//! targets inside the code, with a `Return` at the end of every function. Debug builds (and so
//! the test suite) check each access anyway.
#![allow(unsafe_code)]

use crate::bytecode::Op;
use crate::value::Value;

#[inline(always)]
pub(super) fn slot(stack: &mut [Value], index: usize) -> &mut Value {
    debug_assert!(
        index < stack.len(),
        "register {index} beyond the stack ({})",
        stack.len()
    );
    // SAFETY: see the module doc: the index is a register of the running frame, which lies
    // inside the stack.
    unsafe { stack.get_unchecked_mut(index) }
}

#[inline(always)]
pub(super) fn slot_ref(stack: &[Value], index: usize) -> &Value {
    debug_assert!(
        index < stack.len(),
        "register {index} beyond the stack ({})",
        stack.len()
    );
    // SAFETY: as for `slot`.
    unsafe { stack.get_unchecked(index) }
}

#[inline(always)]
pub(super) fn constant(constants: &[Value], index: usize) -> &Value {
    debug_assert!(
        index < constants.len(),
        "constant {index} beyond the table ({})",
        constants.len()
    );
    // SAFETY: the compiler only emits indices of constants it added to this table.
    unsafe { constants.get_unchecked(index) }
}

/// The instruction at `pc`, by reference: matching on it reads the tag and each operand
/// straight from the code, without first copying the whole instruction.
#[inline(always)]
pub(super) fn fetch(code: &[Op], pc: usize) -> &Op {
    debug_assert!(pc < code.len(), "pc {pc} beyond the code ({})", code.len());
    // SAFETY: execution starts at 0, falls through or jumps to targets the compiler patched
    // inside the function, and every function ends with `Return`.
    unsafe { code.get_unchecked(pc) }
}
