//! The interpreter: VM state, calls and returns, the dispatch loop, metamethods, coroutines and
//! the garbage collector's roots.
//!
//! Lua-to-Lua calls, `pcall`/`xpcall` and coroutine yields never recurse on the Rust stack: the
//! dispatch loop pushes frames on the thread's frame list. Only metamethods and natives that call
//! back into Lua (e.g. a `table.sort` comparator) nest, bounded by [`MAX_NESTED_CALLS`].

mod api;
mod arith;
mod call;
pub mod collector;
pub mod coroutine;
mod error;
mod exec;
pub mod hook;
mod meta;
pub use meta::MAX_STRING_LENGTH;
mod registers;
pub mod thread;

pub use error::{current_line, describe_register, LuaError, LuaResult};
pub use meta::MetaNames;

use crate::determinism::{Clock, Seed, Stream};
use crate::heap::{Function, Heap, NativeClosure, NativeFn, Special};
use crate::value::{StrRef, TableRef, ThreadRef, Value};
use std::io::Write;
use thread::{CoStatus, Coroutine, ThreadState};

/// The per-type metatables of the types whose values have none of their own.
#[derive(Default, Debug, Clone, Copy)]
pub struct TypeMetatables {
    pub nil: Option<TableRef>,
    pub boolean: Option<TableRef>,
    pub number: Option<TableRef>,
    pub function: Option<TableRef>,
    pub thread: Option<TableRef>,
}

impl TypeMetatables {
    /// The slot of `v`'s type; None for types whose values carry their own (tables, userdata)
    /// and for strings (`Vm::string_meta`).
    pub fn slot(&mut self, v: Value) -> Option<&mut Option<TableRef>> {
        match v {
            Value::Nil => Some(&mut self.nil),
            Value::Boolean(_) => Some(&mut self.boolean),
            Value::Number(_) => Some(&mut self.number),
            Value::Function(_) => Some(&mut self.function),
            Value::Thread(_) => Some(&mut self.thread),
            Value::String(_) | Value::Table(_) | Value::Userdata(_) => None,
        }
    }

    pub(crate) fn all(&self) -> [Option<TableRef>; 5] {
        [
            self.nil,
            self.boolean,
            self.number,
            self.function,
            self.thread,
        ]
    }
}

/// Nested interpreter entries (metamethods, natives calling Lua) before "C stack overflow".
pub const MAX_NESTED_CALLS: usize = 190;
/// Stack slots one thread may use before "stack overflow".
pub const MAX_STACK_SLOTS: usize = 1_000_000;
/// Call frames one thread may hold before "stack overflow" (LuaJIT allows about as many).
pub const MAX_FRAMES: usize = 32_768;

/// How the VM was asked to behave.
#[derive(Clone, Debug)]
pub struct VmOptions {
    pub seed: Seed,
    /// Virtual clocks (`--deterministic`).
    pub deterministic: bool,
    /// Bytes of heap before "not enough memory" (0 = unlimited).
    pub max_memory: usize,
}

pub struct Vm {
    pub heap: Heap,
    /// State of the running thread (swapped with a coroutine's on resume/yield).
    pub th: ThreadState,
    pub current: ThreadRef,
    pub main_thread: ThreadRef,
    /// Threads that resumed the running one, innermost last.
    pub resumers: Vec<ThreadRef>,
    pub globals: TableRef,
    pub registry: TableRef,
    pub string_meta: Option<TableRef>,
    /// Metatables `debug.setmetatable` gives the other types without their own: nil, booleans,
    /// numbers, functions, threads (each type shares one, as in Lua).
    pub type_meta: TypeMetatables,
    pub names: MetaNames,
    pub options: VmOptions,
    pub clock: Clock,
    /// Calls and loop iterations executed: the virtual clock's ticks.
    pub ticks: u64,
    /// Nested interpreter entries across all threads.
    pub nested_calls: usize,
    /// Values natives hold across calls back into Lua, kept alive for the collector.
    pub temp_roots: Vec<Value>,
    pub stdout: std::io::BufWriter<std::io::Stdout>,
    /// Userdata whose `__gc` must run at the next safe point.
    pub pending_finalizers: Vec<Value>,
    pub math_random: crate::stdlib::math::RandomState,
    /// The trace compiler (hot counters, traces, dumps).
    pub jit: Box<crate::jit::Jit>,
    /// Frames a thread may hold: raised while an error handler runs, so a handler can still
    /// run after a stack overflow (Lua's extra stack for error handling).
    pub(crate) frame_limit: usize,
    /// The next native call is a tail call: it has no Lua caller frame.
    pub(crate) detach_next_native: bool,
    /// `debug.sethook`'s hook.
    pub hooks: hook::Hooks,
}

impl Vm {
    pub fn new(options: VmOptions) -> Vm {
        let mut hash_stream = options.seed.stream(Stream::Hash);
        let string_seed = rand_core::RngCore::next_u64(&mut hash_stream);
        let identity_seed = rand_core::RngCore::next_u64(&mut hash_stream);
        let mut heap = Heap::new(string_seed, identity_seed);
        heap.max_memory = options.max_memory;
        if options.max_memory > 0 {
            heap.threshold = heap.threshold.min(options.max_memory);
        }
        let main_thread = heap.new_thread(Coroutine {
            state: ThreadState::default(),
            status: CoStatus::Running,
            fresh: false,
        });
        let globals = heap.new_table(0, 64);
        let registry = heap.new_table(0, 8);
        let names = MetaNames::new(&mut heap);
        let math_seed = options.seed.draw(Stream::Math);
        let mut vm = Vm {
            heap,
            th: ThreadState::new(),
            current: main_thread,
            main_thread,
            resumers: Vec::new(),
            globals,
            registry,
            string_meta: None,
            type_meta: TypeMetatables::default(),
            names,
            clock: Clock::new(options.deterministic),
            options,
            ticks: 0,
            nested_calls: 0,
            temp_roots: Vec::new(),
            stdout: std::io::BufWriter::with_capacity(1 << 16, std::io::stdout()),
            pending_finalizers: Vec::new(),
            math_random: crate::stdlib::math::RandomState::from_seed_bits(math_seed),
            jit: Box::default(),
            detach_next_native: false,
            frame_limit: MAX_FRAMES,
            hooks: hook::Hooks::default(),
        };
        vm.jit.seed = vm.options.seed;
        crate::stdlib::open_all(&mut vm);
        vm
    }

    pub fn new_native(&mut self, name: &'static str, f: NativeFn) -> Value {
        self.new_native_with(name, f, Vec::new())
    }

    pub fn new_native_with(
        &mut self,
        name: &'static str,
        f: NativeFn,
        upvalues: Vec<Value>,
    ) -> Value {
        self.new_native_special(name, f, upvalues, Special::None)
    }

    pub fn new_native_special(
        &mut self,
        name: &'static str,
        f: NativeFn,
        upvalues: Vec<Value>,
        special: Special,
    ) -> Value {
        let env = self.globals;
        let native = NativeClosure {
            f,
            name,
            special,
            upvalues,
            env,
        };
        Value::Function(self.heap.new_function(Function::Native(native)))
    }

    pub fn intern(&mut self, s: &[u8]) -> StrRef {
        self.heap.intern(s)
    }

    pub fn str_value(&mut self, s: &[u8]) -> Value {
        Value::String(self.heap.intern(s))
    }

    /// A new string value, checked against the memory limit first.
    pub fn new_string(&mut self, s: &[u8]) -> LuaResult<Value> {
        self.check_memory(s.len())?;
        Ok(Value::String(self.heap.intern(s)))
    }

    pub fn check_memory(&mut self, extra: usize) -> LuaResult<()> {
        let limit = self.heap.max_memory;
        if (limit > 0 && self.heap.allocated + extra > limit) || extra > (1usize << 40) {
            return Err(LuaError::new(self.str_value(b"not enough memory")));
        }
        Ok(())
    }

    /// The globals of the running thread: its own after `setfenv(0, t)` in a coroutine, else
    /// the state's.
    pub fn thread_env(&self) -> TableRef {
        self.th.env.unwrap_or(self.globals)
    }

    pub fn get_global(&mut self, name: &str) -> Value {
        let k = self.str_value(name.as_bytes());
        self.heap.table(self.globals).get(k)
    }

    pub fn set_global(&mut self, name: &str, v: Value) {
        let k = self.str_value(name.as_bytes());
        let g = self.globals;
        let _ = self.heap.table_mut(g).set(k, v);
    }

    /// Sets `t[name] = v` with a string key (raw).
    pub fn set_field(&mut self, t: TableRef, name: &str, v: Value) {
        let k = self.str_value(name.as_bytes());
        let _ = self.heap.table_mut(t).set(k, v);
    }

    /// A runtime error carrying `msg` prefixed with the position of the Lua code `level` frames
    /// down (as `luaL_error` / `error(msg, level)`).
    pub fn error_at(&mut self, level: usize, msg: &str) -> Box<LuaError> {
        let text = format!("{}{}", self.where_(level), msg);
        LuaError::new(self.str_value(text.as_bytes()))
    }

    /// An error raised from inside a native function: positioned at its Lua caller.
    pub fn rt_error(&mut self, msg: &str) -> Box<LuaError> {
        self.error_at(1, msg)
    }

    pub fn flush_stdout(&mut self) {
        let _ = self.stdout.flush();
    }
}

#[cfg(test)]
mod tests;
