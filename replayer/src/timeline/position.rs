//! A point in a replay's history, as a recipe that reaches it again: replay up to the end of an event,
//! then apply debugger operations (runs to the n-th trap, single steps) to the debugged process.
//!
//! Without hardware counters there is no instruction count to name a moment by; a recipe is exact
//! instead, because replay is deterministic and so are the traps met on the way.
#![forbid(unsafe_code)]

use crate::trap::TrapSet;

/// One debugger operation on the debugged process, within the stretch after an event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    /// Run with `traps` armed until the `hits`-th trap (stepping over a breakpoint it starts at).
    Run { traps: TrapSet, hits: u64 },
    /// Single-step `count` instructions.
    Steps(u64),
    /// Run with nothing armed until the process reaches its exit call.
    ToExit,
}

/// A reproducible point: the end of event `event`, then `operations`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Position {
    /// Last event replayed in full (0: none).
    pub event: u64,
    /// What the debugged process did since, in order.
    pub operations: Vec<Operation>,
}

impl Position {
    /// The end of event `event`.
    pub fn at_event(event: u64) -> Self {
        Position {
            event,
            operations: Vec::new(),
        }
    }

    /// Whether this is the end of an event, with nothing done since.
    pub fn is_event_boundary(&self) -> bool {
        self.operations.is_empty()
    }

    /// One more trap reached while running with `traps`.
    pub fn push_hit(&mut self, traps: &TrapSet) {
        if let Some(Operation::Run { traps: last, hits }) = self.operations.last_mut() {
            if last == traps {
                *hits += 1;
                return;
            }
        }
        self.operations.push(Operation::Run {
            traps: traps.clone(),
            hits: 1,
        });
    }

    /// One more instruction single-stepped.
    pub fn push_step(&mut self) {
        self.push_steps(1);
    }

    /// `count` more instructions single-stepped.
    pub fn push_steps(&mut self, count: u64) {
        if count == 0 {
            return;
        }
        if let Some(Operation::Steps(steps)) = self.operations.last_mut() {
            *steps += count;
            return;
        }
        self.operations.push(Operation::Steps(count));
    }

    /// This position followed by `operation`.
    pub fn then(&self, operation: Operation) -> Position {
        let mut next = self.clone();
        next.operations.push(operation);
        next
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "event {}", self.event)?;
        for operation in &self.operations {
            match operation {
                Operation::Run { hits, .. } => write!(f, ", {hits} trap(s)")?,
                Operation::Steps(count) => write!(f, ", {count} step(s)")?,
                Operation::ToExit => write!(f, ", at exit")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_with_the_same_traps_merge_and_steps_accumulate() {
        let traps = TrapSet {
            breakpoints: [0x401000].into(),
            ..TrapSet::default()
        };
        let mut position = Position::at_event(7);
        position.push_hit(&traps);
        position.push_hit(&traps);
        position.push_step();
        position.push_steps(2);
        position.push_steps(0);
        position.push_hit(&TrapSet::default());
        assert_eq!(
            position.operations,
            vec![
                Operation::Run {
                    traps: traps.clone(),
                    hits: 2
                },
                Operation::Steps(3),
                Operation::Run {
                    traps: TrapSet::default(),
                    hits: 1
                },
            ]
        );
        assert_eq!(
            position.to_string(),
            "event 7, 2 trap(s), 3 step(s), 1 trap(s)"
        );
    }
}
