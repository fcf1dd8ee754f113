//! Arithmetic semantics: Lua 5.1's operators on numbers, string coercion, and the arithmetic
//! metamethods.

use super::thread::Continuation;
use super::{LuaResult, Vm};
use crate::text::number::parse_number;
use crate::value::{StrRef, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Unm,
}

/// Result of arithmetic on non-numbers.
pub(crate) enum ArithOutcome {
    Value(Value),
    /// A metamethod frame was pushed; its continuation stores the result.
    Pushed,
    NoMetamethod,
}

/// Lua's `%`: the result has the sign of the divisor.
#[inline]
pub fn lua_mod(a: f64, b: f64) -> f64 {
    a - (a / b).floor() * b
}

#[inline]
pub fn apply(op: ArithOp, a: f64, b: f64) -> f64 {
    match op {
        ArithOp::Add => a + b,
        ArithOp::Sub => a - b,
        ArithOp::Mul => a * b,
        ArithOp::Div => a / b,
        ArithOp::Mod => lua_mod(a, b),
        ArithOp::Pow => a.powf(b),
        ArithOp::Unm => -a,
    }
}

impl Vm {
    /// A number, or a string that converts to one.
    pub fn to_number(&self, v: Value) -> Option<f64> {
        match v {
            Value::Number(n) => Some(n),
            Value::String(s) => parse_number(self.heap.str_bytes(s)),
            _ => None,
        }
    }

    fn arith_event(&self, op: ArithOp) -> StrRef {
        match op {
            ArithOp::Add => self.names.add,
            ArithOp::Sub => self.names.sub,
            ArithOp::Mul => self.names.mul,
            ArithOp::Div => self.names.div,
            ArithOp::Mod => self.names.mod_,
            ArithOp::Pow => self.names.pow,
            ArithOp::Unm => self.names.unm,
        }
    }

    /// Arithmetic with coercion and metamethods; with a continuation a Lua metamethod runs as
    /// a frame of the dispatch loop.
    pub(crate) fn arith_with(
        &mut self,
        op: ArithOp,
        a: Value,
        b: Value,
        cont: Option<Continuation>,
    ) -> LuaResult<ArithOutcome> {
        if let (Some(x), Some(y)) = (self.to_number(a), self.to_number(b)) {
            return Ok(ArithOutcome::Value(Value::Number(apply(op, x, y))));
        }
        let event = self.arith_event(op);
        let mut tm = self.metamethod(a, event);
        if tm.is_nil() {
            tm = self.metamethod(b, event);
        }
        if tm.is_nil() {
            return Ok(ArithOutcome::NoMetamethod);
        }
        Ok(match cont {
            Some(c) => match self.call_metamethod(tm, &[a, b], c)? {
                Some(v) => ArithOutcome::Value(v),
                None => ArithOutcome::Pushed,
            },
            None => ArithOutcome::Value(self.call1(tm, &[a, b])?),
        })
    }
}
