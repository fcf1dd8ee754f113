//! The replay engine: one [`ReplaySession`] re-runs one trace, one event per [`ReplaySession::step`].
//!
//! Each `replay_*` function mirrors the recorder's `record_*` for the same event kind. Processes run
//! one at a time, in the recorded order of their events; as they share no memory and all their input
//! comes from the trace, that order reproduces each one exactly.

use std::collections::HashMap;
use std::ffi::CString;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use nix::sys::ptrace::{self, Event as PtraceEvent, Options};
use nix::sys::signal::{self, Signal};
use nix::sys::wait::WaitStatus;
use recorder::auxv;
use recorder::instruction::{is_fault, timestamp_instruction_at};
use recorder::kernel_writes::output_ranges;
use recorder::spawn::{spawn_traced, Launch};
use recorder::syscalls::{self, Kind};
use recorder::trace::{
    layout, Event, ExitStatus, FileIdentity, Header, MappedFile, MemoryWrite, Output, Record,
    Registers, SignalCause, Stream, TraceError, TraceReader,
};
use recorder::tracee::{self, ptrace_error, Pid, SiginfoFields, TraceeError};

use crate::inject::{continue_to_exit, run_helper, run_syscall, wait, Executed};
use crate::process::{Replayed, State, Stop};
use crate::trap::{self, Inserted, Progress, Trap, TrapSet};
use crate::{Divergence, ReplayError, ReplayResult};

/// How to replay.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReplayOptions {
    /// Print the program's recorded stdout/stderr output again, as it is replayed.
    pub echo_output: bool,
}

/// Where a run off the recording ([`ReplaySession::run_diverted`]) stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Diverted {
    /// At a debugger trap.
    Trapped(Trap),
    /// At the entry of this system call, which a diverted process cannot make.
    SystemCall(u64),
    /// At this signal (a fault, or an `rdtsc`, which traps).
    Signal(i32),
    /// The process ended.
    Ended(ExitStatus),
}

/// What one step did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// Event `number` (of recorded process `pid`, if it has one) was replayed.
    Event { number: u64, pid: Option<i32> },
    /// The trace is complete; the first process ended with `status`.
    Finished(ExitStatus),
}

/// A replay in progress. The thread that starts it is the tracer of the replayed processes: drive it
/// from that thread only (ptrace requests from any other thread fail).
pub struct ReplaySession {
    reader: TraceReader,
    files: PathBuf,
    options: ReplayOptions,
    processes: HashMap<i32, Replayed>,
    event_number: u64,
    current_pid: Option<i32>,
    finished: Option<ExitStatus>,
    /// The signal replay has just sent to the process it is advancing.
    awaited_signal: Option<i32>,
    /// Debugger traps armed in one process, if a debugger drives this replay.
    debugged: Option<Debugged>,
    /// The next record, read ahead or interrupted by a debugger trap; the next step replays it.
    interrupted: Option<Record>,
    /// A debugger trap stopped the replay of `interrupted` part way.
    inside_event: bool,
    /// Memory the kernel wrote into the debugged process in the last event (address, length).
    kernel_writes: Vec<(u64, u64)>,
    /// Records `reader` must pass over before its next one (a copy reads the trace again lazily, so
    /// that copying stays cheap while the copy only moves within an event).
    unread: u64,
    /// The replaying thread runs pinned beside its tracees with the time-stamp counter off, as the
    /// recorder does (saves a hypervisor exit per ptrace stop in VMs); shared by copies, undone
    /// when the last one goes.
    _tracer_mode: std::rc::Rc<recorder::tsc_mode::TracerMode>,
}

/// The process a debugger watches and what stops it between events.
#[derive(Debug, Default)]
struct Debugged {
    pid: i32,
    traps: TrapSet,
    single_step: bool,
    inserted: Inserted,
    /// Whether the debug registers of the process hold `traps.watchpoints` (exec and fork clear them).
    watch_armed: bool,
    /// The trap that interrupted the last step.
    trapped: Option<Trap>,
    /// The process stands at the entry of its exit call, shown to the debugger as the end of its history.
    exit_held: bool,
    /// The held exit call was let go: the next stop is its execution.
    exit_released: bool,
    /// The process stopped at the breakpoint at this address; resuming first steps over it.
    at_breakpoint: Option<u64>,
}

/// The x86 trap flag (single step) in `eflags`.
const TRAP_FLAG: u64 = 0x100;

/// How the debugged process is being resumed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Resume {
    /// Runs freely.
    Run,
    /// One instruction, asked for by the debugger.
    Step,
    /// One instruction, to leave a breakpoint address without hitting it again.
    StepOver,
}

/// What a SIGTRAP of the debugged process means.
enum TrapStop {
    /// Not the debugger's: the program's own.
    Program,
    /// The debugger's, but not worth a stop (a step over a breakpoint).
    Ignore,
    /// Stop and tell the debugger.
    Report(Trap),
}

impl ReplaySession {
    /// Opens `trace` and starts its program, stopped before its first instruction.
    pub fn start(trace: &Path, options: ReplayOptions) -> ReplayResult<Self> {
        let reader = TraceReader::open(trace)?;
        let header = reader.header().clone();
        if let Some(detail) = header.cpu.difference(&recorder::cpu::features()) {
            return Err(TraceError::CpuMismatch { detail }.into());
        }
        let root = start_program(&header)?;
        let options_mask = Options::PTRACE_O_TRACESYSGOOD
            | Options::PTRACE_O_TRACEFORK
            | Options::PTRACE_O_TRACEVFORK
            | Options::PTRACE_O_TRACECLONE
            | Options::PTRACE_O_TRACEEXEC
            | Options::PTRACE_O_EXITKILL;
        ptrace::setoptions(root, options_mask).map_err(ptrace_error("SETOPTIONS", root))?;
        let tracer_mode = std::rc::Rc::new(recorder::tsc_mode::TracerMode::enter(root.as_raw()));
        let processes = HashMap::from([(
            header.root_pid,
            Replayed {
                real: root,
                state: State::Stopped { deliver: None },
            },
        )]);
        Ok(ReplaySession {
            // Absolute: the program may change directory before it maps a file.
            files: std::fs::canonicalize(trace)
                .map_err(|error| TraceError::io(trace, error))?
                .join(layout::FILES),
            reader,
            options,
            processes,
            event_number: 0,
            current_pid: None,
            finished: None,
            awaited_signal: None,
            debugged: None,
            interrupted: None,
            inside_event: false,
            kernel_writes: Vec::new(),
            unread: 0,
            _tracer_mode: tracer_mode,
        })
    }

    /// The trace header.
    pub fn header(&self) -> &Header {
        self.reader.header()
    }

    /// Number of the last event replayed (0 before the first).
    pub fn event_number(&self) -> u64 {
        self.event_number
    }

    /// Recorded id of the process the last event belonged to.
    pub fn current_pid(&self) -> Option<i32> {
        self.current_pid
    }

    /// Live processes: `(recorded id, id in this replay)`.
    pub fn processes(&self) -> Vec<(i32, Pid)> {
        let mut live: Vec<_> = self
            .processes
            .iter()
            .filter(|(_, process)| !matches!(process.state, State::Dead(_)))
            .map(|(recorded, process)| (*recorded, process.real))
            .collect();
        live.sort();
        live
    }

    /// Registers of recorded process `pid` as it stands now.
    pub fn registers(&mut self, pid: i32) -> ReplayResult<Registers> {
        let real = self.settle(pid)?;
        Ok(tracee::registers(real)?)
    }

    /// `length` bytes of recorded process `pid`'s memory at `address`.
    pub fn read_memory(&mut self, pid: i32, address: u64, length: usize) -> ReplayResult<Vec<u8>> {
        let real = self.settle(pid)?;
        Ok(tracee::read_memory(real, address, length)?)
    }

    /// Replays to the end; returns the recorded status of the first process.
    pub fn run_to_end(&mut self) -> ReplayResult<ExitStatus> {
        loop {
            if let Step::Finished(status) = self.step()? {
                return Ok(status);
            }
        }
    }

    /// Replays the next event.
    pub fn step(&mut self) -> ReplayResult<Step> {
        if let Some(status) = self.finished {
            return Ok(Step::Finished(status));
        }
        let record = match self.interrupted.take() {
            Some(record) => record,
            None => match self.next_record()? {
                Some(record) => record,
                None => {
                    return Err(ReplayError::Incomplete {
                        event: self.event_number,
                    })
                }
            },
        };
        let kept = self.debugged.as_ref().map(|_| record.clone());
        let before = (self.event_number, self.current_pid);
        let exec = match record.event {
            Event::Exec { pid, .. } => Some(pid),
            _ => None,
        };
        self.kernel_writes.clear();
        let result = self.replay_record(record);
        if let (Err(ReplayError::Trapped), Some(record)) = (&result, kept) {
            self.interrupted = Some(record);
            (self.event_number, self.current_pid) = before;
        }
        self.inside_event = matches!(result, Err(ReplayError::Trapped));
        if let Some(debugged) = self.debugged.as_mut() {
            if exec == Some(debugged.pid) {
                // An exec clears the debug registers.
                debugged.watch_armed = false;
            }
        }
        result
    }

    fn replay_record(&mut self, record: Record) -> ReplayResult<Step> {
        let Record {
            number,
            event,
            data,
        } = record;
        self.event_number = number;
        self.current_pid = event.pid();
        match event {
            Event::Syscall {
                pid,
                registers,
                result,
                writes,
                output,
                mapped,
            } => self.replay_syscall(
                pid,
                &registers,
                result,
                &writes,
                &data,
                output,
                mapped.as_ref(),
            )?,
            Event::Fork {
                pid,
                child,
                registers,
            } => self.replay_fork(pid, child, &registers)?,
            Event::Exec {
                pid,
                registers,
                registers_after,
                initial,
                files,
                at_random_address,
                at_random,
                sysinfo_entry,
                ..
            } => {
                let exec = ExecRecord {
                    registers,
                    registers_after,
                    initial,
                    files,
                    at_random_address,
                    at_random,
                    sysinfo_entry,
                };
                self.replay_exec(pid, &exec)?
            }
            Event::Signal {
                pid,
                signal,
                cause,
                siginfo,
                registers,
            } => self.replay_signal(pid, signal, cause, &siginfo, &registers)?,
            Event::Rdtsc {
                pid,
                registers,
                value,
                ..
            } => self.replay_rdtsc(pid, &registers, value)?,
            Event::Exit { pid, status } => self.replay_exit(pid, status)?,
            Event::Chdir { pid, directory } => self.replay_chdir(pid, &directory)?,
            Event::Aborted { reason } => {
                return Err(ReplayError::RecordingAborted {
                    event: number,
                    reason,
                })
            }
            Event::End { status } => {
                self.kill_all();
                self.finished = Some(status);
                return Ok(Step::Finished(status));
            }
        }
        Ok(Step::Event {
            number,
            pid: self.current_pid,
        })
    }

    fn diverge(
        &self,
        pid: i32,
        expected: impl Into<String>,
        actual: impl Into<String>,
    ) -> ReplayError {
        Divergence {
            event: self.event_number,
            pid,
            expected: expected.into(),
            actual: actual.into(),
        }
        .into()
    }

    fn process(&mut self, pid: i32) -> ReplayResult<&mut Replayed> {
        let event = self.event_number;
        self.processes.get_mut(&pid).ok_or_else(|| {
            Divergence {
                event,
                pid,
                expected: "an event of a known process".into(),
                actual: "a process id never created".into(),
            }
            .into()
        })
    }

    fn check_registers(
        &self,
        pid: i32,
        recorded: &Registers,
        actual: &Registers,
    ) -> ReplayResult<()> {
        match recorded.first_difference(actual) {
            None => Ok(()),
            Some((name, expected, got)) => Err(self.diverge(
                pid,
                format!("{name} = {expected:#x} (at rip {:#x})", recorded.rip),
                format!("{name} = {got:#x} (at rip {:#x})", actual.rip),
            )),
        }
    }

    /// Brings a new child or a parent inside a real fork to a plain stop; returns its real id.
    fn settle(&mut self, pid: i32) -> ReplayResult<Pid> {
        let process = self.process(pid)?;
        let real = process.real;
        match process.state {
            State::Unstarted => {
                loop {
                    match wait(real)? {
                        WaitStatus::Stopped(_, _) | WaitStatus::PtraceEvent(_, _, _) => break,
                        WaitStatus::Exited(_, code) => {
                            process.state = State::Dead(ExitStatus::Exited(code));
                            return Ok(real);
                        }
                        WaitStatus::Signaled(_, signal, _) => {
                            process.state = State::Dead(ExitStatus::Signaled(signal as i32));
                            return Ok(real);
                        }
                        _ => continue,
                    }
                }
                process.state = State::Stopped { deliver: None };
            }
            State::InFork { child } => {
                match wait(real)? {
                    WaitStatus::PtraceSyscall(_) => {}
                    WaitStatus::Exited(_, code) => {
                        process.state = State::Dead(ExitStatus::Exited(code));
                        return Ok(real);
                    }
                    WaitStatus::Signaled(_, signal, _) => {
                        process.state = State::Dead(ExitStatus::Signaled(signal as i32));
                        return Ok(real);
                    }
                    other => {
                        let actual = format!("{other:?}");
                        return Err(self.diverge(pid, "the parent to return from fork", actual));
                    }
                }
                let mut registers = tracee::registers(real)?;
                registers.rax = child as u64;
                tracee::set_registers(real, &registers)?;
                self.process(pid)?.state = State::Stopped { deliver: None };
            }
            State::Stopped { .. } | State::Dead(_) => {}
        }
        Ok(real)
    }

    /// Runs `pid` to its next stop that an event must account for, handling on the way the calls the
    /// recorder let through without a stop.
    fn next_stop(&mut self, pid: i32) -> ReplayResult<Stop> {
        let real = self.settle(pid)?;
        loop {
            let deliver = match self.process(pid)?.state {
                State::Dead(status) => return Ok(Stop::Died(status)),
                State::Stopped { deliver } => deliver,
                State::Unstarted | State::InFork { .. } => None,
            };
            let (status, resume, removed) = if self.take_held_exit(pid) {
                // Still at the exit call a debugger was shown: run it now.
                (WaitStatus::PtraceSyscall(real), Resume::Run, Vec::new())
            } else {
                let resume = self.arm_traps(pid, real)?;
                if resume == Resume::Run {
                    ptrace::sysemu(real, deliver).map_err(ptrace_error("SYSEMU", real))?;
                } else {
                    ptrace::sysemu_step(real, deliver)
                        .map_err(ptrace_error("SYSEMU_SINGLESTEP", real))?;
                }
                self.process(pid)?.state = State::Stopped { deliver: None };
                let status = wait(real)?;
                let removed = self.disarm_traps(pid, real, &status)?;
                (status, resume, removed)
            };
            match status {
                WaitStatus::PtraceSyscall(_) => {
                    let mut registers = tracee::registers(real)?;
                    if resume != Resume::Run && registers.r11 & TRAP_FLAG != 0 {
                        // `syscall` saved the trap flag of our single step in r11: the program's
                        // state must not depend on how the debugger reached this call.
                        registers.r11 &= !TRAP_FLAG;
                        tracee::set_registers(real, &registers)?;
                    }
                    let kind = syscalls::lookup(registers.orig_rax).map(|row| row.kind);
                    match kind {
                        Some(Kind::ExecuteUntraced) => {
                            if self.holds_exit(pid, &registers) {
                                return Err(self.report_trap(Trap {
                                    breakpoint: None,
                                    stepped: false,
                                    watch_slots: 0,
                                    exiting: true,
                                }));
                            }
                            if let Some(status) = self.execute_untraced(pid, real, &registers)? {
                                return Ok(Stop::Died(status));
                            }
                        }
                        Some(Kind::OwnPid) => {
                            let mut answered = registers;
                            answered.rax = pid as u64;
                            tracee::set_registers(real, &answered)?;
                        }
                        Some(Kind::SetTidAddress) => {
                            if let Some(status) = self.execute_untraced(pid, real, &registers)? {
                                return Ok(Stop::Died(status));
                            }
                            let mut answered = tracee::registers(real)?;
                            answered.rax = pid as u64;
                            tracee::set_registers(real, &answered)?;
                        }
                        _ => return Ok(Stop::Syscall(registers)),
                    }
                    if resume == Resume::Step {
                        // A call replay runs inline still counts as the one instruction stepped.
                        return Err(self.report_trap(Trap {
                            breakpoint: None,
                            stepped: true,
                            watch_slots: 0,
                            exiting: false,
                        }));
                    }
                }
                WaitStatus::Stopped(_, signal) => {
                    let Some(info) = tracee::siginfo(real)? else {
                        continue;
                    };
                    let fields = SiginfoFields::parse(&info);
                    let registers = tracee::registers(real)?;
                    let number = signal as i32;
                    if signal == Signal::SIGTRAP {
                        match self.classify_trap(
                            pid,
                            real,
                            fields.code,
                            registers,
                            resume,
                            removed,
                        )? {
                            TrapStop::Program => {}
                            TrapStop::Ignore => continue,
                            TrapStop::Report(trap) => return Err(self.report_trap(trap)),
                        }
                    }
                    if signal == Signal::SIGSEGV {
                        if let Some(instruction) = timestamp_instruction_at(real, registers.rip)? {
                            return Ok(Stop::Rdtsc(registers, instruction));
                        }
                    }
                    if is_fault(number, fields.code) {
                        return Ok(Stop::Fault(number, registers));
                    }
                    // The signal the replayer just sent may have merged with a real one of the same
                    // number (SIGCHLD of a real child), so its siginfo cannot identify it.
                    if self.awaited_signal == Some(number) {
                        return Ok(Stop::Injected(number, registers));
                    }
                    // Signals of this replay's own making (a real child's SIGCHLD): not the program's input.
                    if resume == Resume::StepOver {
                        // It stopped the step over a breakpoint before the instruction ran: the next
                        // resume must step over it again, not hit it a second time.
                        if let Some(debugged) = self.debugged.as_mut() {
                            if debugged.pid == pid
                                && debugged.traps.breakpoints.contains(&registers.rip)
                            {
                                debugged.at_breakpoint = Some(registers.rip);
                            }
                        }
                    }
                }
                WaitStatus::Exited(_, code) => {
                    let status = ExitStatus::Exited(code);
                    self.process(pid)?.state = State::Dead(status);
                    return Ok(Stop::Died(status));
                }
                WaitStatus::Signaled(_, signal, _) => {
                    let status = ExitStatus::Signaled(signal as i32);
                    self.process(pid)?.state = State::Dead(status);
                    return Ok(Stop::Died(status));
                }
                WaitStatus::PtraceEvent(..) | WaitStatus::Continued(_) | WaitStatus::StillAlive => {
                }
            }
        }
    }

    /// Runs an untraced call (memory protection, signal masks, exit) for real; `Some` if it ended the
    /// process.
    fn execute_untraced(
        &mut self,
        pid: i32,
        real: Pid,
        registers: &Registers,
    ) -> ReplayResult<Option<ExitStatus>> {
        match run_syscall(
            real,
            registers,
            registers.orig_rax,
            registers.syscall_args(),
        )? {
            Executed::Returned(..) => Ok(None),
            Executed::Died(status) => {
                self.process(pid)?.state = State::Dead(status);
                Ok(Some(status))
            }
            Executed::Event(event) => Err(self.diverge(
                pid,
                format!(
                    "{} to run without events",
                    syscalls::name(registers.orig_rax)
                ),
                format!("ptrace event {event}"),
            )),
        }
    }

    fn expect_syscall(&mut self, pid: i32, recorded: &Registers) -> ReplayResult<(Pid, Registers)> {
        let stop = self.next_stop(pid)?;
        let Stop::Syscall(actual) = stop else {
            let expected = format!(
                "system call {} at rip {:#x}",
                syscalls::name(recorded.orig_rax),
                recorded.rip
            );
            return Err(self.diverge(pid, expected, stop.to_string()));
        };
        if actual.orig_rax != recorded.orig_rax {
            return Err(self.diverge(
                pid,
                format!(
                    "system call {} at rip {:#x}",
                    syscalls::name(recorded.orig_rax),
                    recorded.rip
                ),
                format!(
                    "system call {} at rip {:#x}",
                    syscalls::name(actual.orig_rax),
                    actual.rip
                ),
            ));
        }
        Ok((self.process(pid)?.real, actual))
    }

    /// The mirror of the recorder's `record_syscall`.
    #[allow(clippy::too_many_arguments)]
    fn replay_syscall(
        &mut self,
        pid: i32,
        recorded: &Registers,
        result: i64,
        writes: &[MemoryWrite],
        data: &[u8],
        output: Option<Output>,
        mapped: Option<&MappedFile>,
    ) -> ReplayResult<()> {
        let (real, actual) = self.expect_syscall(pid, recorded)?;
        self.check_registers(pid, recorded, &actual)?;
        let kind = syscalls::lookup(actual.orig_rax).map(|row| row.kind);
        let failed_mmap =
            actual.orig_rax == libc::SYS_mmap as u64 && recorder::record::is_error(result);
        let answered = if kind == Some(Kind::Execute) && !failed_mmap {
            let (replayed, after) = self.execute_for_real(pid, real, &actual, mapped, result)?;
            if replayed != result {
                return Err(self.diverge(
                    pid,
                    format!("{} to return {result:#x}", syscalls::name(actual.orig_rax)),
                    format!("{replayed:#x}"),
                ));
            }
            after
        } else {
            let mut offset = 0usize;
            for write in writes {
                let length = write.length as usize;
                tracee::write_memory(real, write.address, &data[offset..offset + length])?;
                offset += length;
            }
            if self.debugged_pid() == Some(pid) {
                self.kernel_writes = writes
                    .iter()
                    .map(|write| (write.address, write.length))
                    .collect();
            }
            let mut answered = actual;
            answered.rax = result as u64;
            answered
        };
        tracee::set_registers(real, &answered)?;
        if let (Some(output), true) = (output, self.options.echo_output) {
            self.echo(pid, real, &actual, result, output)?;
        }
        Ok(())
    }

    /// Runs an address-space call for real at its recorded place; returns its result.
    fn execute_for_real(
        &mut self,
        pid: i32,
        real: Pid,
        registers: &Registers,
        mapped: Option<&MappedFile>,
        recorded_result: i64,
    ) -> ReplayResult<(i64, Registers)> {
        let mut args = registers.syscall_args();
        let number = registers.orig_rax;
        if number == libc::SYS_mmap as u64 {
            // The recorded result is the address: map exactly there. Helper calls ran on the way, so the
            // program's registers are those at entry, with the result.
            let result = self.replay_mmap(
                pid,
                real,
                registers,
                &mut args,
                mapped,
                recorded_result as u64,
            )?;
            let mut after = *registers;
            after.rax = result as u64;
            return Ok((result, after));
        }
        // Calls such as rt_sigreturn set every register: keep what the kernel left.
        match run_syscall(real, registers, number, args)? {
            Executed::Returned(result, after) => Ok((result, after)),
            _ => Err(self.diverge(
                pid,
                format!("{} to return", syscalls::name(number)),
                "the process ended inside it",
            )),
        }
    }

    fn replay_mmap(
        &mut self,
        pid: i32,
        real: Pid,
        registers: &Registers,
        args: &mut [u64; 6],
        mapped: Option<&MappedFile>,
        recorded_address: u64,
    ) -> ReplayResult<i64> {
        args[0] = recorded_address;
        args[3] = (args[3] & !(libc::MAP_FIXED_NOREPLACE as u64)) | libc::MAP_FIXED as u64;
        let Some(file) = mapped else {
            args[4] = u64::MAX;
            return match run_syscall(real, registers, libc::SYS_mmap as u64, *args)? {
                Executed::Returned(result, _) => Ok(result),
                _ => Err(self.diverge(pid, "mmap to return", "the process ended inside it")),
            };
        };
        if file.writable_shared {
            // Writes must not reach the preserved copy: the mapping becomes private.
            args[3] = (args[3] & !(libc::MAP_SHARED as u64 | libc::MAP_SHARED_VALIDATE as u64))
                | libc::MAP_PRIVATE as u64;
        }
        let path = self.files.join(&file.stored_as);
        let path = CString::new(path.as_os_str().as_encoded_bytes())
            .map_err(|_| ReplayError::Start("trace path contains a NUL byte".into()))?;
        let scratch = (registers.rsp - 8192) & !15;
        let saved = tracee::read_memory(real, scratch, path.as_bytes_with_nul().len())?;
        tracee::write_memory(real, scratch, path.as_bytes_with_nul())?;
        let fd = run_helper(
            real,
            registers,
            libc::SYS_openat,
            [
                libc::AT_FDCWD as u64,
                scratch,
                libc::O_RDONLY as u64,
                0,
                0,
                0,
            ],
        )?;
        tracee::write_memory(real, scratch, &saved)?;
        if fd < 0 {
            return Err(self.diverge(
                pid,
                format!("to map the preserved copy of {}", file.original),
                format!(
                    "open of {} failed with errno {}",
                    String::from_utf8_lossy(path.as_bytes()),
                    -fd
                ),
            ));
        }
        args[4] = fd as u64;
        let result = run_helper(real, registers, libc::SYS_mmap, *args)?;
        run_helper(real, registers, libc::SYS_close, [fd as u64, 0, 0, 0, 0, 0])?;
        Ok(result)
    }

    /// Prints the output of a write again, once its bytes are known to be the recorded ones.
    fn echo(
        &mut self,
        pid: i32,
        real: Pid,
        registers: &Registers,
        result: i64,
        recorded: Output,
    ) -> ReplayResult<()> {
        let Some(output) =
            output_ranges(real, registers.orig_rax, registers.syscall_args(), result)?
        else {
            return Ok(());
        };
        let mut bytes = Vec::new();
        for (address, length) in output.pieces {
            bytes.extend(tracee::read_memory(real, address, length as usize)?);
        }
        let checksum = crc32fast::hash(&bytes);
        if checksum != recorded.checksum {
            return Err(self.diverge(
                pid,
                format!(
                    "{} bytes of output with CRC-32 {:#010x}, as recorded",
                    bytes.len(),
                    recorded.checksum
                ),
                format!("different bytes (CRC-32 {checksum:#010x}); not printed"),
            ));
        }
        let _ = match recorded.stream {
            Stream::Stdout => std::io::stdout()
                .lock()
                .write_all(&bytes)
                .and_then(|()| std::io::stdout().flush()),
            Stream::Stderr => std::io::stderr().lock().write_all(&bytes),
        };
        Ok(())
    }

    fn replay_fork(&mut self, pid: i32, child: i32, recorded: &Registers) -> ReplayResult<()> {
        let (real, actual) = self.expect_syscall(pid, recorded)?;
        self.check_registers(pid, recorded, &actual)?;
        let number = actual.orig_rax;
        let args = actual.syscall_args();
        match run_syscall(real, &actual, number, args)? {
            Executed::Event(event)
                if event == PtraceEvent::PTRACE_EVENT_FORK as i32
                    || event == PtraceEvent::PTRACE_EVENT_VFORK as i32
                    || event == PtraceEvent::PTRACE_EVENT_CLONE as i32 => {}
            Executed::Returned(result, _) => {
                return Err(self.diverge(
                    pid,
                    format!("{} to create process {child}", syscalls::name(number)),
                    format!("result {result}"),
                ))
            }
            _ => {
                return Err(self.diverge(
                    pid,
                    format!("{} to create process {child}", syscalls::name(number)),
                    "no new process",
                ))
            }
        }
        let child_real = Pid::from_raw(
            ptrace::getevent(real).map_err(ptrace_error("GETEVENTMSG", real))? as i32,
        );
        self.processes.insert(
            child,
            Replayed {
                real: child_real,
                state: State::Unstarted,
            },
        );
        self.settle(child)?;
        // The kernel stored the real child id where clone was asked to; the program must see the recorded one.
        if number == libc::SYS_clone as u64 {
            let flags = args[0];
            if flags & libc::CLONE_PARENT_SETTID as u64 != 0 {
                tracee::write_memory(real, args[2], &child.to_le_bytes())?;
            }
            if flags & libc::CLONE_CHILD_SETTID as u64 != 0 {
                tracee::write_memory(child_real, args[3], &child.to_le_bytes())?;
            }
        }
        ptrace::syscall(real, None).map_err(ptrace_error("SYSCALL", real))?;
        self.process(pid)?.state = State::InFork { child };
        Ok(())
    }

    fn replay_exec(&mut self, pid: i32, exec: &ExecRecord) -> ReplayResult<()> {
        let (real, actual) = self.expect_syscall(pid, &exec.registers)?;
        if !exec.initial {
            self.check_registers(pid, &exec.registers, &actual)?;
        }
        match run_syscall(real, &actual, actual.orig_rax, actual.syscall_args())? {
            Executed::Event(event) if event == PtraceEvent::PTRACE_EVENT_EXEC as i32 => {}
            Executed::Returned(result, _) => {
                let files = exec
                    .files
                    .first()
                    .map_or("the program".to_string(), |file| file.path.clone());
                return Err(self.diverge(
                    pid,
                    format!("execve of {files} to succeed"),
                    format!("errno {}", -result),
                ));
            }
            _ => return Err(self.diverge(pid, "execve to succeed", "no exec event")),
        }
        for file in &exec.files {
            if let Some(change) = file_change(file) {
                return Err(self.diverge(pid, format!("{} as recorded", file.path), change));
            }
        }
        let registers_now = tracee::registers(real)?;
        let stack = auxv::inspect(real, registers_now.rsp)?;
        if stack.at_random_address != exec.at_random_address
            || stack.sysinfo_entry != exec.sysinfo_entry
        {
            return Err(self.diverge(
                pid,
                format!("the auxiliary vector at {:#x}", exec.at_random_address),
                format!("it at {:#x}", stack.at_random_address),
            ));
        }
        tracee::write_memory(real, exec.at_random_address, &exec.at_random)?;
        auxv::disable_vdso(real, exec.sysinfo_entry)?;
        match continue_to_exit(real)? {
            Executed::Returned(_, after) => {
                self.check_registers(pid, &exec.registers_after, &after)?
            }
            _ => return Err(self.diverge(pid, "execve to return", "the process ended")),
        }
        self.process(pid)?.state = State::Stopped { deliver: None };
        Ok(())
    }

    fn replay_signal(
        &mut self,
        pid: i32,
        signal: i32,
        cause: SignalCause,
        siginfo: &[u8],
        recorded: &Registers,
    ) -> ReplayResult<()> {
        let name = recorder::trace::signal_name(signal);
        let sig = Signal::try_from(signal)
            .map_err(|_| self.diverge(pid, format!("a valid signal, not {signal}"), "-"))?;
        let real = self.settle(pid)?;
        if cause == SignalCause::Interrupted {
            return self.replay_interrupt(pid, sig, siginfo, recorded);
        }
        if cause == SignalCause::Delivered {
            signal::kill(real, sig)
                .map_err(|errno| ReplayError::Tracee(ptrace_error("kill", real)(errno)))?;
            crate::temporary_mask::rerun_suspend_if_needed(real, signal)?;
        }
        self.awaited_signal = (cause == SignalCause::Delivered).then_some(signal);
        let stop = self.next_stop(pid);
        self.awaited_signal = None;
        let stop = stop?;
        let actual = match (&stop, cause) {
            (Stop::Fault(number, registers), SignalCause::Fault) if *number == signal => *registers,
            (Stop::Injected(number, registers), SignalCause::Delivered) if *number == signal => {
                *registers
            }
            _ => {
                return Err(self.diverge(
                    pid,
                    format!("{name} at rip {:#x}", recorded.rip),
                    stop.to_string(),
                ))
            }
        };
        self.check_registers(pid, recorded, &actual)?;
        if cause == SignalCause::Delivered {
            tracee::set_siginfo(real, siginfo)?;
        }
        self.process(pid)?.state = State::Stopped { deliver: Some(sig) };
        Ok(())
    }

    /// Delivers a signal that interrupted user code: runs to the first moment the process is at the
    /// recorded instruction with the recorded registers (a breakpoint there, checked at every hit).
    fn replay_interrupt(
        &mut self,
        pid: i32,
        signal: Signal,
        siginfo: &[u8],
        recorded: &Registers,
    ) -> ReplayResult<()> {
        const INT3: u8 = 0xcc;
        let real = self.process(pid)?.real;
        let address = recorded.rip;
        let original = tracee::read_memory(real, address, 1)?;
        tracee::write_memory(real, address, &[INT3])?;
        loop {
            let stop = self.next_stop(pid);
            let restored = tracee::write_memory(real, address, &original);
            let stop = stop?;
            restored?;
            let Stop::Fault(number, mut at) = stop else {
                return Err(self.diverge(
                    pid,
                    format!(
                        "{} at rip {address:#x}",
                        recorder::trace::signal_name(signal as i32)
                    ),
                    stop.to_string(),
                ));
            };
            if number != libc::SIGTRAP || at.rip != address + 1 {
                return Err(self.diverge(
                    pid,
                    format!("to reach rip {address:#x}"),
                    stop.to_string(),
                ));
            }
            at.rip = address;
            tracee::set_registers(real, &at)?;
            if recorded.first_difference(&at).is_none() {
                tracee::set_siginfo(real, siginfo)?;
                self.process(pid)?.state = State::Stopped {
                    deliver: Some(signal),
                };
                return Ok(());
            }
            // Not yet: execute the real instruction once, then put the breakpoint back.
            ptrace::step(real, None).map_err(ptrace_error("SINGLESTEP", real))?;
            match wait(real)? {
                WaitStatus::Stopped(_, Signal::SIGTRAP) => {}
                other => {
                    return Err(self.diverge(
                        pid,
                        format!("a single step at {address:#x}"),
                        format!("{other:?}"),
                    ))
                }
            }
            tracee::write_memory(real, address, &[INT3])?;
            self.process(pid)?.state = State::Stopped { deliver: None };
        }
    }

    fn replay_rdtsc(&mut self, pid: i32, recorded: &Registers, value: u64) -> ReplayResult<()> {
        let stop = self.next_stop(pid)?;
        let Stop::Rdtsc(actual, instruction) = stop else {
            return Err(self.diverge(
                pid,
                format!("rdtsc at rip {:#x}", recorded.rip),
                stop.to_string(),
            ));
        };
        self.check_registers(pid, recorded, &actual)?;
        let mut answered = actual;
        instruction.emulate(&mut answered, value);
        let real = self.process(pid)?.real;
        tracee::set_registers(real, &answered)?;
        Ok(())
    }

    /// After an `fchdir` (whose descriptor exists only in the recording): moves the process to the
    /// directory it moved to, so that relative paths it executes resolve as they did.
    fn replay_chdir(&mut self, pid: i32, directory: &[u8]) -> ReplayResult<()> {
        let real = self.settle(pid)?;
        let path = CString::new(directory).map_err(|_| TraceError::Corrupt {
            event: self.event_number,
            what: "working directory contains NUL".into(),
        })?;
        let registers = tracee::registers(real)?;
        let scratch = (registers.rsp - 8192) & !15;
        let saved = tracee::read_memory(real, scratch, path.as_bytes_with_nul().len())?;
        tracee::write_memory(real, scratch, path.as_bytes_with_nul())?;
        let result = run_helper(real, &registers, libc::SYS_chdir, [scratch, 0, 0, 0, 0, 0]);
        tracee::write_memory(real, scratch, &saved)?;
        tracee::set_registers(real, &registers)?;
        match result? {
            0 => Ok(()),
            error => Err(self.diverge(
                pid,
                format!("to enter {}", String::from_utf8_lossy(directory)),
                format!("chdir failed with errno {}", -error),
            )),
        }
    }

    fn replay_exit(&mut self, pid: i32, recorded: ExitStatus) -> ReplayResult<()> {
        let stop = self.next_stop(pid)?;
        let actual = match stop {
            Stop::Died(status) => status,
            other if recorded == ExitStatus::Signaled(libc::SIGKILL) => {
                // Killed from outside at a point no event marks: end it here the same way.
                let real = self.process(pid)?.real;
                let _ = signal::kill(real, Signal::SIGKILL);
                let _ = other;
                loop {
                    match wait(real)? {
                        WaitStatus::Exited(..) | WaitStatus::Signaled(..) => break,
                        _ => {
                            let _ = ptrace::cont(real, None);
                        }
                    }
                }
                recorded
            }
            other => {
                return Err(self.diverge(
                    pid,
                    format!("the process to end ({recorded})"),
                    other.to_string(),
                ))
            }
        };
        self.process(pid)?.state = State::Dead(actual);
        if actual != recorded {
            return Err(self.diverge(
                pid,
                format!("the process to end ({recorded})"),
                format!("{actual}"),
            ));
        }
        Ok(())
    }

    /// Arms debugger traps in recorded process `pid` from now on; other processes run untouched.
    pub fn debug(&mut self, pid: i32) {
        self.debugged = Some(Debugged {
            pid,
            ..Debugged::default()
        });
    }

    /// Runs the debugged process off the recording (a debugger changed its registers or memory, so
    /// the trace no longer describes it) until its next trap, system call, signal or end, replaying
    /// no event. A system call is not executed: resuming goes on past it with the `-ENOSYS` the
    /// kernel left in `rax`.
    pub fn run_diverted(&mut self) -> ReplayResult<Diverted> {
        let Some(pid) = self.debugged_pid() else {
            return Err(ReplayError::Start(
                "no process is being debugged in this replay".into(),
            ));
        };
        match self.next_stop(pid) {
            Err(ReplayError::Trapped) => Ok(Diverted::Trapped(
                self.debugged
                    .as_mut()
                    .and_then(|debugged| debugged.trapped.take())
                    .unwrap_or(Trap {
                        breakpoint: None,
                        stepped: false,
                        watch_slots: 0,
                        exiting: false,
                    }),
            )),
            Ok(Stop::Syscall(registers)) => Ok(Diverted::SystemCall(registers.orig_rax)),
            Ok(Stop::Fault(signal, _) | Stop::Injected(signal, _)) => Ok(Diverted::Signal(signal)),
            Ok(Stop::Rdtsc(..)) => Ok(Diverted::Signal(libc::SIGSEGV)),
            Ok(Stop::Died(status)) => Ok(Diverted::Ended(status)),
            Err(error) => Err(error),
        }
    }

    /// The recorded id of the process debugger traps apply to.
    pub fn debugged_pid(&self) -> Option<i32> {
        self.debugged.as_ref().map(|debugged| debugged.pid)
    }

    /// The breakpoints and watchpoints armed in the debugged process.
    pub fn traps(&self) -> TrapSet {
        self.debugged
            .as_ref()
            .map(|debugged| debugged.traps.clone())
            .unwrap_or_default()
    }

    /// Replaces the breakpoints and watchpoints armed in the debugged process.
    pub fn set_traps(&mut self, traps: TrapSet) {
        if let Some(debugged) = self.debugged.as_mut() {
            if debugged.traps.watchpoints != traps.watchpoints {
                debugged.watch_armed = false;
            }
            debugged.traps = traps;
        }
    }

    /// Makes the debugged process run one instruction at a time (each one a [`Progress::Trapped`]).
    pub fn set_single_step(&mut self, on: bool) {
        if let Some(debugged) = self.debugged.as_mut() {
            debugged.single_step = on;
        }
    }

    /// Replays up to the end of the next event, or to the first debugger trap before it; a trapped
    /// event is replayed again (from where the trap left the process) by the next call.
    pub fn advance(&mut self) -> ReplayResult<Progress> {
        match self.step() {
            Ok(Step::Event { number, pid }) => Ok(Progress::Event { number, pid }),
            Ok(Step::Finished(status)) => Ok(Progress::Finished(status)),
            Err(ReplayError::Trapped) => Ok(Progress::Trapped(
                self.debugged
                    .as_mut()
                    .and_then(|debugged| debugged.trapped.take())
                    .unwrap_or(Trap {
                        breakpoint: None,
                        stepped: false,
                        watch_slots: 0,
                        exiting: false,
                    }),
            )),
            Err(error) => Err(error),
        }
    }

    /// The recorded status of the first process, once the whole trace has been replayed.
    pub fn finished(&self) -> Option<ExitStatus> {
        self.finished
    }

    /// Whether a trap interrupted the next event (the debugged process stands between two events).
    pub fn is_inside_event(&self) -> bool {
        self.inside_event
    }

    /// Whether an exact copy of this replay can be made now: every live process is at a plain stop
    /// (between events, or at a debugger trap), with no signal waiting to be delivered.
    pub fn can_fork(&self) -> bool {
        self.finished.is_none()
            && self.awaited_signal.is_none()
            && self
                .debugged
                .as_ref()
                .is_none_or(|debugged| !debugged.exit_held && debugged.trapped.is_none())
            && self.processes.values().all(|process| {
                matches!(
                    process.state,
                    State::Stopped { deliver: None } | State::Dead(_)
                )
            })
    }

    /// An exact copy of this replay (a checkpoint): every live process forked, the trace read again up
    /// to the same event, debugger traps configured alike (the copy arms them when it runs).
    pub fn fork(&mut self) -> ReplayResult<ReplaySession> {
        if !self.can_fork() {
            return Err(ReplayError::Start(format!(
                "cannot copy the replay at event {}: a process is not at a plain stop",
                self.event_number
            )));
        }
        let reader = TraceReader::open(self.reader.dir())?;
        let unread = self.reader.last_number() + self.unread;
        let mut processes = HashMap::new();
        let copy = |processes: &mut HashMap<i32, Replayed>| -> ReplayResult<()> {
            for (recorded, process) in &self.processes {
                let state = process.state;
                let real = match state {
                    State::Dead(_) => process.real,
                    _ => crate::fork::fork_process(process.real)?,
                };
                processes.insert(*recorded, Replayed { real, state });
            }
            Ok(())
        };
        if let Err(error) = copy(&mut processes) {
            for process in processes.values() {
                if !matches!(process.state, State::Dead(_)) {
                    let _ = signal::kill(process.real, Signal::SIGKILL);
                }
            }
            return Err(error);
        }
        Ok(ReplaySession {
            reader,
            files: self.files.clone(),
            options: self.options,
            processes,
            event_number: self.event_number,
            current_pid: self.current_pid,
            finished: None,
            awaited_signal: None,
            debugged: self.debugged.as_ref().map(|debugged| Debugged {
                pid: debugged.pid,
                traps: debugged.traps.clone(),
                exit_released: debugged.exit_released,
                at_breakpoint: debugged.at_breakpoint,
                ..Debugged::default()
            }),
            interrupted: self.interrupted.clone(),
            inside_event: self.inside_event,
            kernel_writes: Vec::new(),
            unread,
            _tracer_mode: self._tracer_mode.clone(),
        })
    }

    /// Whether the debugged process stands at the breakpoint it last stopped at (resuming steps over it).
    pub fn stopped_at_breakpoint(&self) -> Option<u64> {
        self.debugged
            .as_ref()
            .and_then(|debugged| debugged.at_breakpoint)
    }

    /// The next record of the trace, after passing over the ones a copy has not read yet.
    fn next_record(&mut self) -> ReplayResult<Option<Record>> {
        while self.unread > 0 {
            if self.reader.next_record()?.is_none() {
                return Err(ReplayError::Incomplete {
                    event: self.reader.last_number(),
                });
            }
            self.unread -= 1;
        }
        Ok(self.reader.next_record()?)
    }

    /// The memory ranges `(address, length)` the kernel wrote into the debugged process in the event
    /// just replayed (a system call's results), which hardware watchpoints do not see.
    pub fn kernel_writes(&self) -> &[(u64, u64)] {
        &self.kernel_writes
    }

    /// The next event to replay, read ahead (not replayed).
    pub fn peek_event(&mut self) -> ReplayResult<Option<&Event>> {
        if self.interrupted.is_none() && self.finished.is_none() {
            self.interrupted = self.next_record()?;
        }
        Ok(self.interrupted.as_ref().map(|record| &record.event))
    }

    /// The auxiliary vector the kernel gave recorded process `pid` at its last exec.
    pub fn auxv(&mut self, pid: i32) -> ReplayResult<Vec<u8>> {
        let real = self.settle(pid)?;
        std::fs::read(format!("/proc/{real}/auxv")).map_err(|error| {
            TraceeError::Memory {
                operation: "read the auxiliary vector of",
                pid: real,
                address: 0,
                length: 0,
                error,
            }
            .into()
        })
    }

    /// Whether recorded process `pid` is alive in this replay.
    pub fn is_alive(&self, pid: i32) -> bool {
        self.processes
            .get(&pid)
            .is_some_and(|process| !matches!(process.state, State::Dead(_)))
    }

    /// Writes `bytes` into recorded process `pid`'s memory (a debugger's change; this replay may diverge).
    pub fn write_memory(&mut self, pid: i32, address: u64, bytes: &[u8]) -> ReplayResult<()> {
        let real = self.settle(pid)?;
        Ok(tracee::write_memory(real, address, bytes)?)
    }

    /// Replaces recorded process `pid`'s registers (a debugger's change; this replay may diverge).
    pub fn set_registers(&mut self, pid: i32, registers: &Registers) -> ReplayResult<()> {
        let real = self.settle(pid)?;
        Ok(tracee::set_registers(real, registers)?)
    }

    /// Upper halves of the AVX registers ymm0..ymm15 of recorded process `pid`.
    pub fn ymm_upper_halves(&mut self, pid: i32) -> ReplayResult<[u128; 16]> {
        let real = self.settle(pid)?;
        Ok(crate::xstate::ymm_upper_halves(real)?)
    }

    /// Floating-point and SSE registers of recorded process `pid`.
    pub fn fp_registers(&mut self, pid: i32) -> ReplayResult<libc::user_fpregs_struct> {
        let real = self.settle(pid)?;
        ptrace::getregset::<ptrace::regset::NT_PRFPREG>(real)
            .map_err(|errno| ptrace_error("GETREGSET (floating point)", real)(errno).into())
    }

    /// Whether the exit call `registers` is at must first be shown to the debugger (once).
    fn holds_exit(&mut self, pid: i32, registers: &Registers) -> bool {
        let is_exit = registers.orig_rax == libc::SYS_exit as u64
            || registers.orig_rax == libc::SYS_exit_group as u64;
        match self.debugged.as_mut() {
            Some(debugged) if debugged.pid == pid && is_exit && !debugged.exit_released => {
                debugged.exit_held = true;
                true
            }
            _ => false,
        }
    }

    fn take_held_exit(&mut self, pid: i32) -> bool {
        match self.debugged.as_mut() {
            Some(debugged) if debugged.pid == pid && debugged.exit_held => {
                debugged.exit_held = false;
                debugged.exit_released = true;
                true
            }
            _ => false,
        }
    }

    /// The signal recorded process `pid` receives when it runs on, if replay stopped it at one.
    pub fn pending_signal(&self, pid: i32) -> Option<i32> {
        match self.processes.get(&pid)?.state {
            State::Stopped { deliver } => deliver.map(|signal| signal as i32),
            _ => None,
        }
    }

    fn report_trap(&mut self, trap: Trap) -> ReplayError {
        if let Some(debugged) = self.debugged.as_mut() {
            debugged.trapped = Some(trap);
        }
        ReplayError::Trapped
    }

    /// Before resuming `pid`: programs its watchpoints, writes its breakpoints, and says how to resume.
    fn arm_traps(&mut self, pid: i32, real: Pid) -> ReplayResult<Resume> {
        let Some(debugged) = self
            .debugged
            .as_mut()
            .filter(|debugged| debugged.pid == pid)
        else {
            return Ok(Resume::Run);
        };
        if !debugged.watch_armed {
            trap::arm_watchpoints(real, &debugged.traps.watchpoints)?;
            debugged.watch_armed = true;
        }
        let at_breakpoint = debugged.at_breakpoint.take();
        if debugged.single_step {
            return Ok(Resume::Step);
        }
        if debugged.traps.breakpoints.is_empty() {
            return Ok(Resume::Run);
        }
        let skip = match at_breakpoint {
            Some(address) if tracee::registers(real)?.rip == address => Some(address),
            _ => None,
        };
        debugged
            .inserted
            .insert(real, &debugged.traps.breakpoints, skip)?;
        Ok(if skip.is_some() {
            Resume::StepOver
        } else {
            Resume::Run
        })
    }

    /// After a stop of `pid`: takes its breakpoints out again; returns the addresses that were in.
    fn disarm_traps(&mut self, pid: i32, real: Pid, status: &WaitStatus) -> ReplayResult<Vec<u64>> {
        let Some(debugged) = self
            .debugged
            .as_mut()
            .filter(|debugged| debugged.pid == pid)
        else {
            return Ok(Vec::new());
        };
        if matches!(status, WaitStatus::Exited(..) | WaitStatus::Signaled(..)) {
            debugged.inserted = Inserted::default();
            return Ok(Vec::new());
        }
        Ok(debugged.inserted.remove(real)?)
    }

    /// Whether a SIGTRAP of `pid` with `si_code` `code` is a debugger trap.
    fn classify_trap(
        &mut self,
        pid: i32,
        real: Pid,
        code: i32,
        registers: Registers,
        resume: Resume,
        removed: Vec<u64>,
    ) -> ReplayResult<TrapStop> {
        /// `si_code` of a trap raised by an `int3` instruction.
        const SI_KERNEL: i32 = 0x80;
        let Some(debugged) = self
            .debugged
            .as_ref()
            .filter(|debugged| debugged.pid == pid)
        else {
            return Ok(TrapStop::Program);
        };
        if code == SI_KERNEL {
            let address = registers.rip.wrapping_sub(1);
            if !removed.contains(&address) {
                return Ok(TrapStop::Program);
            }
            let mut at = registers;
            at.rip = address;
            tracee::set_registers(real, &at)?;
            if let Some(debugged) = self.debugged.as_mut() {
                debugged.at_breakpoint = Some(address);
            }
            return Ok(TrapStop::Report(Trap {
                breakpoint: Some(address),
                stepped: false,
                watch_slots: 0,
                exiting: false,
            }));
        }
        // TRAP_BRKPT, TRAP_TRACE, TRAP_BRANCH, TRAP_HWBKPT: a debug exception.
        if !(1..=4).contains(&code) {
            return Ok(TrapStop::Program);
        }
        let armed = debugged
            .traps
            .watchpoints
            .iter()
            .enumerate()
            .filter(|(_, watch)| watch.is_some())
            .fold(0u8, |mask, (slot, _)| mask | 1 << slot);
        let slots = trap::fired_slots(real)? & armed;
        Ok(match resume {
            Resume::Step => TrapStop::Report(Trap {
                breakpoint: None,
                stepped: true,
                watch_slots: slots,
                exiting: false,
            }),
            _ if slots != 0 => TrapStop::Report(Trap {
                breakpoint: None,
                stepped: false,
                watch_slots: slots,
                exiting: false,
            }),
            Resume::StepOver => TrapStop::Ignore,
            Resume::Run => TrapStop::Program,
        })
    }

    fn kill_all(&mut self) {
        for process in self.processes.values_mut() {
            if !matches!(process.state, State::Dead(_)) {
                let _ = signal::kill(process.real, Signal::SIGKILL);
                let _ = nix::sys::wait::waitpid(
                    process.real,
                    Some(nix::sys::wait::WaitPidFlag::__WALL),
                );
                process.state = State::Dead(ExitStatus::Signaled(libc::SIGKILL));
            }
        }
    }
}

impl Drop for ReplaySession {
    fn drop(&mut self) {
        self.kill_all();
    }
}

/// The parts of an exec event replay needs.
struct ExecRecord {
    registers: Registers,
    registers_after: Registers,
    initial: bool,
    files: Vec<FileIdentity>,
    at_random_address: u64,
    at_random: [u8; 16],
    sysinfo_entry: Option<u64>,
}

/// How a file the kernel maps at exec differs from the recording, if it does.
fn file_change(file: &FileIdentity) -> Option<String> {
    let Ok(metadata) = std::fs::metadata(&file.path) else {
        return Some(format!("{} no longer exists", file.path));
    };
    let modified = i128::from(metadata.mtime()) * 1_000_000_000 + i128::from(metadata.mtime_nsec());
    if metadata.ino() == file.inode && metadata.size() == file.size && modified == file.modified_ns
    {
        return None;
    }
    // Another file by its metadata; the same program if it has the same bytes (a rebuild).
    let same_bytes = metadata.size() == file.size
        && recorder::trace::checksum_of(&file.path).is_ok_and(|sum| sum == file.checksum);
    (!same_bytes).then(|| {
        format!(
            "{} changed since the recording (replay needs the same binary: same contents)",
            file.path
        )
    })
}

/// Starts the recorded command under the recorded conditions.
fn start_program(header: &Header) -> ReplayResult<Pid> {
    let to_c = |bytes: &[u8]| {
        CString::new(bytes).map_err(|_| TraceError::Corrupt {
            event: 0,
            what: "header string contains NUL".into(),
        })
    };
    let executable = to_c(&header.executable)?;
    let argv = header
        .command
        .iter()
        .map(|arg| to_c(arg))
        .collect::<Result<Vec<_>, _>>()?;
    let env = header
        .env
        .iter()
        .map(|var| to_c(var))
        .collect::<Result<Vec<_>, _>>()?;
    let cwd = to_c(&header.cwd)?;
    spawn_traced(&Launch {
        executable: &executable,
        argv: &argv,
        env: &env,
        cwd: Some(&cwd),
        stack_limit: Some(header.stack_limit),
        seccomp: None,
    })
    .map_err(|error| match error {
        TraceeError::Spawn { program, reason } => {
            ReplayError::Start(format!("cannot start {program} again: {reason}"))
        }
        other => other.into(),
    })
}
