//! Failures: their group (first error line), the summary grouped by it, and the JSON Lines form.

use super::run::End;
use serde::Serialize;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::time::Duration;

/// One failing seed.
#[derive(Debug, Clone)]
pub struct Failure {
    pub seed: u64,
    pub end: End,
    /// The first error line: what failures are grouped by.
    pub group: String,
    pub rerun: String,
    /// For a stdout that differs from the expected one: the first line that differs.
    pub differs_at_line: Option<usize>,
    /// The `--record` trace directory and what became of the recording.
    pub record: Option<Recording>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Recording {
    pub dir: String,
    /// Did the recorded run fail the same way (same exit status or signal)?
    pub reproduced: bool,
    /// What went wrong when the recording itself failed or differed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The group of a run that ended with `end` and printed `stderr`; `None` when the run passed
/// (exit status 0). Output mismatches are grouped by the caller.
pub fn group_of(end: End, stderr: &[u8], timeout: Duration) -> Option<String> {
    match end {
        End::Exited(0) | End::Stopped => None,
        End::Exited(code) => Some(match first_line(stderr) {
            Some(line) => line,
            None => format!("exit status {code} (no error output)"),
        }),
        End::Signaled(sig) => Some(format!("killed by signal {sig} ({})", signal_name(sig))),
        End::TimedOut => Some(format!("timed out after {}", seconds(timeout))),
    }
}

/// The first non-empty line of stderr, without the `runtime: ` prefix of error reports.
fn first_line(stderr: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(stderr);
    let line = text.lines().map(str::trim_end).find(|l| !l.is_empty())?;
    Some(line.strip_prefix("runtime: ").unwrap_or(line).to_string())
}

/// `2 s`, `0.5 s`.
pub fn seconds(d: Duration) -> String {
    format!("{} s", d.as_secs_f64())
}

/// The 1-based number of the first line where `a` and `b` differ.
pub fn first_difference(a: &[u8], b: &[u8]) -> usize {
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    1 + a[..same].iter().filter(|&&c| c == b'\n').count()
}

pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGUSR1 => "SIGUSR1",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGUSR2 => "SIGUSR2",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGSTKFLT => "SIGSTKFLT",
        libc::SIGCHLD => "SIGCHLD",
        libc::SIGCONT => "SIGCONT",
        libc::SIGSTOP => "SIGSTOP",
        libc::SIGTSTP => "SIGTSTP",
        libc::SIGTTIN => "SIGTTIN",
        libc::SIGTTOU => "SIGTTOU",
        libc::SIGURG => "SIGURG",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGXFSZ => "SIGXFSZ",
        libc::SIGVTALRM => "SIGVTALRM",
        libc::SIGPROF => "SIGPROF",
        libc::SIGWINCH => "SIGWINCH",
        libc::SIGIO => "SIGIO",
        libc::SIGPWR => "SIGPWR",
        libc::SIGSYS => "SIGSYS",
        _ => "unknown signal",
    }
}

/// Failures that share a first error line.
pub struct Group<'a> {
    pub line: &'a str,
    /// Sorted by seed.
    pub failures: Vec<&'a Failure>,
}

/// Groups failures by their first error line: largest group first, then by first seed.
pub fn groups(failures: &[Failure]) -> Vec<Group<'_>> {
    let mut by_line: HashMap<&str, Vec<&Failure>> = HashMap::new();
    for f in failures {
        by_line.entry(f.group.as_str()).or_default().push(f);
    }
    let mut groups: Vec<Group> = by_line
        .into_iter()
        .map(|(line, mut failures)| {
            failures.sort_by_key(|f| f.seed);
            Group { line, failures }
        })
        .collect();
    groups.sort_by_key(|g| (std::cmp::Reverse(g.failures.len()), g.failures[0].seed));
    groups
}

/// What the sweep did, for the last line of the summary.
pub struct Totals {
    /// `A..B`, with ` shard I/N` when sharded.
    pub what: String,
    pub jobs: usize,
    pub planned: usize,
    pub run: usize,
    pub elapsed: Duration,
    /// Why the sweep stopped before the end, if it did.
    pub stopped: Option<String>,
}

/// How many seeds of a group the summary lists before `…`.
const LIST_SEEDS: usize = 12;

/// The human summary (for stdout).
pub fn text(failures: &[Failure], totals: &Totals) -> String {
    let mut s = String::new();
    let secs = totals.elapsed.as_secs_f64();
    let rate = if secs > 0.0 {
        totals.run as f64 / secs
    } else {
        0.0
    };
    let groups = groups(failures);
    if !groups.is_empty() {
        let width = groups
            .iter()
            .map(|g| count(g.failures.len()).len())
            .max()
            .unwrap_or(0);
        for g in &groups {
            let pad = " ".repeat(width + 2);
            let _ = writeln!(s, "{:>width$}  {}", count(g.failures.len()), g.line);
            let mut seeds: Vec<String> = g
                .failures
                .iter()
                .take(LIST_SEEDS)
                .map(|f| f.seed.to_string())
                .collect();
            if g.failures.len() > LIST_SEEDS {
                seeds.push("…".into());
            }
            let _ = writeln!(s, "{pad}seeds {}", seeds.join(" "));
            let first = g.failures[0];
            let _ = writeln!(s, "{pad}rerun: {}", first.rerun);
            if let Some(rec) = &first.record {
                let _ = write!(s, "{pad}trace: {}", rec.dir);
                match &rec.note {
                    Some(note) => {
                        let _ = writeln!(s, " ({note})");
                    }
                    None => {
                        let _ = writeln!(s, " (replayer replay {})", rec.dir);
                    }
                }
            }
            for f in g.failures.iter().skip(1) {
                if let Some(rec) = &f.record {
                    if let Some(note) = &rec.note {
                        let _ = writeln!(s, "{pad}trace: {} ({note})", rec.dir);
                    }
                }
            }
        }
        s.push('\n');
    }
    let _ = write!(
        s,
        "hunt: seeds {}: {} of {} run, {} failed ({} group{}), {:.1} s, {:.1} seeds/s, {} job{}",
        totals.what,
        totals.run,
        totals.planned,
        failures.len(),
        groups.len(),
        if groups.len() == 1 { "" } else { "s" },
        secs,
        rate,
        totals.jobs,
        if totals.jobs == 1 { "" } else { "s" },
    );
    if let Some(why) = &totals.stopped {
        let _ = write!(s, "; stopped: {why}");
    }
    s.push('\n');
    s
}

fn count(n: usize) -> String {
    format!("{n} seed{}", if n == 1 { "" } else { "s" })
}

/// One failing seed as a JSON line.
#[derive(Serialize)]
struct FailureLine<'a> {
    r#type: &'static str,
    seed: u64,
    group: &'a str,
    /// The exit status, when the process exited.
    exit_status: Option<i32>,
    /// The signal that killed it, when one did (not for timeouts).
    signal: Option<i32>,
    timed_out: bool,
    /// For output mismatches: the first line that differs.
    #[serde(skip_serializing_if = "Option::is_none")]
    differs_at_line: Option<usize>,
    rerun: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'a Recording>,
}

/// The last JSON line.
#[derive(Serialize)]
struct SummaryLine<'a> {
    r#type: &'static str,
    seeds: &'a str,
    /// `I/N`; `1/1` when not sharded.
    shard: &'a str,
    seeds_planned: usize,
    seeds_run: usize,
    failures: usize,
    groups: usize,
    elapsed_s: f64,
    #[serde(skip_serializing_if = "Option::is_none")]
    stopped: Option<&'a str>,
}

/// The JSON Lines form: one line per failing seed (by seed), then a summary line. Shards'
/// outputs concatenate into one valid stream.
pub fn json(failures: &[Failure], totals: &Totals, range: &str, shard: &str) -> String {
    let mut sorted: Vec<&Failure> = failures.iter().collect();
    sorted.sort_by_key(|f| f.seed);
    let mut s = String::new();
    for f in sorted {
        let (exit_status, signal) = match f.end {
            End::Exited(c) => (Some(c), None),
            End::Signaled(sig) => (None, Some(sig)),
            End::TimedOut | End::Stopped => (None, None),
        };
        let line = FailureLine {
            r#type: "failure",
            seed: f.seed,
            group: &f.group,
            exit_status,
            signal,
            timed_out: f.end == End::TimedOut,
            differs_at_line: f.differs_at_line,
            rerun: &f.rerun,
            record: f.record.as_ref(),
        };
        push_json(&mut s, &line);
    }
    let summary = SummaryLine {
        r#type: "summary",
        seeds: range,
        shard,
        seeds_planned: totals.planned,
        seeds_run: totals.run,
        failures: failures.len(),
        groups: groups(failures).len(),
        elapsed_s: (totals.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
        stopped: totals.stopped.as_deref(),
    };
    push_json(&mut s, &summary);
    s
}

fn push_json<T: Serialize>(s: &mut String, value: &T) {
    // Serializing these plain structs cannot fail; a failure would only lose the line.
    if let Ok(line) = serde_json::to_string(value) {
        s.push_str(&line);
        s.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(seed: u64, group: &str) -> Failure {
        Failure {
            seed,
            end: End::Exited(1),
            group: group.into(),
            rerun: format!("runtime --deterministic --seed {seed} t.lua"),
            differs_at_line: None,
            record: None,
        }
    }

    #[test]
    fn groups_by_line_largest_first() {
        let fs = vec![
            failure(9, "b"),
            failure(3, "a"),
            failure(5, "b"),
            failure(7, "b"),
            failure(1, "c"),
        ];
        let g = groups(&fs);
        assert_eq!(g.len(), 3);
        assert_eq!(g[0].line, "b");
        assert_eq!(
            g[0].failures.iter().map(|f| f.seed).collect::<Vec<_>>(),
            [5, 7, 9]
        );
        assert_eq!((g[1].line, g[2].line), ("c", "a"));
    }

    #[test]
    fn group_lines() {
        let t = Duration::from_millis(1500);
        assert_eq!(group_of(End::Exited(0), b"noise", t), None);
        assert_eq!(
            group_of(
                End::Exited(1),
                b"\nruntime: t.lua:3: boom\nstack traceback:\n",
                t
            ),
            Some("t.lua:3: boom".into())
        );
        assert_eq!(
            group_of(End::Exited(3), b"", t),
            Some("exit status 3 (no error output)".into())
        );
        assert_eq!(
            group_of(End::Signaled(11), b"", t),
            Some("killed by signal 11 (SIGSEGV)".into())
        );
        assert_eq!(
            group_of(End::TimedOut, b"", t),
            Some("timed out after 1.5 s".into())
        );
    }

    #[test]
    fn difference_lines() {
        assert_eq!(first_difference(b"a\nb\nc\n", b"a\nb\nd\n"), 3);
        assert_eq!(first_difference(b"a\n", b"b\n"), 1);
        assert_eq!(first_difference(b"a\nb\n", b"a\n"), 2);
    }
}
