//! The recording engine: runs a program tree under ptrace and writes every nondeterministic input it
//! receives to a trace.
//!
//! Stops come from the seccomp filter (system-call entry), the exit of those calls, fork/exec events,
//! signals and process deaths, in whatever order the kernel reports them for the whole tree. The
//! engine mirrors the replayer's `replay_*` functions: what is recorded here for an event is exactly
//! what replay needs to reproduce it.

mod files;
mod output;
mod process;

use std::collections::{HashMap, HashSet};
use std::ffi::{CString, OsString};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use nix::errno::Errno;
use nix::sys::ptrace::{self, Event as PtraceEvent, Options};
use nix::sys::signal::{self, Signal};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};

use crate::auxv;
use crate::instruction::{is_fault, timestamp_instruction_at};
use crate::kernel_writes::{kernel_writes, output_ranges};
use crate::seccomp::recording_filter;
use crate::spawn::{spawn_traced, Launch};
use crate::syscalls::{self, Kind};
use crate::trace::{
    Event, ExitStatus, FileIdentity, Header, Output, Registers, SignalCause, TraceError,
    TraceWriter, ARCH, TRACE_VERSION,
};
use crate::tracee::{self, Pid, SiginfoFields, TraceeError};
use files::FileStore;
use output::{OutputStreams, OutputTurns};
use process::{Pending, Process};

/// What to record.
pub struct RecordOptions {
    /// The trace directory to create (must not exist).
    pub trace_dir: PathBuf,
    /// Program and arguments.
    pub command: Vec<OsString>,
}

/// A finished recording.
#[derive(Debug)]
pub struct Recording {
    /// How the first process ended.
    pub status: ExitStatus,
    /// Number of events written.
    pub events: u64,
}

/// Why a recording failed.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    /// The trace could not be written.
    #[error(transparent)]
    Trace(#[from] TraceError),
    /// A ptrace operation failed.
    #[error(transparent)]
    Tracee(#[from] TraceeError),
    /// The command could not be found or started.
    #[error("{0}")]
    Start(String),
    /// The program did something the recorder cannot record; the trace ends with an `Aborted` event.
    #[error("{0}")]
    Unsupported(String),
    /// Waiting for the tracees failed.
    #[error("waiting for recorded processes failed: {0}")]
    Wait(Errno),
}

type RecordResult<T> = Result<T, RecordError>;

/// How long a signal that arrived in user code waits for the process's next system call before it is
/// delivered where the process is.
const HOLD_SIGNALS_FOR: Duration = Duration::from_millis(10);

/// Records `options.command` into `options.trace_dir`. The calling thread becomes the tracer: it waits
/// only for its own tracees, so several recordings may run in one process, one per thread.
pub fn record(options: &RecordOptions) -> RecordResult<Recording> {
    let program = options
        .command
        .first()
        .ok_or_else(|| RecordError::Start("no program to record".into()))?;
    let executable = resolve_program(program)?;
    let to_c = |bytes: Vec<u8>| {
        CString::new(bytes)
            .map_err(|_| RecordError::Start("arguments must not contain NUL bytes".into()))
    };
    let argv = options
        .command
        .iter()
        .map(|arg| to_c(arg.as_bytes().to_vec()))
        .collect::<RecordResult<Vec<_>>>()?;
    let env: Vec<Vec<u8>> = std::env::vars_os()
        .map(|(name, value)| {
            let mut entry = name.into_vec();
            entry.push(b'=');
            entry.extend(value.into_vec());
            entry
        })
        .collect();
    let env_c = env
        .iter()
        .map(|entry| to_c(entry.clone()))
        .collect::<RecordResult<Vec<_>>>()?;
    let executable_c = to_c(executable.as_os_str().as_bytes().to_vec())?;
    let cwd = std::env::current_dir()
        .map_err(|error| RecordError::Start(format!("no working directory: {error}")))?;
    let stack_limit = nix::sys::resource::getrlimit(nix::sys::resource::Resource::RLIMIT_STACK)
        .map_err(|errno| RecordError::Start(format!("getrlimit failed: {errno}")))?;
    let filter = recording_filter();
    let root = spawn_traced(&Launch {
        executable: &executable_c,
        argv: &argv,
        env: &env_c,
        cwd: None,
        stack_limit: None,
        seccomp: Some(&filter),
    })?;
    let header = Header {
        version: TRACE_VERSION,
        arch: ARCH.into(),
        cpu: crate::cpu::features(),
        kernel: nix::sys::utsname::uname()
            .map(|name| name.release().to_string_lossy().into_owned())
            .unwrap_or_default(),
        command: options
            .command
            .iter()
            .map(|arg| arg.as_bytes().to_vec())
            .collect(),
        executable: executable.as_os_str().as_bytes().to_vec(),
        env,
        cwd: cwd.as_os_str().as_bytes().to_vec(),
        stack_limit,
        root_pid: root.as_raw(),
    };
    let writer = match TraceWriter::create(&options.trace_dir, &header) {
        Ok(writer) => writer,
        Err(error) => {
            let _ = signal::kill(root, Signal::SIGKILL);
            let _ = waitpid(root, None);
            return Err(error.into());
        }
    };
    let options = Options::PTRACE_O_TRACESYSGOOD
        | Options::PTRACE_O_TRACEFORK
        | Options::PTRACE_O_TRACEVFORK
        | Options::PTRACE_O_TRACECLONE
        | Options::PTRACE_O_TRACEEXEC
        | Options::PTRACE_O_TRACESECCOMP
        | Options::PTRACE_O_EXITKILL;
    ptrace::setoptions(root, options).map_err(tracee::ptrace_error("SETOPTIONS", root))?;
    let mut recorder = Recorder {
        files: FileStore::new(options_files_dir(writer.dir())),
        writer,
        outputs: OutputStreams::of_this_process(),
        turns: OutputTurns::default(),
        processes: HashMap::from([(root, Process::new(true))]),
        early_stops: HashSet::new(),
        vfork_children: HashMap::new(),
        root,
        root_status: None,
        initial_exec_pending: true,
        own_pid: std::process::id() as i32,
    };
    // The flusher thread exists by now and keeps the counter; only this (tracer) thread gives it up.
    let _tracer_mode = crate::tsc_mode::TracerMode::enter(root.as_raw());
    resume(root, Resume::Continue, None);
    recorder.run()
}

fn options_files_dir(trace: &Path) -> PathBuf {
    trace.join(crate::trace::layout::FILES)
}

/// Finds `program` the way `execvp` would.
fn resolve_program(program: &OsString) -> RecordResult<PathBuf> {
    let candidate = PathBuf::from(program);
    let is_executable = |path: &Path| {
        std::fs::metadata(path)
            .is_ok_and(|metadata| metadata.is_file() && metadata.mode() & 0o111 != 0)
    };
    if program.as_bytes().contains(&b'/') {
        return if is_executable(&candidate) {
            Ok(candidate)
        } else {
            Err(RecordError::Start(format!(
                "cannot execute {}: not an executable file",
                candidate.display()
            )))
        };
    }
    let path = std::env::var_os("PATH").unwrap_or_else(|| "/usr/local/bin:/usr/bin:/bin".into());
    std::env::split_paths(&path)
        .map(|dir| dir.join(&candidate))
        .find(|full| is_executable(full))
        .ok_or_else(|| {
            RecordError::Start(format!(
                "{}: command not found in PATH",
                candidate.display()
            ))
        })
}

#[derive(Clone, Copy)]
enum Resume {
    Continue,
    ToSyscallExit,
}

/// Restarts a stopped tracee; a tracee that died meanwhile is reported by `waitpid` later.
fn resume(pid: Pid, how: Resume, signal: Option<Signal>) {
    let _ = match how {
        Resume::Continue => ptrace::cont(pid, signal),
        Resume::ToSyscallExit => ptrace::syscall(pid, signal),
    };
}

struct Recorder {
    writer: TraceWriter,
    files: FileStore,
    outputs: OutputStreams,
    turns: OutputTurns,
    processes: HashMap<Pid, Process>,
    /// New children whose first stop arrived before their parent's fork event.
    early_stops: HashSet<Pid>,
    /// vfork children not yet exec'd or exited: their parent, and whether it waits at its vfork exit.
    vfork_children: HashMap<Pid, (Pid, bool)>,
    root: Pid,
    root_status: Option<ExitStatus>,
    initial_exec_pending: bool,
    own_pid: i32,
}

impl Recorder {
    fn run(&mut self) -> RecordResult<Recording> {
        while !self.processes.is_empty() {
            let status = match self.wait_for_stop() {
                Ok(status) => status,
                Err(Errno::EINTR) => continue,
                Err(Errno::ECHILD) => break,
                Err(errno) => return Err(RecordError::Wait(errno)),
            };
            let outcome = match status {
                WaitStatus::PtraceEvent(pid, _, event) => self.on_ptrace_event(pid, event),
                WaitStatus::PtraceSyscall(pid) => self.on_syscall_exit(pid),
                WaitStatus::Stopped(pid, signal) => self.on_signal_stop(pid, signal),
                WaitStatus::Exited(pid, code) => self.on_death(pid, ExitStatus::Exited(code)),
                WaitStatus::Signaled(pid, signal, _) => {
                    self.on_death(pid, ExitStatus::Signaled(signal as i32))
                }
                _ => Ok(()),
            };
            match outcome {
                Ok(()) | Err(RecordError::Tracee(TraceeError::Gone(_))) => {}
                Err(RecordError::Unsupported(reason)) => return Err(self.abort(reason)),
                Err(error) => {
                    let _ = self.abort(error.to_string());
                    return Err(error);
                }
            }
        }
        let status = self
            .root_status
            .unwrap_or(ExitStatus::Signaled(libc::SIGKILL));
        self.writer.append(&Event::End { status }, &[])?;
        Ok(Recording {
            status,
            events: self.writer.event_count(),
        })
    }

    /// The next stop of any tracee. While signals are held back, polls, so that a process which makes
    /// no system call within [`HOLD_SIGNALS_FOR`] gets them anyway.
    fn wait_for_stop(&mut self) -> Result<WaitStatus, Errno> {
        loop {
            let oldest = self
                .processes
                .values()
                .filter_map(|process| process.deferred_since)
                .min();
            let Some(oldest) = oldest else {
                return waitpid(None, Some(WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD));
            };
            match waitpid(
                None,
                Some(WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD | WaitPidFlag::WNOHANG),
            )? {
                WaitStatus::StillAlive if held_long_enough(oldest) => self.force_held_signals(),
                WaitStatus::StillAlive => std::thread::sleep(Duration::from_micros(200)),
                status => return Ok(status),
            }
        }
    }

    fn force_held_signals(&mut self) {
        for (pid, process) in &mut self.processes {
            if process.deferred_since.is_some_and(held_long_enough) {
                process.deferred_since = None;
                process.forced = true;
                for original in std::mem::take(&mut process.deferred) {
                    if let Ok(signal) = Signal::try_from(SiginfoFields::parse(&original).signo) {
                        let _ = signal::kill(*pid, signal);
                        process.resent.push(original);
                    }
                }
            }
        }
    }

    /// Stops the recording: notes why in the trace, kills the tree and reaps it.
    fn abort(&mut self, reason: String) -> RecordError {
        let _ = self.writer.append(
            &Event::Aborted {
                reason: reason.clone(),
            },
            &[],
        );
        for pid in self.processes.keys() {
            let _ = signal::kill(*pid, Signal::SIGKILL);
        }
        while waitpid(None, Some(WaitPidFlag::__WALL | WaitPidFlag::__WNOTHREAD)).is_ok() {}
        self.processes.clear();
        RecordError::Unsupported(reason)
    }

    fn append(&self, event: &Event, data: &[u8]) -> RecordResult<()> {
        self.writer.append(event, data)?;
        Ok(())
    }

    fn next_event_number(&self) -> u64 {
        self.writer.event_count() + 1
    }

    fn process(&mut self, pid: Pid) -> RecordResult<&mut Process> {
        self.processes
            .get_mut(&pid)
            .ok_or(RecordError::Tracee(TraceeError::Gone(pid)))
    }

    fn on_ptrace_event(&mut self, pid: Pid, event: i32) -> RecordResult<()> {
        match event {
            e if e == PtraceEvent::PTRACE_EVENT_SECCOMP as i32 => self.on_syscall_entry(pid),
            e if e == PtraceEvent::PTRACE_EVENT_FORK as i32
                || e == PtraceEvent::PTRACE_EVENT_VFORK as i32
                || e == PtraceEvent::PTRACE_EVENT_CLONE as i32 =>
            {
                self.on_fork(pid, event == PtraceEvent::PTRACE_EVENT_VFORK as i32)
            }
            e if e == PtraceEvent::PTRACE_EVENT_EXEC as i32 => self.on_exec(pid),
            _ => {
                resume(pid, Resume::Continue, None);
                Ok(())
            }
        }
    }

    fn on_syscall_entry(&mut self, pid: Pid) -> RecordResult<()> {
        let registers = tracee::registers(pid)?;
        let number = registers.orig_rax;
        let event_number = self.next_event_number();
        if registers.cs != 0x33 {
            return Err(RecordError::Unsupported(format!(
                "process {pid} made a 32-bit system call ({number}) at event {event_number}; only x86-64 programs can be recorded"
            )));
        }
        let kind = syscalls::lookup(number)
            .map_or(Kind::Unsupported("unknown system call number"), |row| {
                row.kind
            });
        self.resend_deferred_signals(pid)?;
        let initial = std::mem::take(&mut self.initial_exec_pending) && pid == self.root;
        let pending = match kind {
            Kind::Unsupported(why) => {
                return Err(RecordError::Unsupported(format!(
                    "process {pid} called {} ({why}), which cannot be recorded yet; recording stopped at event {event_number}",
                    syscalls::name(number)
                )))
            }
            Kind::Fork => {
                const CLONE_VM: u64 = libc::CLONE_VM as u64;
                const CLONE_VFORK: u64 = libc::CLONE_VFORK as u64;
                const CLONE_THREAD: u64 = libc::CLONE_THREAD as u64;
                let flags = if number == libc::SYS_clone as u64 { registers.rdi } else { 0 };
                if flags & CLONE_THREAD != 0 || (flags & CLONE_VM != 0 && flags & CLONE_VFORK == 0) {
                    return Err(RecordError::Unsupported(format!(
                        "process {pid} started a thread (clone flags {flags:#x}) at event {event_number}; multi-threaded programs cannot be recorded yet"
                    )));
                }
                Pending::Syscall { registers, kind }
            }
            Kind::Exec => Pending::Exec { registers, stack: None, files: Vec::new(), initial },
            Kind::Deny => {
                deny(pid, &registers, libc::ENOSYS)?;
                Pending::Syscall { registers, kind }
            }
            _ if self.copies_into_output(pid, &registers) => {
                // Data the kernel would copy straight into our output never passes through the
                // program's memory, so replay could not print it: ask for the read/write fallback.
                deny(pid, &registers, libc::EINVAL)?;
                Pending::Syscall { registers, kind: Kind::Deny }
            }
            _ => Pending::Syscall { registers, kind },
        };
        let writes_output = matches!(&pending, Pending::Syscall { kind, .. } if *kind != Kind::Deny)
            && self.writes_output(pid, &registers);
        self.process(pid)?.pending = Some(pending);
        if writes_output && !self.turns.request(pid) {
            // Resumed by `hand_over_output` when the process writing now is done.
            return Ok(());
        }
        resume(pid, Resume::ToSyscallExit, None);
        Ok(())
    }

    /// Whether the call at this entry writes to the recorder's stdout or stderr.
    fn writes_output(&mut self, pid: Pid, registers: &Registers) -> bool {
        matches!(
            registers.orig_rax as libc::c_long,
            libc::SYS_write
                | libc::SYS_writev
                | libc::SYS_pwrite64
                | libc::SYS_pwritev
                | libc::SYS_pwritev2
        ) && self.outputs.stream_of(pid, registers.rdi).is_some()
    }

    /// `pid` left its system call or died: the next process waiting to write output goes on.
    fn hand_over_output(&mut self, pid: Pid) {
        if let Some(next) = self.turns.finished(pid) {
            resume(next, Resume::ToSyscallExit, None);
        }
    }

    /// Whether the call is a kernel-side copy (sendfile, splice, copy_file_range) into our stdout/stderr.
    fn copies_into_output(&mut self, pid: Pid, registers: &Registers) -> bool {
        let args = registers.syscall_args();
        let destination = match registers.orig_rax as libc::c_long {
            libc::SYS_sendfile => args[0],
            libc::SYS_splice | libc::SYS_copy_file_range | libc::SYS_tee => args[2],
            _ => return false,
        };
        self.outputs.stream_of(pid, destination).is_some()
    }

    fn on_fork(&mut self, pid: Pid, vfork: bool) -> RecordResult<()> {
        let child = Pid::from_raw(
            ptrace::getevent(pid).map_err(tracee::ptrace_error("GETEVENTMSG", pid))? as i32,
        );
        let parent = self.process(pid)?;
        let registers = match parent.pending.take() {
            Some(Pending::Syscall { registers, .. }) => registers,
            _ => tracee::registers(pid)?,
        };
        parent.pending = Some(Pending::Forked);
        self.append(
            &Event::Fork {
                pid: pid.as_raw(),
                child: child.as_raw(),
                registers,
            },
            &[],
        )?;
        let started = self.early_stops.remove(&child);
        self.processes.insert(child, Process::new(started));
        if vfork {
            self.vfork_children.insert(child, (pid, false));
        }
        if started {
            resume(child, Resume::Continue, None);
        }
        resume(pid, Resume::ToSyscallExit, None);
        Ok(())
    }

    fn on_exec(&mut self, pid: Pid) -> RecordResult<()> {
        let registers_now = tracee::registers(pid)?;
        let stack = auxv::inspect(pid, registers_now.rsp)?;
        auxv::disable_vdso(pid, stack.sysinfo_entry)?;
        let mapped = exec_files(pid);
        self.outputs.forget(pid);
        if let Some(Pending::Exec {
            stack: slot, files, ..
        }) = &mut self.process(pid)?.pending
        {
            *slot = Some(stack);
            *files = mapped;
        }
        resume(pid, Resume::ToSyscallExit, None);
        Ok(())
    }

    fn on_syscall_exit(&mut self, pid: Pid) -> RecordResult<()> {
        self.hand_over_output(pid);
        let after = tracee::registers(pid)?;
        let result = after.rax as i64;
        let pending = self.process(pid)?.pending.take();
        match pending {
            Some(Pending::Syscall { registers, kind }) => {
                self.record_syscall(pid, registers, kind, result)?
            }
            Some(Pending::Exec {
                registers,
                stack: Some(stack),
                files,
                initial,
            }) => {
                let event = Event::Exec {
                    pid: pid.as_raw(),
                    registers,
                    registers_after: after,
                    initial,
                    command: stack.argv,
                    files,
                    at_random_address: stack.at_random_address,
                    at_random: stack.at_random,
                    sysinfo_entry: stack.sysinfo_entry,
                };
                self.append(&event, &[])?;
                self.release_vfork_parent(pid);
            }
            Some(Pending::Exec {
                registers,
                stack: None,
                ..
            }) => self.record_syscall(pid, registers, Kind::Emulate, result)?,
            Some(Pending::Forked) => {
                // A vfork parent returns once its child has exec'd or exited, but the child's event for
                // that may not be written yet; replay must see it first, so the parent waits for it.
                if let Some(entry) = self
                    .vfork_children
                    .values_mut()
                    .find(|(parent, _)| *parent == pid)
                {
                    entry.1 = true;
                    self.process(pid)?.last_exit_registers = Some(after);
                    return Ok(());
                }
            }
            None => {}
        }
        self.process(pid)?.last_exit_registers = Some(after);
        resume(pid, Resume::Continue, None);
        Ok(())
    }

    /// The mirror of the replayer's `replay_syscall`: the result, the memory the kernel wrote, where
    /// output went and which file was mapped.
    fn record_syscall(
        &mut self,
        pid: Pid,
        registers: Registers,
        kind: Kind,
        result: i64,
    ) -> RecordResult<()> {
        let number = registers.orig_rax;
        let args = registers.syscall_args();
        let writes = match kind {
            Kind::Deny => Vec::new(),
            _ => kernel_writes(pid, number, args, result)?.ok_or_else(|| {
                RecordError::Unsupported(format!(
                    "process {pid} called ioctl with request {:#x}, whose effect on memory the recorder does not know; recording stopped at event {}",
                    args[1],
                    self.next_event_number()
                ))
            })?,
        };
        let mut data = Vec::with_capacity(writes.iter().map(|write| write.length as usize).sum());
        for write in &writes {
            data.extend(tracee::read_memory(
                pid,
                write.address,
                write.length as usize,
            )?);
        }
        let output = match output_ranges(pid, number, args, result)? {
            Some(write) => match self.outputs.stream_of(pid, write.fd) {
                Some(stream) => {
                    let mut checksum = crc32fast::Hasher::new();
                    for (address, length) in &write.pieces {
                        checksum.update(&tracee::read_memory(pid, *address, *length as usize)?);
                    }
                    Some(Output {
                        stream,
                        checksum: checksum.finalize(),
                    })
                }
                None => None,
            },
            None => None,
        };
        if matches!(
            number as libc::c_long,
            libc::SYS_close
                | libc::SYS_dup
                | libc::SYS_dup2
                | libc::SYS_dup3
                | libc::SYS_fcntl
                | libc::SYS_close_range
        ) {
            self.outputs.forget(pid);
        }
        let mapped = if number == libc::SYS_mmap as u64
            && !is_error(result)
            && args[3] & libc::MAP_ANONYMOUS as u64 == 0
        {
            let shared_writable =
                args[3] & libc::MAP_SHARED as u64 != 0 && args[2] & libc::PROT_WRITE as u64 != 0;
            let file = self
                .files
                .preserve(pid, args[4], shared_writable)
                .map_err(|error| {
                    RecordError::Unsupported(format!(
                        "cannot preserve the file process {pid} mapped from fd {}: {error}",
                        args[4]
                    ))
                })?;
            Some(file)
        } else {
            None
        };
        let event = Event::Syscall {
            pid: pid.as_raw(),
            registers,
            result,
            writes,
            output,
            mapped,
        };
        self.append(&event, &data)?;
        if number == libc::SYS_fchdir as u64 && result == 0 {
            let directory = std::fs::read_link(format!("/proc/{pid}/cwd")).map_err(|error| {
                RecordError::Unsupported(format!(
                    "process {pid} changed directory with fchdir, and its new directory cannot be read ({error}); recording stopped at event {}",
                    self.next_event_number()
                ))
            })?;
            let chdir = Event::Chdir {
                pid: pid.as_raw(),
                directory: directory.into_os_string().into_encoded_bytes(),
            };
            self.append(&chdir, &[])?;
        }
        Ok(())
    }

    fn on_signal_stop(&mut self, pid: Pid, signal: Signal) -> RecordResult<()> {
        let Some(process) = self.processes.get_mut(&pid) else {
            // A new child reporting before its parent's fork event: started once the event arrives.
            self.early_stops.insert(pid);
            return Ok(());
        };
        if !process.started && signal == Signal::SIGSTOP {
            process.started = true;
            resume(pid, Resume::Continue, None);
            return Ok(());
        }
        let Some(info) = tracee::siginfo(pid)? else {
            resume(pid, Resume::Continue, None); // group-stop
            return Ok(());
        };
        let fields = SiginfoFields::parse(&info);
        let mut registers = tracee::registers(pid)?;
        let number = signal as i32;
        if signal == Signal::SIGSEGV {
            if let Some(instruction) = timestamp_instruction_at(pid, registers.rip)? {
                let value = crate::cpu::timestamp_counter();
                let at = registers;
                instruction.emulate(&mut registers, value);
                tracee::set_registers(pid, &registers)?;
                let rdtscp = instruction == crate::instruction::TimestampInstruction::Rdtscp;
                self.append(
                    &Event::Rdtsc {
                        pid: pid.as_raw(),
                        registers: at,
                        value,
                        rdtscp,
                    },
                    &[],
                )?;
                resume(pid, Resume::Continue, None);
                return Ok(());
            }
        }
        if is_fault(number, fields.code) {
            let event = Event::Signal {
                pid: pid.as_raw(),
                signal: number,
                cause: SignalCause::Fault,
                siginfo: info.to_vec(),
                registers,
            };
            self.append(&event, &[])?;
            resume(pid, Resume::Continue, Some(signal));
            return Ok(());
        }
        let own_pid = self.own_pid;
        let process = self.process(pid)?;
        let resent = if fields.sender == own_pid && fields.code == libc::SI_USER {
            process
                .resent
                .iter()
                .position(|original| SiginfoFields::parse(original).signo == number)
                .map(|index| process.resent.remove(index))
        } else {
            None
        };
        let original = resent.unwrap_or(info);
        if process.last_exit_registers == Some(registers) {
            if resent.is_some() {
                tracee::set_siginfo(pid, &original)?;
            }
            let event = Event::Signal {
                pid: pid.as_raw(),
                signal: number,
                cause: SignalCause::Delivered,
                siginfo: original.to_vec(),
                registers,
            };
            self.append(&event, &[])?;
            resume(pid, Resume::Continue, Some(signal));
        } else if process.forced && resent.is_some() {
            process.forced = !process.resent.is_empty();
            let event = Event::Signal {
                pid: pid.as_raw(),
                signal: number,
                cause: SignalCause::Interrupted,
                siginfo: original.to_vec(),
                registers,
            };
            tracee::set_siginfo(pid, &original)?;
            self.append(&event, &[])?;
            resume(pid, Resume::Continue, Some(signal));
        } else {
            // Arrived in the middle of user code, a point replay could not find again without a
            // hardware counter: hold it until the next system call, then send it again.
            process.deferred.push(original);
            process
                .deferred_since
                .get_or_insert_with(crate::tsc_mode::monotonic_ns);
            resume(pid, Resume::Continue, None);
        }
        Ok(())
    }

    fn resend_deferred_signals(&mut self, pid: Pid) -> RecordResult<()> {
        let process = self.process(pid)?;
        process.deferred_since = None;
        for original in std::mem::take(&mut process.deferred) {
            let signo = SiginfoFields::parse(&original).signo;
            if let Ok(signal) = Signal::try_from(signo) {
                let _ = signal::kill(pid, signal);
                process.resent.push(original);
            }
        }
        Ok(())
    }

    /// Lets the vfork parent of `child` go on, now that `child`'s exec or exit event is written.
    fn release_vfork_parent(&mut self, child: Pid) {
        if let Some((parent, parked)) = self.vfork_children.remove(&child) {
            if parked {
                resume(parent, Resume::Continue, None);
            }
        }
    }

    fn on_death(&mut self, pid: Pid, status: ExitStatus) -> RecordResult<()> {
        if self.processes.remove(&pid).is_none() {
            return Ok(());
        }
        self.hand_over_output(pid);
        self.outputs.forget(pid);
        if pid == self.root {
            self.root_status = Some(status);
        }
        self.append(
            &Event::Exit {
                pid: pid.as_raw(),
                status,
            },
            &[],
        )?;
        self.release_vfork_parent(pid);
        Ok(())
    }
}

/// Makes the call at this seccomp stop fail with `errno` without running; `registers` keep the entry
/// values, which is what the event records.
fn deny(pid: Pid, registers: &Registers, errno: i32) -> RecordResult<()> {
    let mut skipped = *registers;
    skipped.orig_rax = u64::MAX;
    skipped.rax = (-i64::from(errno)) as u64;
    tracee::set_registers(pid, &skipped)?;
    Ok(())
}

/// Whether a signal held since `since` (monotonic ns) has waited [`HOLD_SIGNALS_FOR`].
fn held_long_enough(since: u64) -> bool {
    crate::tsc_mode::monotonic_ns().saturating_sub(since) >= HOLD_SIGNALS_FOR.as_nanos() as u64
}

/// Whether a raw system-call return value is an error (-4095..=-1).
pub fn is_error(result: i64) -> bool {
    (-4095..0).contains(&result)
}

/// Identities of the files the kernel mapped for a fresh exec (executable and interpreter).
fn exec_files(pid: Pid) -> Vec<FileIdentity> {
    let Ok(maps) = std::fs::read_to_string(format!("/proc/{pid}/maps")) else {
        return Vec::new();
    };
    let mut seen = Vec::new();
    for line in maps.lines() {
        let Some(path) = line.split_whitespace().nth(5) else {
            continue;
        };
        if !path.starts_with('/') || seen.iter().any(|known: &FileIdentity| known.path == path) {
            continue;
        }
        if let Ok(identity) = FileIdentity::of(path) {
            seen.push(identity);
        }
    }
    seen
}
