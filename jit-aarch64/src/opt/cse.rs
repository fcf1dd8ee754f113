//! Common-subexpression elimination: an instruction equal to an earlier one reuses its result.
//! Pure operations match anywhere earlier; loads (helper reads, value loads) only back to the
//! last instruction that may write memory, which is the alias analysis of this IR: every store
//! goes through a helper that may change any table or upvalue.
#![forbid(unsafe_code)]

use crate::ir::{Effect, Ir, IrType, Op, Ref};

/// An earlier instruction computing the same value as `op`.
pub fn find(ir: &Ir, op: Op, ty: IrType) -> Option<Ref> {
    let memory = match op {
        Op::Float(..) | Op::Guard(..) | Op::Conv(_) => false,
        Op::Call {
            effect: Effect::Pure,
            ..
        } => false,
        Op::Call {
            effect: Effect::Load,
            ..
        }
        | Op::VLoad(..) => true,
        _ => return None,
    };
    for (i, ins) in ir.insts.iter().enumerate().rev() {
        if memory && writes_memory(&ins.op) {
            return None;
        }
        if ins.op == op && ins.ty == ty {
            return Some(Ref::ins(i));
        }
    }
    None
}

/// Whether an instruction may change memory that loads read (or leave the trace's own view of it).
pub fn writes_memory(op: &Op) -> bool {
    // LOOP is no barrier: the loop body repeats the instructions before it, so a load there
    // sees the same memory unless a store intervenes, in either copy.
    matches!(
        op,
        Op::Call {
            effect: Effect::Store,
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use crate::ir::{Effect, FloatOp, HelperId, Ir, IrType, Op, Passes};

    #[test]
    fn loads_are_not_reused_across_stores() {
        let mut ir = Ir::new(Passes {
            fold: true,
            cse: true,
            dce: true,
        });
        let t = ir
            .emit(
                Op::SLoad {
                    slot: 1,
                    check: true,
                },
                IrType::Tab,
            )
            .unwrap();
        let x = ir
            .emit(
                Op::SLoad {
                    slot: 2,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let sum = ir.emit(Op::Float(FloatOp::Add, x, x), IrType::Num).unwrap();
        assert_eq!(ir.emit(Op::Float(FloatOp::Add, x, x), IrType::Num), Ok(sum));
        let load = |ir: &mut Ir| {
            ir.emit(
                Op::Call {
                    helper: HelperId(0),
                    effect: Effect::Load,
                    args: [t, t, t, t],
                    nargs: 1,
                },
                IrType::Ptr,
            )
            .unwrap()
        };
        let first = load(&mut ir);
        assert_eq!(load(&mut ir), first);
        ir.emit(
            Op::Call {
                helper: HelperId(1),
                effect: Effect::Store,
                args: [t, t, t, t],
                nargs: 1,
            },
            IrType::Int,
        )
        .unwrap();
        assert_ne!(load(&mut ir), first);
    }
}
