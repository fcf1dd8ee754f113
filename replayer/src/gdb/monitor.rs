//! `monitor` commands: `when` (current event), `goto EVENT`, `checkpoint`, `restart N`, `help`.
#![forbid(unsafe_code)]

use gdbstub::target::ext::monitor_cmd::{outputln, ConsoleOutput, MonitorCmd};

use super::Debugger;

const HELP: &str = "monitor when          current event number
monitor goto EVENT    go to the end of event EVENT
monitor checkpoint    remember the current position; prints its number
monitor restart N     go back to checkpoint N
After goto and restart, make gdb forget what it cached of the old position:
  maintenance flush register-cache
  maintenance flush dcache";

impl MonitorCmd for Debugger {
    fn handle_monitor_cmd(
        &mut self,
        cmd: &[u8],
        mut out: ConsoleOutput<'_>,
    ) -> Result<(), Self::Error> {
        let Ok(cmd) = std::str::from_utf8(cmd) else {
            outputln!(out, "monitor commands are text; try 'monitor help'");
            return Ok(());
        };
        let mut words = cmd.split_whitespace();
        match (words.next(), words.next(), words.next()) {
            (Some("when"), None, _) => {
                outputln!(out, "Current event: {}", self.timeline.event());
            }
            (Some("goto"), Some(event), None) => match event.parse::<u64>() {
                Ok(event) => match self.timeline.goto_event(event) {
                    Ok(()) => outputln!(out, "At event {}", self.timeline.event()),
                    Err(error) => outputln!(out, "cannot go to event {event}: {error}"),
                },
                Err(_) => outputln!(out, "'{event}' is not an event number"),
            },
            (Some("checkpoint"), None, _) => {
                let number = self.timeline.bookmark();
                outputln!(out, "Checkpoint {number} at {}", self.timeline.position());
            }
            (Some("restart"), Some(number), None) => match number.parse::<usize>() {
                Ok(number) => match self.timeline.restart(number) {
                    Ok(Some(())) => {
                        outputln!(out, "At checkpoint {number} ({})", self.timeline.position())
                    }
                    Ok(None) => outputln!(
                        out,
                        "no checkpoint {number}; 'monitor checkpoint' makes one"
                    ),
                    Err(error) => outputln!(out, "cannot restart checkpoint {number}: {error}"),
                },
                Err(_) => outputln!(out, "'{number}' is not a checkpoint number"),
            },
            (Some("help"), None, _) | (None, _, _) => outputln!(out, "{HELP}"),
            _ => outputln!(out, "unknown monitor command '{cmd}'\n{HELP}"),
        }
        Ok(())
    }
}
