//! What native functions use: argument access and checking with Lua's "bad argument" wording,
//! pushing results, and conversions.

use super::{LuaError, LuaResult, Vm};
use crate::heap::Function;
use crate::value::{TableRef, Value};
use std::rc::Rc;

impl Vm {
    /// Argument `i` (0-based) of the running native, or nil.
    #[inline]
    pub fn arg(&self, i: usize) -> Value {
        let f = self.th.frames.last().expect("a native frame");
        if i < f.num_varargs {
            self.th.stack[f.base + i]
        } else {
            Value::Nil
        }
    }

    /// Number of arguments of the running native.
    #[inline]
    pub fn nargs(&self) -> usize {
        self.th.frames.last().expect("a native frame").num_varargs
    }

    #[inline]
    pub fn push(&mut self, v: Value) {
        if self.th.top >= self.th.stack.len() {
            let n = self.th.stack.len() * 2 + 16;
            self.th.stack.resize(n, Value::Nil);
        }
        self.th.stack[self.th.top] = v;
        self.th.top += 1;
    }

    /// Pushes `v` and returns 1 (the common tail of a native).
    #[inline]
    pub fn ret1(&mut self, v: Value) -> LuaResult<usize> {
        self.push(v);
        Ok(1)
    }

    /// Name of the running native as its caller spelled it (LuaJIT's rule: `'?'` when the
    /// caller is not Lua code, e.g. `pcall(string.rep)`).
    pub fn native_name(&self) -> String {
        let frames = &self.th.frames;
        let f = frames.last().expect("a native frame");
        if f.via_pcall || frames.len() < 2 {
            return "?".into();
        }
        match self.callee_name_in(&frames[frames.len() - 2], f.func) {
            Some(name) => name,
            None => match self.heap.function(f.closure) {
                Function::Native(n) if frames[frames.len() - 2].proto.is_none() => {
                    n.name.to_string()
                }
                _ => "?".into(),
            },
        }
    }

    fn callee_name_in(&self, caller: &super::thread::Frame, func_slot: usize) -> Option<String> {
        let p = caller.proto.as_ref()?;
        let pc = caller.pc.checked_sub(1)?;
        match p.code.get(pc)? {
            crate::bytecode::Op::Call { a, .. } | crate::bytecode::Op::TailCall { a, .. }
                if caller.base + *a as usize == func_slot =>
            {
                super::describe_register(p, self, pc, *a).map(|(_, n)| n)
            }
            _ => None,
        }
    }

    /// "bad argument #n to 'name' (msg)". For a method call (`s:rep(x)`) arguments are
    /// numbered without the implicit self, as Lua does.
    pub fn arg_error(&mut self, i: usize, msg: &str) -> Box<LuaError> {
        let name = self.native_name();
        let mut n = i + 1;
        if self.called_as_method() {
            if n == 1 {
                return self.rt_error(&format!("calling '{name}' on bad self ({msg})"));
            }
            n -= 1;
        }
        self.rt_error(&format!("bad argument #{n} to '{name}' ({msg})"))
    }

    fn called_as_method(&self) -> bool {
        let frames = &self.th.frames;
        let f = frames.last().expect("a native frame");
        if f.via_pcall || frames.len() < 2 {
            return false;
        }
        let caller = &frames[frames.len() - 2];
        let (Some(p), Some(pc)) = (caller.proto.as_ref(), caller.pc.checked_sub(1)) else {
            return false;
        };
        match p.code.get(pc) {
            Some(crate::bytecode::Op::Call { a, .. }) if caller.base + *a as usize == f.func => {
                matches!(
                    super::describe_register(p, self, pc, *a),
                    Some(("method", _))
                )
            }
            _ => false,
        }
    }

    pub fn type_name_of_arg(&self, i: usize) -> &'static str {
        if i >= self.nargs() {
            "no value"
        } else {
            self.arg(i).type_name()
        }
    }

    pub fn arg_type_error(&mut self, i: usize, expected: &str) -> Box<LuaError> {
        let got = self.type_name_of_arg(i);
        self.arg_error(i, &format!("{expected} expected, got {got}"))
    }

    pub fn check_any(&mut self, i: usize) -> LuaResult<Value> {
        if i >= self.nargs() {
            return Err(self.arg_error(i, "value expected"));
        }
        Ok(self.arg(i))
    }

    pub fn check_number(&mut self, i: usize) -> LuaResult<f64> {
        let v = self.arg(i);
        match self.to_number(v) {
            Some(n) => Ok(n),
            None => Err(self.arg_type_error(i, "number")),
        }
    }

    pub fn opt_number(&mut self, i: usize, default: f64) -> LuaResult<f64> {
        if self.arg(i).is_nil() {
            Ok(default)
        } else {
            self.check_number(i)
        }
    }

    /// An integer argument (numbers are truncated toward zero, as `lua_tointeger`).
    pub fn check_int(&mut self, i: usize) -> LuaResult<i64> {
        let n = self.check_number(i)?;
        Ok(to_integer(n))
    }

    pub fn opt_int(&mut self, i: usize, default: i64) -> LuaResult<i64> {
        if self.arg(i).is_nil() {
            Ok(default)
        } else {
            self.check_int(i)
        }
    }

    pub fn check_table(&mut self, i: usize) -> LuaResult<TableRef> {
        match self.arg(i) {
            Value::Table(t) => Ok(t),
            _ => Err(self.arg_type_error(i, "table")),
        }
    }

    /// A string argument (numbers are converted), as shared bytes.
    pub fn check_str(&mut self, i: usize) -> LuaResult<Rc<[u8]>> {
        match self.arg(i) {
            Value::String(s) => Ok(self.heap.strings.get(s.index).bytes.clone()),
            Value::Number(n) => {
                let mut buf = Vec::new();
                crate::text::number::format_number(n, &mut buf);
                Ok(buf.into())
            }
            _ => Err(self.arg_type_error(i, "string")),
        }
    }

    pub fn opt_str(&mut self, i: usize) -> LuaResult<Option<Rc<[u8]>>> {
        if self.arg(i).is_nil() {
            Ok(None)
        } else {
            self.check_str(i).map(Some)
        }
    }

    /// The bytes of a string value.
    pub fn bytes_of(&self, v: Value) -> Option<Rc<[u8]>> {
        match v {
            Value::String(s) => Some(self.heap.strings.get(s.index).bytes.clone()),
            _ => None,
        }
    }

    /// A string or number as text (Lua's `lua_tolstring` coercion).
    pub fn to_text(&self, v: Value) -> Option<Vec<u8>> {
        let mut out = Vec::new();
        if self.concat_piece(v, &mut out) {
            Some(out)
        } else {
            None
        }
    }
}

/// Lua's number → integer conversion: truncation toward zero, saturating.
pub fn to_integer(n: f64) -> i64 {
    if n.is_nan() {
        0
    } else {
        n as i64
    }
}
