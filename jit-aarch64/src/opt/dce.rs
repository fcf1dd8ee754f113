//! Dead-code elimination: instructions whose results nothing uses (no later instruction, no
//! snapshot, no loop tail) and that have no side effect become `Nop`.
#![forbid(unsafe_code)]

use crate::ir::{Ir, Op};

/// Marks unused side-effect-free instructions dead. Returns how many were removed.
pub fn run(ir: &mut Ir) -> usize {
    let mut used = vec![false; ir.insts.len()];
    let mark = |used: &mut Vec<bool>, r: crate::ir::Ref| {
        if !r.is_const() {
            used[r.index()] = true;
        }
    };
    for snap in &ir.snaps {
        for e in &snap.entries {
            mark(&mut used, e.value);
        }
    }
    for e in &ir.tail {
        mark(&mut used, e.value);
    }
    let mut removed = 0;
    for i in (0..ir.insts.len()).rev() {
        let ins = ir.insts[i];
        if used[i] || ins.has_side_effect() {
            for r in ins.operands() {
                mark(&mut used, r);
            }
        } else if ins.op != Op::Nop {
            ir.insts[i].op = Op::Nop;
            removed += 1;
        }
    }
    removed
}
