//! The interactive loop of `runtime -i` (and of `runtime` alone on a terminal), as `lua5.1` and
//! `luajit` run it: prompt `_PROMPT` or `> `, continuation lines under `_PROMPT2` or `>> ` while
//! the chunk is incomplete (its syntax error is at `<eof>`), `=expr` for `return expr`, the
//! results printed with the global `print`, errors reported with their traceback on stderr
//! without ending the loop. End of input ends it.
//!
//! Lines are read through `io.stdin` itself, so a chunk that calls `io.read()` gets the next
//! line of input, not one the loop had already buffered.

use runtime::run::{error_text, failure, Failure};
use runtime::stdlib::base::load_chunk;
use runtime::value::Value;
use runtime::vm::Vm;
use std::io::Write;

/// Runs the loop until standard input ends.
pub fn run(vm: &mut Vm) {
    let Some(read_line) = line_reader(vm) else {
        eprintln!("runtime: io.stdin is not readable: cannot run interactively");
        return;
    };
    vm.temp_roots.push(read_line);
    while let Some(chunk) = read_chunk(vm, read_line) {
        match chunk {
            Ok(f) => match call(vm, f) {
                Ok(results) => show(vm, results),
                Err(failure) => report(vm, &failure),
            },
            Err(message) => {
                vm.flush_stdout();
                eprintln!("{message}");
            }
        }
    }
    vm.temp_roots.retain(|v| !v.raw_eq(read_line));
    let _ = vm.stdout.write_all(b"\n");
    vm.flush_stdout();
}

/// `function() return io.stdin:read("*l") end`, bound to the `io.stdin` of now.
fn line_reader(vm: &mut Vm) -> Option<Value> {
    let source = b"local stdin = ... return function() return stdin:read('*l') end";
    let make = load_chunk(vm, source, b"=stdin reader").ok()?;
    let io = vm.get_global("io");
    let Value::Table(io) = io else { return None };
    let key = vm.str_value(b"stdin");
    let stdin = vm.heap.table(io).get(key);
    if stdin.is_nil() {
        return None;
    }
    vm.call1(make, &[stdin]).ok()
}

/// The next line of input, after the prompt; `None` at the end of input.
fn read_line(vm: &mut Vm, reader: Value, first: bool) -> Option<Vec<u8>> {
    let prompt = prompt(vm, first);
    let _ = vm.stdout.write_all(&prompt);
    vm.flush_stdout();
    match vm.call1(reader, &[]) {
        Ok(line @ Value::String(_)) => vm.to_text(line),
        Ok(_) => None,
        Err(error) => {
            let text = error_text(vm, &error).unwrap_or_default();
            eprintln!("runtime: reading standard input: {text}");
            None
        }
    }
}

fn prompt(vm: &mut Vm, first: bool) -> Vec<u8> {
    let (name, default) = if first {
        ("_PROMPT", "> ")
    } else {
        ("_PROMPT2", ">> ")
    };
    let value = vm.get_global(name);
    match value {
        Value::String(_) | Value::Number(_) => vm.to_text(value),
        _ => None,
    }
    .unwrap_or_else(|| default.as_bytes().to_vec())
}

/// Reads lines until they make a chunk that compiles, or one whose syntax error is not an
/// unfinished statement. `None` at the end of input (an unfinished chunk is dropped, as in
/// `lua5.1`).
fn read_chunk(vm: &mut Vm, reader: Value) -> Option<Result<Value, String>> {
    let mut text = read_line(vm, reader, true)?;
    if let Some(expression) = text.strip_prefix(b"=") {
        text = [b"return ".as_slice(), expression].concat();
    }
    loop {
        match load_chunk(vm, &text, b"=stdin") {
            Err(message) if message.ends_with("'<eof>'") => {
                let more = read_line(vm, reader, false)?;
                text.push(b'\n');
                text.extend_from_slice(&more);
            }
            result => return Some(result),
        }
    }
}

fn call(vm: &mut Vm, f: Value) -> Result<Vec<Value>, Failure> {
    let results = vm.call(f, &[]).map_err(|error| failure(vm, error))?;
    vm.run_finalizers().map_err(|error| failure(vm, error))?;
    Ok(results)
}

/// Prints a chunk's results with the global `print`, as the standalone interpreters do.
fn show(vm: &mut Vm, results: Vec<Value>) {
    if results.is_empty() {
        return;
    }
    let print = vm.get_global("print");
    if let Err(error) = vm.call(print, &results) {
        let text = error_text(vm, &error).unwrap_or_else(|| "nil".into());
        vm.flush_stdout();
        eprintln!("error calling 'print' ({text})");
    }
    vm.flush_stdout();
}

/// An error, on stderr without the program's name, as the interactive `lua5.1` prints it.
fn report(vm: &mut Vm, failure: &Failure) {
    vm.flush_stdout();
    let mut err = std::io::stderr().lock();
    let message = failure.message.as_deref().unwrap_or("nil");
    let _ = writeln!(err, "{message}");
    if let Some(traceback) = &failure.traceback {
        let _ = writeln!(err, "{traceback}");
    }
}
