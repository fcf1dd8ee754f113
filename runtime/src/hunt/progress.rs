//! Progress on stderr: an `indicatif` bar on a terminal; otherwise a line per tenth of the sweep
//! and one per new failure group.

use super::summary::Failure;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub enum Progress {
    Bar(ProgressBar),
    Lines(Mutex<Lines>),
}

pub struct Lines {
    total: u64,
    /// The next tenth (1..=10) to report.
    next_tenth: u64,
    started: Instant,
}

const TEMPLATE: &str =
    "{spinner} [{elapsed_precise}] [{wide_bar}] {pos}/{len} seeds, {msg}, {per_sec}, ETA {eta}";

impl Progress {
    pub fn new(total: u64) -> Progress {
        if std::io::stderr().is_terminal() {
            let style = ProgressStyle::with_template(TEMPLATE)
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
            let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr())
                .with_style(style)
                .with_message("0 failed");
            bar.enable_steady_tick(Duration::from_millis(100));
            Progress::Bar(bar)
        } else {
            Progress::Lines(Mutex::new(Lines {
                total,
                next_tenth: 1,
                started: Instant::now(),
            }))
        }
    }

    /// The first line: what is being run.
    pub fn start(&self, what: &str) {
        match self {
            Progress::Bar(bar) => bar.println(format!("hunt: {what}")),
            Progress::Lines(_) => eprintln!("hunt: {what}"),
        }
    }

    /// One more seed done; `new_group` is its failure when it starts a new group.
    pub fn seed_done(&self, done: u64, failed: u64, new_group: Option<&Failure>) {
        match self {
            Progress::Bar(bar) => {
                if let Some(f) = new_group {
                    bar.println(format!("hunt: seed {} fails: {}", f.seed, f.group));
                }
                bar.set_message(format!("{failed} failed"));
                bar.set_position(done);
            }
            Progress::Lines(lines) => {
                let mut l = lines.lock().unwrap_or_else(|e| e.into_inner());
                if let Some(f) = new_group {
                    eprintln!("hunt: seed {} fails: {}", f.seed, f.group);
                }
                if l.total == 0 || done.saturating_mul(10) < l.next_tenth.saturating_mul(l.total) {
                    return;
                }
                while l.next_tenth <= 10 && done.saturating_mul(10) >= l.next_tenth * l.total {
                    l.next_tenth += 1;
                }
                let secs = l.started.elapsed().as_secs_f64();
                let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
                let left = l.total - done.min(l.total);
                let eta = if rate > 0.0 {
                    format!(", ETA {:.0} s", left as f64 / rate)
                } else {
                    String::new()
                };
                eprintln!(
                    "hunt: {done}/{} seeds ({}%), {failed} failed, {rate:.1} seeds/s{}",
                    l.total,
                    (u128::from(done) * 100 / u128::from(l.total)),
                    if left > 0 { eta } else { String::new() }
                );
            }
        }
    }

    pub fn finish(&self) {
        if let Progress::Bar(bar) = self {
            bar.finish_and_clear();
        }
    }
}
