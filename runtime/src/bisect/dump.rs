//! Reading a `-jdump` log back: which traces a run compiled, where each starts, and the text of
//! each trace's sections (recorded bytecode, IR, machine code), for `runtime bisect`'s report.

use std::collections::BTreeMap;

/// A compiled trace as the dump shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DumpedTrace {
    pub number: u32,
    /// For a side trace, the trace and exit it grows from (`start 7/3 file:line`).
    pub parent: Option<(u32, u32)>,
    /// `file:line` where the trace starts.
    pub start: String,
    /// Every line of the trace's sections, from `---- TRACE n start` to `---- TRACE n stop`.
    pub text: String,
}

/// The traces that compiled (those whose sections end with `stop`), by number. When a flush made
/// a number reused, the last trace of that number is kept and `reused` lists the number.
#[derive(Debug, Default)]
pub struct Dump {
    pub traces: BTreeMap<u32, DumpedTrace>,
    pub reused: Vec<u32>,
}

/// `---- TRACE <n> <word> <rest>`.
fn header(line: &str) -> Option<(u32, &str, &str)> {
    let rest = line.strip_prefix("---- TRACE ")?;
    let (number, rest) = rest.split_once(' ')?;
    let number = number.parse().ok()?;
    let (word, rest) = rest.split_once(' ').unwrap_or((rest, ""));
    Some((number, word, rest))
}

/// `7/3 file:line` (a side trace) or `file:line`.
fn start_of(rest: &str) -> (Option<(u32, u32)>, String) {
    let side = rest.split_once(' ').and_then(|(first, location)| {
        let (p, e) = first.split_once('/')?;
        Some(((p.parse().ok()?, e.parse().ok()?), location))
    });
    match side {
        Some((parent, location)) => (Some(parent), location.to_string()),
        None => (None, rest.to_string()),
    }
}

/// Parses a dump; lines that are not part of a trace's sections (program output, when the dump
/// went to stdout) are skipped.
pub fn parse(text: &str) -> Dump {
    let mut dump = Dump::default();
    // The trace being listed: number, start, lines so far.
    let mut open: Option<(u32, String, Vec<&str>)> = None;
    for line in text.lines() {
        match header(line) {
            Some((n, "start", rest)) => open = Some((n, rest.to_string(), vec![line])),
            Some((n, "abort", _)) if open.as_ref().is_some_and(|o| o.0 == n) => open = None,
            Some((n, "stop", _)) if open.as_ref().is_some_and(|o| o.0 == n) => {
                let (number, start, mut lines) = open.take().expect("checked above");
                lines.push(line);
                let text = lines.join("\n") + "\n";
                let (parent, start) = start_of(&start);
                let trace = DumpedTrace {
                    number,
                    parent,
                    start,
                    text,
                };
                if dump.traces.insert(number, trace).is_some() && !dump.reused.contains(&number) {
                    dump.reused.push(number);
                }
            }
            _ => {
                if let Some((_, _, lines)) = open.as_mut() {
                    lines.push(line);
                }
            }
        }
    }
    dump
}

#[cfg(test)]
mod tests {
    use super::parse;

    const DUMP: &str = "\
hello from the program
---- TRACE 1 start t.lua:3
0005 ADD        0   0   4
---- TRACE 1 IR
0001 >  num SLOAD  #0    T
---- TRACE 1 mcode 8
00000000  39400270  ldrb w16, [x19]
---- TRACE 1 stop -> loop

---- TRACE 2 start t.lua:9
0011 CONCAT     3   1   2
---- TRACE 2 abort t.lua:10 -- NYI: bytecode CONCAT

---- TRACE 2 start t.lua:20
---- TRACE 2 IR
---- TRACE 2 stop -> loop

---- TRACE 3 start 2/5 t.lua:21
---- TRACE 3 stop -> interpreter
";

    #[test]
    fn keeps_compiled_traces_and_drops_aborted_attempts() {
        let dump = parse(DUMP);
        assert_eq!(dump.traces.len(), 3);
        assert_eq!(dump.traces[&3].parent, Some((2, 5)));
        assert_eq!(dump.traces[&3].start, "t.lua:21");
        assert_eq!(dump.traces[&2].parent, None);
        let one = &dump.traces[&1];
        assert_eq!(one.start, "t.lua:3");
        assert!(one.text.starts_with("---- TRACE 1 start t.lua:3\n0005 ADD"));
        assert!(one.text.ends_with("---- TRACE 1 stop -> loop\n"));
        assert!(!one.text.contains("hello"));
        assert_eq!(dump.traces[&2].start, "t.lua:20");
        assert!(dump.reused.is_empty());
    }

    #[test]
    fn a_number_compiled_twice_is_reported_as_reused() {
        let twice = format!("{DUMP}---- TRACE 1 start t.lua:30\n---- TRACE 1 stop -> loop\n");
        let dump = parse(&twice);
        assert_eq!(dump.traces[&1].start, "t.lua:30");
        assert_eq!(dump.reused, [1]);
    }
}
