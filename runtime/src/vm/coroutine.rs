//! Coroutines: `resume` swaps the running thread's state with the coroutine's and runs the
//! dispatch loop on it until it returns, fails or yields; `yield` is a frame-level exit of that
//! loop (see `call.rs`), so yields work across `pcall` and any depth of Lua calls.

use super::call::Precall;
use super::exec::Exit;
use super::thread::{CoStatus, Coroutine, FrameKind, ThreadState};
use super::{LuaResult, Vm, MAX_NESTED_CALLS};
use crate::value::{ThreadRef, Value};

/// Outcome of a resume, as `coroutine.resume` reports it.
pub enum Resumed {
    Ok(Vec<Value>),
    Err(Value),
}

impl Vm {
    pub fn new_coroutine(&mut self, f: Value) -> ThreadRef {
        let mut state = ThreadState::new();
        // A new coroutine shares its creator's globals.
        state.env = self.th.env;
        state.stack[0] = f;
        state.top = 1;
        self.heap.new_thread(Coroutine {
            state,
            status: CoStatus::Suspended,
            fresh: true,
        })
    }

    pub fn coroutine_status(&self, co: ThreadRef) -> CoStatus {
        if co == self.current {
            return CoStatus::Running;
        }
        self.heap.threads.get(co.0).status
    }

    /// Resumes `co` with `args`. Errors here are about the resume itself (not resumable).
    pub fn resume(&mut self, co: ThreadRef, args: &[Value]) -> LuaResult<Resumed> {
        match self.coroutine_status(co) {
            CoStatus::Suspended => {}
            CoStatus::Dead => {
                return Ok(Resumed::Err(
                    self.str_value(b"cannot resume dead coroutine"),
                ))
            }
            CoStatus::Running => {
                return Ok(Resumed::Err(
                    self.str_value(b"cannot resume running coroutine"),
                ))
            }
            CoStatus::Normal => {
                return Ok(Resumed::Err(
                    self.str_value(b"cannot resume running coroutine"),
                ))
            }
        }
        if self.nested_calls >= MAX_NESTED_CALLS {
            return Err(self.error_at(1, "C stack overflow"));
        }
        // Switch threads.
        let co_state = std::mem::take(&mut self.heap.threads.get_mut(co.0).state);
        let caller_state = std::mem::replace(&mut self.th, co_state);
        let caller = self.current;
        {
            let c = self.heap.threads.get_mut(caller.0);
            c.state = caller_state;
            c.status = CoStatus::Normal;
        }
        self.resumers.push(caller);
        self.current = co;
        let fresh = {
            let c = self.heap.threads.get_mut(co.0);
            c.status = CoStatus::Running;
            std::mem::replace(&mut c.fresh, false)
        };
        self.nested_calls += 1;
        let outcome = self.run_coroutine(fresh, args);
        self.nested_calls -= 1;

        let result = match outcome {
            Ok(Exit::Returned) => {
                let values = self.th.stack[..self.th.top].to_vec();
                self.heap.threads.get_mut(co.0).status = CoStatus::Dead;
                Resumed::Ok(values)
            }
            Ok(Exit::Switch) => unreachable!("execute continues across dispatch switches"),
            Ok(Exit::Yielded { first, count }) => {
                let values = self.th.stack[first..first + count].to_vec();
                self.heap.threads.get_mut(co.0).status = CoStatus::Suspended;
                Resumed::Ok(values)
            }
            Err(e) => {
                self.heap.threads.get_mut(co.0).status = CoStatus::Dead;
                Resumed::Err(e.value)
            }
        };
        // Switch back.
        let caller = self.resumers.pop().expect("the resumer");
        let caller_state = std::mem::take(&mut self.heap.threads.get_mut(caller.0).state);
        let co_state = std::mem::replace(&mut self.th, caller_state);
        self.heap.threads.get_mut(co.0).state = co_state;
        self.heap.threads.get_mut(caller.0).status = CoStatus::Running;
        self.current = caller;
        Ok(result)
    }

    fn run_coroutine(&mut self, fresh: bool, args: &[Value]) -> LuaResult<Exit> {
        if fresh {
            self.ensure_stack(args.len() + 64)?;
            self.th.stack[1..1 + args.len()].copy_from_slice(args);
            self.th.top = 1 + args.len();
            match self.precall(0, args.len(), -1, FrameKind::Normal)? {
                Precall::Lua => self.execute(0),
                Precall::Done => {
                    // A native body: its results are at 0..top.
                    Ok(Exit::Returned)
                }
                Precall::Yield { first, count } => Ok(Exit::Yielded { first, count }),
            }
        } else {
            let target = self
                .th
                .yield_results
                .take()
                .expect("a suspended coroutine waits in yield");
            let (slot, wanted) = (target.slot, target.wanted);
            self.ensure_stack(slot + args.len() + 64)?;
            if target.through_pcall {
                self.th.stack[slot] = Value::Boolean(true);
                self.th.stack[slot + 1..slot + 1 + args.len()].copy_from_slice(args);
                self.place_results(slot, slot, args.len() + 1, wanted);
            } else {
                self.th.stack[slot..slot + args.len()].copy_from_slice(args);
                self.place_results(slot, slot, args.len(), wanted);
            }
            if wanted >= 0 {
                if let Some(f) = self.th.frames.last() {
                    if let Some(p) = &f.proto {
                        self.th.top = f.base + p.max_stack;
                    }
                }
            }
            self.execute(0)
        }
    }
}
