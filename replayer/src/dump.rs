//! `replayer dump`: the trace as a human-readable event list.
#![forbid(unsafe_code)]

use std::io::Write;

use recorder::syscalls;
use recorder::trace::{signal_name, Event, Header, Record, TraceReader, TraceResult};

/// Writes the header and one line per event to `out`; stops at the first unreadable event.
pub fn dump(reader: &mut TraceReader, out: &mut impl Write) -> TraceResult<()> {
    let header = reader.header().clone();
    let _ = write_header(&header, out);
    while let Some(record) = reader.next_record()? {
        let _ = writeln!(out, "{}", describe(&record));
    }
    Ok(())
}

fn write_header(header: &Header, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(
        out,
        "trace format {} · {} · kernel {}",
        header.version, header.arch, header.kernel
    )?;
    writeln!(out, "command: {}", header.command_line())?;
    writeln!(out, "cwd: {}", String::from_utf8_lossy(&header.cwd))?;
    writeln!(out, "first process: {}", header.root_pid)?;
    if header.cpu.has_untrappable_random() {
        writeln!(
            out,
            "note: the recording CPU has rdrand/rdseed, whose results are not recorded"
        )?;
    }
    Ok(())
}

fn arguments(args: [u64; 6]) -> String {
    let used = args
        .iter()
        .rposition(|arg| *arg != 0)
        .map_or(0, |last| last + 1);
    args[..used]
        .iter()
        .map(|arg| {
            if *arg < 4096 {
                arg.to_string()
            } else {
                format!("{arg:#x}")
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn result(value: i64) -> String {
    if recorder::record::is_error(value) {
        format!("-1 {}", nix::errno::Errno::from_raw(-value as i32).desc())
    } else if value.unsigned_abs() < 1 << 16 {
        value.to_string()
    } else {
        format!("{value:#x}")
    }
}

/// One line describing `record`.
pub fn describe(record: &Record) -> String {
    let number = record.number;
    match &record.event {
        Event::Syscall {
            pid,
            registers,
            result: value,
            writes,
            output,
            mapped,
        } => {
            let mut line = format!(
                "#{number} pid {pid} {}({}) = {}",
                syscalls::name(registers.orig_rax),
                arguments(registers.syscall_args()),
                result(*value)
            );
            let written: u64 = writes.iter().map(|write| write.length).sum();
            if written > 0 {
                line += &format!(" [wrote {written} bytes]");
            }
            if let Some(output) = output {
                line += &format!(" [{:?}]", output.stream).to_lowercase();
            }
            if let Some(file) = mapped {
                line += &format!(" [maps {} as files/{}]", file.original, file.stored_as);
            }
            line
        }
        Event::Fork {
            pid,
            child,
            registers,
        } => {
            format!(
                "#{number} pid {pid} {} → new process {child}",
                syscalls::name(registers.orig_rax)
            )
        }
        Event::Exec { pid, command, .. } => {
            format!("#{number} pid {pid} execve → {}", command.join(" "))
        }
        Event::Signal {
            pid,
            signal,
            cause,
            registers,
            ..
        } => format!(
            "#{number} pid {pid} signal {} ({cause:?}) at rip {:#x}",
            signal_name(*signal),
            registers.rip
        )
        .replace("(Fault)", "(fault)")
        .replace("(Delivered)", "(delivered)")
        .replace("(Interrupted)", "(interrupted user code)"),
        Event::Rdtsc {
            pid,
            registers,
            value,
            rdtscp,
        } => format!(
            "#{number} pid {pid} {} at rip {:#x} = {value}",
            if *rdtscp { "rdtscp" } else { "rdtsc" },
            registers.rip
        ),
        Event::Exit { pid, status } => format!("#{number} pid {pid} {status}"),
        Event::Chdir { pid, directory } => format!(
            "#{number} pid {pid} working directory {}",
            String::from_utf8_lossy(directory)
        ),
        Event::Aborted { reason } => format!("#{number} recording stopped: {reason}"),
        Event::End { status } => format!("#{number} end: {status}"),
    }
}
