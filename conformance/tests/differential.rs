//! Differential test: every order-independent script of the golden corpus runs under LuaJIT
//! (built from source by the `mlua` crate) and under `runtime`; their printed output must be
//! identical. `print` and `io.write` of the LuaJIT state are redirected into a buffer.
//!
//! Scripts that touch the file system, the process or time (`io.open`, `os.*`, `require`,
//! `dofile`, ...) or end in an uncaught error are left to the golden comparison in `lua.rs`.

use libtest_mimic::{Arguments, Failed, Trial};
use mlua::{Lua, MultiValue, Value as LuaValue};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::rc::Rc;

/// Areas whose scripts are pure computations.
const AREAS: &[&str] = &[
    "language",
    "metatables",
    "coroutines",
    "stdlib/string",
    "stdlib/table",
    "stdlib/math",
    "stdlib/bit",
    "errors",
];

/// Features that make a script depend on more than the language.
const IMPURE: &[&str] = &[
    "io.open",
    "io.read",
    "io.lines",
    "io.stdin",
    "io.output",
    "io.input",
    "os.",
    "require",
    "dofile",
    "loadfile",
    "collectgarbage(\"count\")",
    "-- exit:",
    "math.random",
    "jit.",
    "debug.traceback",
    "string.dump",
    "tostring({",
];

/// Scripts the in-process LuaJIT cannot judge, with the reason. The golden comparison with
/// Debian's luajit binary still covers them.
const NOT_COMPARABLE: &[(&str, &str)] = &[
    (
        "language/number_literals.lua",
        "mlua's LuaJIT build flushes subnormals and prints -0 as 0",
    ),
    (
        "stdlib/math/functions.lua",
        "mlua's LuaJIT build prints -0 as 0",
    ),
    (
        "language/shebang.lua",
        "reads the `arg` table of the standalone interpreter",
    ),
    (
        "metatables/gc.lua",
        "prints from finalizers that run when the state closes",
    ),
];

fn luajit_output(script: &Path) -> Result<Vec<u8>, Failed> {
    let source = std::fs::read(script).map_err(|e| e.to_string())?;
    let name = script
        .file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned();
    let lua = Lua::new();
    let out = Rc::new(RefCell::new(Vec::<u8>::new()));
    let globals = lua.globals();
    let tostring: mlua::Function = globals.get("tostring").map_err(|e| e.to_string())?;
    let sink = out.clone();
    let print = lua
        .create_function(move |_, args: MultiValue| {
            let mut line = Vec::new();
            for (i, v) in args.into_iter().enumerate() {
                if i > 0 {
                    line.push(b'\t');
                }
                let s: mlua::String = tostring.call(v)?;
                line.extend_from_slice(&s.as_bytes());
            }
            line.push(b'\n');
            sink.borrow_mut().extend_from_slice(&line);
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    globals.set("print", print).map_err(|e| e.to_string())?;
    let sink = out.clone();
    let write = lua
        .create_function(move |_, args: MultiValue| {
            for v in args {
                match v {
                    LuaValue::String(s) => sink.borrow_mut().extend_from_slice(&s.as_bytes()),
                    LuaValue::Integer(i) => sink
                        .borrow_mut()
                        .extend_from_slice(i.to_string().as_bytes()),
                    LuaValue::Number(n) => {
                        let s = format_g14(n);
                        sink.borrow_mut().extend_from_slice(s.as_bytes());
                    }
                    other => {
                        return Err(mlua::Error::runtime(format!(
                            "bad argument to 'write' ({})",
                            other.type_name()
                        )))
                    }
                }
            }
            Ok(())
        })
        .map_err(|e| e.to_string())?;
    let io: mlua::Table = globals.get("io").map_err(|e| e.to_string())?;
    io.set("write", write).map_err(|e| e.to_string())?;
    lua.load(&source[..])
        .set_name(format!("@{name}"))
        .exec()
        .map_err(|e| format!("LuaJIT failed on the script: {e}"))?;
    let result = out.borrow().clone();
    Ok(result)
}

/// `%.14g`, as LuaJIT prints numbers (only used for `io.write` of non-integers).
fn format_g14(n: f64) -> String {
    let lua = Lua::new();
    lua.load(format!("return string.format('%.14g', {n:?})"))
        .eval::<String>()
        .unwrap_or_else(|_| n.to_string())
}

fn runtime_output(script: &Path) -> Result<Vec<u8>, Failed> {
    let out = Command::new(conformance::binary("runtime"))
        .arg(script.file_name().expect("file name"))
        .current_dir(script.parent().expect("folder"))
        .output()
        .map_err(|e| format!("cannot run runtime: {e}"))?;
    if !out.status.success() {
        return Err(format!("runtime failed: {}", String::from_utf8_lossy(&out.stderr)).into());
    }
    Ok(out.stdout)
}

fn compare(script: &Path) -> Result<(), Failed> {
    let theirs = luajit_output(script)?;
    let ours = runtime_output(script)?;
    if theirs != ours {
        return Err(format!(
            "output differs\n--- LuaJIT\n{}\n--- runtime\n{}",
            String::from_utf8_lossy(&theirs),
            String::from_utf8_lossy(&ours)
        )
        .into());
    }
    Ok(())
}

fn main() {
    let args = Arguments::from_args();
    let root = conformance::crate_dir().join("lua");
    let mut trials = Vec::new();
    for area in AREAS {
        let Ok(entries) = std::fs::read_dir(root.join(area)) else {
            continue;
        };
        let mut scripts: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "lua"))
            .collect();
        scripts.sort();
        for script in scripts {
            let source = std::fs::read_to_string(&script).unwrap_or_default();
            if IMPURE.iter().any(|f| source.contains(f))
                || !script.with_extension("expected").exists()
            {
                continue;
            }
            let rel = script
                .strip_prefix(&root)
                .unwrap_or(&script)
                .display()
                .to_string();
            if NOT_COMPARABLE.iter().any(|(name, _)| *name == rel) {
                continue;
            }
            trials.push(Trial::test(format!("luajit::{rel}"), move || {
                compare(&script)
            }));
        }
    }
    libtest_mimic::run(&args, trials).exit();
}
