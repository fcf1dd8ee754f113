//! The `runtime` command: `runtime [options] [script [args]]`, following `lua`/`luajit`
//! conventions, plus the determinism options (`--deterministic`, `--seed N`).

use anyhow::{bail, Context, Result};
use runtime::determinism::Seed;
use runtime::run::{run_file, run_source, Failure};
use runtime::value::Value;
use runtime::vm::{Vm, VmOptions};
use std::io::Write;

const USAGE: &str = "usage: runtime [options] [script [args]]
Available options are:
  -e chunk          Execute string 'chunk'.
  -l name           Require library 'name'.
  -j cmd            Perform JIT control command (on, off, flush, dump, v).
  -O[opt]           Control JIT optimizations.
  -v                Show version information.
  --deterministic   Virtual clocks: the run is a pure function of the seed and inputs.
  --seed N          Seed for hashing, table order, math.random and JIT decisions.
  --max-memory N    Limit the Lua heap to N bytes (suffixes k, m, g).
  --                Stop handling options.
  -                 Execute stdin and stop handling options.";

/// What to do, in command-line order.
enum Action {
    Chunk(String),
    Require(String),
}

struct Invocation {
    actions: Vec<Action>,
    script: Option<String>,
    script_args: Vec<String>,
    /// Index in argv of the script (for the `arg` table).
    script_index: usize,
    version: bool,
    deterministic: bool,
    seed: Option<u64>,
    max_memory: usize,
    jit_off: bool,
}

fn parse_size(s: &str) -> Result<usize> {
    let s = s.trim();
    let (num, mult) = match s.chars().last() {
        Some('k' | 'K') => (&s[..s.len() - 1], 1usize << 10),
        Some('m' | 'M') => (&s[..s.len() - 1], 1 << 20),
        Some('g' | 'G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    let n: usize = num
        .parse()
        .with_context(|| format!("invalid size '{s}' (expected e.g. 64m)"))?;
    Ok(n.saturating_mul(mult))
}

fn parse_args(argv: &[String]) -> Result<Invocation> {
    let mut inv = Invocation {
        actions: Vec::new(),
        script: None,
        script_args: Vec::new(),
        script_index: argv.len(),
        version: false,
        deterministic: false,
        seed: None,
        max_memory: 0,
        jit_off: false,
    };
    let mut i = 1;
    let value = |i: &mut usize, opt: &str| -> Result<String> {
        *i += 1;
        match argv.get(*i) {
            Some(v) => Ok(v.clone()),
            None => bail!("'{opt}' needs an argument\n{USAGE}"),
        }
    };
    while i < argv.len() {
        let a = &argv[i];
        match a.as_str() {
            "--" => {
                i += 1;
                break;
            }
            "-" => break,
            "-v" => inv.version = true,
            "--deterministic" => inv.deterministic = true,
            "--seed" => {
                let v = value(&mut i, "--seed")?;
                inv.seed = Some(v.parse().with_context(|| {
                    format!("invalid seed '{v}': expected a non-negative integer")
                })?);
            }
            "--max-memory" => inv.max_memory = parse_size(&value(&mut i, "--max-memory")?)?,
            "-e" => inv.actions.push(Action::Chunk(value(&mut i, "-e")?)),
            "-l" => inv.actions.push(Action::Require(value(&mut i, "-l")?)),
            "-j" => {
                let v = value(&mut i, "-j")?;
                if v == "off" {
                    inv.jit_off = true;
                }
            }
            s if s.starts_with("-e") => inv.actions.push(Action::Chunk(s[2..].to_string())),
            s if s.starts_with("-l") => inv.actions.push(Action::Require(s[2..].to_string())),
            s if s.starts_with("-j") => {
                if &s[2..] == "off" {
                    inv.jit_off = true;
                }
            }
            s if s.starts_with("-O") => {}
            s if s.starts_with("--seed=") => {
                let v = &s[7..];
                inv.seed = Some(v.parse().with_context(|| {
                    format!("invalid seed '{v}': expected a non-negative integer")
                })?);
            }
            s if s.starts_with('-') && s.len() > 1 => bail!("unrecognized option '{s}'\n{USAGE}"),
            _ => break,
        }
        i += 1;
    }
    if i < argv.len() {
        inv.script = Some(argv[i].clone());
        inv.script_index = i;
        inv.script_args = argv[i + 1..].to_vec();
    }
    Ok(inv)
}

fn report(vm: &mut Vm, failure: Failure, rerun: &Option<String>) {
    vm.flush_stdout();
    let mut err = std::io::stderr().lock();
    // A nil error value is reported with no text at all, as by the standalone LuaJIT.
    if let Some(message) = failure.message {
        let _ = writeln!(err, "runtime: {message}");
        if let Some(tb) = failure.traceback {
            let _ = writeln!(err, "{tb}");
        }
        if let Some(cmd) = rerun {
            let _ = writeln!(err, "rerun: {cmd}");
        }
    }
}

fn shell_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+%@".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn run(argv: Vec<String>) -> Result<i32> {
    let inv = parse_args(&argv)?;
    let seed = inv.seed.map(Seed).unwrap_or_else(Seed::from_entropy);
    let rerun = if inv.deterministic {
        None
    } else {
        let mut cmd = format!("runtime --deterministic --seed {}", seed.0);
        let mut rest = argv[1..].iter();
        while let Some(a) = rest.next() {
            // The seed options are replaced by ours.
            if a == "--seed" {
                rest.next();
                continue;
            }
            if a.starts_with("--seed=") {
                continue;
            }
            cmd.push(' ');
            cmd.push_str(&shell_quote(a));
        }
        Some(cmd)
    };
    let mut vm = Vm::new(VmOptions {
        seed,
        deterministic: inv.deterministic,
        max_memory: inv.max_memory,
    });
    if inv.jit_off {
        vm.jit.enabled = false;
    }
    // The `arg` table: script at 0, its arguments from 1, interpreter and options below 0.
    let arg = vm.heap.new_table(inv.script_args.len(), 4);
    for (i, a) in argv.iter().enumerate() {
        let key = i as f64 - inv.script_index as f64;
        let v = vm.str_value(a.as_bytes());
        let _ = vm.heap.table_mut(arg).set(Value::Number(key), v);
    }
    vm.set_global("arg", Value::Table(arg));

    if inv.version {
        println!(
            "Retrace runtime {} -- Lua 5.1 (LuaJIT 2.1 dialect), seed {}",
            env!("CARGO_PKG_VERSION"),
            seed.0
        );
    }
    for action in &inv.actions {
        let result = match action {
            Action::Chunk(src) => run_source(&mut vm, src.as_bytes(), src.as_bytes(), &[]),
            Action::Require(name) => {
                let src = format!("require({})", lua_quote(name));
                run_source(&mut vm, src.as_bytes(), b"=(command line)", &[])
            }
        };
        if let Err(f) = result {
            report(&mut vm, f, &rerun);
            vm.close();
            return Ok(1);
        }
    }
    let run_stdin = inv.script.is_none() && inv.actions.is_empty() && !inv.version;
    let script = inv
        .script
        .clone()
        .or(if run_stdin { Some("-".into()) } else { None });
    if let Some(script) = script {
        let args: Vec<Value> = inv
            .script_args
            .iter()
            .map(|a| vm.str_value(a.as_bytes()))
            .collect();
        if let Err(f) = run_file(&mut vm, &script, &args) {
            report(&mut vm, f, &rerun);
            vm.close();
            return Ok(1);
        }
    }
    vm.close();
    Ok(0)
}

fn lua_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn main() {
    let argv: Vec<String> = std::env::args().collect();
    // The interpreter never recurses on the Rust stack for Lua calls or metamethods, but
    // natives that call back into Lua (a sort comparator, a gsub function) may nest up to a
    // fixed depth: give them a large stack. It is switched to on this same thread (the process
    // stays single-threaded, so the recorder can record it).
    let code = stacker::grow(256 << 20, || match std::panic::catch_unwind(|| run(argv)) {
        Ok(Ok(code)) => code,
        Ok(Err(e)) => {
            eprintln!("runtime: {e:#}");
            1
        }
        Err(_) => {
            eprintln!("runtime: internal error (see the message above); please report it");
            70
        }
    });
    std::process::exit(code);
}
