//! `replayer ps`: the processes of a recording, with parent, command and exit status.
#![forbid(unsafe_code)]

use recorder::trace::{Event, ExitStatus, TraceReader, TraceResult};

/// One recorded process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProcessEntry {
    /// Recorded id.
    pub pid: i32,
    /// Recorded parent id (`None` for the first process).
    pub parent: Option<i32>,
    /// Command line of its last exec (its parent's until it execs).
    pub command: String,
    /// How it ended (`None` if the trace ends first).
    pub status: Option<ExitStatus>,
}

/// All processes in recording order.
pub fn processes(reader: &mut TraceReader) -> TraceResult<Vec<ProcessEntry>> {
    let root = reader.header().root_pid;
    let mut entries = vec![ProcessEntry {
        pid: root,
        parent: None,
        command: reader.header().command_line(),
        status: None,
    }];
    while let Some(record) = reader.next_record()? {
        match record.event {
            Event::Fork { pid, child, .. } => {
                let command = entries
                    .iter()
                    .rev()
                    .find(|entry| entry.pid == pid)
                    .map_or(String::new(), |entry| entry.command.clone());
                entries.push(ProcessEntry {
                    pid: child,
                    parent: Some(pid),
                    command,
                    status: None,
                });
            }
            Event::Exec { pid, command, .. } => {
                if let Some(entry) = entries.iter_mut().rev().find(|entry| entry.pid == pid) {
                    entry.command = command.join(" ");
                }
            }
            Event::Exit { pid, status } => {
                if let Some(entry) = entries.iter_mut().rev().find(|entry| entry.pid == pid) {
                    entry.status = Some(status);
                }
            }
            _ => {}
        }
    }
    Ok(entries)
}

/// The table `replayer ps` prints.
pub fn table(entries: &[ProcessEntry]) -> String {
    let mut out = format!("{:>8} {:>8} {:<14} COMMAND\n", "PID", "PPID", "EXIT");
    for entry in entries {
        let parent = entry
            .parent
            .map_or("-".to_string(), |parent| parent.to_string());
        let status = entry
            .status
            .map_or("(running)".to_string(), |status| status.to_string());
        out += &format!(
            "{:>8} {:>8} {:<14} {}\n",
            entry.pid, parent, status, entry.command
        );
    }
    out
}
