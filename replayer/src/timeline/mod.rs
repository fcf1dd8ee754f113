//! The replay timeline: one debugged process's history, which a debugger moves through forward and
//! backward. It owns the live replay and the checkpoints.
//!
//! Going backward never runs anything in reverse: it restores the latest checkpoint before the target
//! and replays forward to it. A position is a recipe ([`Position`]); `reverse_continue` replays from a
//! checkpoint to the current position with the breakpoints and watchpoints armed, remembers the last
//! trap met on the way and goes there; `reverse_step` counts single steps from the last event.
//!
//! This module knows nothing of a debugger protocol.
#![forbid(unsafe_code)]

mod checkpoint;
mod position;

use std::path::{Path, PathBuf};

use recorder::trace::{Event, ExitStatus, Registers};
use recorder::tsc_mode::monotonic_ns;

pub use checkpoint::{Checkpoints, NearbyCopies};
pub use position::{Operation, Position};

use crate::trap::{Access, Progress, Trap, TrapSet, Watchpoint};
use crate::{Diverted, ReplayError, ReplaySession};

/// Most instructions a reverse single step replays by single-stepping before giving up, by default
/// (about five seconds of single steps).
pub const STEP_LIMIT: u64 = 200_000;

/// While counting landmark hits to step back from a trap, keep a copy of the replay this often, so
/// that the seek that follows replays at most this much (nanoseconds, read with `monotonic_ns`: the
/// replaying thread must not read the time-stamp counter).
const LANDMARK_COPY_EVERY_NS: u64 = 20_000_000;

/// While scanning forward for the traps before a position, keep a copy of the replay this often
/// (nanoseconds), so that going back to any of them replays at most this much.
const SCAN_COPY_EVERY_NS: u64 = 2_000_000;

/// Single steps tried before looking for a landmark when stepping back inside a stretch.
const QUICK_STEPS: u64 = 4096;

/// The end of the x86-64 user address space (the last page below it is never mapped).
const USER_SPACE_END: u64 = 0x7fff_ffff_f000;

/// While seeking by single steps, keep a copy of the replay every this many steps…
const COPY_EVERY: u64 = 16;
/// …over this many such spans before the target.
const COPIES_BEFORE_TARGET: u64 = 8;

/// Why the timeline cannot do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum TimelineError {
    /// Replay failed.
    #[error(transparent)]
    Replay(#[from] ReplayError),
    /// The process to debug never exists in the recording.
    #[error("process {pid} does not appear in this recording (see 'replayer ps')")]
    NoSuchProcess { pid: i32 },
    /// Reverse stepping would single-step too far.
    #[error("the previous instruction is more than {limit} instructions after event {event}; set a breakpoint before it and use reverse-continue")]
    TooFar { limit: u64, event: u64 },
    /// More watchpoints than debug registers.
    #[error("at most 4 hardware watchpoints can be armed at once (x86 has 4 debug registers); delete one")]
    TooManyWatchpoints,
    /// The target is past the end of the debugged process's history.
    #[error("event {event} is past the end of the debugged process's recording")]
    PastEnd { event: u64, pid: i32 },
    /// The debugger interrupted a long scan backward.
    #[error("interrupted")]
    Interrupted,
    /// Replaying to a position met something else than when the position was made.
    #[error("replay did not reach {position} again ({what}); the program or the trace changed?")]
    Lost { position: String, what: String },
}

/// Result of timeline operations.
pub type TimelineResult<T> = Result<T, TimelineError>;

/// Where and why the debugged process stopped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Stop {
    /// Reached the software breakpoint at this address.
    Breakpoint(u64),
    /// A watched location was accessed by the instruction just executed.
    Watch(Watchpoint),
    /// One instruction executed (or, backward, undone).
    Step,
    /// A recorded signal is about to be delivered.
    Signal(i32),
    /// The process is at its exit call: nothing recorded follows.
    End,
    /// The start of the process's recorded history.
    Start,
    /// The process ended (continuing past [`Stop::End`]).
    Exited(ExitStatus),
    /// Stopped on the debugger's request.
    Interrupted,
    /// A process the debugger took off its recording reached this system call, which it cannot make
    /// (the recording has no result for it).
    DivertedSystemCall(u64),
}

/// The traps the last backward scan met, so that reverse-continuing again from the one it went to
/// goes to the one before without scanning again (a conditional breakpoint that gdb tests at every
/// hit means one reverse-continue per hit).
#[derive(Default)]
struct HitCache {
    traps: TrapSet,
    /// Every trap of `traps` the scan met, in order, with where each leaves the process.
    hits: Vec<(Position, Stop)>,
    /// Where the last reverse-continue left the process, and which of `hits` took it there.
    answered: Option<(Position, usize)>,
}

impl HitCache {
    /// The hit before the one that took the process to `origin`, when the scan saw it.
    fn previous(&self, traps: &TrapSet, origin: &Position) -> Option<(Position, Stop, usize)> {
        let (answered, index) = self.answered.as_ref()?;
        if *traps != self.traps || answered != origin || *index == 0 {
            return None;
        }
        let (position, stop) = self.hits.get(index - 1)?.clone();
        Some((position, stop, index - 1))
    }
}

/// Where the debugger took the process off its recording.
struct Diversion {
    origin: Position,
    /// The registers at `origin`.
    registers: Registers,
}

/// One debugged process's replay history.
pub struct ReplayTimeline {
    trace: PathBuf,
    pid: i32,
    session: ReplaySession,
    position: Position,
    /// Where the debugged process's history starts (the event that created it; 0 for the first process).
    start: Position,
    traps: TrapSet,
    checkpoints: Checkpoints,
    nearby: NearbyCopies,
    /// Copies made every few milliseconds of scanning (backward searches, landmark counts).
    scanned: NearbyCopies,
    /// The debugger changed memory or registers since the last seek: this replay is no longer the
    /// recording, so no copy of it may be kept, and running forward runs off the recording.
    diversion: Option<Diversion>,
    /// Positions the user saved with `checkpoint`, by number.
    bookmarks: Vec<Position>,
    /// Most single steps a reverse step may replay.
    step_limit: u64,
    /// What the last backward scan met.
    hits: HitCache,
}

impl ReplayTimeline {
    /// Opens `trace` for debugging recorded process `pid` (the first process if `None`), stopped at the
    /// start of that process's history.
    pub fn open(trace: &Path, pid: Option<i32>) -> TimelineResult<Self> {
        let root = crate::session::ReplaySession::start(
            trace,
            crate::ReplayOptions { echo_output: false },
        )?;
        let pid = pid.unwrap_or(root.header().root_pid);
        drop(root);
        let checkpoints = Checkpoints::new(trace, pid);
        let mut session = checkpoints.fresh()?;
        while !session.is_alive(pid) {
            match session.advance()? {
                Progress::Event { .. } => {}
                Progress::Finished(_) | Progress::Trapped(_) => {
                    return Err(TimelineError::NoSuchProcess { pid })
                }
            }
        }
        // The first program starts at its first instruction, after the exec that loads it.
        if let Some(Event::Exec {
            pid: exec_pid,
            initial: true,
            ..
        }) = session.peek_event()?
        {
            if *exec_pid == pid {
                session.advance()?;
            }
        }
        let start = Position::at_event(session.event_number());
        Ok(ReplayTimeline {
            trace: trace.to_path_buf(),
            pid,
            session,
            position: start.clone(),
            start,
            traps: TrapSet::default(),
            checkpoints,
            nearby: NearbyCopies::new(64),
            scanned: NearbyCopies::new(256),
            diversion: None,
            bookmarks: Vec::new(),
            step_limit: STEP_LIMIT,
            hits: HitCache::default(),
        })
    }

    /// The recorded id of the debugged process.
    pub fn pid(&self) -> i32 {
        self.pid
    }

    /// The trace directory.
    pub fn trace(&self) -> &Path {
        &self.trace
    }

    /// The current position.
    pub fn position(&self) -> &Position {
        &self.position
    }

    /// Number of the last event replayed in full.
    pub fn event(&self) -> u64 {
        self.position.event
    }

    /// Makes a checkpoint every `events` events replayed (default 5,000; doubled whenever more than
    /// 32 are kept, so seeks replay at most about twice the interval).
    pub fn set_checkpoint_interval(&mut self, events: u64) {
        self.checkpoints.set_interval(events);
    }

    /// Makes reverse steps give up beyond `steps` single steps (default [`STEP_LIMIT`]).
    pub fn set_step_limit(&mut self, steps: u64) {
        self.step_limit = steps.max(1);
    }

    /// Number of forked checkpoints kept.
    pub fn checkpoint_count(&self) -> usize {
        self.checkpoints.len()
    }

    /// The debugged process's registers.
    pub fn registers(&mut self) -> TimelineResult<Registers> {
        Ok(self.session.registers(self.pid)?)
    }

    /// The debugged process's floating-point and SSE registers.
    pub fn fp_registers(&mut self) -> TimelineResult<libc::user_fpregs_struct> {
        Ok(self.session.fp_registers(self.pid)?)
    }

    /// The auxiliary vector of the debugged process (for a debugger to find the program's load address).
    pub fn auxv(&mut self) -> TimelineResult<Vec<u8>> {
        Ok(self.session.auxv(self.pid)?)
    }

    /// Upper halves of the debugged process's AVX registers.
    pub fn ymm_upper_halves(&mut self) -> TimelineResult<[u128; 16]> {
        Ok(self.session.ymm_upper_halves(self.pid)?)
    }

    /// Replaces the debugged process's registers (in this replay only: a seek undoes it). Registers
    /// put back as they were where the diversion began end it (that is how gdb ends `call f()`):
    /// the replay returns to that position exactly, memory included.
    pub fn set_registers(&mut self, registers: &Registers) -> TimelineResult<()> {
        self.begin_diversion()?;
        self.session.set_registers(self.pid, registers)?;
        if let Some(diversion) = &self.diversion {
            if diversion.registers.first_difference(registers).is_none() {
                let origin = diversion.origin.clone();
                self.seek(&origin)?;
            }
        }
        Ok(())
    }

    /// Whether the debugger has taken the process off its recording (see [`Self::set_registers`]).
    pub fn is_diverted(&self) -> bool {
        self.diversion.is_some()
    }

    fn begin_diversion(&mut self) -> TimelineResult<()> {
        if self.diversion.is_none() {
            let registers = self.registers()?;
            self.diversion = Some(Diversion {
                origin: self.position.clone(),
                registers,
            });
        }
        Ok(())
    }

    /// Runs the diverted process forward (one instruction if `single_step`): no event is replayed,
    /// and a system call stops it, as the recording has no result for it.
    fn run_diverted(&mut self, single_step: bool) -> TimelineResult<Stop> {
        let traps = self.traps.clone();
        self.session.set_traps(traps.clone());
        self.session.set_single_step(single_step);
        let outcome = self.session.run_diverted();
        self.session.set_single_step(false);
        Ok(match outcome? {
            Diverted::Trapped(trap) if single_step => match self.stop_for(&trap, &traps) {
                Stop::Watch(watch) => Stop::Watch(watch),
                _ => Stop::Step,
            },
            Diverted::Trapped(trap) => self.stop_for(&trap, &traps),
            Diverted::SystemCall(number) => Stop::DivertedSystemCall(number),
            Diverted::Signal(signal) => Stop::Signal(signal),
            Diverted::Ended(status) => Stop::Exited(status),
        })
    }

    /// Reads the debugged process's memory.
    pub fn read_memory(&mut self, address: u64, length: usize) -> TimelineResult<Vec<u8>> {
        Ok(self.session.read_memory(self.pid, address, length)?)
    }

    /// Writes the debugged process's memory (in this replay only: a seek undoes it; the trace and the
    /// checkpoints keep the recorded contents).
    pub fn write_memory(&mut self, address: u64, bytes: &[u8]) -> TimelineResult<()> {
        self.begin_diversion()?;
        Ok(self.session.write_memory(self.pid, address, bytes)?)
    }

    /// The armed breakpoints and watchpoints.
    pub fn traps(&self) -> &TrapSet {
        &self.traps
    }

    /// Arms a software breakpoint.
    pub fn add_breakpoint(&mut self, address: u64) {
        self.traps.breakpoints.insert(address);
    }

    /// Disarms a software breakpoint; false if there was none.
    pub fn remove_breakpoint(&mut self, address: u64) -> bool {
        self.traps.breakpoints.remove(&address)
    }

    /// Arms a hardware watchpoint.
    pub fn add_watchpoint(&mut self, watch: Watchpoint) -> TimelineResult<()> {
        let Some(slot) = self.traps.watchpoints.iter().position(Option::is_none) else {
            return Err(TimelineError::TooManyWatchpoints);
        };
        self.traps.watchpoints[slot] = Some(watch);
        Ok(())
    }

    /// Disarms a hardware watchpoint; false if there was none.
    pub fn remove_watchpoint(&mut self, watch: Watchpoint) -> bool {
        match self
            .traps
            .watchpoints
            .iter()
            .position(|slot| *slot == Some(watch))
        {
            Some(slot) => {
                self.traps.watchpoints[slot] = None;
                true
            }
            None => false,
        }
    }

    fn stop_for(&self, trap: &Trap, armed: &TrapSet) -> Stop {
        if trap.exiting {
            return Stop::End;
        }
        if let Some(watch) = armed.fired(trap.watch_slots).first() {
            return Stop::Watch(*watch);
        }
        if let Some(address) = trap.breakpoint {
            return Stop::Breakpoint(address);
        }
        Stop::Step
    }

    /// After the debugged process's own event: a write watchpoint over memory the kernel wrote in it
    /// (which the debug registers cannot see) is a stop.
    fn kernel_write_stop(&self, pid: Option<i32>, traps: &TrapSet) -> Option<Stop> {
        if pid != Some(self.pid) {
            return None;
        }
        let writes = self.session.kernel_writes();
        traps
            .watchpoints
            .iter()
            .flatten()
            .filter(|watch| watch.catches_writes())
            .find(|watch| {
                writes.iter().any(|(address, length)| {
                    *address < watch.address + watch.length && watch.address < address + length
                })
            })
            .map(|watch| Stop::Watch(*watch))
    }

    /// After the debugged process's own event: a recorded signal waiting for it is a stop.
    fn signal_stop(&self, pid: Option<i32>) -> Option<Stop> {
        (pid == Some(self.pid))
            .then(|| self.session.pending_signal(self.pid))
            .flatten()
            .map(Stop::Signal)
    }

    fn exited(&self) -> Option<Stop> {
        (!self.session.is_alive(self.pid))
            .then(|| Stop::Exited(self.session.finished().unwrap_or(ExitStatus::Exited(0))))
    }

    /// Runs forward until a breakpoint, watchpoint, recorded signal or the end; `interrupted` is polled
    /// between events so a debugger can stop a long run.
    pub fn resume(&mut self, mut interrupted: impl FnMut() -> bool) -> TimelineResult<Stop> {
        if let Some(stop) = self.exited() {
            return Ok(stop);
        }
        if self.diversion.is_some() {
            return self.run_diverted(false);
        }
        let traps = self.traps.clone();
        self.session.set_traps(traps.clone());
        self.session.set_single_step(false);
        let mut count = 0u64;
        loop {
            count += 1;
            if count.is_multiple_of(256) && interrupted() {
                return Ok(Stop::Interrupted);
            }
            match self.session.advance()? {
                Progress::Event { number, pid } => {
                    self.position = Position::at_event(number);
                    self.consider_checkpoint();
                    if let Some(stop) = self
                        .kernel_write_stop(pid, &traps)
                        .or_else(|| self.signal_stop(pid))
                        .or_else(|| self.exited())
                    {
                        return Ok(stop);
                    }
                }
                Progress::Trapped(trap) if trap.exiting => {
                    self.position.operations.push(Operation::ToExit);
                    return Ok(Stop::End);
                }
                Progress::Trapped(trap) => {
                    self.position.push_hit(&traps);
                    return Ok(self.stop_for(&trap, &traps));
                }
                Progress::Finished(status) => return Ok(Stop::Exited(status)),
            }
        }
    }

    /// Executes one instruction of the debugged process.
    pub fn step(&mut self) -> TimelineResult<Stop> {
        if let Some(stop) = self.exited() {
            return Ok(stop);
        }
        if self.diversion.is_some() {
            return self.run_diverted(true);
        }
        let traps = self.traps.clone();
        self.session.set_traps(traps.clone());
        self.session.set_single_step(true);
        let stop = loop {
            match self.session.advance() {
                Ok(Progress::Event { number, pid }) => {
                    self.position = Position::at_event(number);
                    if pid == Some(self.pid) {
                        break self
                            .kernel_write_stop(pid, &traps)
                            .or_else(|| self.signal_stop(pid))
                            .or_else(|| self.exited())
                            .unwrap_or(Stop::Step);
                    }
                }
                Ok(Progress::Trapped(trap)) if trap.exiting => {
                    self.position.operations.push(Operation::ToExit);
                    break Stop::End;
                }
                Ok(Progress::Trapped(trap)) => {
                    self.position.push_step();
                    break match self.stop_for(&trap, &traps) {
                        Stop::Watch(watch) => Stop::Watch(watch),
                        _ => Stop::Step,
                    };
                }
                Ok(Progress::Finished(status)) => break Stop::Exited(status),
                Err(error) => {
                    self.session.set_single_step(false);
                    return Err(error.into());
                }
            }
        };
        self.session.set_single_step(false);
        Ok(stop)
    }

    fn consider_checkpoint(&mut self) {
        if self.diversion.is_none() {
            self.checkpoints.consider(&mut self.session);
        }
    }

    /// Replaces the live replay by one at `target`: a copy kept nearby in its stretch, else the latest
    /// checkpoint before it, replayed forward.
    pub fn seek(&mut self, target: &Position) -> TimelineResult<()> {
        // Copies made while scanning sit apart from those made while moving around, so that moving
        // around (which keeps a copy at every stop) does not push out the ones further back.
        let from_scan = match (
            self.scanned.nearest_cost(target),
            self.nearby.nearest_cost(target),
        ) {
            (Some(scanned), Some(nearby)) => scanned < nearby,
            (scanned, _) => scanned.is_some(),
        };
        let store = if from_scan {
            &mut self.scanned
        } else {
            &mut self.nearby
        };
        let (mut position, operations) = match store.nearest(target) {
            Some((session, base, rest)) => {
                self.session = session;
                (base, rest)
            }
            None => {
                self.restore(target.event)?;
                self.replay_to_event(target.event)?;
                let boundary = Position::at_event(target.event);
                self.nearby.keep(&boundary, &mut self.session);
                (boundary, target.operations.clone())
            }
        };
        self.diversion = None;
        for operation in operations {
            match operation {
                Operation::Steps(mut left) => {
                    // Copies at whole multiples of COPY_EVERY steps into the stretch only, so that
                    // stepping back one instruction at a time reuses them.
                    while left > 0 {
                        let done = match position.operations.last() {
                            Some(Operation::Steps(done)) => *done,
                            _ => 0,
                        };
                        let chunk = left.min(COPY_EVERY - done % COPY_EVERY);
                        let steps = Operation::Steps(chunk);
                        self.apply(&position, &steps, &TrapSet::default(), &mut |_, _, _| {})?;
                        position.push_steps(chunk);
                        // Only near the target: that is where the next reverse steps land.
                        if (done + chunk).is_multiple_of(COPY_EVERY)
                            && left - chunk < COPIES_BEFORE_TARGET * COPY_EVERY
                        {
                            self.nearby.keep(&position, &mut self.session);
                        }
                        left -= chunk;
                    }
                }
                operation => {
                    self.apply(
                        &position,
                        &operation,
                        &TrapSet::default(),
                        &mut |_, _, _| {},
                    )?;
                    position.operations.push(operation);
                    self.nearby.keep(&position, &mut self.session);
                }
            }
        }
        self.position = target.clone();
        Ok(())
    }

    /// Goes to the end of event `event` (forward or backward).
    pub fn goto_event(&mut self, event: u64) -> TimelineResult<()> {
        let event = event.max(self.start.event);
        if event >= self.position.event && !self.session.is_inside_event() {
            self.replay_to_event(event)?;
            self.position = Position::at_event(event);
            return Ok(());
        }
        self.seek(&Position::at_event(event))
    }

    /// Saves the current position; returns its number for [`ReplayTimeline::restart`].
    pub fn bookmark(&mut self) -> usize {
        self.bookmarks.push(self.position.clone());
        self.bookmarks.len()
    }

    /// Returns to the position saved as bookmark `number`.
    pub fn restart(&mut self, number: usize) -> TimelineResult<Option<()>> {
        let Some(target) = number
            .checked_sub(1)
            .and_then(|index| self.bookmarks.get(index))
            .cloned()
        else {
            return Ok(None);
        };
        self.seek(&target)?;
        Ok(Some(()))
    }

    /// Starts a fresh live replay from the latest checkpoint at or before `event`.
    fn restore(&mut self, event: u64) -> TimelineResult<()> {
        self.session = self.checkpoints.restore(event)?;
        self.position = Position::at_event(self.session.event_number());
        Ok(())
    }

    /// Replays forward (nothing armed) to the end of event `event`.
    fn replay_to_event(&mut self, event: u64) -> TimelineResult<()> {
        self.session.set_traps(TrapSet::default());
        self.session.set_single_step(false);
        while self.session.event_number() < event || self.session.is_inside_event() {
            match self.session.advance()? {
                Progress::Event { .. } => self.checkpoints.consider(&mut self.session),
                Progress::Trapped(_) | Progress::Finished(_) => {
                    if self.session.event_number() < event {
                        return Err(TimelineError::PastEnd {
                            event,
                            pid: self.pid,
                        });
                    }
                    break;
                }
            }
            if self.session.event_number() == event {
                break;
            }
        }
        Ok(())
    }

    /// Applies `operation` at `at`, with `extra` armed too; `hit` is told of every trap of `extra` met
    /// on the way, with the position just after it and whether that trap completes the operation.
    fn apply(
        &mut self,
        at: &Position,
        operation: &Operation,
        extra: &TrapSet,
        hit: &mut dyn FnMut(Position, Stop, bool),
    ) -> TimelineResult<()> {
        let lost = |what: &str| TimelineError::Lost {
            position: at.then(operation.clone()).to_string(),
            what: what.to_string(),
        };
        match operation {
            Operation::Run { traps, hits } => {
                let armed = traps
                    .union(extra)
                    .ok_or(TimelineError::TooManyWatchpoints)?;
                self.session.set_traps(armed.clone());
                self.session.set_single_step(false);
                let (mut own, mut all) = (0, 0);
                let mut next_copy = monotonic_ns() + SCAN_COPY_EVERY_NS;
                while own < *hits {
                    let Progress::Trapped(trap) = self.session.advance()? else {
                        return Err(lost("an event came first"));
                    };
                    if trap.exiting {
                        return Err(lost("the process reached its exit"));
                    }
                    all += 1;
                    if is_hit(&trap, &armed, traps) {
                        own += 1;
                    }
                    if !extra.is_empty() && is_hit(&trap, &armed, extra) {
                        let here = at.then(Operation::Run {
                            traps: armed.clone(),
                            hits: all,
                        });
                        if monotonic_ns() >= next_copy {
                            self.scanned.keep(&here, &mut self.session);
                            next_copy = monotonic_ns() + SCAN_COPY_EVERY_NS;
                        }
                        hit(here, self.stop_for(&trap, &armed), own == *hits);
                    }
                }
            }
            Operation::Steps(count) => {
                self.session.set_traps(extra.without_execution());
                self.session.set_single_step(true);
                for done in 1..=*count {
                    let progress = self.session.advance();
                    let Ok(Progress::Trapped(trap)) = progress else {
                        self.session.set_single_step(false);
                        return match progress {
                            Err(error) => Err(error.into()),
                            _ => Err(lost("an event came first")),
                        };
                    };
                    if !extra.is_empty() {
                        if let Some(stop) = self.step_hit(&trap, extra)? {
                            hit(at.then(Operation::Steps(done)), stop, done == *count);
                        }
                    }
                }
                self.session.set_single_step(false);
            }
            Operation::ToExit => {
                self.session.set_traps(extra.clone());
                self.session.set_single_step(false);
                let mut all = 0;
                loop {
                    let Progress::Trapped(trap) = self.session.advance()? else {
                        return Err(lost("an event came before the exit"));
                    };
                    if trap.exiting {
                        break;
                    }
                    all += 1;
                    let here = at.then(Operation::Run {
                        traps: extra.clone(),
                        hits: all,
                    });
                    hit(here, self.stop_for(&trap, extra), false);
                }
            }
        }
        Ok(())
    }

    /// Whether a single step met a trap of `traps`: arrived at a breakpoint, or fired a watchpoint.
    fn step_hit(&mut self, trap: &Trap, traps: &TrapSet) -> TimelineResult<Option<Stop>> {
        if let Some(watch) = traps.fired(trap.watch_slots).first() {
            return Ok(Some(Stop::Watch(*watch)));
        }
        let rip = self.registers()?.rip;
        if let Some(watch) = traps.executes_at(rip) {
            return Ok(Some(Stop::Watch(watch)));
        }
        Ok(traps
            .breakpoints
            .contains(&rip)
            .then_some(Stop::Breakpoint(rip)))
    }

    /// Runs backward to the last breakpoint or watchpoint hit before the current position, or to the
    /// start of the history. A watchpoint stops before the instruction that accessed the location (so
    /// the debugger shows the value it overwrote as the new one), as a breakpoint stops before its
    /// instruction.
    pub fn reverse_resume(
        &mut self,
        mut interrupted: impl FnMut() -> bool,
    ) -> TimelineResult<Stop> {
        let traps = self.traps.clone();
        let origin = self.position.clone();
        if let Some((position, stop, index)) = self.hits.previous(&traps, &origin) {
            let answered = self.go_to_hit(&position, &stop)?;
            self.hits.answered = Some((answered, index));
            return Ok(stop);
        }
        let mut until = origin.clone();
        if !traps.is_empty() {
            // Scan back one checkpoint interval, then two, four…: few restores (each costs a copy and
            // a pass over the trace up to the checkpoint), and at most twice the replay needed.
            let checkpoints = self.checkpoints.at_or_before(until.event);
            let mut windows = Vec::new();
            let (mut next, mut width) = (0, 1);
            while next < checkpoints.len() {
                let oldest = (next + width - 1).min(checkpoints.len() - 1);
                windows.push(checkpoints[oldest]);
                next = oldest + 1;
                width *= 2;
            }
            for checkpoint in windows {
                if interrupted() {
                    self.seek(&origin)?;
                    return Ok(Stop::Interrupted);
                }
                let checkpoint = checkpoint.max(self.start.event);
                self.restore(checkpoint)?;
                self.replay_to_event(checkpoint)?;
                let found = match self.last_hit(&traps, &until, &mut interrupted) {
                    Err(TimelineError::Interrupted) => {
                        self.seek(&origin)?;
                        return Ok(Stop::Interrupted);
                    }
                    other => other?,
                };
                if let Some((position, stop)) = found.last().cloned() {
                    let index = found.len() - 1;
                    let answered = self.go_to_hit(&position, &stop)?;
                    self.hits = HitCache {
                        traps: traps.clone(),
                        hits: found,
                        answered: Some((answered, index)),
                    };
                    return Ok(stop);
                }
                until = Position::at_event(checkpoint);
                if checkpoint <= self.start.event {
                    break;
                }
            }
        }
        let start = self.start.clone();
        self.seek(&start)?;
        Ok(Stop::Start)
    }

    /// Goes to a trap found going backward; returns where that leaves the process. A watchpoint
    /// stops before the instruction that made the access: backward, an access is met before the
    /// instruction that makes it executes (for a system call's results, the `syscall` instruction).
    fn go_to_hit(&mut self, position: &Position, stop: &Stop) -> TimelineResult<Position> {
        if matches!(stop, Stop::Watch(_)) {
            match self.step_back(position) {
                Ok(_) => {}
                Err(TimelineError::TooFar { .. }) => self.seek(position)?,
                Err(error) => return Err(error),
            }
        } else {
            self.seek(position)?;
        }
        Ok(self.position.clone())
    }

    /// Replays from the current position (an event boundary) to `until` with `traps` armed; every
    /// trap met strictly before `until`, in order.
    fn last_hit(
        &mut self,
        traps: &TrapSet,
        until: &Position,
        interrupted: &mut dyn FnMut() -> bool,
    ) -> TimelineResult<Vec<(Position, Stop)>> {
        let mut hits = Vec::new();
        self.session.set_traps(traps.clone());
        self.session.set_single_step(false);
        let mut position = Position::at_event(self.session.event_number());
        let mut count = 0u64;
        let mut next_copy = monotonic_ns() + SCAN_COPY_EVERY_NS;
        while position.event < until.event {
            count += 1;
            if count.is_multiple_of(256) && interrupted() {
                return Err(TimelineError::Interrupted);
            }
            match self.session.advance()? {
                Progress::Event { number, pid } => {
                    position = Position::at_event(number);
                    if let Some(stop) = self.kernel_write_stop(pid, traps) {
                        hits.push((position.clone(), stop));
                    }
                    self.consider_checkpoint();
                }
                Progress::Trapped(trap) if trap.exiting => break,
                Progress::Trapped(trap) => {
                    position.push_hit(traps);
                    hits.push((position.clone(), self.stop_for(&trap, traps)));
                    if monotonic_ns() >= next_copy {
                        // Going back hit by hit later replays from the nearest of these.
                        self.scanned.keep(&position, &mut self.session);
                        next_copy = monotonic_ns() + SCAN_COPY_EVERY_NS;
                    }
                }
                Progress::Finished(_) => break,
            }
        }
        let operations = until.operations.len();
        for (index, operation) in until.operations.iter().enumerate() {
            let is_last = index + 1 == operations;
            self.apply(&position, operation, traps, &mut |here, stop, completes| {
                // A breakpoint that completes the final operation is `until` itself, not before it;
                // an access that does was made by the instruction before `until`.
                if !(is_last && completes) || matches!(stop, Stop::Watch(_)) {
                    hits.push((here, stop));
                }
            })?;
            position.operations.push(operation.clone());
        }
        Ok(hits)
    }

    /// Goes back one instruction of the debugged process; if that takes too many single steps, stays
    /// where it is and says so ([`TimelineError::TooFar`]).
    pub fn reverse_step(&mut self) -> TimelineResult<Stop> {
        let target = self.position.clone();
        let answered_here = self
            .hits
            .answered
            .as_ref()
            .filter(|(position, _)| *position == target)
            .map(|(_, index)| *index);
        match self.step_back(&target) {
            Err(error @ TimelineError::TooFar { .. }) => {
                self.seek(&target)?;
                Err(error)
            }
            Ok(stop) => {
                // gdb steps back off a breakpoint before it reverse-continues: the hit before the
                // one it stood at is still the next one back (unless it is this very instruction).
                if let Some(mut index) = answered_here {
                    if index > 0 && self.hits.hits[index - 1].0 == self.position {
                        index -= 1;
                    }
                    self.hits.answered = Some((self.position.clone(), index));
                }
                Ok(stop)
            }
            outcome => outcome,
        }
    }

    fn step_back(&mut self, target: &Position) -> TimelineResult<Stop> {
        let target = target.clone();
        if !target.is_event_boundary() {
            let previous = self.previous_in_stretch(&target)?;
            self.seek(&previous)?;
            return Ok(Stop::Step);
        }
        // At an event boundary: the previous instruction is the last one before an earlier event.
        let mut event = target.event;
        while event > self.start.event {
            let boundary = Position::at_event(event - 1);
            self.seek(&boundary)?;
            let (steps, own) = self.steps_through_event(event)?;
            if own {
                let mut previous = boundary;
                previous.push_steps(steps);
                self.seek(&previous)?;
                return Ok(Stop::Step);
            }
            event -= 1;
        }
        let start = self.start.clone();
        self.seek(&start)?;
        Ok(Stop::Start)
    }

    /// From an event boundary, the single steps of the debugged process before event `event` completes,
    /// and whether that event was the debugged process's own.
    fn steps_through_event(&mut self, event: u64) -> TimelineResult<(u64, bool)> {
        self.session.set_traps(TrapSet::default());
        self.session.set_single_step(true);
        let mut steps = 0;
        let result = loop {
            match self.session.advance() {
                Ok(Progress::Trapped(trap)) if !trap.exiting => {
                    steps += 1;
                    if steps > self.step_limit {
                        break Err(TimelineError::TooFar {
                            limit: self.step_limit,
                            event: event - 1,
                        });
                    }
                }
                Ok(Progress::Event { pid, .. }) => break Ok((steps, pid == Some(self.pid))),
                Ok(_) => break Ok((steps, false)),
                Err(error) => break Err(error.into()),
            }
        };
        self.session.set_single_step(false);
        result
    }

    /// The position one instruction of the debugged process before `target`, which is not an event
    /// boundary. Only the last operation is redone by single steps: a run to its n-th trap becomes a run
    /// to its (n-1)-th trap, then single steps to the n-th.
    fn previous_in_stretch(&mut self, target: &Position) -> TimelineResult<Position> {
        let mut prefix = target.clone();
        let Some(last) = prefix.operations.pop() else {
            return Ok(prefix);
        };
        let (from, traps) = match last {
            Operation::Steps(count) => {
                prefix.push_steps(count - 1);
                return Ok(prefix);
            }
            Operation::Run { traps, hits } if hits > 1 => (
                prefix.then(Operation::Run {
                    traps: traps.clone(),
                    hits: hits - 1,
                }),
                Some(traps),
            ),
            Operation::Run { traps, .. } => (prefix, Some(traps)),
            Operation::ToExit => (prefix, None),
        };
        // Single steps first, within a small budget (the previous trap is often one loop iteration
        // back); past it, a landmark closer to `target`.
        self.seek(&from)?;
        let quick = self.step_limit.min(QUICK_STEPS);
        let (from, steps) = match (
            self.steps_to_next_trap(traps.as_ref(), target, quick),
            &traps,
        ) {
            (Err(TimelineError::TooFar { .. }), Some(traps)) => {
                let from = self.landmark_before(&from, traps, target)?;
                self.seek(&from)?;
                let steps = self.steps_to_next_trap(Some(traps), target, self.step_limit)?;
                (from, steps)
            }
            (Err(TimelineError::TooFar { .. }), None) => {
                self.seek(&from)?;
                let steps = self.steps_to_next_trap(None, target, self.step_limit)?;
                (from, steps)
            }
            (outcome, _) => (from, outcome?),
        };
        let mut previous = from;
        previous.push_steps(steps - 1);
        Ok(previous)
    }

    /// A position between `from` and `target` (reached from `from` by running to the next trap of
    /// `traps`) from which few single steps lead to `target`: the last time before `target` that the
    /// process executed a landmark instruction, found by runs with hardware execution breakpoints
    /// that count their hits, at one ptrace stop per hit where single steps would take one per
    /// instruction.
    ///
    /// For a watchpoint hit the landmark is the instruction the process stands at (inside a loop,
    /// one iteration back however many iterations lie between). For a breakpoint hit that address
    /// is the breakpoint itself, first reached at `target`; the landmark is then the instruction
    /// before it, among the addresses that end there or at the return address on the stack (a call),
    /// tried a few at a time (a debug register armed inside an instruction never fires) and kept if
    /// it ran last. `from` itself when nothing qualifies.
    fn landmark_before(
        &mut self,
        from: &Position,
        traps: &TrapSet,
        target: &Position,
    ) -> TimelineResult<Position> {
        self.seek(target)?;
        let registers = self.registers()?;
        let at = registers.rip;
        let reached_first = traps.breakpoints.contains(&at) || traps.executes_at(at).is_some();
        let (base, candidates) = if reached_first {
            // `target` is a hit of this breakpoint, met with everything armed.
            let return_address = self
                .read_memory(registers.rsp, 8)
                .ok()
                .and_then(|bytes| bytes.try_into().ok())
                .map(u64::from_le_bytes);
            let candidates = predecessor_candidates(at, return_address)
                .into_iter()
                // Only code the process can run: the debug registers refuse other addresses.
                .filter(|address| {
                    (0x1000..USER_SPACE_END).contains(address)
                        && self.read_memory(*address, 1).is_ok()
                })
                .collect();
            (traps.clone(), candidates)
        } else {
            // No breakpoint of `traps` is met before `target` (it is the next trap), and `target` is
            // no breakpoint hit: the watchpoints alone find it, and the run pays for no breakpoint
            // bytes.
            let watches = TrapSet {
                watchpoints: traps.watchpoints,
                ..TrapSet::default()
            };
            (watches, vec![at])
        };
        let free = base
            .watchpoints
            .iter()
            .filter(|slot| slot.is_none())
            .count();
        if free == 0 {
            if reached_first {
                return Ok(from.clone());
            }
            // An int3 at the address the process stands at: an instruction start, so safe.
            let mut armed = base;
            armed.breakpoints.insert(at);
            let found = self.count_landmark_hits(from, traps, &armed, &[], Some(at), target)?;
            return Ok(found.map_or_else(
                || from.clone(),
                |(_, hits)| from.then(Operation::Run { traps: armed, hits }),
            ));
        }
        // A tournament: each run arms the best landmark so far and new candidates in the free
        // debug registers; hits within one run are comparable.
        let mut best: Option<(u64, TrapSet, u64)> = None;
        let mut rest = candidates.into_iter();
        loop {
            let mut batch: Vec<u64> = best.iter().map(|(address, _, _)| *address).collect();
            let kept = batch.len();
            while batch.len() < free {
                match rest.next() {
                    Some(candidate) if !batch.contains(&candidate) => batch.push(candidate),
                    Some(_) => {}
                    None => break,
                }
            }
            if batch.len() == kept {
                break;
            }
            let mut armed = base.clone();
            let mut landmarks = Vec::new();
            for address in &batch {
                let watch = Watchpoint {
                    address: *address,
                    length: 1,
                    access: Access::Execute,
                };
                if let Some(slot) = armed.watchpoints.iter().position(Option::is_none) {
                    armed.watchpoints[slot] = Some(watch);
                    landmarks.push(watch);
                }
            }
            if let Some((address, hits)) =
                self.count_landmark_hits(from, traps, &armed, &landmarks, None, target)?
            {
                best = Some((address, armed, hits));
            }
        }
        Ok(match best {
            Some((_, armed, hits)) => from.then(Operation::Run { traps: armed, hits }),
            None => from.clone(),
        })
    }

    /// Runs from `from` with `armed` to the next trap of `traps` (which is `target`); the landmark
    /// (among `landmarks`, or the int3 at `breakpoint`) hit last before it, and the number of traps
    /// met up to that hit. Keeps copies on the way so that the seek that follows is short.
    fn count_landmark_hits(
        &mut self,
        from: &Position,
        traps: &TrapSet,
        armed: &TrapSet,
        landmarks: &[Watchpoint],
        breakpoint: Option<u64>,
        target: &Position,
    ) -> TimelineResult<Option<(u64, u64)>> {
        let lost = |what: &str| TimelineError::Lost {
            position: target.to_string(),
            what: what.to_string(),
        };
        self.seek(from)?;
        self.session.set_traps(armed.clone());
        self.session.set_single_step(false);
        let (mut met, mut last) = (0u64, None);
        let mut next_copy = monotonic_ns() + LANDMARK_COPY_EVERY_NS;
        loop {
            let Progress::Trapped(trap) = self.session.advance()? else {
                return Err(lost("an event came first"));
            };
            if trap.exiting {
                return Err(lost("the process reached its exit"));
            }
            if is_hit(&trap, armed, traps) {
                return Ok(last);
            }
            met += 1;
            let fired = armed.fired(trap.watch_slots);
            let landmark = landmarks
                .iter()
                .find(|watch| fired.contains(watch))
                .map(|watch| watch.address)
                .or(trap
                    .breakpoint
                    .filter(|address| Some(*address) == breakpoint));
            if let Some(address) = landmark {
                last = Some((address, met));
                if monotonic_ns() >= next_copy {
                    let here = from.then(Operation::Run {
                        traps: armed.clone(),
                        hits: met,
                    });
                    self.scanned.keep(&here, &mut self.session);
                    next_copy = monotonic_ns() + LANDMARK_COPY_EVERY_NS;
                }
            }
        }
    }

    /// Single-steps until the next trap of `traps` (the exit call if `None`), as a run would meet it;
    /// returns the steps taken (at least one).
    fn steps_to_next_trap(
        &mut self,
        traps: Option<&TrapSet>,
        target: &Position,
        limit: u64,
    ) -> TimelineResult<u64> {
        let lost = |what: &str| TimelineError::Lost {
            position: target.to_string(),
            what: what.to_string(),
        };
        let armed = traps.cloned().unwrap_or_default();
        let rip = self.registers()?.rip;
        if self.session.stopped_at_breakpoint() != Some(rip) && armed.breakpoints.contains(&rip) {
            // The run meets this breakpoint at once: no instruction lies between.
            return Err(lost("a breakpoint where the run starts"));
        }
        self.session.set_traps(armed.without_execution());
        self.session.set_single_step(true);
        let mut steps = 0u64;
        let result = loop {
            let trap = match self.session.advance() {
                Ok(Progress::Trapped(trap)) => trap,
                Ok(_) => break Err(lost("an event came first")),
                Err(error) => break Err(error.into()),
            };
            if trap.exiting {
                break if traps.is_none() {
                    Ok(steps + 1)
                } else {
                    Err(lost("the process reached its exit"))
                };
            }
            steps += 1;
            if steps > limit {
                break Err(TimelineError::TooFar {
                    limit,
                    event: target.event,
                });
            }
            if traps.is_some() {
                match self.step_hit(&trap, &armed) {
                    Ok(Some(_)) => break Ok(steps),
                    Ok(None) => {}
                    Err(error) => break Err(error),
                }
            }
        };
        self.session.set_single_step(false);
        result
    }
}

/// Addresses where the instruction before the one at `at` may start, likeliest first: a conditional
/// jump not taken (2 or 6 bytes) or a call (5 bytes; else 2, 3, 6 or 7) ending at `at` or at the
/// return address on the stack, then every other length up to 15 bytes ending at `at`.
fn predecessor_candidates(at: u64, return_address: Option<u64>) -> Vec<u64> {
    let mut candidates = vec![at.wrapping_sub(2), at.wrapping_sub(6)];
    if let Some(after_call) = return_address {
        candidates.extend([5, 2, 3, 6, 7].map(|length| after_call.wrapping_sub(length)));
    }
    candidates.extend(
        [5, 3, 4, 1, 7, 8, 9, 10, 11, 12, 13, 14, 15].map(|length| at.wrapping_sub(length)),
    );
    let mut unique = Vec::with_capacity(candidates.len());
    for candidate in candidates {
        if !unique.contains(&candidate) {
            unique.push(candidate);
        }
    }
    unique
}

/// Whether `trap` (met with `armed`) is one of `traps`.
fn is_hit(trap: &Trap, armed: &TrapSet, traps: &TrapSet) -> bool {
    trap.breakpoint
        .is_some_and(|address| traps.breakpoints.contains(&address))
        || armed
            .fired(trap.watch_slots)
            .iter()
            .any(|watch| traps.watchpoints.contains(&Some(*watch)))
}
