//! The `string` library (and the string metatable, so `s:upper()` works). Pattern matching,
//! `format` and number formatting live in `crate::text`; this module adapts them to Lua values.

use super::new_library;
use crate::heap::Function;
use crate::text::format::{format, FormatArgs, FormatError};
use crate::text::pattern::{self, Capture, Match, Pattern, PatternError};
use crate::value::Value;
use crate::vm::{LuaError, LuaResult, Vm};
use std::rc::Rc;

pub fn open(vm: &mut Vm) {
    let t = new_library(
        vm,
        "string",
        &[
            ("byte", byte),
            ("char", char),
            ("dump", dump),
            ("find", find),
            ("format", format_),
            ("gmatch", gmatch),
            ("gsub", gsub),
            ("len", len),
            ("lower", lower),
            ("match", match_),
            ("rep", rep),
            ("reverse", reverse),
            ("sub", sub),
            ("upper", upper),
        ],
    );
    let meta = vm.heap.new_table(0, 1);
    vm.set_field(meta, "__index", Value::Table(t));
    vm.string_meta = Some(meta);
}

/// Lua's relative string position: negative counts from the end.
pub(crate) fn relative(pos: i64, len: usize) -> i64 {
    if pos >= 0 {
        pos
    } else if (-pos) as usize > len {
        0
    } else {
        len as i64 + pos + 1
    }
}

fn len(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    vm.ret1(Value::Number(s.len() as f64))
}

fn sub(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let l = s.len();
    let mut i = relative(vm.opt_int(1, 1)?, l);
    let mut j = relative(vm.opt_int(2, -1)?, l);
    if i < 1 {
        i = 1;
    }
    if j > l as i64 {
        j = l as i64;
    }
    let v = if i <= j {
        vm.new_string(&s[i as usize - 1..j as usize])?
    } else {
        vm.str_value(b"")
    };
    vm.ret1(v)
}

fn byte(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let l = s.len();
    let i = relative(vm.opt_int(1, 1)?, l);
    let j = relative(vm.opt_int(2, i)?, l);
    let i = i.max(1);
    let j = j.min(l as i64);
    if i > j {
        return Ok(0);
    }
    let n = (j - i + 1) as usize;
    vm.ensure_stack(vm.th.top + n + 8)?;
    for k in i..=j {
        vm.push(Value::Number(s[k as usize - 1] as f64));
    }
    Ok(n)
}

fn char(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let mut out = Vec::with_capacity(nargs);
    for i in 0..nargs {
        let c = vm.check_int(i)?;
        if !(0..=255).contains(&c) {
            return Err(vm.arg_error(i, "invalid value"));
        }
        out.push(c as u8);
    }
    let v = vm.new_string(&out)?;
    vm.ret1(v)
}

/// `string.dump(f [, strip])`: a binary chunk holding only `f`'s lines of its chunk (see
/// `crate::bytecode::dump`); `strip` drops line numbers and names when it is loaded.
fn dump(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    use crate::bytecode::dump::{function_lines, path_of, Dumped};
    let proto = match vm.arg(0) {
        Value::Function(f) => match vm.heap.function(f) {
            Function::Lua(cl) => cl.proto.clone(),
            Function::Native(_) => return Err(vm.rt_error("unable to dump given function")),
        },
        _ => return Err(vm.arg_type_error(0, "function")),
    };
    let strip = vm.arg(1).truthy();
    let origin = &proto.origin;
    // Only the function's lines, when they compile on their own to a tree holding it.
    let lines = function_lines(&proto);
    let display = crate::syntax::chunk_display_name(&origin.chunk_name);
    let reduced = crate::syntax::parse(&lines, &display)
        .ok()
        .and_then(|chunk| {
            let main = crate::compiler::compile_chunk(
                &chunk,
                &display,
                &lines,
                &origin.chunk_name,
                &mut vm.heap,
            )
            .ok()?;
            let same = |p: &crate::bytecode::Proto| {
                p.line_defined == proto.line_defined
                    && p.last_line_defined == proto.last_line_defined
                    && p.code.len() == proto.code.len()
            };
            path_of(&main, &same)
        });
    let dumped = match reduced {
        Some(path) => Dumped {
            chunk_name: origin.chunk_name.to_vec(),
            chunk_text: lines,
            path,
            strip,
        },
        None => Dumped {
            chunk_name: origin.chunk_name.to_vec(),
            chunk_text: origin.chunk_text.to_vec(),
            path: origin.path.clone(),
            strip,
        },
    };
    let v = vm.new_string(&dumped.encode())?;
    vm.ret1(v)
}

fn map_bytes(vm: &mut Vm, f: fn(&[u8]) -> Vec<u8>) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let v = vm.new_string(&f(&s))?;
    vm.ret1(v)
}

fn lower(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    map_bytes(vm, |s| s.to_ascii_lowercase())
}

fn upper(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    map_bytes(vm, |s| s.to_ascii_uppercase())
}

fn reverse(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    map_bytes(vm, |s| s.iter().rev().copied().collect())
}

fn rep(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let n = vm.check_int(1)?;
    let sep = vm.opt_str(2)?;
    if n <= 0 {
        let v = vm.str_value(b"");
        return vm.ret1(v);
    }
    let sep_len = sep.as_ref().map_or(0, |x| x.len());
    let total = (s.len() + sep_len).saturating_mul(n as usize);
    if total > i32::MAX as usize {
        return Err(vm.rt_error("not enough memory"));
    }
    vm.check_memory(total)?;
    let mut out = Vec::with_capacity(total);
    for k in 0..n {
        if k > 0 {
            if let Some(sep) = &sep {
                out.extend_from_slice(sep);
            }
        }
        out.extend_from_slice(&s);
    }
    let v = vm.new_string(&out)?;
    vm.ret1(v)
}

fn pattern_error(vm: &mut Vm, e: PatternError) -> Box<LuaError> {
    vm.rt_error(&e.to_string())
}

/// Pushes the captures of `m` (or the whole match if there are none); returns how many.
fn push_captures(vm: &mut Vm, subject: &[u8], m: &Match, whole_if_none: bool) -> LuaResult<usize> {
    if m.captures.is_empty() {
        if whole_if_none {
            let v = vm.new_string(&subject[m.start..m.end])?;
            vm.push(v);
            return Ok(1);
        }
        return Ok(0);
    }
    vm.ensure_stack(vm.th.top + m.captures.len() + 8)?;
    for c in &m.captures {
        let v = capture_value(vm, subject, c)?;
        vm.push(v);
    }
    Ok(m.captures.len())
}

fn capture_value(vm: &mut Vm, subject: &[u8], c: &Capture) -> LuaResult<Value> {
    match *c {
        Capture::Span { start, end } => vm.new_string(&subject[start..end]),
        Capture::Position(p) => Ok(Value::Number(p as f64)),
        Capture::Unfinished { .. } => Err(pattern_error(vm, PatternError::UnfinishedCapture)),
    }
}

fn find_or_match(vm: &mut Vm, find: bool) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let p = vm.check_str(1)?;
    let init = relative(vm.opt_int(2, 1)?, s.len());
    // LuaJIT (without 5.2 compatibility) clamps a start beyond the end to the end.
    let init = if init < 1 {
        0
    } else {
        (init as usize - 1).min(s.len())
    };
    if find && (vm.arg(3).truthy() || !pattern::has_specials(&p)) {
        let found = if p.is_empty() {
            Some(init)
        } else {
            s[init..]
                .windows(p.len())
                .position(|w| w == &p[..])
                .map(|i| i + init)
        };
        return match found {
            Some(i) => {
                vm.push(Value::Number((i + 1) as f64));
                vm.push(Value::Number((i + p.len()) as f64));
                Ok(2)
            }
            None => vm.ret1(Value::Nil),
        };
    }
    let pat = Pattern::new(&p);
    match pat.find(&s, init) {
        Ok(Some(m)) => {
            if find {
                vm.push(Value::Number((m.start + 1) as f64));
                vm.push(Value::Number(m.end as f64));
                Ok(2 + push_captures(vm, &s, &m, false)?)
            } else {
                push_captures(vm, &s, &m, true)
            }
        }
        Ok(None) => vm.ret1(Value::Nil),
        Err(e) => Err(pattern_error(vm, e)),
    }
}

fn find(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    find_or_match(vm, true)
}

fn match_(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    find_or_match(vm, false)
}

fn gmatch(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let p = vm.check_str(1)?;
    let sv = vm.new_string(&s)?;
    let pv = vm.new_string(&p)?;
    let f = vm.new_native_with("gmatch_aux", gmatch_aux, vec![sv, pv, Value::Number(0.0)]);
    vm.ret1(f)
}

fn gmatch_aux(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let closure = vm.th.frames.last().expect("native frame").closure;
    let (s, p, pos) = match vm.heap.function(closure) {
        Function::Native(n) => (n.upvalues[0], n.upvalues[1], n.upvalues[2]),
        Function::Lua(_) => unreachable!("gmatch_aux is native"),
    };
    let (Some(s), Some(p), Value::Number(pos)) = (vm.bytes_of(s), vm.bytes_of(p), pos) else {
        unreachable!("gmatch state")
    };
    let mut pos = pos as usize;
    let pat = Pattern::new(&p);
    let m = pattern::gmatch_next(&pat, &s, &mut pos).map_err(|e| pattern_error(vm, e))?;
    if let Function::Native(n) = vm.heap.functions.get_mut(closure.0) {
        n.upvalues[2] = Value::Number(pos as f64);
    }
    match m {
        Some(m) => push_captures(vm, &s, &m, true),
        None => Ok(0),
    }
}

/// Error type threaded through `pattern::gsub` so replacement callbacks can fail with Lua errors.
enum GsubError {
    Pattern(PatternError),
    Lua(Box<LuaError>),
}

impl From<PatternError> for GsubError {
    fn from(e: PatternError) -> Self {
        GsubError::Pattern(e)
    }
}

fn gsub(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let s = vm.check_str(0)?;
    let p = vm.check_str(1)?;
    let repl = vm.arg(2);
    let repl_string: Option<Rc<[u8]>> = match repl {
        Value::String(_) | Value::Number(_) => Some(vm.check_str(2)?),
        Value::Table(_) | Value::Function(_) => None,
        _ => return Err(vm.arg_error(2, "string/function/table expected")),
    };
    let max = match vm.arg(3) {
        Value::Nil => None,
        _ => Some(vm.check_int(3)?.max(0) as usize),
    };
    let result = pattern::gsub(
        &s,
        &p,
        max,
        |m: &Match, subject: &[u8], out: &mut Vec<u8>| -> Result<(), GsubError> {
            if let Some(r) = &repl_string {
                return pattern::expand_replacement(r, subject, m, out).map_err(GsubError::Pattern);
            }
            let first = match m.captures.first() {
                Some(c) => capture_value(vm, subject, c),
                None => vm.new_string(&subject[m.start..m.end]),
            }
            .map_err(GsubError::Lua)?;
            let v = match repl {
                Value::Table(_) => vm.index(repl, first).map_err(GsubError::Lua)?,
                _ => {
                    let mut args = Vec::with_capacity(m.captures.len().max(1));
                    if m.captures.is_empty() {
                        args.push(first);
                    } else {
                        for c in &m.captures {
                            args.push(capture_value(vm, subject, c).map_err(GsubError::Lua)?);
                        }
                    }
                    vm.call1(repl, &args).map_err(GsubError::Lua)?
                }
            };
            match v {
                Value::Nil | Value::Boolean(false) => {
                    out.extend_from_slice(&subject[m.start..m.end])
                }
                Value::String(_) | Value::Number(_) => {
                    let text = vm.to_text(v).unwrap_or_default();
                    out.extend_from_slice(&text);
                }
                other => {
                    let msg = format!("invalid replacement value (a {})", other.type_name());
                    return Err(GsubError::Lua(vm.rt_error(&msg)));
                }
            }
            Ok(())
        },
    );
    match result {
        Ok((out, n)) => {
            let v = vm.new_string(&out)?;
            vm.push(v);
            vm.push(Value::Number(n as f64));
            Ok(2)
        }
        Err(GsubError::Pattern(e)) => Err(pattern_error(vm, e)),
        Err(GsubError::Lua(e)) => Err(e),
    }
}

struct LuaFormatArgs<'a> {
    vm: &'a mut Vm,
}

/// A `string.format` failure: a bad format string, or a bad argument.
enum FormatFailure {
    Format(FormatError),
    Lua(Box<LuaError>),
}

impl From<FormatError> for FormatFailure {
    fn from(e: FormatError) -> Self {
        FormatFailure::Format(e)
    }
}

impl FormatArgs for LuaFormatArgs<'_> {
    type Error = FormatFailure;

    fn number(&mut self, arg: usize) -> Result<f64, Self::Error> {
        // A missing argument is "value expected" in LuaJIT's format, not "number expected".
        self.vm.check_any(arg - 1).map_err(FormatFailure::Lua)?;
        self.vm.check_number(arg - 1).map_err(FormatFailure::Lua)
    }

    fn string(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error> {
        let v = self.vm.check_any(arg - 1).map_err(FormatFailure::Lua)?;
        let s = self.vm.tostring(v).map_err(FormatFailure::Lua)?;
        Ok(self.vm.to_text(s).unwrap_or_default())
    }

    fn quoted(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error> {
        // LuaJIT 2.1 quotes the `tostring` text of any value.
        self.string(arg)
    }

    fn pointer(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error> {
        // `%p`: the identity the VM shows for the value (never a machine address).
        let v = self.vm.check_any(arg - 1).map_err(FormatFailure::Lua)?;
        let mut out = Vec::new();
        match v {
            Value::Table(_) | Value::Function(_) | Value::Userdata(_) | Value::Thread(_) => {
                self.vm.tostring_basic(v, &mut out);
                let at = out.iter().position(|&b| b == b' ').map_or(0, |p| p + 1);
                out.drain(..at);
            }
            _ => out.extend_from_slice(b"NULL"),
        }
        Ok(out)
    }
}

fn format_(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let fmt = vm.check_str(0)?;
    match format(&fmt, &mut LuaFormatArgs { vm }) {
        Ok(out) => {
            let v = vm.new_string(&out)?;
            vm.ret1(v)
        }
        Err(FormatFailure::Format(e)) => Err(vm.rt_error(&e.to_string())),
        Err(FormatFailure::Lua(e)) => Err(e),
    }
}
