//! Execution state of one Lua thread (the main thread or a coroutine): its contiguous value
//! stack, its call frames and its open upvalues. Frames address registers relative to a base
//! slot, as LuaJIT's BASE, so the stack may grow (and move) freely.

use crate::bytecode::Proto;
use crate::value::{FuncRef, TableRef, UpvalRef, Value};
use std::rc::Rc;

/// How a frame's results are delivered when it returns.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FrameKind {
    /// An ordinary call.
    Normal,
    /// The function called by `pcall`: its results get `true` prepended in slot `func - 1`.
    Pcall,
    /// The function called by `xpcall`: like `Pcall`; the handler waits in slot `func - 1`.
    Xpcall,
    /// A metamethod the dispatch loop called for an instruction of the frame below: its first
    /// result completes that instruction (LuaJIT's continuation frames), so metamethods run in
    /// the loop and may yield.
    Continuation(Continuation),
}

impl FrameKind {
    /// Frames that catch errors (pcall/xpcall).
    #[inline]
    pub fn is_protected(self) -> bool {
        matches!(self, FrameKind::Pcall | FrameKind::Xpcall)
    }
}

/// What a metamethod's result does to the instruction that called it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Continuation {
    /// Store it in a register of the caller (index, arithmetic, length, concatenation).
    Store(u8),
    /// Ignore it (`__newindex`).
    Discard,
    /// Decide the comparison's jump: taken when `truthy(result) != negate` equals `jump_if`.
    Jump { jump_if: bool, negate: bool },
    /// `__concat` of registers `last` and `last + 1`: store the result in `last`, then finish
    /// concatenating registers `first..=last` into `dest`.
    Concat { dest: u8, first: u8, last: u8 },
}

#[derive(Clone, Debug)]
pub struct Frame {
    /// Stack slot of the called function; results are written from here.
    pub func: usize,
    /// First register.
    pub base: usize,
    /// Next instruction (Lua frames).
    pub pc: usize,
    pub closure: FuncRef,
    /// `None` for native functions.
    pub proto: Option<Rc<Proto>>,
    /// Results the caller wants (-1: all).
    pub nresults: i32,
    /// Number of extra arguments held below `base` for `...`.
    pub num_varargs: usize,
    pub kind: FrameKind,
    /// Tail calls this frame replaced (for tracebacks).
    pub tail_calls: u32,
    /// Called directly by `pcall`/`xpcall`: a C frame sits between this frame and the one below
    /// when Lua counts levels (`error(msg, 2)`, argument error names).
    pub via_pcall: bool,
}

/// The call frames of a thread. Slots above the current depth keep their last contents, so a
/// call writes a new frame in place (no temporary copied in) and a recursive call finds its
/// prototype already in the slot. It reads like a slice of the live frames.
#[derive(Default)]
pub struct FrameStack {
    slots: Vec<Frame>,
    depth: usize,
}

impl std::ops::Deref for FrameStack {
    type Target = [Frame];
    fn deref(&self) -> &[Frame] {
        &self.slots[..self.depth]
    }
}

impl std::ops::DerefMut for FrameStack {
    fn deref_mut(&mut self) -> &mut [Frame] {
        &mut self.slots[..self.depth]
    }
}

impl FrameStack {
    pub fn push(&mut self, frame: Frame) {
        if self.depth < self.slots.len() {
            self.slots[self.depth] = frame;
        } else {
            self.slots.push(frame);
        }
        self.depth += 1;
    }

    /// Pushes an ordinary Lua frame, writing its fields in place.
    #[inline(always)]
    pub fn push_lua(
        &mut self,
        func: usize,
        base: usize,
        closure: FuncRef,
        proto: &Rc<Proto>,
        nresults: i32,
    ) {
        if self.depth < self.slots.len() {
            let f = &mut self.slots[self.depth];
            f.func = func;
            f.base = base;
            f.pc = 0;
            f.closure = closure;
            match &f.proto {
                Some(p) if Rc::ptr_eq(p, proto) => {}
                _ => f.proto = Some(proto.clone()),
            }
            f.nresults = nresults;
            f.num_varargs = 0;
            f.kind = FrameKind::Normal;
            f.tail_calls = 0;
            f.via_pcall = false;
        } else {
            self.slots.push(Frame {
                func,
                base,
                pc: 0,
                closure,
                proto: Some(proto.clone()),
                nresults,
                num_varargs: 0,
                kind: FrameKind::Normal,
                tail_calls: 0,
                via_pcall: false,
            });
        }
        self.depth += 1;
    }

    /// Pushes a native function's frame, writing its fields in place.
    #[inline]
    pub fn push_native(
        &mut self,
        func: usize,
        closure: FuncRef,
        nresults: i32,
        nargs: usize,
        via_pcall: bool,
    ) {
        if self.depth < self.slots.len() {
            let f = &mut self.slots[self.depth];
            f.func = func;
            f.base = func + 1;
            f.pc = 0;
            f.closure = closure;
            f.proto = None;
            f.nresults = nresults;
            f.num_varargs = nargs;
            f.kind = FrameKind::Normal;
            f.tail_calls = 0;
            f.via_pcall = via_pcall;
        } else {
            self.slots.push(Frame {
                func,
                base: func + 1,
                pc: 0,
                closure,
                proto: None,
                nresults,
                num_varargs: nargs,
                kind: FrameKind::Normal,
                tail_calls: 0,
                via_pcall,
            });
        }
        self.depth += 1;
    }

    /// Removes the top frame and returns a copy of it.
    pub fn pop(&mut self) -> Option<Frame> {
        if self.depth == 0 {
            return None;
        }
        self.depth -= 1;
        Some(self.slots[self.depth].clone())
    }

    /// Removes the top frame without copying it.
    #[inline]
    pub fn drop_top(&mut self) {
        self.depth -= 1;
    }

    pub fn truncate(&mut self, len: usize) {
        self.depth = self.depth.min(len);
    }
}

#[derive(Default)]
pub struct ThreadState {
    pub stack: Vec<Value>,
    /// End of the live values for variable-count operations (multiple results, varargs,
    /// native arguments).
    pub top: usize,
    pub frames: FrameStack,
    /// Open upvalues, sorted by stack slot.
    pub open_upvals: Vec<(usize, UpvalRef)>,
    /// Protected frames (pcall/xpcall) currently on `frames`.
    pub protected: usize,
    /// While suspended in `coroutine.yield`: where the resume values go.
    pub yield_results: Option<YieldTarget>,
    /// Nested interpreter entries (metamethods and natives calling back into Lua) on this thread;
    /// a yield is only possible when this is zero.
    pub nested: usize,
    /// Frame index and pc of the last instruction the line hook saw on this thread (None: a
    /// frame was entered since, so the next instruction reports its line).
    pub hook_last: Option<(usize, usize)>,
    /// The coroutine's own globals (`setfenv(0, t)` in it); None: the state's. Chunks `load`
    /// compiles in the thread get it as their environment, as in Lua 5.1.
    pub env: Option<TableRef>,
}

/// Where the values passed to `coroutine.resume` land in a suspended coroutine.
#[derive(Clone, Copy, Debug)]
pub struct YieldTarget {
    pub slot: usize,
    /// Results the yielding call wanted (-1: all).
    pub wanted: i32,
    /// The yield was called by `pcall` itself: its results get `true` prepended.
    pub through_pcall: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CoStatus {
    /// Created or yielded: can be resumed.
    Suspended,
    Running,
    /// Resumed another coroutine and waits for it.
    Normal,
    Dead,
}

/// A coroutine object: its saved state while it is not the running thread.
pub struct Coroutine {
    pub state: ThreadState,
    pub status: CoStatus,
    /// Not yet started: the function to call on first resume (also kept in stack slot 0).
    pub fresh: bool,
}

impl ThreadState {
    pub fn new() -> ThreadState {
        ThreadState {
            stack: vec![Value::Nil; 64],
            ..Default::default()
        }
    }
}
