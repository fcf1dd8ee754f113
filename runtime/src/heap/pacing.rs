//! When the collector runs: LuaJIT's pacing parameters (`setpause`, `setstepmul`), `stop` and
//! `restart`, and the bookkeeping behind `collectgarbage("step")`.
//!
//! The collector itself is atomic (one full mark and sweep), so an explicit step cannot stop half
//! way through a cycle. Instead each step earns credit — `max(n, 1)` KiB of work scaled by
//! `stepmul`, as one `lj_gc_step` is — and the cycle runs, and the step returns true, once the
//! credit covers the bytes that were live after the last collection (LuaJIT's `estimate`), or
//! once the step brings the heap to its threshold. Like everything the collector does, this is a
//! function of allocation volume only, never of time.

/// Smallest threshold: below it a collection frees too little to be worth its fixed costs.
pub const MIN_THRESHOLD: usize = 64 << 10;

/// LuaJIT's default pause and step multiplier (percent).
pub const DEFAULT_PAUSE: u32 = 200;
pub const DEFAULT_STEPMUL: u32 = 200;

/// Pacing state, kept by the heap next to its byte counters.
#[derive(Debug, Clone)]
pub struct Pacing {
    /// Next threshold, in percent of the bytes live after a collection.
    pub pause: u32,
    /// Work an explicit step does, in percent of its size.
    pub stepmul: u32,
    /// `collectgarbage("stop")`: no collection until `restart` (or an explicit step/collect).
    pub stopped: bool,
    /// Bytes live after the last collection.
    pub estimate: usize,
    /// Work earned by explicit steps since the last collection.
    step_credit: usize,
}

impl Default for Pacing {
    fn default() -> Pacing {
        Pacing {
            pause: DEFAULT_PAUSE,
            stepmul: DEFAULT_STEPMUL,
            stopped: false,
            estimate: 0,
            step_credit: 0,
        }
    }
}

impl Pacing {
    /// Threshold for the next automatic collection after one left `live` bytes. A stopped
    /// collector still checks `max_memory` (0 = none) when the heap reaches it.
    pub fn threshold_after(&mut self, live: usize, max_memory: usize) -> usize {
        self.estimate = live;
        self.step_credit = 0;
        let paced = if self.stopped {
            usize::MAX
        } else {
            (live.saturating_mul(self.pause as usize) / 100).max(MIN_THRESHOLD)
        };
        if max_memory > 0 {
            // Check the limit no later than when it is reached.
            paced.min(max_memory.max(live + 4096))
        } else {
            paced
        }
    }

    /// `collectgarbage("step", kib)`: whether this step completes a cycle (the caller then
    /// collects). `allocated` and `threshold` are the heap's counters now.
    pub fn step(&mut self, kib: u64, allocated: usize, threshold: usize) -> bool {
        let size = (kib.max(1) as usize).saturating_mul(1024);
        if allocated.saturating_add(size) >= threshold {
            return true;
        }
        self.step_credit = self
            .step_credit
            .saturating_add(size.saturating_mul(self.stepmul as usize) / 100);
        self.step_credit >= self.estimate
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threshold_follows_the_pause_and_the_memory_limit() {
        let mut p = Pacing::default();
        assert_eq!(p.threshold_after(1 << 20, 0), 2 << 20);
        p.pause = 150;
        assert_eq!(p.threshold_after(1 << 20, 0), 3 << 19);
        assert_eq!(p.threshold_after(1000, 0), MIN_THRESHOLD);
        assert_eq!(p.threshold_after(1 << 20, 5 << 19), 3 << 19);
        assert_eq!(p.threshold_after(1 << 20, 5 << 18), 5 << 18);
        p.stopped = true;
        assert_eq!(p.threshold_after(1 << 20, 0), usize::MAX);
        assert_eq!(p.threshold_after(1 << 20, 4 << 20), 4 << 20);
    }

    #[test]
    fn steps_complete_a_cycle_after_work_proportional_to_the_live_heap() {
        let count = |live: usize, stepmul: u32| {
            let mut p = Pacing {
                stepmul,
                ..Pacing::default()
            };
            let threshold = p.threshold_after(live, 0);
            (1..1000).find(|_| p.step(0, live, threshold)).unwrap()
        };
        assert_eq!(count(40 << 10, 200), 20);
        assert_eq!(count(80 << 10, 200), 40);
        assert_eq!(count(40 << 10, 400), 10);
        // A step as large as the distance to the threshold finishes at once.
        let mut p = Pacing::default();
        let threshold = p.threshold_after(1 << 20, 0);
        assert!(p.step(1024, 1 << 20, threshold));
        // Credit starts over after a collection.
        let mut p = Pacing::default();
        let threshold = p.threshold_after(40 << 10, 0);
        assert!(!p.step(15, 40 << 10, threshold));
        let mut again = p.clone();
        assert!(again.step(15, 40 << 10, threshold));
        p.threshold_after(40 << 10, 0);
        assert!(!p.step(15, 40 << 10, threshold));
    }
}
