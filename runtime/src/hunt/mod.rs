//! `runtime hunt`: runs a script under many seeds, each in its own process, in parallel, and
//! reports the failing seeds grouped by their first error line, each group with the command that
//! reproduces it.

mod progress;
pub(crate) mod run;
pub(crate) mod summary;

use crate::seed_tool::Usage;
use anyhow::{anyhow, Context, Result};
use clap::Parser;
use progress::Progress;
use run::{End, Outcome};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use summary::{Failure, Recording, Totals};

const ABOUT: &str = "Runs a script under a range of seeds, each in its own process with \
`--deterministic --seed S`, in parallel, and reports the seeds that fail, grouped by their \
first error line, each group with the command that reproduces it.";

const GRAMMAR: &str = "\
Command line:
  runtime hunt [hunt options] script [args]
  runtime hunt [hunt options] -- [runtime options] script [args]

Hunt options come first. Runtime options (-joff, -Ohotloop=1, --max-memory 64m, ...) go after
`--`; the first argument that is not a runtime option is the script, and everything after it
goes to the script. Each seed S runs `runtime --deterministic --seed S [runtime options] script
[args]` with stdin closed; --seed is hunt's to choose.

A seed fails when its run exits with a non-zero status, is killed by a signal or times out (then
it is killed with its process group), and with --expect or --same-output when its stdout differs.
Failures are grouped by their first error line: the first line of stderr without `runtime: `,
`killed by signal N (NAME)`, `timed out after S s`, or `stdout differs from ...`.

--same-output compares every seed's stdout with the output of the first seed of the range (A of
--seeds A..B, run by every shard so that shards agree); if that seed fails, the hunt stops and
says so.

Progress goes to stderr (a bar on a terminal, else a line per 10% and per new failure group);
the summary to stdout. --json prints JSON Lines instead of the summary: one
{\"type\":\"failure\",...} line per failing seed, then one {\"type\":\"summary\",...} line, so the
outputs of the shards of a sweep concatenate into one stream.

Exit status: 0 if no seed failed, 1 if any did, 2 for a usage error, 128 + N when stopped by
signal N (SIGINT, SIGTERM, SIGHUP: the running seeds are killed and the summary printed).

Examples:
  runtime hunt --seeds 1..2000 spec.lua
  runtime hunt --seeds 1..500 --shard 2/4 --json spec.lua > shard2.jsonl
  runtime hunt --timeout 5 --max-failures 3 --record traces -- -Ohotloop=1 spec.lua arg1";

#[derive(Parser, Debug)]
#[command(
    name = "runtime hunt",
    bin_name = "runtime hunt",
    override_usage = "runtime hunt [OPTIONS] [-- RUNTIME OPTIONS] SCRIPT [ARGS]...",
    about = ABOUT,
    after_help = GRAMMAR,
    disable_version_flag = true
)]
struct Args {
    /// Seeds to run: A..B (both included) or a single seed.
    #[arg(long, value_name = "A..B", default_value = "1..100", value_parser = parse_range)]
    seeds: SeedRange,
    /// Processes run at once [default: the number of CPUs].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=4096))]
    jobs: Option<u32>,
    /// Run only shard I of N: the seeds S with (S - A) % N == I - 1.
    #[arg(long, value_name = "I/N", value_parser = parse_shard)]
    shard: Option<Shard>,
    /// Seconds a run may take before it is killed and counted as failed.
    #[arg(long, value_name = "S", default_value = "60", value_parser = parse_timeout)]
    timeout: Duration,
    /// Stop after K failures (in a parallel sweep: the first K to finish).
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u64).range(1..))]
    max_failures: Option<u64>,
    /// Print JSON Lines (a line per failing seed, then a summary line) instead of the summary.
    #[arg(long)]
    json: bool,
    /// A run also fails when its stdout differs from the contents of FILE.
    #[arg(long, value_name = "FILE", conflicts_with = "same_output")]
    expect: Option<PathBuf>,
    /// A run also fails when its stdout differs from the first seed's (see below).
    #[arg(long)]
    same_output: bool,
    /// Record each failing seed again under `recorder record -o DIR/seed-S`, for `replayer replay`.
    #[arg(long, value_name = "DIR")]
    record: Option<PathBuf>,
    /// [-- runtime options] script [args]
    #[arg(
        value_name = "SCRIPT",
        required = true,
        trailing_var_arg = true,
        num_args = 1..
    )]
    command: Vec<String>,
}

/// `--seeds A..B`: both ends included.
#[derive(Debug, Clone, Copy)]
struct SeedRange {
    first: u64,
    last: u64,
}

fn parse_range(s: &str) -> Result<SeedRange, String> {
    let num = |t: &str| {
        t.trim().parse::<u64>().map_err(|_| {
            format!("'{t}' is not a seed (a non-negative integer); expected A..B, e.g. 1..200")
        })
    };
    let (first, last) = match s.split_once("..") {
        Some((a, b)) => (num(a)?, num(b.strip_prefix('=').unwrap_or(b))?),
        None => {
            let n = num(s)?;
            (n, n)
        }
    };
    if last < first {
        return Err(format!(
            "the range {first}..{last} is empty: the first seed must not be above the last"
        ));
    }
    Ok(SeedRange { first, last })
}

/// `--shard I/N`, 1-based.
#[derive(Debug, Clone, Copy)]
struct Shard {
    index: u64,
    count: u64,
}

fn parse_shard(s: &str) -> Result<Shard, String> {
    let bad = || format!("'{s}' is not a shard: expected I/N with 1 <= I <= N, e.g. 2/4");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let index: u64 = i.trim().parse().map_err(|_| bad())?;
    let count: u64 = n.trim().parse().map_err(|_| bad())?;
    if index == 0 || count == 0 || index > count {
        return Err(bad());
    }
    Ok(Shard { index, count })
}

pub(crate) fn parse_timeout(s: &str) -> Result<Duration, String> {
    let secs: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a number of seconds"))?;
    if !(secs > 0.0 && secs <= 1e9) {
        return Err(format!(
            "the timeout must be a positive number of seconds, not {s}"
        ));
    }
    Ok(Duration::from_secs_f64(secs))
}

/// The seeds of one shard of a range, computed on demand (a range may be huge).
struct Seeds {
    first: u64,
    step: u64,
    len: u64,
}

impl Seeds {
    fn new(range: SeedRange, shard: Shard) -> Seeds {
        let offset = shard.index - 1;
        let span = range.last - range.first; // seeds in the range, minus one
        let len = if span < offset {
            0
        } else {
            ((span - offset) / shard.count).saturating_add(1)
        };
        Seeds {
            first: range.first + offset,
            step: shard.count,
            len,
        }
    }

    fn get(&self, k: u64) -> u64 {
        self.first + k * self.step
    }
}

/// What to compare stdout with.
enum Check {
    None,
    Expect {
        path: String,
        contents: Vec<u8>,
    },
    /// The output of the range's first seed.
    Reference {
        seed: u64,
        stdout: Vec<u8>,
    },
}

/// Everything a sweep needs, checked.
struct Plan {
    seeds: Seeds,
    range: SeedRange,
    shard: Shard,
    jobs: usize,
    timeout: Duration,
    max_failures: Option<u64>,
    json: bool,
    same_output: bool,
    expect: Option<PathBuf>,
    /// The runtime executable every seed runs.
    exe: PathBuf,
    /// Runtime options, script and script arguments, as given.
    command: Vec<String>,
    record: Option<(PathBuf, PathBuf)>,
}

/// `runtime hunt ...`: `argv` is the whole command line, `argv[1] == "hunt"`. Returns the exit
/// status.
pub fn main(argv: &[String]) -> i32 {
    crate::seed_tool::main(argv, "hunt", plan, sweep)
}

fn plan(args: Args) -> Result<Plan, Usage> {
    let usage = |e: anyhow::Error| Usage(e);
    let split = crate::seed_tool::script_index(
        &args.command,
        "hunt",
        "[options] [-- runtime options] script [args]",
        "hunt chooses the seeds: use --seeds A..B instead of the runtime's --seed",
    )?;
    // --deterministic is hunt's to add; one copy is enough.
    let options = args.command[..split]
        .iter()
        .filter(|a| a.as_str() != "--deterministic")
        .cloned();
    let command: Vec<String> = options
        .chain(args.command[split..].iter().cloned())
        .collect();

    let exe = std::env::current_exe()
        .context("cannot find the runtime executable to run the seeds with")
        .map_err(usage)?;
    let record = match &args.record {
        None => None,
        Some(dir) => {
            let recorder = exe.with_file_name("recorder");
            if !recorder.is_file() {
                return Err(usage(anyhow!(
                    "--record needs the recorder next to the runtime, at {}, and it is missing: \
                     build it with `cargo build -p recorder` (with the same profile as the runtime)",
                    recorder.display()
                )));
            }
            Some((dir.clone(), recorder))
        }
    };
    if let Some(path) = &args.expect {
        if let Err(e) = std::fs::metadata(path) {
            return Err(usage(anyhow!(
                "cannot read the --expect file {}: {e}",
                path.display()
            )));
        }
    }
    if let Some((dir, _)) = &record {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the --record directory {}", dir.display()))
            .map_err(usage)?;
    }
    let shard = args.shard.unwrap_or(Shard { index: 1, count: 1 });
    let jobs = match args.jobs {
        Some(n) => n as usize,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    Ok(Plan {
        seeds: Seeds::new(args.seeds, shard),
        range: args.seeds,
        shard,
        jobs,
        timeout: args.timeout,
        max_failures: args.max_failures,
        json: args.json,
        same_output: args.same_output,
        expect: args.expect,
        exe,
        command,
        record,
    })
}

impl Plan {
    /// The runtime's arguments for one seed.
    fn seed_args(&self, seed: u64) -> Vec<String> {
        let mut args = vec![
            "--deterministic".to_string(),
            "--seed".to_string(),
            seed.to_string(),
        ];
        args.extend(self.command.iter().cloned());
        args
    }

    /// The command that reproduces one seed, shell-quoted.
    fn rerun(&self, seed: u64) -> String {
        let mut cmd = String::from("runtime");
        for a in self.seed_args(seed) {
            cmd.push(' ');
            cmd.push_str(&crate::shell_quote(&a));
        }
        cmd
    }

    fn range_text(&self) -> String {
        format!("{}..{}", self.range.first, self.range.last)
    }

    fn shard_text(&self) -> String {
        format!("{}/{}", self.shard.index, self.shard.count)
    }
}

/// Set by the SIGINT handler.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// The signal that interrupted the sweep.
static SIGNAL: AtomicI32 = AtomicI32::new(0);

extern "C" fn on_interrupt(sig: libc::c_int) {
    SIGNAL.store(sig, Ordering::SeqCst);
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Ctrl-C, SIGTERM and SIGHUP stop the sweep (running seeds are killed: they are in process
/// groups of their own, which a signal to the hunt's group does not reach) and the summary is
/// still printed.
fn catch_interrupt() {
    // SAFETY: the handler only stores to an atomic, which is async-signal-safe; the sigaction
    // struct is zero-initialised and fully set before use.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = on_interrupt as extern "C" fn(libc::c_int) as usize;
        libc::sigemptyset(&mut action.sa_mask);
        for sig in [libc::SIGINT, libc::SIGTERM, libc::SIGHUP] {
            libc::sigaction(sig, &action, std::ptr::null_mut());
        }
    }
}

/// The shared state of a sweep.
struct State {
    failures: Vec<Failure>,
    /// Failures counted so far (a failure is counted before its recording ends).
    failed: u64,
    done: u64,
    groups: HashSet<String>,
    stopped: Option<String>,
}

fn sweep(plan: &Plan) -> Result<i32> {
    catch_interrupt();
    let check = match (&plan.expect, plan.same_output) {
        (Some(path), _) => Check::Expect {
            path: path.display().to_string(),
            contents: std::fs::read(path)
                .with_context(|| format!("cannot read the --expect file {}", path.display()))?,
        },
        (None, true) => {
            let seed = plan.range.first;
            let stop = AtomicBool::new(false);
            let out = run::run(&plan.exe, &plan.seed_args(seed), plan.timeout, &stop)?;
            if let Some(group) = summary::group_of(out.end, &out.stderr, plan.timeout) {
                eprintln!(
                    "runtime hunt: seed {seed}, the --same-output reference, fails: {group}\n\
                     rerun: {}",
                    plan.rerun(seed)
                );
                return Ok(1);
            }
            Check::Reference {
                seed,
                stdout: out.stdout,
            }
        }
        (None, false) => Check::None,
    };

    let total = plan.seeds.len;
    let progress = Progress::new(total);
    progress.start(&format!(
        "seeds {}{} ({} seeds), {} jobs, timeout {}: {}",
        plan.range_text(),
        if plan.shard.count > 1 {
            format!(" shard {}", plan.shard_text())
        } else {
            String::new()
        },
        total,
        plan.jobs,
        summary::seconds(plan.timeout),
        plan.rerun(plan.range.first).replacen(
            &format!("--seed {}", plan.range.first),
            "--seed S",
            1
        ),
    ));
    let state = Mutex::new(State {
        failures: Vec::new(),
        failed: 0,
        done: 0,
        groups: HashSet::new(),
        stopped: None,
    });
    let next = AtomicUsize::new(0);
    // `stop`: start no more seeds and kill the running ones; `abort`: also kill recordings.
    let stop = AtomicBool::new(false);
    let abort = AtomicBool::new(false);
    let finished = AtomicUsize::new(0);
    let started = Instant::now();
    let workers = plan.jobs.min(total.max(1) as usize);
    let mut fatal: Option<anyhow::Error> = None;
    std::thread::scope(|scope| {
        let mut handles = Vec::new();
        for _ in 0..workers {
            handles.push(scope.spawn(|| {
                let result = worker(plan, &check, &state, &progress, &next, &stop, &abort);
                finished.fetch_add(1, Ordering::SeqCst);
                result
            }));
        }
        while finished.load(Ordering::SeqCst) < workers {
            if INTERRUPTED.load(Ordering::SeqCst) && !abort.load(Ordering::SeqCst) {
                let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
                let sig = SIGNAL.load(Ordering::SeqCst);
                st.stopped = Some(format!("interrupted by {}", summary::signal_name(sig)));
                stop.store(true, Ordering::SeqCst);
                abort.store(true, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        for h in handles {
            match h.join() {
                Ok(Ok(())) => {}
                Ok(Err(e)) => fatal = Some(e),
                Err(_) => fatal = Some(anyhow!("a worker thread panicked")),
            }
        }
    });
    progress.finish();
    if let Some(e) = fatal {
        return Err(e);
    }
    let st = state.into_inner().unwrap_or_else(|e| e.into_inner());
    let totals = Totals {
        what: if plan.shard.count > 1 {
            format!("{} shard {}", plan.range_text(), plan.shard_text())
        } else {
            plan.range_text()
        },
        jobs: plan.jobs,
        planned: total as usize,
        run: st.done as usize,
        elapsed: started.elapsed(),
        stopped: st.stopped.clone(),
    };
    let out = if plan.json {
        summary::json(
            &st.failures,
            &totals,
            &plan.range_text(),
            &plan.shard_text(),
        )
    } else {
        summary::text(&st.failures, &totals)
    };
    {
        use std::io::Write;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush())
            .context("cannot write the summary")?;
    }
    Ok(if INTERRUPTED.load(Ordering::SeqCst) {
        128 + SIGNAL.load(Ordering::SeqCst)
    } else if st.failures.is_empty() {
        0
    } else {
        1
    })
}

/// Runs seeds until there are none left or the sweep stops.
fn worker(
    plan: &Plan,
    check: &Check,
    state: &Mutex<State>,
    progress: &Progress,
    next: &AtomicUsize,
    stop: &AtomicBool,
    abort: &AtomicBool,
) -> Result<()> {
    loop {
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let k = next.fetch_add(1, Ordering::SeqCst) as u64;
        if k >= plan.seeds.len {
            return Ok(());
        }
        let seed = plan.seeds.get(k);
        let out = match (check, plan.range.first == seed) {
            // The reference seed already ran.
            (Check::Reference { stdout, .. }, true) => Outcome {
                end: End::Exited(0),
                stdout: stdout.clone(),
                stderr: Vec::new(),
            },
            _ => run::run(&plan.exe, &plan.seed_args(seed), plan.timeout, stop)?,
        };
        if out.end == End::Stopped {
            return Ok(());
        }
        let failure = judge(plan, check, seed, &out);
        {
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            // A seed that finished after the K-th failure, while the sweep was stopping, is not
            // counted: --max-failures K reports K failures.
            if stop.load(Ordering::SeqCst) && (failure.is_some() || st.stopped.is_some()) {
                return Ok(());
            }
            st.done += 1;
            let is_new = match &failure {
                Some(f) => {
                    st.failed += 1;
                    if plan.max_failures.is_some_and(|k| st.failed >= k) && st.stopped.is_none() {
                        st.stopped = Some(format!("{} failures (--max-failures)", st.failed));
                        stop.store(true, Ordering::SeqCst);
                    }
                    st.groups.insert(f.group.clone())
                }
                None => false,
            };
            progress.seed_done(st.done, st.failed, failure.as_ref().filter(|_| is_new));
        }
        if let Some(mut f) = failure {
            if let Some((dir, recorder)) = &plan.record {
                f.record = Some(record(plan, dir, recorder, seed, &out, abort));
            }
            let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
            st.failures.push(f);
        }
    }
}

/// Did this seed fail, and how?
fn judge(plan: &Plan, check: &Check, seed: u64, out: &Outcome) -> Option<Failure> {
    let failure = |group: String, differs_at_line: Option<usize>| Failure {
        seed,
        end: out.end,
        group,
        rerun: plan.rerun(seed),
        differs_at_line,
        record: None,
    };
    if let Some(group) = summary::group_of(out.end, &out.stderr, plan.timeout) {
        return Some(failure(group, None));
    }
    match check {
        Check::None => None,
        Check::Expect { path, contents } => (out.stdout != *contents).then(|| {
            failure(
                format!("stdout differs from {path}"),
                Some(summary::first_difference(&out.stdout, contents)),
            )
        }),
        Check::Reference { seed: r, stdout } => (out.stdout != *stdout).then(|| {
            failure(
                format!("stdout differs from seed {r}'s"),
                Some(summary::first_difference(&out.stdout, stdout)),
            )
        }),
    }
}

/// Records a failing seed again under the recorder, into a fresh `DIR/seed-S`.
fn record(
    plan: &Plan,
    dir: &Path,
    recorder: &Path,
    seed: u64,
    original: &Outcome,
    abort: &AtomicBool,
) -> Recording {
    let mut trace = dir.join(format!("seed-{seed}"));
    let mut n = 2;
    while trace.exists() {
        trace = dir.join(format!("seed-{seed}-{n}"));
        n += 1;
    }
    let mut args = vec![
        "record".to_string(),
        "-o".to_string(),
        trace.display().to_string(),
        "--".to_string(),
        plan.exe.display().to_string(),
    ];
    args.extend(plan.seed_args(seed));
    // Recording is slower than running: give it more time, but a run that hung hangs again.
    let limit = plan.timeout.saturating_mul(4).max(Duration::from_secs(10));
    let limit = if original.end == End::TimedOut {
        plan.timeout
    } else {
        limit
    };
    let dir_text = trace.display().to_string();
    let out = match run::run(recorder, &args, limit, abort) {
        Ok(out) => out,
        Err(e) => {
            return Recording {
                dir: dir_text,
                reproduced: false,
                note: Some(format!("{e:#}")),
            }
        }
    };
    // The recorder exits with the program's status, 128 + signal if it was killed, 125 if the
    // recording itself failed.
    let same_end = match (original.end, out.end) {
        (End::Exited(a), End::Exited(b)) => a == b && b != 125,
        (End::Signaled(s), End::Exited(b)) => b == 128 + s,
        (End::TimedOut, End::TimedOut) => true,
        _ => false,
    };
    let reproduced = same_end && out.stdout == original.stdout;
    let note = if reproduced {
        if original.end == End::TimedOut {
            Some("the recording was stopped at the timeout; the trace ends there".into())
        } else {
            None
        }
    } else if out.end == End::Exited(125) {
        let why = String::from_utf8_lossy(&out.stderr)
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("no message")
            .to_string();
        Some(format!("recording failed: {why}"))
    } else if out.end == End::Stopped {
        Some("recording interrupted".into())
    } else if !same_end {
        Some(format!(
            "the recorded run ended differently: {}",
            describe(out.end)
        ))
    } else {
        Some("the recorded run printed a different stdout".into())
    };
    Recording {
        dir: dir_text,
        reproduced,
        note,
    }
}

fn describe(end: End) -> String {
    match end {
        End::Exited(c) => format!("exit status {c}"),
        End::Signaled(s) => format!("signal {s} ({})", summary::signal_name(s)),
        End::TimedOut => "timed out".into(),
        End::Stopped => "stopped".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let r = parse_range("3..7").unwrap();
        assert_eq!((r.first, r.last), (3, 7));
        let r = parse_range("5").unwrap();
        assert_eq!((r.first, r.last), (5, 5));
        assert!(parse_range("7..3").is_err());
        assert!(parse_range("a..3").is_err());
        assert!(parse_range("1..").is_err());
        let r = parse_range(&format!("0..{}", u64::MAX)).unwrap();
        assert_eq!(Seeds::new(r, Shard { index: 1, count: 1 }).len, u64::MAX);
    }

    #[test]
    fn shards_partition_the_range() {
        let range = parse_range("10..29").unwrap();
        let mut all = Vec::new();
        for index in 1..=3 {
            let s = Seeds::new(range, Shard { index, count: 3 });
            for k in 0..s.len {
                let seed = s.get(k);
                assert_eq!((seed - 10) % 3, index - 1);
                all.push(seed);
            }
        }
        all.sort();
        assert_eq!(all, (10..=29).collect::<Vec<_>>());
        assert_eq!(
            Seeds::new(parse_range("1..2").unwrap(), Shard { index: 3, count: 3 }).len,
            0
        );
        assert!(parse_shard("3/2").is_err());
        assert!(parse_shard("0/2").is_err());
        assert!(parse_shard("2").is_err());
    }
}
