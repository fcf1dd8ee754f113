//! Checkpoints: replay sessions kept at event boundaries, from which any later position is reached by
//! replaying forward.
//!
//! The first checkpoint is the start of the trace (a fresh replay of the program). Later ones are exact
//! copies of the stopped replayed processes, made by injecting `fork` into them; a copy is never run
//! itself, it is copied again on every restore, so it stays at its event for as long as it is kept.
#![forbid(unsafe_code)]

use std::path::{Path, PathBuf};

use super::position::{Operation, Position};
use crate::{ReplayOptions, ReplayResult, ReplaySession};

/// Checkpoints of one trace, for a debugger watching recorded process `pid`.
pub struct Checkpoints {
    trace: PathBuf,
    pid: i32,
    /// Forked copies by the event they stand at, oldest first.
    saved: Vec<(u64, ReplaySession)>,
    /// Make a copy after this many events replayed since the last checkpoint.
    interval: u64,
    /// Most copies kept; beyond it every other one is dropped and the interval doubles.
    limit: usize,
}

impl Checkpoints {
    /// No checkpoints yet beyond the start of `trace`.
    pub fn new(trace: &Path, pid: i32) -> Self {
        Checkpoints {
            trace: trace.to_path_buf(),
            pid,
            saved: Vec::new(),
            interval: 5_000,
            limit: 32,
        }
    }

    /// Makes a checkpoint every `events` events (doubling whenever too many are kept).
    pub fn set_interval(&mut self, events: u64) {
        self.interval = events.max(1);
    }

    /// A fresh replay of the trace, stopped before the program's first instruction.
    pub fn fresh(&self) -> ReplayResult<ReplaySession> {
        let mut session = ReplaySession::start(&self.trace, ReplayOptions { echo_output: false })?;
        session.debug(self.pid);
        Ok(session)
    }

    /// A replay standing at the latest checkpoint at or before `event`.
    pub fn restore(&mut self, event: u64) -> ReplayResult<ReplaySession> {
        while let Some(index) = self.saved.iter().rposition(|(at, _)| *at <= event) {
            match self.saved[index].1.fork() {
                Ok(session) => return Ok(session),
                // A copy that can no longer be copied (killed from outside) is dropped.
                Err(_) => {
                    self.saved.remove(index);
                }
            }
        }
        self.fresh()
    }

    /// Events of the checkpoints at or before `event`, newest first, ending with the trace's start (0).
    pub fn at_or_before(&self, event: u64) -> Vec<u64> {
        let mut events: Vec<u64> = self
            .saved
            .iter()
            .map(|(at, _)| *at)
            .filter(|at| *at <= event)
            .rev()
            .collect();
        events.push(0);
        events
    }

    /// Keeps a copy of `session` if the schedule asks for one at its current event.
    pub fn consider(&mut self, session: &mut ReplaySession) {
        let event = session.event_number();
        let last = self.saved.last().map_or(0, |(at, _)| *at);
        if event < last + self.interval || !session.can_fork() {
            return;
        }
        if let Ok(copy) = session.fork() {
            self.saved.push((event, copy));
        }
        if self.saved.len() > self.limit {
            // Keep every other copy: seeks stay bounded by twice the interval.
            let mut index = 0;
            self.saved.retain(|_| {
                index += 1;
                index % 2 == 0
            });
            self.interval *= 2;
        }
    }

    /// Number of forked copies kept.
    pub fn len(&self) -> usize {
        self.saved.len()
    }

    /// Whether no forked copy is kept.
    pub fn is_empty(&self) -> bool {
        self.saved.is_empty()
    }
}

/// Copies of the replay at positions inside the stretches a debugger moves around in (mostly while
/// stepping backward), so that going back a few instructions forks a nearby copy instead of replaying
/// from the last checkpoint.
pub struct NearbyCopies {
    copies: Vec<(Position, ReplaySession)>,
    capacity: usize,
}

impl NearbyCopies {
    /// An empty cache of at most `capacity` copies.
    pub fn new(capacity: usize) -> Self {
        NearbyCopies {
            copies: Vec::new(),
            capacity,
        }
    }

    /// Keeps a copy of `session`, which stands at `position`.
    pub fn keep(&mut self, position: &Position, session: &mut ReplaySession) {
        if self.copies.iter().any(|(at, _)| at == position) || !session.can_fork() {
            return;
        }
        if let Ok(copy) = session.fork() {
            if self.copies.len() == self.capacity {
                self.copies.remove(0);
            }
            self.copies.push((position.clone(), copy));
        }
    }

    /// The price of reaching `target` from the best kept copy, if one lies on the way.
    pub fn nearest_cost(&self, target: &Position) -> Option<u64> {
        self.copies
            .iter()
            .filter_map(|(at, _)| remaining(at, target).map(|rest| cost(&rest)))
            .min()
    }

    /// A replay at the kept position closest before `target` in its stretch, that position, and the
    /// operations that lead from it to `target`.
    pub fn nearest(
        &mut self,
        target: &Position,
    ) -> Option<(ReplaySession, Position, Vec<Operation>)> {
        loop {
            let (index, rest) = self
                .copies
                .iter()
                .enumerate()
                .filter_map(|(index, (at, _))| remaining(at, target).map(|rest| (index, rest)))
                .min_by_key(|(_, rest)| cost(rest))?;
            match self.copies[index].1.fork() {
                Ok(session) => return Some((session, self.copies[index].0.clone(), rest)),
                Err(_) => {
                    self.copies.remove(index);
                }
            }
        }
    }
}

/// The operations that lead from `base` to `target`, if `base` lies on the way to it.
fn remaining(base: &Position, target: &Position) -> Option<Vec<Operation>> {
    let count = base.operations.len();
    if base.event != target.event || count > target.operations.len() {
        return None;
    }
    if count == 0 {
        return Some(target.operations.clone());
    }
    if base.operations[..count - 1] != target.operations[..count - 1] {
        return None;
    }
    let mut rest = match (&base.operations[count - 1], &target.operations[count - 1]) {
        (done, wanted) if done == wanted => Vec::new(),
        (Operation::Steps(done), Operation::Steps(wanted)) if done < wanted => {
            vec![Operation::Steps(wanted - done)]
        }
        // Running on to more hits of the same traps continues the run.
        (
            Operation::Run { traps, hits: done },
            Operation::Run {
                traps: wanted_traps,
                hits: wanted,
            },
        ) if traps == wanted_traps && done < wanted => vec![Operation::Run {
            traps: traps.clone(),
            hits: wanted - done,
        }],
        _ => return None,
    };
    rest.extend_from_slice(&target.operations[count..]);
    Some(rest)
}

/// A rough price of applying `operations`: runs count as many steps, plus one per trap to meet.
fn cost(operations: &[Operation]) -> u64 {
    operations
        .iter()
        .map(|operation| match operation {
            Operation::Steps(count) => *count,
            Operation::Run { hits, .. } => 10_000 + hits,
            Operation::ToExit => 10_000,
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_copy_lies_on_the_way_when_its_operations_start_the_target() {
        let target = Position::at_event(9).then(Operation::Steps(10));
        let base = Position::at_event(9).then(Operation::Steps(4));
        assert_eq!(remaining(&base, &target), Some(vec![Operation::Steps(6)]));
        assert_eq!(
            remaining(&Position::at_event(9), &target),
            Some(vec![Operation::Steps(10)])
        );
        assert_eq!(remaining(&target, &base), None);
        assert_eq!(remaining(&Position::at_event(8), &target), None);
        assert_eq!(remaining(&target, &target), Some(Vec::new()));
    }

    #[test]
    fn a_copy_part_way_through_a_run_continues_it() {
        let traps = crate::trap::TrapSet {
            breakpoints: [0x401000].into(),
            ..crate::trap::TrapSet::default()
        };
        let run = |hits| Operation::Run {
            traps: traps.clone(),
            hits,
        };
        let target = Position::at_event(3)
            .then(run(700))
            .then(Operation::Steps(5));
        let base = Position::at_event(3).then(run(512));
        assert_eq!(
            remaining(&base, &target),
            Some(vec![run(188), Operation::Steps(5)])
        );
        let other = Position::at_event(3).then(Operation::Run {
            traps: crate::trap::TrapSet::default(),
            hits: 512,
        });
        assert_eq!(remaining(&other, &target), None);
        assert_eq!(
            remaining(&Position::at_event(3).then(run(701)), &target),
            None
        );
    }
}
