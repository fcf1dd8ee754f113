//! The garbage collector: precise mark and sweep over the heap arenas, paced by allocation
//! volume only (never by time), so collections — and the handle numbers they free for reuse —
//! happen at the same points in every run with the same seed. Weak tables (`__mode`) are
//! cleared after marking; unreachable userdata with `__gc` are resurrected once and finalized at
//! the next safe point.

use super::thread::ThreadState;
use super::{LuaResult, Vm};
use crate::bytecode::Proto;
use crate::heap::{Function, Upval};
use crate::value::Value;
use std::collections::HashSet;

struct Marker {
    gray: Vec<Value>,
    protos_seen: HashSet<u32>,
    weak_tables: Vec<(crate::value::TableRef, bool, bool)>,
    /// Open upvalues of marked threads (their values are the threads' stack slots).
    open_upvals: Vec<crate::value::UpvalRef>,
}

impl Vm {
    /// A full collection.
    pub fn collect_garbage(&mut self) {
        let mut m = Marker {
            gray: Vec::new(),
            protos_seen: HashSet::new(),
            weak_tables: Vec::new(),
            open_upvals: Vec::new(),
        };
        // Clear dead slots above the live part of the running thread's stack.
        let top = self.safe_top().min(self.th.stack.len());
        for v in &mut self.th.stack[top..] {
            *v = Value::Nil;
        }
        self.mark_roots(&mut m);
        self.propagate(&mut m);
        // Userdata with __gc that became unreachable: resurrect and queue them.
        let mut to_finalize = self.unfinalized_userdata();
        to_finalize.retain(|&i| !self.heap.userdata.is_marked(i));
        for i in to_finalize {
            self.heap.userdata.get_mut(i).finalized = true;
            let v = Value::Userdata(crate::value::UserdataRef(i));
            self.pending_finalizers.push(v);
            m.gray.push(v);
        }
        self.propagate(&mut m);
        for uv in std::mem::take(&mut m.open_upvals) {
            self.heap.upvals.mark(uv.0);
        }
        self.clear_weak(&m);
        self.jit_drop_traces_naming_garbage();
        self.sweep();
    }

    /// Traces are no GC roots (that would keep objects alive the interpreter frees, changing
    /// what `collectgarbage("count")` says), so a trace naming an object about to be freed is
    /// dropped with all others before its handle can be reused.
    fn jit_drop_traces_naming_garbage(&mut self) {
        let heap = &self.heap;
        let dead = |v: &Value| match *v {
            Value::String(s) => !heap.strings.is_marked(s.index),
            Value::Table(t) => !heap.tables.is_marked(t.0),
            Value::Function(f) => !heap.functions.is_marked(f.0),
            Value::Userdata(u) => !heap.userdata.is_marked(u.0),
            Value::Thread(t) => !heap.threads.is_marked(t.0),
            _ => false,
        };
        if self.jit.traces.iter().any(|t| t.heap_refs.iter().any(dead)) {
            self.jit.flush();
        }
    }

    fn mark_roots(&mut self, m: &mut Marker) {
        m.gray.push(Value::Table(self.globals));
        m.gray.push(Value::Table(self.registry));
        for t in std::iter::once(self.string_meta)
            .chain(self.type_meta.all())
            .flatten()
        {
            m.gray.push(Value::Table(t));
        }
        m.gray.extend(self.temp_roots.iter().copied());
        m.gray.extend(self.pending_finalizers.iter().copied());
        if is_collectable(self.hooks.function) {
            m.gray.push(self.hooks.function);
        }
        let names = &self.names;
        for s in [
            names.index,
            names.newindex,
            names.gc,
            names.mode,
            names.eq,
            names.add,
            names.sub,
            names.mul,
            names.div,
            names.mod_,
            names.pow,
            names.unm,
            names.len,
            names.lt,
            names.le,
            names.concat,
            names.call,
            names.tostring,
            names.metatable,
            names.n,
        ] {
            m.gray.push(Value::String(s));
        }
        m.gray.push(Value::Thread(self.current));
        m.gray.push(Value::Thread(self.main_thread));
        for t in &self.resumers {
            m.gray.push(Value::Thread(*t));
        }
        mark_thread_state(&self.th, m);
    }

    fn propagate(&mut self, m: &mut Marker) {
        while let Some(v) = m.gray.pop() {
            match v {
                Value::String(s) => {
                    self.heap.strings.mark(s.index);
                }
                Value::Table(t) => {
                    if !self.heap.tables.mark(t.0) {
                        continue;
                    }
                    let table = self.heap.tables.get(t.0);
                    let (mut weak_k, mut weak_v) = (false, false);
                    if let Some(mt) = table.metatable {
                        m.gray.push(Value::Table(mt));
                        if let Value::String(mode) =
                            self.heap.table(mt).get_str(Value::String(self.names.mode))
                        {
                            let mode = self.heap.str_bytes(mode);
                            weak_k = mode.contains(&b'k');
                            weak_v = mode.contains(&b'v');
                        }
                    }
                    if weak_k || weak_v {
                        m.weak_tables.push((t, weak_k, weak_v));
                    }
                    table.for_each(|k, v| {
                        if !weak_k || !is_collectable(k) {
                            m.gray.push(k);
                        }
                        if !weak_v || !is_collectable(v) {
                            m.gray.push(v);
                        }
                    });
                }
                Value::Function(f) => {
                    if !self.heap.functions.mark(f.0) {
                        continue;
                    }
                    match self.heap.functions.get(f.0) {
                        Function::Lua(cl) => {
                            m.gray.push(Value::Table(cl.env));
                            mark_proto(&cl.proto, m);
                            for uv in &cl.upvalues {
                                if self.heap.upvals.mark(uv.0) {
                                    match *self.heap.upvals.get(uv.0) {
                                        Upval::Closed(v) => m.gray.push(v),
                                        Upval::Open { thread, .. } => {
                                            m.gray.push(Value::Thread(thread))
                                        }
                                    }
                                }
                            }
                        }
                        Function::Native(n) => {
                            m.gray.push(Value::Table(n.env));
                            m.gray.extend(n.upvalues.iter().copied());
                        }
                    }
                }
                Value::Userdata(u) => {
                    if !self.heap.userdata.mark(u.0) {
                        continue;
                    }
                    let ud = self.heap.userdata.get(u.0);
                    if let Some(mt) = ud.metatable {
                        m.gray.push(Value::Table(mt));
                    }
                    if let Some(env) = ud.env {
                        m.gray.push(Value::Table(env));
                    }
                }
                Value::Thread(t) => {
                    if !self.heap.threads.mark(t.0) {
                        continue;
                    }
                    mark_thread_state(&self.heap.threads.get(t.0).state, m);
                }
                Value::Nil | Value::Boolean(_) | Value::Number(_) => {}
            }
        }
    }

    fn clear_weak(&mut self, m: &Marker) {
        for &(t, weak_k, weak_v) in &m.weak_tables {
            let heap = &self.heap;
            let dead = |v: Value| match v {
                Value::Table(h) => !heap.tables.is_marked(h.0),
                Value::Function(h) => !heap.functions.is_marked(h.0),
                Value::Userdata(h) => !heap.userdata.is_marked(h.0),
                Value::Thread(h) => !heap.threads.is_marked(h.0),
                _ => false,
            };
            // A userdata queued for finalization is kept alive for its `__gc`, but weak values
            // forget it first (weak keys keep it), as in Lua 5.1 and LuaJIT.
            let finalized = |v: Value| match v {
                Value::Userdata(h) => heap.userdata.get(h.0).finalized,
                _ => false,
            };
            let mut doomed = Vec::new();
            heap.tables.get(t.0).for_each(|k, v| {
                if (weak_k && dead(k)) || (weak_v && (dead(v) || finalized(v))) {
                    doomed.push(k);
                }
            });
            let table = self.heap.tables.get_mut(t.0);
            for k in doomed {
                let _ = table.set(k, Value::Nil);
            }
        }
    }

    fn sweep(&mut self) {
        self.heap.sweep_strings();
        self.heap.tables.sweep(|_, _| {});
        self.heap.functions.sweep(|_, _| {});
        self.heap.upvals.sweep(|_, _| {});
        self.heap.userdata.sweep(|_, _| {});
        self.heap.threads.sweep(|_, _| {});
        let mut bytes: usize = 0;
        for (_, s) in self.heap.strings.iter() {
            bytes += 32 + s.bytes.len();
        }
        for (_, t) in self.heap.tables.iter() {
            bytes += t.byte_size();
        }
        bytes += self.heap.functions.len() * 64
            + self.heap.upvals.len() * 32
            + self.heap.userdata.len() * 64;
        for (_, t) in self.heap.threads.iter() {
            bytes += 256 + t.state.stack.len() * 16;
        }
        self.heap.allocated = bytes;
        self.heap.threshold = self
            .heap
            .pacing
            .threshold_after(bytes, self.heap.max_memory);
    }

    /// Runs queued `__gc` metamethods (errors in finalizers propagate, as in LuaJIT).
    pub fn run_finalizers(&mut self) -> LuaResult<()> {
        while let Some(u) = self.pending_finalizers.pop() {
            let tm = self.metamethod(u, self.names.gc);
            if !tm.is_nil() {
                self.call_n(tm, &[u], 0)?;
            }
        }
        Ok(())
    }

    /// Closing the state (program exit): every userdata whose `__gc` has not run yet is
    /// finalized, most recently created first, as `lua_close` does; userdata those finalizers
    /// create are finalized in further rounds, at most ten as in LuaJIT. Errors are ignored.
    pub fn close(&mut self) {
        if self.jit.stats {
            self.flush_stdout();
            eprintln!("{}", self.jit.stats_line());
        }
        for _round in 0..10 {
            let pending = self.unfinalized_userdata();
            if pending.is_empty() {
                break;
            }
            for i in pending.into_iter().rev() {
                self.heap.userdata.get_mut(i).finalized = true;
                let u = Value::Userdata(crate::value::UserdataRef(i));
                let tm = self.metamethod(u, self.names.gc);
                let _ = self.call_n(tm, &[u], 0);
            }
            let _ = self.run_finalizers();
        }
        self.flush_stdout();
    }

    /// Userdata with a `__gc` metamethod that has not run, oldest first.
    fn unfinalized_userdata(&self) -> Vec<u32> {
        let gc_name = Value::String(self.names.gc);
        self.heap
            .userdata
            .iter()
            .filter(|(_, u)| {
                !u.finalized
                    && u.metatable
                        .is_some_and(|mt| !self.heap.table(mt).get_str(gc_name).is_nil())
            })
            .map(|(i, _)| i)
            .collect()
    }

    /// `collectgarbage("count")`: kilobytes in use.
    pub fn memory_kb(&self) -> f64 {
        self.heap.allocated as f64 / 1024.0
    }
}

fn is_collectable(v: Value) -> bool {
    matches!(
        v,
        Value::Table(_) | Value::Function(_) | Value::Userdata(_) | Value::Thread(_)
    )
}

fn mark_thread_state(th: &ThreadState, m: &mut Marker) {
    let top = th.stack.len();
    m.gray.extend(
        th.stack[..top]
            .iter()
            .copied()
            .filter(|v| !matches!(v, Value::Nil | Value::Number(_) | Value::Boolean(_))),
    );
    m.open_upvals
        .extend(th.open_upvals.iter().map(|&(_, uv)| uv));
    if let Some(env) = th.env {
        m.gray.push(Value::Table(env));
    }
    for f in th.frames.iter() {
        m.gray.push(Value::Function(f.closure));
        if let Some(p) = &f.proto {
            mark_proto(p, m);
        }
    }
}

fn mark_proto(p: &Proto, m: &mut Marker) {
    if !m.protos_seen.insert(p.id) {
        return;
    }
    m.gray.extend(p.constants.iter().copied());
    for child in &p.protos {
        mark_proto(child, m);
    }
}
