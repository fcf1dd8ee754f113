//! Lua errors as they travel through Rust: the error value plus, for errors nobody catches, the
//! traceback taken where they were raised. Also the debug queries that give runtime errors
//! Lua's variable names (`local 'i'`, `global 'f'`, `field 'b'`, ...) and positions.

use super::thread::Frame;
use super::Vm;
use crate::bytecode::{Op, Proto, Rk, RK_CONSTANT};
use crate::heap::Function;
use crate::value::Value;

#[derive(Debug)]
pub struct LuaError {
    pub value: Value,
    pub traceback: Option<String>,
}

pub type LuaResult<T> = Result<T, Box<LuaError>>;

impl LuaError {
    pub fn new(value: Value) -> Box<LuaError> {
        Box::new(LuaError {
            value,
            traceback: None,
        })
    }
}

/// What a register held at a pc, for error messages: ("local", "i"), ("global", "f"), ...
pub fn describe_register(
    p: &Proto,
    vm: &Vm,
    last_pc: usize,
    reg: u8,
) -> Option<(&'static str, String)> {
    if let Some(name) = p.local_name(reg, last_pc) {
        if !name.starts_with(b"(") {
            return Some(("local", String::from_utf8_lossy(name).into_owned()));
        }
    }
    let set_pc = find_set_register(p, last_pc, reg)?;
    let const_name = |k: usize| match p.constants.get(k) {
        Some(Value::String(s)) => Some(String::from_utf8_lossy(vm.heap.str_bytes(*s)).into_owned()),
        _ => None,
    };
    let rk_name = |rk: Rk| {
        if rk >= RK_CONSTANT {
            const_name((rk - RK_CONSTANT) as usize)
        } else {
            None
        }
    };
    match p.code[set_pc] {
        Op::Move { a, b } if b < a => describe_register(p, vm, set_pc, b),
        Op::GetGlobal { k, .. } => Some(("global", const_name(k as usize)?)),
        Op::GetTable { c, .. } => Some(("field", rk_name(c)?)),
        Op::GetField { k, .. } => Some(("field", const_name(k as usize)?)),
        Op::GetUpval { b, .. } => Some((
            "upvalue",
            String::from_utf8_lossy(&p.upvalues.get(b as usize)?.name).into_owned(),
        )),
        Op::SelfOp { c, .. } => Some(("method", rk_name(c)?)),
        _ => None,
    }
}

/// The pc of the last instruction before `last_pc` that wrote `reg` on every path (Lua 5.2's
/// findsetreg).
fn find_set_register(p: &Proto, last_pc: usize, reg: u8) -> Option<usize> {
    let mut set = None;
    let mut jump_target = 0usize;
    for pc in 0..last_pc.min(p.code.len()) {
        let writes = match p.code[pc] {
            Op::LoadNil { a, b } => a <= reg && reg <= b,
            Op::TForCall { a, .. } => reg >= a + 3,
            Op::Call { a, .. } | Op::TailCall { a, .. } => reg >= a,
            Op::Jmp { offset, .. } => {
                let dest = (pc as i64 + 1 + offset as i64) as usize;
                if pc < dest && dest <= last_pc && dest > jump_target {
                    jump_target = dest;
                }
                false
            }
            Op::SelfOp { a, .. } => reg == a || reg == a + 1,
            op => op.destination() == Some(reg),
        };
        if writes {
            set = if pc < jump_target { None } else { Some(pc) };
        }
    }
    set
}

impl Vm {
    /// `chunk:line:` of the Lua function `level` frames down from the top (0 = top), or "" for
    /// native frames, as luaL_where.
    pub fn where_(&self, level: usize) -> String {
        let mut remaining = level;
        for f in self.th.frames.iter().rev() {
            if remaining == 0 {
                return match &f.proto {
                    Some(p) => format!("{}:{}: ", p.source, current_line(p, f)),
                    None => String::new(),
                };
            }
            remaining -= 1;
            if f.via_pcall {
                // The pcall that called this frame is a C function: no position.
                if remaining == 0 {
                    return String::new();
                }
                remaining -= 1;
            }
        }
        String::new()
    }

    /// Builds the `stack traceback:` text for the current thread.
    pub fn traceback(&self, skip_top: usize) -> String {
        let mut out = String::from("stack traceback:");
        let frames = &self.th.frames;
        let n = frames.len().saturating_sub(skip_top);
        let shown: Vec<usize> = if n > 22 {
            (0..10).map(|i| n - 1 - i).chain((0..11).rev()).collect()
        } else {
            (0..n).rev().collect()
        };
        let mut last = None;
        for i in shown {
            if let Some(prev) = last {
                if prev > i + 1 {
                    out.push_str("\n\t...");
                }
            }
            last = Some(i);
            let f = &frames[i];
            let caller = if i > 0 { Some(&frames[i - 1]) } else { None };
            out.push_str("\n\t");
            match &f.proto {
                Some(p) => {
                    out.push_str(&format!("{}:{}: ", p.source, current_line(p, f)));
                    // A function `pcall` called is unnamed: its caller is the C frame below.
                    let name = if f.via_pcall {
                        None
                    } else {
                        self.frame_name(caller, f)
                    };
                    if i == 0 && p.line_defined == 0 {
                        out.push_str("in main chunk");
                    } else {
                        match name {
                            Some((kind, name)) => out.push_str(&format!("in {kind} '{name}'")),
                            None if p.line_defined == 0 => out.push_str("in main chunk"),
                            None => out.push_str(&format!(
                                "in function <{}:{}>",
                                p.source, p.line_defined
                            )),
                        }
                    }
                }
                None => {
                    out.push_str("[C]: ");
                    match self.frame_name(caller, f) {
                        Some((_, name)) => out.push_str(&format!("in function '{name}'")),
                        None => out.push('?'),
                    }
                }
            }
            if f.tail_calls > 0 {
                out.push_str("\n\t(tail call): ?");
            }
            if f.via_pcall {
                let protector = match f.kind {
                    super::thread::FrameKind::Xpcall => "xpcall",
                    _ => "pcall",
                };
                out.push_str(&format!("\n\t[C]: in function '{protector}'"));
            }
        }
        out
    }

    /// How the caller named the function running in `f` (LuaJIT's wording).
    fn frame_name(&self, caller: Option<&Frame>, f: &Frame) -> Option<(&'static str, String)> {
        if let Function::Native(n) = self.heap.function(f.closure) {
            if f.proto.is_none() {
                return Some(("function", n.name.to_string()));
            }
        }
        let (kind, name) = self.call_site_name(caller?)?;
        let kind = match kind {
            "global" | "for iterator" => "function",
            k => k,
        };
        Some((kind, name))
    }

    /// How the Lua function of frame `caller` named the function it is calling (`global 'f'`,
    /// `method 'm'`, `for iterator`), from its current call instruction.
    pub fn call_site_name(&self, caller: &Frame) -> Option<(&'static str, String)> {
        let p = caller.proto.as_ref()?;
        let pc = caller.pc.checked_sub(1)?;
        match p.code.get(pc)? {
            Op::Call { a, .. } | Op::TailCall { a, .. } => describe_register(p, self, pc, *a),
            Op::TForCall { .. } => Some(("for iterator", "(for generator)".into())),
            _ => None,
        }
    }
}

pub fn current_line(p: &Proto, f: &Frame) -> u32 {
    let pc = f.pc.saturating_sub(1);
    p.lines.get(pc).copied().unwrap_or(p.line_defined)
}
