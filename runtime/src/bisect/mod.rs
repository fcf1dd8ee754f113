//! `runtime bisect`: given a seed that fails, finds the JIT traces the failure needs. It reruns
//! the seed with the JIT off (a failure that stays is not the JIT's), then searches over the set
//! of traces allowed to run (`-jallow`, which keeps every trace recorded and compiled, so hot
//! counters, penalties and trace numbers do not move) for a minimal set that still fails the same
//! way, and prints each guilty trace with its start, key and `-jdump` section.

mod dump;
mod search;

use crate::hunt::run::{self, Outcome};
use crate::hunt::summary;
use crate::seed_tool::Usage;
use anyhow::{anyhow, Context, Result};
use clap::Parser;
use search::Oracle;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::time::Duration;

const ABOUT: &str = "Finds the JIT traces a failing seed needs: reruns the seed with the JIT \
off, then searches the set of traces allowed to run for a minimal one that still fails the same \
way, and prints each guilty trace with its -jdump section.";

const GRAMMAR: &str = "\
Command line:
  runtime bisect --seed S [bisect options] script [args]
  runtime bisect --seed S [bisect options] -- [runtime options] script [args]

Every run is `runtime --deterministic --seed S [runtime options] [-joff | -jallow=LIST] script
[args]` with stdin closed. A run fails as under `runtime hunt`: non-zero exit, signal, timeout,
or with --expect a different stdout; it fails \"the same way\" when its first error line (the
group hunt shows) is the original run's.

Steps: (1) the seed must fail; (2) with -joff: if it still fails, the failure is not the JIT's
and bisect stops; (3) with -jdump the run lists the traces it compiles; (4) with -jallow=none
(every trace compiled, none run) it must pass; (5) delta debugging over -jallow sets, the
candidates of a round run in parallel, until removing any one trace makes the run pass.

Exit status: 0 when guilty traces are named, 1 when the failure is not the JIT's or does not
reproduce, 2 for a usage error.

Examples:
  runtime bisect --seed 1377 spec.lua
  runtime bisect --seed 12 -- -Ohotloop=1 spec.lua arg1";

#[derive(Parser, Debug)]
#[command(
    name = "runtime bisect",
    bin_name = "runtime bisect",
    override_usage = "runtime bisect --seed S [OPTIONS] [-- RUNTIME OPTIONS] SCRIPT [ARGS]...",
    about = ABOUT,
    after_help = GRAMMAR,
    disable_version_flag = true
)]
struct Args {
    /// The failing seed (as printed by `runtime hunt` or a `rerun:` line).
    #[arg(long, value_name = "S")]
    seed: u64,
    /// Processes run at once [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    jobs: Option<u32>,
    /// Seconds a run may take before it is killed and counted as failed.
    #[arg(long, value_name = "S", default_value = "60", value_parser = crate::hunt::parse_timeout)]
    timeout: Duration,
    /// A run also fails when its stdout differs from the contents of FILE.
    #[arg(long, value_name = "FILE")]
    expect: Option<PathBuf>,
    /// [-- runtime options] script [args]
    #[arg(
        value_name = "SCRIPT",
        required = true,
        trailing_var_arg = true,
        num_args = 1..
    )]
    command: Vec<String>,
}

/// What bisect runs: the runtime, and the seed's arguments split around the point where its own
/// options go.
struct Plan {
    exe: PathBuf,
    seed: u64,
    /// `--deterministic --seed S` and the runtime options given.
    options: Vec<String>,
    /// Script and script arguments.
    script: Vec<String>,
    timeout: Duration,
    jobs: usize,
    expect: Option<Vec<u8>>,
}

impl Plan {
    /// The runtime's arguments with `extra` options added after the user's.
    fn args(&self, extra: &[String]) -> Vec<String> {
        let mut args = self.options.clone();
        args.extend(extra.iter().cloned());
        args.extend(self.script.iter().cloned());
        args
    }

    /// The command line that reproduces a run, shell-quoted.
    fn command(&self, extra: &[String]) -> String {
        let mut cmd = String::from("runtime");
        for a in self.args(extra) {
            cmd.push(' ');
            cmd.push_str(&crate::shell_quote(&a));
        }
        cmd
    }

    fn run(&self, extra: &[String]) -> Result<Outcome> {
        run::run(
            &self.exe,
            &self.args(extra),
            self.timeout,
            &AtomicBool::new(false),
        )
    }

    /// How a run failed (its group), or `None` when it passed.
    fn failure(&self, out: &Outcome) -> Option<String> {
        if let Some(group) = summary::group_of(out.end, &out.stderr, self.timeout) {
            return Some(group);
        }
        let expected = self.expect.as_ref()?;
        (out.stdout != *expected).then(|| {
            format!(
                "stdout differs from the --expect file at line {}",
                summary::first_difference(&out.stdout, expected)
            )
        })
    }
}

/// `runtime bisect ...`: `argv` is the whole command line, `argv[1] == "bisect"`. Returns the
/// exit status.
pub fn main(argv: &[String]) -> i32 {
    crate::seed_tool::main(argv, "bisect", plan, bisect)
}

fn plan(args: Args) -> Result<Plan, Usage> {
    let usage = |e: anyhow::Error| Usage(e);
    let split = crate::seed_tool::script_index(
        &args.command,
        "bisect",
        "--seed S [options] [-- runtime options] script [args]",
        "give the seed to bisect (--seed S before the script or `--`), not to the runtime",
    )?;
    let given = &args.command[..split];
    if let Some(a) = given
        .iter()
        .find(|a| a.starts_with("-jallow") || *a == "allow")
    {
        return Err(usage(anyhow!(
            "'{a}': the traces allowed to run are bisect's to choose"
        )));
    }
    let mut options = vec![
        "--deterministic".to_string(),
        "--seed".to_string(),
        args.seed.to_string(),
    ];
    options.extend(given.iter().filter(|a| *a != "--deterministic").cloned());
    let expect = match &args.expect {
        None => None,
        Some(path) => Some(std::fs::read(path).map_err(|e| {
            usage(anyhow!(
                "cannot read the --expect file {}: {e}",
                path.display()
            ))
        })?),
    };
    let exe = std::env::current_exe()
        .context("cannot find the runtime executable to run the seed with")
        .map_err(usage)?;
    let jobs = match args.jobs {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok(Plan {
        exe,
        seed: args.seed,
        options,
        script: args.command[split..].to_vec(),
        timeout: args.timeout,
        jobs,
        expect,
    })
}

/// Trace keys by number, from the full run's `-jkeys` list.
type Keys = std::collections::BTreeMap<u32, String>;

/// The `-jallow=LIST` option for a set of traces, named by key (numbers can shift when a trace
/// is not allowed, keys cannot).
fn allow(set: &[u32], keys: &Keys) -> String {
    let named = set
        .iter()
        .map(|n| keys.get(n).cloned().unwrap_or_else(|| n.to_string()));
    format!("-jallow={}", runtime::jit::TraceSet::from_keys(named))
}

/// `1-3,7` for showing a set of trace numbers.
fn numbers(set: &[u32]) -> String {
    runtime::jit::TraceSet::from_numbers(set.iter().copied()).to_string()
}

/// Parses `-jkeys` output: `<number> <key>` lines.
fn parse_keys(text: &str) -> Keys {
    text.lines()
        .filter_map(|l| {
            let (n, key) = l.split_once(' ')?;
            Some((n.parse().ok()?, key.to_string()))
        })
        .collect()
}

/// `set` with every ancestor of its side traces: a side trace runs only from its parent's exit,
/// so allowed sets are closed under parent.
fn with_parents(
    set: &[u32],
    traces: &std::collections::BTreeMap<u32, dump::DumpedTrace>,
) -> Vec<u32> {
    let mut out: Vec<u32> = set.to_vec();
    let mut i = 0;
    while i < out.len() {
        if let Some((parent, _)) = traces.get(&out[i]).and_then(|t| t.parent) {
            if !out.contains(&parent) {
                out.push(parent);
            }
        }
        i += 1;
    }
    out.sort_unstable();
    out
}

/// Runs sets of allowed traces (closed under parent), `jobs` at a time, and says which fail the
/// original way.
struct Runs<'a> {
    plan: &'a Plan,
    traces: &'a std::collections::BTreeMap<u32, dump::DumpedTrace>,
    keys: &'a Keys,
    group: &'a str,
    runs: usize,
    /// Runs that failed, but not the original way.
    other_failures: Vec<(Vec<u32>, String)>,
}

impl Oracle for Runs<'_> {
    fn fails(&mut self, sets: &[Vec<u32>]) -> Result<Vec<bool>> {
        let mut answers = Vec::with_capacity(sets.len());
        let (plan, traces, keys) = (self.plan, self.traces, self.keys);
        for batch in sets.chunks(plan.jobs.max(1)) {
            let outcomes: Vec<Result<Outcome>> = std::thread::scope(|s| {
                let handles: Vec<_> = batch
                    .iter()
                    .map(|set| {
                        let run = with_parents(set, traces);
                        s.spawn(move || plan.run(&[allow(&run, keys)]))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| {
                        h.join()
                            .unwrap_or_else(|_| Err(anyhow!("a run thread panicked")))
                    })
                    .collect()
            });
            for (set, out) in batch.iter().zip(outcomes) {
                self.runs += 1;
                let failure = self.plan.failure(&out?);
                if let Some(f) = &failure {
                    if f != self.group {
                        self.other_failures.push((set.clone(), f.clone()));
                    }
                }
                answers.push(failure.as_deref() == Some(self.group));
            }
        }
        eprintln!(
            "runtime bisect: {} runs so far; this round tried {}",
            self.runs,
            sets.iter()
                .map(|s| numbers(s))
                .collect::<Vec<_>>()
                .join(" | ")
        );
        Ok(answers)
    }
}

fn bisect(plan: &Plan) -> Result<i32> {
    let say = |text: &str| println!("runtime bisect: {text}");
    // (1) The seed fails.
    let original = plan.run(&[])?;
    let Some(group) = plan.failure(&original) else {
        say(&format!(
            "seed {} does not fail: `{}` passed, so there is nothing to bisect",
            plan.seed,
            plan.command(&[])
        ));
        return Ok(1);
    };
    say(&format!("seed {} fails: {group}", plan.seed));

    // (2) Not the JIT's?
    let off = ["-joff".to_string()];
    match plan.failure(&plan.run(&off)?) {
        Some(f) => {
            say(&format!(
                "with the JIT off it fails too ({f}): the failure is not the JIT's \
                 (`{}`)",
                plan.command(&off)
            ));
            return Ok(1);
        }
        None => say("with the JIT off (-joff) it passes: a trace is involved"),
    }

    // (3) The traces the run compiles, from its -jdump.
    let dir = std::env::temp_dir().join(format!("runtime-bisect-{}", std::process::id()));
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create a scratch directory at {}", dir.display()))?;
    let dump_path = dir.join("dump.txt");
    let keys_path = dir.join("keys.txt");
    let dump_opt = [
        format!("-jdump={}", dump_path.display()),
        format!("-jkeys={}", keys_path.display()),
    ];
    let dumped = plan.run(&dump_opt);
    let text = std::fs::read_to_string(&dump_path).unwrap_or_default();
    let keys = parse_keys(&std::fs::read_to_string(&keys_path).unwrap_or_default());
    let _ = std::fs::remove_dir_all(&dir);
    let dumped = dumped?;
    if plan.failure(&dumped).as_deref() != Some(group.as_str()) {
        say(&format!(
            "with -jdump the run no longer fails the same way ({}): cannot list its traces",
            plan.failure(&dumped)
                .unwrap_or_else(|| "it passes".to_string())
        ));
        return Ok(1);
    }
    let dump = dump::parse(&text);
    let all: Vec<u32> = dump.traces.keys().copied().collect();
    if all.is_empty() {
        say(
            "the run compiles no trace, yet fails only with the JIT on: recording alone \
             changes what the program does -- it observes the JIT (jit.util, jit.status) or the \
             JIT has a bug outside compiled code; no trace to name",
        );
        return Ok(0);
    }
    say(&format!(
        "the run compiles {} trace{} ({})",
        all.len(),
        if all.len() == 1 { "" } else { "s" },
        numbers(&all)
    ));
    if !dump.reused.is_empty() {
        say(&format!(
            "note: trace numbers {:?} were used twice (a flush in between); -jallow names both",
            dump.reused
        ));
    }

    // (4) Compiled but not run: must pass.
    let mut runs = Runs {
        plan,
        traces: &dump.traces,
        keys: &keys,
        group: &group,
        runs: 0,
        other_failures: Vec::new(),
    };
    if runs.fails(&[Vec::new()])?[0] {
        say(
            "with every trace compiled and none run (-jallow=none) it still fails: recording \
             or compiling alone changes what the program does -- it observes the JIT (jit.util, \
             jit.status) or the JIT has a bug outside compiled code; no trace to name",
        );
        return Ok(0);
    }
    if !runs.fails(std::slice::from_ref(&all))?[0] {
        say(&format!(
            "with every trace allowed by -jallow it passes, unlike the plain run: \
             the failure does not reproduce under -jallow (`{}`)",
            plan.command(&[allow(&all, &keys)])
        ));
        return Ok(1);
    }

    // (5) A minimal failing set.
    let guilty = search::minimize(&all, &mut runs)?;
    let rest: Vec<u32> = all
        .iter()
        .copied()
        .filter(|t| !guilty.contains(t))
        .collect();
    let rest_fails = !rest.is_empty() && runs.fails(std::slice::from_ref(&rest))?[0];
    let describe = |t: &u32| {
        let trace = &dump.traces[t];
        match trace.parent {
            Some((p, e)) => format!("trace {t} ({}, side of {p}/{e})", trace.start),
            None => format!("trace {t} ({})", trace.start),
        }
    };
    let names: Vec<String> = guilty.iter().map(describe).collect();
    println!();
    if guilty.len() == 1 {
        println!("{} makes the run fail", names[0]);
    } else {
        println!(
            "the failure needs {} traces together: {} (each alone passes)",
            guilty.len(),
            names.join(", ")
        );
    }
    println!("  failure: {group}");
    println!(
        "  rerun:   {}",
        plan.command(&[allow(&with_parents(&guilty, &dump.traces), &keys)])
    );
    println!("  passes:  {}", plan.command(&[allow(&[], &keys)]));
    if rest_fails {
        println!(
            "  note: the other traces without these fail the same way too: the failure has \
             more than one cause"
        );
    }
    println!(
        "  {} runs; {} candidate sets failed some other way",
        runs.runs,
        runs.other_failures.len()
    );
    for t in &guilty {
        let trace = &dump.traces[t];
        let kind = match trace.parent {
            Some((p, e)) => format!("a side trace of trace {p} at exit {e}"),
            None => "a root trace".to_string(),
        };
        let key = keys.get(t).map_or("unknown", String::as_str);
        println!();
        println!(
            "trace {t}: key {key} ({kind}; keys are prototype@pc[/exit...]), starts at {}",
            trace.start
        );
        print!("{}", trace.text);
    }
    Ok(0)
}
