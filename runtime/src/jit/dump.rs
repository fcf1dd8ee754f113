//! `-jdump` and `-jv` output in LuaJIT's formats (jit/dump.lua, jit/v.lua). Everything printed is
//! a function of the program and the seed: machine code is listed with trace-relative offsets
//! and symbolic call targets, never host addresses.
#![forbid(unsafe_code)]

use std::io::Write;
use std::rc::Rc;

use super::record::{Abort, Recorder, SideStart};
use super::trace::Trace;
use crate::bytecode::Proto;
use crate::vm::Vm;

fn location(proto: &Proto, pc: usize) -> String {
    let line = proto.lines.get(pc).copied().unwrap_or(proto.line_defined);
    format!("{}:{line}", proto.source)
}

/// One recorded instruction as LuaJIT's dump shows it: pc, a dot per inlined frame, the op in
/// capitals and its operands (`0007 . ADD      0   0   6`).
fn bytecode_line(depth: usize, proto: &Rc<Proto>, pc: usize) -> String {
    let dots: String = ". ".repeat(depth);
    let op = &proto.code[pc];
    let name = super::record::bytecode_name(op);
    let text = format!("{op:?}");
    let fields = text.split_once(' ').map_or("", |(_, f)| f);
    let operands: Vec<String> = fields
        .split(',')
        .filter_map(|f| {
            f.split_once(": ")
                .map(|(_, v)| v.trim_end_matches([' ', '}']).to_string())
        })
        .map(|v| format!("{v:>4}"))
        .collect();
    format!(
        "{pc:04} {dots}{:<8}{}",
        name.to_uppercase(),
        operands.join("")
    )
}

/// `1/3 ` for a side trace of trace 1 at exit 3 (as LuaJIT's dump and `-jv` print it).
fn side_text(side: Option<SideStart>) -> String {
    side.map_or_else(String::new, |s| format!("{}/{} ", s.parent, s.exit))
}

impl Vm {
    /// Program output written so far goes first, as with LuaJIT's single stdout.
    fn jit_log_order(&mut self) {
        if self.jit.log.dump.is_some() || self.jit.log.verbose.is_some() {
            self.flush_stdout();
        }
    }

    pub(crate) fn jit_log_start(
        &mut self,
        number: u32,
        side: Option<SideStart>,
        proto: &Proto,
        pc: usize,
    ) {
        self.jit_log_order();
        if let Some(out) = self.jit.log.dump.as_mut() {
            let _ = writeln!(
                out,
                "---- TRACE {number} start {}{}",
                side_text(side),
                location(proto, pc)
            );
        }
    }

    pub(crate) fn jit_log_abort(&mut self, rec: &Recorder, abort: &Abort) {
        self.jit_log_order();
        let number = self.jit.traces.len() + 1;
        let start = location(&rec.proto, rec.loop_pc);
        let at = match rec.bytecodes.last() {
            Some((_, proto, pc)) => location(proto, *pc),
            None => start.clone(),
        };
        if let Some(out) = self.jit.log.dump.as_mut() {
            for (depth, proto, pc) in &rec.bytecodes {
                let _ = writeln!(out, "{}", bytecode_line(*depth, proto, *pc));
            }
            let _ = writeln!(out, "---- TRACE {number} abort {at} -- {}", abort.0);
            let _ = writeln!(out);
        }
        if let Some(out) = self.jit.log.verbose.as_mut() {
            let _ = writeln!(out, "[TRACE --- {start} -- {} at {at}]", abort.0);
        }
    }

    pub(crate) fn jit_log_retired(&mut self, t: u32, proto: &Proto, pc: usize, per_entry: f64) {
        self.jit_log_order();
        let at = location(proto, pc);
        let reason = format!(
            "trace {t} retired: {per_entry:.1} bytecodes per entry do not pay for entering it"
        );
        if let Some(out) = self.jit.log.dump.as_mut() {
            let _ = writeln!(out, "---- TRACE {t} retire {at} -- {reason}");
        }
        if let Some(out) = self.jit.log.verbose.as_mut() {
            let _ = writeln!(out, "[TRACE --- {at} -- {reason}]");
        }
    }

    pub(crate) fn jit_log_trace(&mut self, rec: &Recorder, trace: &Trace, mcode: &str) {
        self.jit_log_order();
        if let Some(out) = self.jit.log.keys.as_mut() {
            let _ = writeln!(out, "{} {}", trace.number, trace.key);
        }
        let start = location(&rec.proto, rec.loop_pc);
        if let Some(out) = self.jit.log.dump.as_mut() {
            for (depth, proto, pc) in &rec.bytecodes {
                let _ = writeln!(out, "{}", bytecode_line(*depth, proto, *pc));
            }
            let _ = writeln!(out, "---- TRACE {} IR", trace.number);
            let _ = write!(out, "{}", trace.ir.listing(&Recorder::helper_name));
            let _ = write!(out, "{mcode}");
            let link = match (trace.link, trace.parent) {
                (Some(n), _) => n.to_string(),
                (None, Some(_)) => "interpreter".to_string(),
                (None, None) => "loop".to_string(),
            };
            let _ = writeln!(out, "---- TRACE {} stop -> {link}", trace.number);
            let _ = writeln!(out);
        }
        if let Some(out) = self.jit.log.verbose.as_mut() {
            match trace.parent {
                Some(p) => {
                    let to = trace
                        .link
                        .map_or_else(|| "interpreter".to_string(), |n| n.to_string());
                    let _ = writeln!(
                        out,
                        "[TRACE {:>3} ({}/{}) {start} -> {to}]",
                        trace.number, p.parent, p.exit
                    );
                }
                None => match trace.link {
                    Some(to) => {
                        let _ = writeln!(out, "[TRACE {:>3} {start} -> {to}]", trace.number);
                    }
                    None => {
                        let _ = writeln!(out, "[TRACE {:>3} {start} loop]", trace.number);
                    }
                },
            }
        }
    }
}
