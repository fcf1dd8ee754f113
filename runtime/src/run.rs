//! Running a chunk the way the `runtime` command does: load, call with arguments, and turn an
//! uncaught error into Lua's report (message, `stack traceback:`).

use crate::stdlib::base::{load_chunk, load_file};
use crate::value::Value;
use crate::vm::{LuaError, Vm};

/// An uncaught error, formatted for stderr (`message` is None for a nil error value, which
/// the standalone interpreter reports with no message).
pub struct Failure {
    pub message: Option<String>,
    pub traceback: Option<String>,
    /// Raised while the chunk ran (not while it was read or compiled): only then can the
    /// seed matter, so only then is a `rerun:` line worth printing.
    pub while_running: bool,
}

impl Failure {
    /// A chunk that could not be read or compiled.
    fn loading(message: String) -> Failure {
        Failure {
            message: Some(message),
            traceback: None,
            while_running: false,
        }
    }
}

/// Text of an error value as the standalone interpreter prints it.
pub fn error_text(vm: &mut Vm, err: &LuaError) -> Option<String> {
    match err.value {
        Value::Nil => None,
        Value::String(_) | Value::Number(_) => {
            Some(String::from_utf8_lossy(&vm.to_text(err.value).unwrap_or_default()).into_owned())
        }
        v => {
            let tm = vm.metamethod(v, vm.names.tostring);
            if !tm.is_nil() {
                if let Ok(s @ Value::String(_)) = vm.tostring(v) {
                    return Some(
                        String::from_utf8_lossy(&vm.to_text(s).unwrap_or_default()).into_owned(),
                    );
                }
            }
            Some("(error object is not a string)".to_string())
        }
    }
}

/// An error the running chunk did not catch, ready to report.
pub fn failure(vm: &mut Vm, err: Box<LuaError>) -> Failure {
    let message = error_text(vm, &err);
    Failure {
        message,
        traceback: err.traceback.clone(),
        while_running: true,
    }
}

/// Compiles and runs a chunk given as source text.
pub fn run_source(
    vm: &mut Vm,
    source: &[u8],
    chunk_name: &[u8],
    args: &[Value],
) -> Result<(), Failure> {
    let f = load_chunk(vm, source, chunk_name).map_err(Failure::loading)?;
    call_main(vm, f, args)
}

/// Loads and runs a script file (`-` for stdin).
pub fn run_file(vm: &mut Vm, path: &str, args: &[Value]) -> Result<(), Failure> {
    let f = load_file(vm, Some(path)).map_err(Failure::loading)?;
    call_main(vm, f, args)
}

fn call_main(vm: &mut Vm, f: Value, args: &[Value]) -> Result<(), Failure> {
    let r = vm.call_n(f, args, 0);
    let r = r.and_then(|()| vm.run_finalizers());
    r.map_err(|e| failure(vm, e))
}

/// Compiles and runs `source`, returning its results as the text `tostring` gives them (or
/// the error message). For embedding and tests.
pub fn eval(vm: &mut Vm, source: &str) -> Result<Vec<String>, String> {
    let f = load_chunk(vm, source.as_bytes(), b"=eval")?;
    let values = vm
        .call(f, &[])
        .map_err(|e| error_text(vm, &e).unwrap_or_else(|| "nil".into()))?;
    let mut out = Vec::with_capacity(values.len());
    for v in values {
        let s = vm
            .tostring(v)
            .map_err(|e| error_text(vm, &e).unwrap_or_default())?;
        out.push(String::from_utf8_lossy(&vm.to_text(s).unwrap_or_default()).into_owned());
    }
    Ok(out)
}
