//! `debug.getlocal` and `debug.setlocal`, and finding a frame by level on the running thread or
//! on a suspended coroutine (`debug.getinfo`, `debug.traceback` with a thread use it too).
//!
//! Levels count as LuaJIT counts them: on the running thread level 0 is the debug function
//! itself, 1 its caller; on another thread level 1 is its innermost Lua frame. Locals are the
//! variables active at the frame's current instruction, then `(*temporary)` for the other
//! slots in use; negative numbers are the frame's varargs, `(*vararg)`.

use crate::heap::Function;
use crate::value::{ThreadRef, Value};
use crate::vm::thread::ThreadState;
use crate::vm::{LuaResult, Vm};

/// A level of some thread: `thread` None is the running one. Most levels are frame `index`;
/// LuaJIT also counts C levels this runtime keeps no frame for: the `pcall`/`xpcall` that
/// called frame `index` (`c_level` "pcall"/"xpcall"), and the C entry below the main chunk
/// (`c_level` "").
#[derive(Clone, Copy)]
pub struct FrameAt {
    pub thread: Option<ThreadRef>,
    pub index: usize,
    pub c_level: Option<&'static str>,
}

/// The optional thread argument of a debug function: the thread (None when it is the running
/// one) and the index of the first argument after it.
pub fn thread_arg(vm: &Vm) -> (Option<ThreadRef>, usize) {
    match vm.arg(0) {
        Value::Thread(t) if t == vm.current => (None, 1),
        Value::Thread(t) => (Some(t), 1),
        _ => (None, 0),
    }
}

pub fn state(vm: &Vm, thread: Option<ThreadRef>) -> &ThreadState {
    match thread {
        None => &vm.th,
        Some(t) => &vm.heap.threads.get(t.0).state,
    }
}

fn state_mut(vm: &mut Vm, thread: Option<ThreadRef>) -> &mut ThreadState {
    match thread {
        None => &mut vm.th,
        Some(t) => &mut vm.heap.threads.get_mut(t.0).state,
    }
}

/// The frame `level` levels down, if there is one (a function `pcall` called is followed by
/// the C level of the `pcall`).
pub fn frame_at(vm: &Vm, thread: Option<ThreadRef>, level: i64) -> Option<FrameAt> {
    let frames = &state(vm, thread).frames;
    // A suspended thread's level 0 is the `yield` it waits in.
    let mut remaining = match thread {
        None => level,
        Some(_) => level - 1,
    };
    if remaining < 0 {
        return None;
    }
    for index in (0..frames.len()).rev() {
        let frame = &frames[index];
        if remaining == 0 {
            return Some(FrameAt {
                thread,
                index,
                c_level: None,
            });
        }
        remaining -= 1;
        if frame.via_pcall {
            if remaining == 0 {
                let protector = match frame.kind {
                    crate::vm::thread::FrameKind::Xpcall => "xpcall",
                    _ => "pcall",
                };
                return Some(FrameAt {
                    thread,
                    index,
                    c_level: Some(protector),
                });
            }
            remaining -= 1;
        }
    }
    // The main thread's chunk was called from C.
    (remaining == 0 && thread.is_none() && vm.current == vm.main_thread && !frames.is_empty())
        .then_some(FrameAt {
            thread,
            index: 0,
            c_level: Some(""),
        })
}

/// Name and stack slot of local `n` of a frame.
fn local_slot(vm: &Vm, at: FrameAt, n: i64) -> Option<(Vec<u8>, usize)> {
    if at.c_level.is_some() {
        return None;
    }
    let th = state(vm, at.thread);
    let frame = &th.frames[at.index];
    if n < 0 {
        let k = n.unsigned_abs() as usize;
        return (frame.proto.is_some() && k <= frame.num_varargs).then(|| {
            (
                b"(*vararg)".to_vec(),
                frame.base - frame.num_varargs + k - 1,
            )
        });
    }
    let n = usize::try_from(n).ok().filter(|&n| n >= 1)?;
    if let Some(p) = &frame.proto {
        let pc = frame.pc.saturating_sub(1);
        let active = p
            .locals
            .iter()
            .filter(|l| l.start_pc <= pc && pc < l.end_pc)
            .nth(n - 1);
        if let Some(local) = active {
            return Some((local.name.clone(), frame.base + local.reg as usize));
        }
    }
    // Other slots in use: up to the next frame's function, or the running thread's top (a
    // suspended thread's innermost frame shows only its variables, as in LuaJIT).
    let limit = match (th.frames.get(at.index + 1), at.thread) {
        (Some(next), _) => next.func,
        (None, None) => th.top,
        (None, Some(_)) => 0,
    };
    let slot = frame.base + n - 1;
    (slot < limit).then(|| (b"(*temporary)".to_vec(), slot))
}

/// `debug.getlocal([thread,] level, n)` and `debug.getlocal(f, n)` (a parameter's name).
pub fn getlocal(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let (thread, first) = thread_arg(vm);
    if let Value::Function(f) = vm.arg(first) {
        let n = vm.check_int(first + 1)?;
        let name = match vm.heap.function(f) {
            Function::Lua(cl) => {
                let p = &cl.proto;
                usize::try_from(n)
                    .ok()
                    .filter(|&n| n >= 1 && n <= p.num_params as usize)
                    .and_then(|n| p.locals.iter().filter(|l| l.start_pc == 0).nth(n - 1))
                    .map(|l| l.name.clone())
            }
            Function::Native(_) => None,
        };
        let name = match name {
            Some(name) => vm.new_string(&name)?,
            None => Value::Nil,
        };
        return vm.ret1(name);
    }
    if thread.is_some() && vm.check_int(first)? == 0 {
        // The `yield` a suspended coroutine waits in: a C function without locals here.
        return vm.ret1(Value::Nil);
    }
    let at = level_arg(vm, thread, first)?;
    let n = vm.check_int(first + 1)?;
    match local_slot(vm, at, n) {
        Some((name, slot)) => {
            let value = state(vm, thread).stack[slot];
            let name = vm.new_string(&name)?;
            vm.push(name);
            vm.push(value);
            Ok(2)
        }
        None => vm.ret1(Value::Nil),
    }
}

/// `debug.setlocal([thread,] level, n, value)`: the local's name, or nil when there is none.
pub fn setlocal(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let (thread, first) = thread_arg(vm);
    let at = level_arg(vm, thread, first)?;
    let n = vm.check_int(first + 1)?;
    let value = vm.check_any(first + 2)?;
    match local_slot(vm, at, n) {
        Some((name, slot)) => {
            state_mut(vm, thread).stack[slot] = value;
            let name = vm.new_string(&name)?;
            vm.ret1(name)
        }
        None => vm.ret1(Value::Nil),
    }
}

fn level_arg(vm: &mut Vm, thread: Option<ThreadRef>, i: usize) -> LuaResult<FrameAt> {
    let level = vm.check_int(i)?;
    match frame_at(vm, thread, level) {
        Some(at) => Ok(at),
        None => Err(vm.arg_error(i, "level out of range")),
    }
}
