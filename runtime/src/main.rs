//! The `runtime` command: `runtime [options] [script [args]]`, following `lua`/`luajit`
//! conventions, plus the determinism options (`--deterministic`, `--seed N`).

use anyhow::{anyhow, bail, Context, Result};
use runtime::determinism::Seed;
use runtime::jit::JitParams;
use runtime::run::{run_file, run_source, Failure};
use runtime::value::Value;
use runtime::vm::{Vm, VmOptions};
use std::io::{IsTerminal, Write};

/// Lua programs allocate many small objects (tables, their parts, strings): mimalloc serves
/// them several times faster than the system allocator. Nothing the program observes depends on
/// it: addresses never reach Lua, and `collectgarbage("count")` is the runtime's own accounting.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod bisect;
mod hunt;
mod repl;
mod seed_tool;

const USAGE: &str = "usage: runtime [options] [script [args]]
Available options are:
  -e chunk          Execute string 'chunk'.
  -l name           Require library 'name'.
  -j cmd            Perform JIT control command:
                      on, off       switch the JIT compiler on or off
                      flush         drop every compiled trace
                      dump[=file]   list traces (bytecode, IR, machine code) to file or stdout;
                                    dump=opts,file as in LuaJIT (option letters are ignored)
                      v[=file]      one line per trace or abort, to file or stderr
                      stats         count traces, aborts, entries and exits; print at exit
                      allow=LIST    run only the traces listed, by number or key (1,4-6,
                                    3@12/5 or none); the others are still recorded and compiled
                      keys[=file]   list each trace's number and key, to file or stderr
  -O[opt]           Control JIT optimizations: -O alone or -O3 (default), -O0..-O2, flags
                    (-Ofold, -O-fold, -Onofold: fold cse dce fwd dse narrow loop abc sink
                    fuse fma), parameters (-Ohotloop=N: maxtrace maxrecord maxirconst
                    maxside maxsnap minstitch hotloop hotexit tryside instunroll loopunroll
                    callunroll recunroll sizemcode maxmcode), or a list: -Ohotloop=1,-fold.
  -i                Enter interactive mode after executing 'script' (and show the version).
  -v                Show version information.
  -h, --help        Show this help and exit.
  --deterministic   Virtual clocks: the run is a pure function of the seed and inputs.
  --seed N          Seed for hashing, table order, math.random and JIT decisions.
  --max-memory N    Limit the Lua heap to N bytes (suffixes k, m, g).
  --                Stop handling options.
  -                 Execute stdin and stop handling options.";

/// What to do, in command-line order.
enum Action {
    Chunk(String),
    Require(String),
    /// `-j cmd`.
    Jit(JitCommand),
    /// `-O...` without the `-O`: checked while parsing, so applying it cannot fail.
    Optimize(String),
}

/// A `-j` command, as luajit.c's `dojitcmd` runs them: `name[=arg,arg...]`.
#[derive(Debug, PartialEq)]
enum JitCommand {
    On,
    Off,
    Flush,
    /// `-jdump[=file]`, `-jdump=opts,file`: `None` (or `-`) writes to stdout.
    Dump(Option<String>),
    /// `-jv[=file]`: `None` writes to stderr, `-` to stdout.
    Verbose(Option<String>),
    Stats,
    /// `-jallow=LIST`.
    Allow(runtime::jit::TraceSet),
    /// `-jkeys[=file]`: `None` writes to stderr, `-` to stdout.
    Keys(Option<String>),
}

/// Where a `-jdump`/`-jv` log goes.
enum LogTarget {
    Stdout,
    Stderr,
    File(String),
}

struct Invocation {
    actions: Vec<Action>,
    script: Option<String>,
    script_args: Vec<String>,
    /// Index in argv of the script (for the `arg` table).
    script_index: usize,
    version: bool,
    /// `-i`: the interactive loop after the script.
    interactive: bool,
    /// `-h`/`--help`.
    help: bool,
    deterministic: bool,
    seed: Option<u64>,
    max_memory: usize,
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
        interactive: false,
        help: false,
        deterministic: false,
        seed: None,
        max_memory: 0,
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
            "-i" => {
                inv.interactive = true;
                inv.version = true;
            }
            "-h" | "--help" => inv.help = true,
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
                inv.actions.push(Action::Jit(parse_jit_command(&v)?));
            }
            s if s.starts_with("-e") => inv.actions.push(Action::Chunk(s[2..].to_string())),
            s if s.starts_with("-l") => inv.actions.push(Action::Require(s[2..].to_string())),
            s if s.starts_with("-j") => inv.actions.push(Action::Jit(parse_jit_command(&s[2..])?)),
            s if s.starts_with("-O") => {
                let spec = &s[2..];
                JitParams::default()
                    .apply(spec)
                    .map_err(|e| anyhow!("invalid option '{s}': {e}\n{OPT_HELP}"))?;
                inv.actions.push(Action::Optimize(spec.to_string()));
            }
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

const OPT_HELP: &str = "-O takes a level (-O0 .. -O3), a flag with an optional + or - \
(-Ofold, -O-fold;\n  flags: fold cse dce fwd dse narrow loop abc sink fuse fma), a parameter \
(-Ohotloop=N),\n  or a comma-separated list of these (-Ohotloop=1,-fold)";

/// Parses the argument of `-j` (`on`, `dump=im,out.txt`, ...). Like luajit.c, the text after `=`
/// is split at commas; an empty argument is no argument.
fn parse_jit_command(cmd: &str) -> Result<JitCommand> {
    let (name, args) = match cmd.split_once('=') {
        Some((name, rest)) if !rest.is_empty() => (name, rest.split(',').collect::<Vec<_>>()),
        Some((name, _)) => (name, Vec::new()),
        None => (cmd, Vec::new()),
    };
    let file = |arg: Option<&&str>| arg.filter(|a| !a.is_empty()).map(|a| a.to_string());
    let command = match name {
        "on" => JitCommand::On,
        "off" => JitCommand::Off,
        "flush" => JitCommand::Flush,
        "stats" => JitCommand::Stats,
        // LuaJIT reads `dump=opts[,file]`; a lone argument is the file here, so `-jdump=out.txt`
        // writes out.txt. Option letters select what LuaJIT lists; every listing is printed.
        "dump" => match args.len() {
            0 => JitCommand::Dump(None),
            1 => JitCommand::Dump(file(args.first())),
            _ => JitCommand::Dump(file(args.get(1))),
        },
        "v" => JitCommand::Verbose(file(args.first())),
        "keys" => JitCommand::Keys(file(args.first())),
        "allow" => {
            let list = cmd.split_once('=').map_or("", |(_, list)| list);
            JitCommand::Allow(
                runtime::jit::TraceSet::parse(list)
                    .map_err(|e| anyhow!("invalid JIT command '-j {cmd}': {e}"))?,
            )
        }
        _ => bail!(
            "unknown JIT command '-j {cmd}': use on, off, flush, dump[=file], v[=file], stats, \
             allow=LIST or keys[=file]"
        ),
    };
    if !args.is_empty() && matches!(name, "on" | "off" | "flush" | "stats") {
        bail!("JIT command '-j {cmd}' takes no argument: write '-j {name}'");
    }
    Ok(command)
}

/// Opens the destination of `-jdump` (default stdout) or `-jv` (default stderr). Files are
/// line-buffered so that nothing is lost when the script ends with `os.exit`.
fn open_log(target: LogTarget, option: &str) -> Result<Box<dyn Write>> {
    Ok(match target {
        LogTarget::Stdout => Box::new(std::io::stdout()),
        LogTarget::Stderr => Box::new(std::io::stderr()),
        LogTarget::File(path) => {
            let f = std::fs::File::create(&path).with_context(|| {
                format!("cannot open '{path}' for {option}: check that its directory exists and is writable")
            })?;
            Box::new(std::io::LineWriter::new(f))
        }
    })
}

/// Runs one `-j` command on the VM.
fn jit_command(vm: &mut Vm, command: &JitCommand) -> Result<()> {
    let file = |f: &Option<String>, default: LogTarget| match f.as_deref() {
        None => default,
        Some("-") => LogTarget::Stdout,
        Some(path) => LogTarget::File(path.to_string()),
    };
    match command {
        JitCommand::On => vm.jit.enabled = true,
        JitCommand::Off => vm.jit.enabled = false,
        JitCommand::Flush => vm.jit.flush(),
        JitCommand::Stats => vm.jit.stats = true,
        JitCommand::Allow(set) => vm.jit.allowed = Some(set.clone()),
        JitCommand::Keys(f) => {
            vm.jit.log.keys = Some(open_log(file(f, LogTarget::Stderr), "-jkeys")?)
        }
        JitCommand::Dump(f) => {
            vm.jit.log.dump = Some(open_log(file(f, LogTarget::Stdout), "-jdump")?)
        }
        JitCommand::Verbose(f) => {
            vm.jit.log.verbose = Some(open_log(file(f, LogTarget::Stderr), "-jv")?)
        }
    }
    Ok(())
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
        if let Some(cmd) = rerun.as_ref().filter(|_| failure.while_running) {
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
    if inv.help {
        println!("{USAGE}");
        return Ok(0);
    }
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
    // The `arg` table: script at 0, its arguments from 1, interpreter and options below 0.
    let arg = vm.heap.new_table(inv.script_args.len(), 4);
    for (i, a) in argv.iter().enumerate() {
        let key = i as f64 - inv.script_index as f64;
        let v = vm.str_value(a.as_bytes());
        let _ = vm.heap.table_mut(arg).set(Value::Number(key), v);
    }
    vm.set_global("arg", Value::Table(arg));

    if inv.version {
        print_version(seed);
    }
    for action in &inv.actions {
        let result = match action {
            Action::Chunk(src) => run_source(&mut vm, src.as_bytes(), b"=(command line)", &[]),
            Action::Require(name) => {
                let src = format!("require({})", lua_quote(name));
                run_source(&mut vm, src.as_bytes(), b"=(command line)", &[])
            }
            Action::Jit(command) => {
                if let Err(e) = jit_command(&mut vm, command) {
                    vm.flush_stdout();
                    eprintln!("runtime: {e:#}");
                    finish(&mut vm);
                    return Ok(1);
                }
                Ok(())
            }
            Action::Optimize(spec) => {
                vm.jit
                    .params
                    .apply(spec)
                    .expect("-O arguments are checked while parsing");
                Ok(())
            }
        };
        if let Err(f) = result {
            report(&mut vm, f, &rerun);
            finish(&mut vm);
            return Ok(1);
        }
    }
    // Nothing to do but read standard input: a terminal gets the interactive loop, anything
    // else is a script, as with `lua5.1` and `luajit`.
    let only_stdin = inv.script.is_none() && inv.actions.is_empty() && !inv.version;
    let terminal = only_stdin && std::io::stdin().is_terminal();
    if terminal {
        print_version(seed);
    }
    let script = inv.script.clone().or(if only_stdin && !terminal {
        Some("-".into())
    } else {
        None
    });
    if let Some(script) = script {
        let args: Vec<Value> = inv
            .script_args
            .iter()
            .map(|a| vm.str_value(a.as_bytes()))
            .collect();
        if let Err(f) = run_file(&mut vm, &script, &args) {
            report(&mut vm, f, &rerun);
            finish(&mut vm);
            return Ok(1);
        }
    }
    if inv.interactive || terminal {
        repl::run(&mut vm);
    }
    finish(&mut vm);
    Ok(0)
}

fn print_version(seed: Seed) {
    println!(
        "Retrace runtime {} -- Lua 5.1 (LuaJIT 2.1 dialect), seed {}",
        env!("CARGO_PKG_VERSION"),
        seed.0
    );
}

/// Runs finalizers and flushes every output, `-jdump`/`-jv` logs included.
fn finish(vm: &mut Vm) {
    vm.close();
    if let Some(out) = vm.jit.log.dump.as_mut() {
        let _ = out.flush();
    }
    if let Some(out) = vm.jit.log.verbose.as_mut() {
        let _ = out.flush();
    }
    if let Some(out) = vm.jit.log.keys.as_mut() {
        let _ = out.flush();
    }
}

fn lua_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Writing to a closed pipe ends the program with SIGPIPE, as it does LuaJIT and every Unix
/// filter (`runtime gen.lua | head` stops; the shell sees status 141). Rust ignores the signal
/// by default, which would turn each write into an error the script never sees.
fn default_sigpipe() {
    // SAFETY: called first thing in `main`, before any thread starts; restoring a signal's
    // default disposition has no other effect on this process's memory.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// Runs before Rust's start-up code, which reopens a closed descriptor 0 on `/dev/null`:
/// records whether the program was started without standard input, so reading it can fail as
/// in LuaJIT (`nil, "Bad file descriptor", 9`) while a `/dev/null` the parent gave reads empty.
extern "C" fn note_closed_stdin() {
    // SAFETY: F_GETFD only reads descriptor 0's flags; it touches no memory of this process.
    let closed = unsafe { libc::fcntl(0, libc::F_GETFD) } == -1;
    runtime::stdlib::io::STARTED_WITHOUT_STDIN.store(closed, std::sync::atomic::Ordering::Relaxed);
}

#[used]
#[link_section = ".init_array"]
static NOTE_CLOSED_STDIN: extern "C" fn() = note_closed_stdin;

fn main() {
    default_sigpipe();
    let argv: Vec<String> = std::env::args().collect();
    // `runtime hunt ...`: the seed sweep (a script named `hunt` runs as `runtime ./hunt`).
    if argv.get(1).is_some_and(|a| a == "hunt") {
        let code = match std::panic::catch_unwind(|| hunt::main(&argv)) {
            Ok(code) => code,
            Err(_) => {
                eprintln!("runtime hunt: internal error (see the message above); please report it");
                70
            }
        };
        std::process::exit(code);
    }
    // `runtime bisect ...`: the search for the traces a failing seed needs.
    if argv.get(1).is_some_and(|a| a == "bisect") {
        let code = match std::panic::catch_unwind(|| bisect::main(&argv)) {
            Ok(code) => code,
            Err(_) => {
                eprintln!(
                    "runtime bisect: internal error (see the message above); please report it"
                );
                70
            }
        };
        std::process::exit(code);
    }
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
