//! The Lua value: 16 bytes, `#[repr(C)]`, tag at offset 0 and payload at offset 8, so compiled
//! code can move whole stack slots with one load/store pair. Heap objects are named by handles
//! (indices into the typed arenas of [`crate::heap::Heap`]), never by machine address.

/// Handle of an interned string. The seeded hash travels with the handle so tables never need
/// the heap to hash a string key.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(C)]
pub struct StrRef {
    pub index: u32,
    pub hash: u32,
}

macro_rules! handle {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(transparent)]
        pub struct $name(pub u32);
    };
}

handle!(
    /// Handle of a table.
    TableRef
);
handle!(
    /// Handle of a function (Lua closure or native function).
    FuncRef
);
handle!(
    /// Handle of a full userdata.
    UserdataRef
);
handle!(
    /// Handle of a coroutine.
    ThreadRef
);
handle!(
    /// Handle of an upvalue cell.
    UpvalRef
);

#[derive(Clone, Copy, Debug, Default)]
#[repr(C, u8)]
pub enum Value {
    #[default]
    Nil,
    Boolean(bool),
    Number(f64),
    String(StrRef),
    Table(TableRef),
    Function(FuncRef),
    Userdata(UserdataRef),
    Thread(ThreadRef),
}

impl Value {
    #[inline]
    pub fn is_nil(self) -> bool {
        matches!(self, Value::Nil)
    }

    /// Lua truthiness: everything but `nil` and `false` is true.
    #[inline]
    pub fn truthy(self) -> bool {
        !matches!(self, Value::Nil | Value::Boolean(false))
    }

    /// The type name `type()` returns.
    pub fn type_name(self) -> &'static str {
        match self {
            Value::Nil => "nil",
            Value::Boolean(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Table(_) => "table",
            Value::Function(_) => "function",
            Value::Userdata(_) => "userdata",
            Value::Thread(_) => "thread",
        }
    }

    /// Raw equality (`rawequal`): numbers by value, everything else by identity.
    #[inline]
    pub fn raw_eq(self, other: Value) -> bool {
        match (self, other) {
            (Value::Nil, Value::Nil) => true,
            (Value::Boolean(a), Value::Boolean(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a.index == b.index,
            (Value::Table(a), Value::Table(b)) => a == b,
            (Value::Function(a), Value::Function(b)) => a == b,
            (Value::Userdata(a), Value::Userdata(b)) => a == b,
            (Value::Thread(a), Value::Thread(b)) => a == b,
            _ => false,
        }
    }

    #[inline]
    pub fn as_number(self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::mem::{offset_of, size_of};

    #[test]
    #[allow(unsafe_code)] // reads the bytes of a value to pin the layout compiled code relies on
    fn value_is_sixteen_bytes_with_payload_at_eight() {
        assert_eq!(size_of::<Value>(), 16);
        let v = Value::Number(1.5);
        // SAFETY: Value is repr(C, u8): a one-byte tag, then the payload union at offset 8
        // (f64 alignment). Reading the bytes of a live, initialised value is sound.
        let bytes: [u8; 16] = unsafe { std::mem::transmute(v) };
        assert_eq!(f64::from_le_bytes(bytes[8..16].try_into().unwrap()), 1.5);
        assert_eq!(offset_of!(StrRef, hash), 4);
    }

    #[test]
    fn truthiness() {
        assert!(!Value::Nil.truthy());
        assert!(!Value::Boolean(false).truthy());
        assert!(Value::Number(0.0).truthy());
    }
}
