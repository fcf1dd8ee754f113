//! Constant folding and exact algebraic identities, applied as instructions are emitted.
//!
//! Only rewrites that give the same bits for every input are allowed: `x*1`, `x/1`, `x-(+0)`
//! and `x+(-0)` are identities for all doubles (NaNs included); `x+0` is not (`-0+0 = +0`).
#![forbid(unsafe_code)]

use crate::ir::{Cmp, Const, FloatOp, Ir, IrError, IrType, Op, Ref};

/// A replacement for `op`, or `None` to emit it. Guards that always hold fold to `true`.
pub fn fold(ir: &mut Ir, op: Op, ty: IrType) -> Result<Option<Ref>, IrError> {
    match op {
        Op::Float(fop, a, b) => Ok(fold_float(ir, fop, a, b)),
        Op::Guard(cmp, a, b) => {
            let (Some(x), Some(y)) = (ir.const_of(a), ir.const_of(b)) else {
                return Ok(None);
            };
            let holds = match (x, y) {
                (Const::Num(x), Const::Num(y)) => cmp.holds(x, y),
                _ => match cmp {
                    Cmp::Eq => x.bits() == y.bits() && x.ty() == y.ty(),
                    Cmp::Ne => x.bits() != y.bits() || x.ty() != y.ty(),
                    _ => return Ok(None),
                },
            };
            if holds {
                Ok(Some(ir.konst(Const::Pri(IrType::True))))
            } else {
                Err(IrError::GuardAlwaysFails)
            }
        }
        Op::Conv(a) => Ok(match (ir.const_of(a), ty) {
            (Some(Const::Num(n)), IrType::Int) => Some(ir.int(n.to_bits() as i64)),
            (Some(Const::Int(i)), IrType::Num) => Some(ir.num(f64::from_bits(i as u64))),
            _ => None,
        }),
        _ => Ok(None),
    }
}

fn fold_float(ir: &mut Ir, op: FloatOp, a: Ref, b: Ref) -> Option<Ref> {
    let num = |r: Ref| match ir.const_of(r) {
        Some(Const::Num(n)) => Some(n),
        _ => None,
    };
    let (x, y) = (num(a), num(b));
    if op.is_unary() {
        return x.map(|x| ir.num(op.eval(x, 0.0)));
    }
    if let (Some(x), Some(y)) = (x, y) {
        return Some(ir.num(op.eval(x, y)));
    }
    let is = |v: Option<f64>, k: f64| v.is_some_and(|v| v.to_bits() == k.to_bits());
    match op {
        FloatOp::Mul if is(y, 1.0) => Some(a),
        FloatOp::Mul if is(x, 1.0) => Some(b),
        FloatOp::Div if is(y, 1.0) => Some(a),
        FloatOp::Sub if is(y, 0.0) => Some(a),
        FloatOp::Add if is(y, -0.0) => Some(a),
        FloatOp::Add if is(x, -0.0) => Some(b),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ir::Passes;

    fn ir() -> Ir {
        Ir::new(Passes::ALL)
    }

    #[test]
    fn constants_fold_exactly() {
        let mut ir = ir();
        let (a, b) = (ir.num(0.1), ir.num(0.2));
        let r = ir.emit(Op::Float(FloatOp::Add, a, b), IrType::Num).unwrap();
        assert_eq!(ir.const_of(r), Some(Const::Num(0.1 + 0.2)));
    }

    #[test]
    fn adding_zero_is_not_an_identity() {
        let mut ir = ir();
        let x = ir
            .emit(
                Op::SLoad {
                    slot: 0,
                    check: true,
                },
                IrType::Num,
            )
            .unwrap();
        let zero = ir.num(0.0);
        let r = ir
            .emit(Op::Float(FloatOp::Add, x, zero), IrType::Num)
            .unwrap();
        assert_ne!(r, x);
        let minus_zero = ir.num(-0.0);
        let r = ir
            .emit(Op::Float(FloatOp::Add, x, minus_zero), IrType::Num)
            .unwrap();
        assert_eq!(r, x);
    }

    #[test]
    fn constant_guards_fold_or_fail() {
        let mut ir = ir();
        let (a, b) = (ir.num(1.0), ir.num(2.0));
        assert!(ir.emit(Op::Guard(Cmp::Lt, a, b), IrType::Nil).is_ok());
        assert_eq!(
            ir.emit(Op::Guard(Cmp::Ge, a, b), IrType::Nil),
            Err(IrError::GuardAlwaysFails)
        );
        let nan = ir.num(f64::NAN);
        assert!(ir.emit(Op::Guard(Cmp::Uge, nan, b), IrType::Nil).is_ok());
    }
}
