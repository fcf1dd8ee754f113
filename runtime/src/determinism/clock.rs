//! Time as the program sees it: the real clocks, or under `--deterministic` a virtual clock that
//! starts at a fixed epoch and advances with executed work (calls and loop iterations counted
//! by the interpreter), so `os.time`, `os.clock` and `os.date()` repeat exactly.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// 2024-01-01T00:00:00Z: the virtual clock's epoch.
pub const VIRTUAL_EPOCH: i64 = 1_704_067_200;
/// Virtual seconds per counted tick (one call or loop iteration ≈ 10 ns).
const SECONDS_PER_TICK: f64 = 1e-8;

pub enum Clock {
    Real { start: Instant },
    Virtual,
}

impl Clock {
    pub fn new(deterministic: bool) -> Clock {
        if deterministic {
            Clock::Virtual
        } else {
            Clock::Real {
                start: Instant::now(),
            }
        }
    }

    /// Seconds since the Unix epoch (`os.time()`).
    pub fn now(&self, ticks: u64) -> i64 {
        match self {
            Clock::Real { .. } => SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0),
            Clock::Virtual => VIRTUAL_EPOCH + (ticks as f64 * SECONDS_PER_TICK) as i64,
        }
    }

    /// CPU seconds used (`os.clock()`).
    pub fn cpu(&self, ticks: u64) -> f64 {
        match self {
            Clock::Real { start } => {
                process_cpu_seconds().unwrap_or_else(|| start.elapsed().as_secs_f64())
            }
            Clock::Virtual => ticks as f64 * SECONDS_PER_TICK,
        }
    }
}

/// CPU time of the process, as C's `clock()` measures it.
#[allow(unsafe_code)]
fn process_cpu_seconds() -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec to the valid, exclusively borrowed `ts` and
    // reads nothing else.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    (rc == 0).then_some(ts.tv_sec as f64 + ts.tv_nsec as f64 * 1e-9)
}
