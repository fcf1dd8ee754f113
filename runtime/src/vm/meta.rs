//! Metatables and metamethods: indexing chains, `__newindex`, equality and ordering,
//! concatenation, length, `__call` and `tostring`.

use super::thread::Continuation;
use super::{LuaError, LuaResult, Vm};
use crate::heap::Heap;
use crate::text::number::format_number;
use crate::value::{StrRef, TableRef, Value};

/// Interned names of the metamethods, looked up without hashing at run time.
pub struct MetaNames {
    pub index: StrRef,
    pub newindex: StrRef,
    pub gc: StrRef,
    pub mode: StrRef,
    pub eq: StrRef,
    pub add: StrRef,
    pub sub: StrRef,
    pub mul: StrRef,
    pub div: StrRef,
    pub mod_: StrRef,
    pub pow: StrRef,
    pub unm: StrRef,
    pub len: StrRef,
    pub lt: StrRef,
    pub le: StrRef,
    pub concat: StrRef,
    pub call: StrRef,
    pub tostring: StrRef,
    pub metatable: StrRef,
    pub n: StrRef,
}

impl MetaNames {
    pub fn new(heap: &mut Heap) -> MetaNames {
        MetaNames {
            index: heap.intern(b"__index"),
            newindex: heap.intern(b"__newindex"),
            gc: heap.intern(b"__gc"),
            mode: heap.intern(b"__mode"),
            eq: heap.intern(b"__eq"),
            add: heap.intern(b"__add"),
            sub: heap.intern(b"__sub"),
            mul: heap.intern(b"__mul"),
            div: heap.intern(b"__div"),
            mod_: heap.intern(b"__mod"),
            pow: heap.intern(b"__pow"),
            unm: heap.intern(b"__unm"),
            len: heap.intern(b"__len"),
            lt: heap.intern(b"__lt"),
            le: heap.intern(b"__le"),
            concat: heap.intern(b"__concat"),
            call: heap.intern(b"__call"),
            tostring: heap.intern(b"__tostring"),
            metatable: heap.intern(b"__metatable"),
            n: heap.intern(b"n"),
        }
    }
}

/// Indexing chains longer than this are a "loop in gettable" (Lua's MAXTAGLOOP).
const MAX_TAG_LOOP: usize = 100;

impl Vm {
    pub fn metatable(&self, v: Value) -> Option<TableRef> {
        match v {
            Value::Table(t) => self.heap.table(t).metatable,
            Value::Userdata(u) => self.heap.userdata.get(u.0).metatable,
            Value::String(_) => self.string_meta,
            Value::Nil => self.type_meta.nil,
            Value::Boolean(_) => self.type_meta.boolean,
            Value::Number(_) => self.type_meta.number,
            Value::Function(_) => self.type_meta.function,
            Value::Thread(_) => self.type_meta.thread,
        }
    }

    #[inline]
    pub fn metamethod(&self, v: Value, name: StrRef) -> Value {
        match self.metatable(v) {
            Some(mt) => self.heap.table(mt).get_str(Value::String(name)),
            None => Value::Nil,
        }
    }

    /// `obj[key]` with `__index`.
    pub fn index(&mut self, obj: Value, key: Value) -> LuaResult<Value> {
        Ok(self
            .index_with(obj, key, None)?
            .expect("no continuation requested"))
    }

    /// Calls metamethod `tm`: with a continuation (from the dispatch loop) a Lua metamethod
    /// runs as a frame of the loop (`Ok(None)`), otherwise it is called now.
    fn invoke_metamethod(
        &mut self,
        tm: Value,
        args: &[Value],
        cont: Option<Continuation>,
    ) -> LuaResult<Option<Value>> {
        match cont {
            Some(c) => self.call_metamethod(tm, args, c),
            None => Ok(Some(self.call1(tm, args)?)),
        }
    }

    /// `obj[key]` with `__index`; `Ok(None)` when a metamethod frame was pushed.
    pub(crate) fn index_with(
        &mut self,
        mut obj: Value,
        key: Value,
        cont: Option<Continuation>,
    ) -> LuaResult<Option<Value>> {
        for _ in 0..MAX_TAG_LOOP {
            let tm = if let Value::Table(t) = obj {
                let table = self.heap.table(t);
                let v = table.get(key);
                if !v.is_nil() {
                    return Ok(Some(v));
                }
                match table.metatable {
                    None => return Ok(Some(Value::Nil)),
                    Some(mt) => {
                        let tm = self.heap.table(mt).get_str(Value::String(self.names.index));
                        if tm.is_nil() {
                            return Ok(Some(Value::Nil));
                        }
                        tm
                    }
                }
            } else {
                let tm = self.metamethod(obj, self.names.index);
                if tm.is_nil() {
                    return Err(self.type_error("index", obj, None));
                }
                tm
            };
            if let Value::Function(_) = tm {
                return self.invoke_metamethod(tm, &[obj, key], cont);
            }
            obj = tm;
        }
        Err(self.error_at(0, "loop in gettable"))
    }

    /// `obj[key] = value` with `__newindex`.
    pub fn set_index(&mut self, obj: Value, key: Value, value: Value) -> LuaResult<()> {
        self.set_index_with(obj, key, value, None).map(|_| ())
    }

    /// `obj[key] = value`; `Ok(false)` when a metamethod frame was pushed.
    pub(crate) fn set_index_with(
        &mut self,
        mut obj: Value,
        key: Value,
        value: Value,
        cont: Option<Continuation>,
    ) -> LuaResult<bool> {
        for _ in 0..MAX_TAG_LOOP {
            let tm = if let Value::Table(t) = obj {
                let table = self.heap.table(t);
                let tm = match table.metatable {
                    Some(mt) if table.get(key).is_nil() => self
                        .heap
                        .table(mt)
                        .get_str(Value::String(self.names.newindex)),
                    _ => Value::Nil,
                };
                if tm.is_nil() {
                    self.raw_set(t, key, value)?;
                    return Ok(true);
                }
                tm
            } else {
                let tm = self.metamethod(obj, self.names.newindex);
                if tm.is_nil() {
                    return Err(self.type_error("index", obj, None));
                }
                tm
            };
            if let Value::Function(_) = tm {
                return Ok(self
                    .invoke_metamethod(tm, &[obj, key, value], cont)?
                    .is_some());
            }
            obj = tm;
        }
        Err(self.error_at(0, "loop in settable"))
    }

    pub fn raw_set(&mut self, t: TableRef, key: Value, value: Value) -> LuaResult<()> {
        match self.heap.table_mut(t).set(key, value) {
            Ok(grown) => {
                self.heap.allocated += grown;
                Ok(())
            }
            Err(e) => Err(self.error_at(0, &e.to_string())),
        }
    }

    /// "attempt to <op> <name> (a <type> value)".
    pub fn type_error(
        &mut self,
        op: &str,
        v: Value,
        name: Option<(&str, String)>,
    ) -> Box<LuaError> {
        let msg = match name {
            Some((kind, n)) => format!("attempt to {op} {kind} '{n}' (a {} value)", v.type_name()),
            None => format!("attempt to {op} a {} value", v.type_name()),
        };
        self.error_at(0, &msg)
    }

    /// Equality; `Ok(None)` when a metamethod frame was pushed (its continuation decides).
    pub(crate) fn equals_with(
        &mut self,
        a: Value,
        b: Value,
        cont: Option<Continuation>,
    ) -> LuaResult<Option<bool>> {
        if a.raw_eq(b) {
            return Ok(Some(true));
        }
        let same_kind = matches!(
            (a, b),
            (Value::Table(_), Value::Table(_)) | (Value::Userdata(_), Value::Userdata(_))
        );
        if !same_kind {
            return Ok(Some(false));
        }
        let tm1 = self.metamethod(a, self.names.eq);
        if tm1.is_nil() {
            return Ok(Some(false));
        }
        let tm2 = self.metamethod(b, self.names.eq);
        if !tm1.raw_eq(tm2) {
            return Ok(Some(false));
        }
        Ok(self
            .invoke_metamethod(tm1, &[a, b], cont)?
            .map(Value::truthy))
    }

    /// `a < b`.
    pub fn less_than(&mut self, a: Value, b: Value) -> LuaResult<bool> {
        Ok(self
            .less_than_with(a, b, None)?
            .expect("no continuation requested"))
    }

    /// `a < b`; `Ok(None)` when a metamethod frame was pushed. `jump_if` is the caller's
    /// comparison sense, for the continuation.
    pub(crate) fn less_than_with(
        &mut self,
        a: Value,
        b: Value,
        jump_if: Option<bool>,
    ) -> LuaResult<Option<bool>> {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => Ok(Some(x < y)),
            (Value::String(x), Value::String(y)) => {
                Ok(Some(self.heap.str_bytes(x) < self.heap.str_bytes(y)))
            }
            _ => {
                let cont = jump_if.map(|jump_if| Continuation::Jump {
                    jump_if,
                    negate: false,
                });
                match self.order_metamethod(a, b, self.names.lt)? {
                    Some(tm) => Ok(self
                        .invoke_metamethod(tm, &[a, b], cont)?
                        .map(Value::truthy)),
                    None => Err(self.compare_error(a, b)),
                }
            }
        }
    }

    /// `a <= b`; `Ok(None)` when a metamethod frame was pushed.
    pub(crate) fn less_equal_with(
        &mut self,
        a: Value,
        b: Value,
        jump_if: Option<bool>,
    ) -> LuaResult<Option<bool>> {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => Ok(Some(x <= y)),
            (Value::String(x), Value::String(y)) => {
                Ok(Some(self.heap.str_bytes(x) <= self.heap.str_bytes(y)))
            }
            _ => {
                if let Some(tm) = self.order_metamethod(a, b, self.names.le)? {
                    let cont = jump_if.map(|jump_if| Continuation::Jump {
                        jump_if,
                        negate: false,
                    });
                    return Ok(self
                        .invoke_metamethod(tm, &[a, b], cont)?
                        .map(Value::truthy));
                }
                match self.order_metamethod(b, a, self.names.lt)? {
                    Some(tm) => {
                        let cont = jump_if.map(|jump_if| Continuation::Jump {
                            jump_if,
                            negate: true,
                        });
                        Ok(self
                            .invoke_metamethod(tm, &[b, a], cont)?
                            .map(|v| !v.truthy()))
                    }
                    None => Err(self.compare_error(a, b)),
                }
            }
        }
    }

    /// The shared ordering metamethod of `a` and `b`, if they have one.
    fn order_metamethod(&mut self, a: Value, b: Value, name: StrRef) -> LuaResult<Option<Value>> {
        if std::mem::discriminant(&a) != std::mem::discriminant(&b) {
            return Ok(None);
        }
        let tm1 = self.metamethod(a, name);
        if tm1.is_nil() {
            return Ok(None);
        }
        let tm2 = self.metamethod(b, name);
        if !tm1.raw_eq(tm2) {
            return Ok(None);
        }
        Ok(Some(tm1))
    }

    fn compare_error(&mut self, a: Value, b: Value) -> Box<LuaError> {
        let (t1, t2) = (a.type_name(), b.type_name());
        if t1 == t2 {
            self.error_at(0, &format!("attempt to compare two {t1} values"))
        } else {
            self.error_at(0, &format!("attempt to compare {t1} with {t2}"))
        }
    }

    /// The bytes `tostring` gives for a value without `__tostring`, or None for strings and
    /// numbers handled by the caller.
    pub fn tostring_basic(&self, v: Value, out: &mut Vec<u8>) {
        match v {
            Value::Nil => out.extend_from_slice(b"nil"),
            Value::Boolean(true) => out.extend_from_slice(b"true"),
            Value::Boolean(false) => out.extend_from_slice(b"false"),
            Value::Number(n) => format_number(n, out),
            Value::String(s) => out.extend_from_slice(self.heap.str_bytes(s)),
            Value::Table(h) => self.identity(out, "table", h.0),
            Value::Function(h) => self.identity(out, "function", h.0),
            Value::Userdata(h) => self.identity(out, "userdata", h.0),
            Value::Thread(h) => self.identity(out, "thread", h.0),
        }
    }

    /// `kind: 0x…` from the handle mixed with the seed: stable for a seed, never an address.
    fn identity(&self, out: &mut Vec<u8>, kind: &str, handle: u32) {
        let mut x = (handle as u64).wrapping_add(self.heap.identity_seed);
        x ^= x >> 31;
        x = x.wrapping_mul(0x7fb5d329728ea185);
        x ^= x >> 27;
        let addr = 0x4000_0000u64 | (x & 0x0fff_fff0);
        out.extend_from_slice(format!("{kind}: 0x{addr:08x}").as_bytes());
    }

    /// `tostring(v)` with `__tostring`.
    pub fn tostring(&mut self, v: Value) -> LuaResult<Value> {
        match v {
            Value::String(_) => return Ok(v),
            Value::Number(n) => {
                let mut buf = Vec::with_capacity(24);
                format_number(n, &mut buf);
                return Ok(self.str_value(&buf));
            }
            _ => {}
        }
        let tm = self.metamethod(v, self.names.tostring);
        if !tm.is_nil() {
            // LuaJIT's tostring returns whatever __tostring returns; print checks it.
            return self.call1(tm, &[v]);
        }
        let mut buf = Vec::new();
        self.tostring_basic(v, &mut buf);
        Ok(self.str_value(&buf))
    }

    /// Appends the string form of a concatenation operand (strings and numbers only).
    /// Whether a concatenation of `values` would pass LuaJIT's largest string
    /// (`LJ_MAX_STR`), counting a number as its longest text; `..` then raises
    /// "string length overflow" instead of building gigabytes.
    pub fn concat_overflows(&self, values: &[Value]) -> bool {
        let total: usize = values.iter().map(|&v| self.concat_length(v)).sum();
        total > MAX_STRING_LENGTH
    }

    /// Bytes `concat_piece` appends for `v` at most.
    pub fn concat_length(&self, v: Value) -> usize {
        match v {
            Value::String(s) => self.heap.str_bytes(s).len(),
            _ => 32,
        }
    }

    pub fn concat_piece(&self, v: Value, out: &mut Vec<u8>) -> bool {
        match v {
            Value::String(s) => {
                out.extend_from_slice(self.heap.str_bytes(s));
                true
            }
            Value::Number(n) => {
                format_number(n, out);
                true
            }
            _ => false,
        }
    }
}

/// LuaJIT's `LJ_MAX_STR`: the longest string `..` may build.
pub const MAX_STRING_LENGTH: usize = 0x7fff_ff00;
