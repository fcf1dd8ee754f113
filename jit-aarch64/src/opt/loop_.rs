//! Loop optimization by copy-substitution (lj_opt_loop.c): the recorded iteration becomes a
//! pre-roll, and the loop body is a second copy of it emitted through fold and CSE with every
//! slot load replaced by the value the first iteration left in that slot. What folds or CSEs to
//! a pre-roll instruction is loop-invariant and so hoisted — guards and loads included; values
//! that change from one iteration to the next become PHIs, moved at the back-edge.
//!
//! Snapshots in the copy hold the loop snapshot (every slot written by an iteration) overlaid
//! with their own substituted entries, so an exit from any iteration restores the stack in full
//! although nothing is stored while the loop runs.
#![forbid(unsafe_code)]

use crate::ir::{Ins, Ir, IrError, Op, Ref, SnapEntry, Snapshot};

/// Why a loop could not be optimized; the trace is then compiled without it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LoopError {
    /// A slot's type at the end of an iteration differs from its type at the start.
    TypeInstability,
    /// The copy contains a guard that always fails.
    GuardAlwaysFails,
    /// A value that changes between iterations is a constant in the first.
    ConstantPhi,
    /// Two slots share a value in the first iteration but not in the second.
    ConflictingPhi,
}

impl From<IrError> for LoopError {
    fn from(e: IrError) -> LoopError {
        match e {
            IrError::GuardAlwaysFails => LoopError::GuardAlwaysFails,
        }
    }
}

fn merge(base: &[SnapEntry], overlay: impl IntoIterator<Item = SnapEntry>) -> Vec<SnapEntry> {
    let mut out = base.to_vec();
    for e in overlay {
        match out.iter_mut().find(|x| x.slot == e.slot) {
            Some(x) => x.value = e.value,
            None => out.push(e),
        }
    }
    out.sort_by_key(|e| e.slot);
    out
}

/// Turns the recorded iteration into pre-roll + LOOP + body + PHIs. On error `ir` is unchanged.
pub fn optimize(ir: &mut Ir) -> Result<(), LoopError> {
    let mut out = ir.clone();
    run(&mut out)?;
    *ir = out;
    Ok(())
}

fn run(ir: &mut Ir) -> Result<(), LoopError> {
    let pre_len = ir.insts.len();
    let loop_entries = ir.tail.clone();
    let pre_snaps: Vec<Snapshot> = ir.snaps.clone();
    ir.emit_raw(Op::Loop, crate::ir::IrType::Nil);

    let mut subst: Vec<Ref> = (0..pre_len).map(Ref::ins).collect();
    let map = |subst: &Vec<Ref>, r: Ref| {
        if r.is_const() {
            r
        } else {
            subst[r.index()]
        }
    };
    // Loads in the body that read what the previous iteration stored take the stored value:
    // the call, its null guard and its value load all go.
    let mut forwarded: Vec<Option<Ref>> = vec![None; pre_len];
    let is_forwarded = |forwarded: &Vec<Option<Ref>>, r: Ref| {
        !r.is_const() && r.index() < pre_len && forwarded[r.index()].is_some()
    };
    let mut next_snap = 0;
    for i in 0..pre_len {
        while next_snap < pre_snaps.len() && pre_snaps[next_snap].at as usize <= i {
            let s = &pre_snaps[next_snap];
            let entries = s.entries.iter().map(|e| SnapEntry {
                slot: e.slot,
                value: map(&subst, e.value),
            });
            ir.snapshot(Snapshot {
                entries: merge(&loop_entries, entries),
                ..s.clone()
            });
            next_snap += 1;
        }
        let ins: Ins = ir.insts[i];
        let new = match ins.op {
            Op::Nop | Op::Loop | Op::Phi(..) => continue,
            Op::SLoad { slot, .. } => match loop_entries.iter().find(|e| e.slot == slot) {
                Some(e) => {
                    if ir.ty(e.value) != ins.ty {
                        return Err(LoopError::TypeInstability);
                    }
                    e.value
                }
                None => Ref::ins(i),
            },
            Op::GcCheck => ir.emit_raw(Op::GcCheck, ins.ty),
            Op::Call {
                effect: crate::ir::Effect::Load(memory),
                args,
                nargs,
                ..
            } if ir.passes.fwd => {
                let mut new_args = args;
                for a in new_args.iter_mut().take(nargs as usize) {
                    *a = map(&subst, *a);
                }
                let user = ir.insts[i + 1..pre_len]
                    .iter()
                    .find(|x| x.op == Op::VLoad(Ref::ins(i), 0));
                let value = crate::opt::cse::forwarded_value(ir, memory, &new_args)
                    .filter(|&v| !v.is_const() && user.is_some_and(|u| u.ty == ir.ty(v)));
                match value {
                    Some(v) => {
                        forwarded[i] = Some(v);
                        continue;
                    }
                    None => {
                        let op = substitute(ins.op, |r| map(&subst, r));
                        ir.emit(op, ins.ty)?
                    }
                }
            }
            Op::Guard(_, a, b) if is_forwarded(&forwarded, a) || is_forwarded(&forwarded, b) => {
                continue;
            }
            Op::VLoad(p, 0) if is_forwarded(&forwarded, p) => {
                forwarded[p.index()].expect("checked above")
            }
            op => {
                let op = substitute(op, |r| map(&subst, r));
                ir.emit(op, ins.ty)?
            }
        };
        subst[i] = new;
    }
    // Slots written in the first iteration get their end-of-body values through PHIs, and so
    // do values a body load took from a pre-roll store: each iteration must see the previous
    // one's store, not the first's.
    let carried_in_memory = forwarded
        .iter()
        .flatten()
        .filter(|v| v.index() < pre_len)
        .map(|&value| SnapEntry {
            slot: i32::MIN,
            value,
        });
    let mut phis = Vec::new();
    for e in loop_entries.iter().copied().chain(carried_in_memory) {
        let right = map(&subst, e.value);
        if right == e.value {
            continue;
        }
        if ir.ty(right) != ir.ty(e.value) {
            return Err(LoopError::TypeInstability);
        }
        if e.value.is_const() {
            return Err(LoopError::ConstantPhi);
        }
        if !ir.ty(e.value).has_payload() {
            continue;
        }
        match phis.iter().find(|(l, _)| *l == e.value) {
            Some((_, r)) if *r == right => {}
            // One value in two slots that part ways in the next iteration: it cannot be one
            // register any more.
            Some(_) => return Err(LoopError::ConflictingPhi),
            None => phis.push((e.value, right)),
        }
    }
    for (left, right) in phis {
        ir.emit_raw(Op::Phi(left, right), ir.ty(left));
    }
    // Nothing is written back at the back-edge; exits restore from snapshots.
    ir.tail = loop_entries;
    Ok(())
}

/// `op` with every operand passed through `f`.
pub fn substitute(op: Op, f: impl Fn(Ref) -> Ref) -> Op {
    match op {
        Op::Float(o, a, b) => Op::Float(o, f(a), f(b)),
        Op::Guard(c, a, b) => Op::Guard(c, f(a), f(b)),
        Op::Call {
            helper,
            effect,
            args,
            nargs,
        } => {
            // Only the arguments in use: the rest must stay as recorded for CSE to match.
            let mut mapped = args;
            for a in mapped.iter_mut().take(nargs as usize) {
                *a = f(*a);
            }
            Op::Call {
                helper,
                effect,
                args: mapped,
                nargs,
            }
        }
        Op::VLoad(a, off) => Op::VLoad(f(a), off),
        Op::Load(a, off) => Op::Load(f(a), off),
        Op::TableParts(a) => Op::TableParts(f(a)),
        Op::ToIndex(a) => Op::ToIndex(f(a)),
        Op::Conv(a) => Op::Conv(f(a)),
        Op::Phi(a, b) => Op::Phi(f(a), f(b)),
        Op::ArrayRef(a, b, c) => Op::ArrayRef(f(a), f(b), f(c)),
        Op::HashRef(a, b, c, d) => Op::HashRef(f(a), f(b), f(c), f(d)),
        Op::VStore(a, b) => Op::VStore(f(a), f(b)),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::{Cmp, FloatOp, IrType, Passes};

    fn passes() -> Passes {
        Passes::ALL
    }

    fn snap(ir: &mut Ir, entries: Vec<SnapEntry>) {
        ir.snapshot(Snapshot {
            at: 0,
            pc: 0,
            entries,
            pops: 0,
            frames: vec![],
            ticks: 0,
            gc_point: false,
        });
    }

    /// `for i = 1, n do s = s + i * k end` with `n` and `k` invariant.
    #[test]
    fn invariants_are_hoisted_and_carried_values_get_phis() {
        let mut ir = Ir::new(passes());
        snap(&mut ir, vec![]);
        let s = ir
            .emit(
                Op::SLoad {
                    slot: 0,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let k = ir
            .emit(
                Op::SLoad {
                    slot: 1,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let i = ir
            .emit(
                Op::SLoad {
                    slot: 2,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let n = ir
            .emit(
                Op::SLoad {
                    slot: 3,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let ik = ir.emit(Op::Float(FloatOp::Mul, i, k), IrType::Num).unwrap();
        let s2 = ir
            .emit(Op::Float(FloatOp::Add, s, ik), IrType::Num)
            .unwrap();
        let one = ir.num(1.0);
        let i2 = ir
            .emit(Op::Float(FloatOp::Add, i, one), IrType::Num)
            .unwrap();
        snap(&mut ir, vec![SnapEntry { slot: 0, value: s2 }]);
        ir.emit(Op::Guard(Cmp::Le, i2, n), IrType::Nil).unwrap();
        ir.tail = vec![
            SnapEntry { slot: 0, value: s2 },
            SnapEntry { slot: 2, value: i2 },
        ];
        let pre = ir.insts.len();
        optimize(&mut ir).unwrap();
        let body: Vec<Op> = ir.insts[pre + 1..].iter().map(|x| x.op).collect();
        // Body: i*k, s+ik, i+1, guard, two PHIs — no loads of k or n again.
        assert!(
            body.iter().all(|op| !matches!(op, Op::SLoad { .. })),
            "{body:?}"
        );
        let phis = body.iter().filter(|op| matches!(op, Op::Phi(..))).count();
        assert_eq!(phis, 2, "{}", ir.listing(&|_| String::new()));
        assert!(body.contains(&Op::Phi(s2, Ref::ins(pre + 2))));
    }

    #[test]
    fn a_slot_changing_type_keeps_the_loop_unoptimized() {
        let mut ir = Ir::new(passes());
        snap(&mut ir, vec![]);
        let _x = ir
            .emit(
                Op::SLoad {
                    slot: 0,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let nil = ir.konst(crate::ir::Const::Pri(IrType::Nil));
        ir.tail = vec![SnapEntry {
            slot: 0,
            value: nil,
        }];
        let before = ir.insts.len();
        assert_eq!(optimize(&mut ir), Err(LoopError::TypeInstability));
        assert_eq!(ir.insts.len(), before);
    }
}
