//! Common-subexpression elimination: an instruction equal to an earlier one reuses its result.
//! Pure operations match anywhere earlier; loads only back to the last store that may alias
//! them (lj_opt_mem.c's idea with this IR's memory classes): a store to field `vx` does not
//! stop reusing a load of field `x`, whatever the tables, but any store to `x` does.
#![forbid(unsafe_code)]

use crate::ir::{Const, Effect, Ir, IrType, Memory, Op, Ref};

/// An earlier instruction computing the same value as `op`.
pub fn find(ir: &Ir, op: Op, ty: IrType) -> Option<Ref> {
    let reads = match op {
        Op::Float(..) | Op::Guard(..) | Op::Conv(_) | Op::ToIndex(_) => None,
        Op::Call {
            effect: Effect::Pure,
            ..
        } => None,
        Op::Call {
            effect: Effect::Load(memory),
            args,
            ..
        } => Some((memory, args)),
        // An array element or hash slot: memory of its classes, keyed by index or key.
        Op::VLoad(p, _) if element(ir, p).is_some() => {
            let (classes, key) = element(ir, p).expect("checked");
            Some((
                Memory {
                    classes,
                    key: Some(1),
                    forwardable: false,
                },
                [p, key, p, p],
            ))
        }
        // A value load reads what its helper call returned: if that call was reused, so is the
        // load that followed it (the same stores lie between); a fresh call has no earlier load.
        Op::VLoad(..) => None,
        // A table's layout record and its fields: memory that stores of `layout_classes` change
        // (a table growing, the arena growing).
        Op::Load(p, _) | Op::TableParts(p) => Some((
            Memory {
                classes: ir.layout_classes,
                key: None,
                forwardable: false,
            },
            [p, p, p, p],
        )),
        Op::ArrayRef(..) | Op::HashRef(..) => None,
        _ => return None,
    };
    for (i, ins) in ir.insts.iter().enumerate().rev() {
        if let Some((memory, args)) = reads {
            if may_write(ir, &ins.op, memory, &args) {
                return None;
            }
            // From the loop body into the pre-roll: the body repeats, so a store anywhere in
            // it (each is a copy of a pre-roll store) runs between one iteration's load and
            // the next. Reuse across LOOP only if no store of the loop may alias.
            if ins.op == Op::Loop
                && ir.insts[..i]
                    .iter()
                    .any(|x| may_write(ir, &x.op, memory, &args))
            {
                return None;
            }
        }
        if ins.op == op && ins.ty == ty {
            return Some(Ref::ins(i));
        }
    }
    None
}

/// The memory classes and key of an `ArrayRef` or `HashRef` address.
fn element(ir: &Ir, p: Ref) -> Option<(u8, Ref)> {
    if p.is_const() {
        return None;
    }
    match ir.insts.get(p.index())?.op {
        // Keyed by the number, as the helpers' stores of entries are (not by its `ToIndex`).
        Op::ArrayRef(_, key, _) => Some((ir.array_classes, number_key(ir, key))),
        Op::HashRef(_, _, _, key) => Some((ir.field_classes, key)),
        _ => None,
    }
}

/// The number an array key stands for: the operand of a `ToIndex`, or the key itself.
fn number_key(ir: &Ir, key: Ref) -> Ref {
    if key.is_const() {
        return key;
    }
    match ir.insts.get(key.index()).map(|ins| ins.op) {
        Some(Op::ToIndex(n)) => n,
        _ => key,
    }
}

/// Whether `op` may change what a load of `memory` with arguments `args` reads.
pub fn may_write(ir: &Ir, op: &Op, memory: Memory, args: &[Ref; 4]) -> bool {
    let (stored, store_args) = match *op {
        Op::Call {
            effect: Effect::Store(stored),
            args,
            ..
        } => (stored, args),
        Op::VStore(p, _) => match element(ir, p) {
            Some((classes, key)) => (
                Memory {
                    classes,
                    key: Some(1),
                    forwardable: false,
                },
                [p, key, p, p],
            ),
            None => return true,
        },
        _ => return false,
    };
    let store_args = &store_args;
    if stored.classes & memory.classes == 0 {
        return false;
    }
    match (stored.key, memory.key) {
        (Some(a), Some(b)) => {
            let (x, y) = (store_args[a as usize], args[b as usize]);
            // A number never names the entry a string does (strings are passed as their
            // payload: a `str` value or an integer constant).
            let number = |r: Ref| ir.ty(r) == crate::ir::IrType::Num;
            if number(x) != number(y) {
                return false;
            }
            match (ir.const_of(x), ir.const_of(y)) {
                // Numbers as keys compare by value: -0 and 0 name the same entry.
                (Some(Const::Num(p)), Some(Const::Num(q))) => p == q || p.is_nan() || q.is_nan(),
                (Some(p), Some(q)) => p.bits() == q.bits(),
                _ => true,
            }
        }
        _ => true,
    }
}

/// Store-to-load forwarding: the value the last store that may alias a load of `memory` with
/// `args` wrote, if that store wrote exactly this object and key (lj_opt_mem.c's `fwd_*load`).
pub fn forwarded_value(ir: &Ir, memory: Memory, args: &[Ref; 4]) -> Option<Ref> {
    if !memory.forwardable {
        return None;
    }
    for ins in ir.insts.iter().rev() {
        if !may_write(ir, &ins.op, memory, args) {
            continue;
        }
        let Op::Call {
            effect: Effect::Store(stored),
            args: store_args,
            nargs,
            ..
        } = ins.op
        else {
            return None;
        };
        let key = memory.key.map(usize::from);
        let same_key = match (stored.key.map(usize::from), key) {
            (Some(a), Some(b)) => store_args[a] == args[b],
            _ => false,
        };
        if stored.forwardable
            && stored.classes == memory.classes
            && store_args[0] == args[0]
            && same_key
        {
            return Some(store_args[nargs as usize - 1]);
        }
        return None;
    }
    None
}

/// Whether an instruction may write memory at all. LOOP is no barrier: the loop body repeats
/// the instructions before it, so a load there sees the same memory unless a store intervenes.
pub fn writes_memory(op: &Op) -> bool {
    matches!(
        op,
        Op::Call {
            effect: Effect::Store(_),
            ..
        }
    )
}

#[cfg(test)]
mod tests {
    use crate::ir::{Effect, FloatOp, HelperId, Ir, IrType, Memory, Op, Passes};

    #[test]
    fn loads_are_not_reused_across_stores() {
        let mut ir = Ir::new(Passes::ALL);
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
                    effect: Effect::Load(Memory {
                        classes: 1,
                        key: None,
                        forwardable: false,
                    }),
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
                effect: Effect::Store(Memory {
                    classes: 1,
                    key: None,
                    forwardable: false,
                }),
                args: [t, t, t, t],
                nargs: 1,
            },
            IrType::Int,
        )
        .unwrap();
        assert_ne!(load(&mut ir), first);
    }

    #[test]
    fn stores_to_other_keys_do_not_stop_reuse() {
        let mut ir = Ir::new(Passes::ALL);
        let fields = Memory {
            classes: 1,
            key: Some(1),
            forwardable: false,
        };
        let t = ir
            .emit(
                Op::SLoad {
                    slot: 1,
                    check: true,
                },
                IrType::Tab,
            )
            .unwrap();
        let (kx, kvx, v) = (ir.int(10), ir.int(11), ir.int(0));
        let call = |ir: &mut Ir, effect, key| {
            ir.emit(
                Op::Call {
                    helper: HelperId(0),
                    effect,
                    args: [t, key, v, v],
                    nargs: if matches!(effect, Effect::Load(_)) {
                        2
                    } else {
                        4
                    },
                },
                IrType::Ptr,
            )
            .unwrap()
        };
        let x = call(&mut ir, Effect::Load(fields), kx);
        call(&mut ir, Effect::Store(fields), kvx);
        assert_eq!(
            call(&mut ir, Effect::Load(fields), kx),
            x,
            "t.vx = ... keeps t.x"
        );
        call(&mut ir, Effect::Store(fields), kx);
        assert_ne!(
            call(&mut ir, Effect::Load(fields), kx),
            x,
            "t.x = ... kills t.x"
        );
    }
}
