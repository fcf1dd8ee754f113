//! Values as compiled code sees them: a tag byte and 64 payload bits. Conversions in both
//! directions go through the Rust enum (never by transmuting bytes), so every value built from
//! machine registers is a valid `Value`.
#![forbid(unsafe_code)]

use jit_aarch64::ir::{Const, IrType};

use crate::value::{FuncRef, StrRef, TableRef, ThreadRef, UserdataRef, Value};

/// The IR type of a value.
pub fn ir_type(v: Value) -> IrType {
    match v {
        Value::Nil => IrType::Nil,
        Value::Boolean(false) => IrType::False,
        Value::Boolean(true) => IrType::True,
        Value::Number(_) => IrType::Num,
        Value::String(_) => IrType::Str,
        Value::Table(_) => IrType::Tab,
        Value::Function(_) => IrType::Func,
        Value::Userdata(_) => IrType::Udata,
        Value::Thread(_) => IrType::Thread,
    }
}

/// The tag byte of a value (the `Value` discriminant).
pub fn tag_of(v: Value) -> u8 {
    match v {
        Value::Nil => 0,
        Value::Boolean(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Table(_) => 4,
        Value::Function(_) => 5,
        Value::Userdata(_) => 6,
        Value::Thread(_) => 7,
    }
}

/// The payload bits of a value as a trace keeps them.
pub fn payload_of(v: Value) -> u64 {
    match v {
        Value::Nil => 0,
        Value::Boolean(b) => b as u64,
        Value::Number(n) => n.to_bits(),
        Value::String(s) => s.index as u64 | (s.hash as u64) << 32,
        Value::Table(TableRef(h))
        | Value::Function(FuncRef(h))
        | Value::Userdata(UserdataRef(h))
        | Value::Thread(ThreadRef(h)) => h as u64,
    }
}

/// Rebuilds a value from its IR type and payload bits.
pub fn value_of(ty: IrType, bits: u64) -> Option<Value> {
    Some(match ty {
        IrType::Nil => Value::Nil,
        IrType::False => Value::Boolean(false),
        IrType::True => Value::Boolean(true),
        IrType::Num => Value::Number(f64::from_bits(bits)),
        IrType::Str => Value::String(StrRef {
            index: bits as u32,
            hash: (bits >> 32) as u32,
        }),
        IrType::Tab => Value::Table(TableRef(bits as u32)),
        IrType::Func => Value::Function(FuncRef(bits as u32)),
        IrType::Udata => Value::Userdata(UserdataRef(bits as u32)),
        IrType::Thread => Value::Thread(ThreadRef(bits as u32)),
        IrType::Int | IrType::Ptr => return None,
    })
}

/// Rebuilds a value from its tag byte and payload bits (helpers receive values this way).
pub fn value_from_tag(tag: u64, bits: u64) -> Option<Value> {
    let ty = match tag {
        0 => IrType::Nil,
        1 => {
            if bits & 1 == 1 {
                IrType::True
            } else {
                IrType::False
            }
        }
        2 => IrType::Num,
        3 => IrType::Str,
        4 => IrType::Tab,
        5 => IrType::Func,
        6 => IrType::Udata,
        7 => IrType::Thread,
        _ => return None,
    };
    value_of(ty, bits)
}

/// The IR constant for a value.
pub fn constant(v: Value) -> Const {
    match v {
        Value::Number(n) => Const::Num(n),
        Value::Nil | Value::Boolean(_) => Const::Pri(ir_type(v)),
        _ => Const::Gc(ir_type(v), payload_of(v)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_through_bits() {
        let values = [
            Value::Nil,
            Value::Boolean(true),
            Value::Boolean(false),
            Value::Number(-0.0),
            Value::String(StrRef {
                index: 7,
                hash: 0xdead_beef,
            }),
            Value::Table(TableRef(3)),
            Value::Function(FuncRef(9)),
        ];
        for v in values {
            let back = value_of(ir_type(v), payload_of(v)).unwrap();
            assert!(back.raw_eq(v) || matches!(v, Value::Number(_)), "{v:?}");
            let back = value_from_tag(tag_of(v) as u64, payload_of(v)).unwrap();
            assert_eq!(payload_of(back), payload_of(v));
        }
    }
}
