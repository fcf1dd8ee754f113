//! Hot counting: per-(prototype, pc) loop counters whose start values are drawn from the seed,
//! and LuaJIT's abort penalties (lj_dispatch.c's counter init, lj_trace.c's `penalty_pc`).
//!
//! Every draw is random-access, a function of (seed, stream, proto id, pc, n), so allowing or
//! forbidding one trace never shifts any other decision. The interpreter keeps no bytecode patches:
//! each prototype has a state cell per pc (`Count`, `Trace`, `Blacklisted`), read only at loop ops.
#![forbid(unsafe_code)]

use std::cell::Cell;

use crate::determinism::{Seed, Stream};

/// The JIT's per-prototype state, beside the immutable bytecode.
#[derive(Debug, Default)]
pub struct ProtoJit {
    /// `jit.off(f)`: never record in this function.
    pub off: Cell<bool>,
    /// One cell per pc, meaningful at loop ops only.
    cells: Box<[Cell<u32>]>,
}

/// What a loop op's cell holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HotState {
    /// Never reached with the JIT on: the counter is not drawn yet.
    Fresh,
    /// Iterations left before recording starts.
    Count(u32),
    /// A root trace starts here.
    Trace(u32),
    /// Recording here failed too often: never again (LuaJIT's ILOOP/IFORL).
    Blacklisted,
}

const TAG_SHIFT: u32 = 30;
const VALUE_MASK: u32 = (1 << TAG_SHIFT) - 1;

impl ProtoJit {
    /// State cells for a prototype with `code_len` instructions.
    pub fn new(code_len: usize) -> ProtoJit {
        ProtoJit {
            off: Cell::new(false),
            cells: (0..code_len).map(|_| Cell::new(0)).collect(),
        }
    }

    /// The state of the loop op at `pc`.
    #[inline]
    pub fn state(&self, pc: usize) -> HotState {
        let raw = self.cells.get(pc).map_or(0, Cell::get);
        let value = raw & VALUE_MASK;
        match raw >> TAG_SHIFT {
            0 => HotState::Fresh,
            1 => HotState::Count(value),
            2 => HotState::Trace(value),
            _ => HotState::Blacklisted,
        }
    }

    /// Whether the loop op at `pc` is blacklisted (the dispatch loop's quick test).
    #[inline(always)]
    pub fn is_blacklisted(&self, pc: usize) -> bool {
        self.cells
            .get(pc)
            .is_some_and(|c| c.get() >> TAG_SHIFT == 3)
    }

    /// Sets the state of the loop op at `pc`.
    pub fn set_state(&self, pc: usize, state: HotState) {
        let raw = match state {
            HotState::Fresh => 0,
            HotState::Count(n) => (1 << TAG_SHIFT) | n.min(VALUE_MASK),
            HotState::Trace(t) => (2 << TAG_SHIFT) | t.min(VALUE_MASK),
            HotState::Blacklisted => 3 << TAG_SHIFT,
        };
        if let Some(cell) = self.cells.get(pc) {
            cell.set(raw);
        }
    }

    /// Forgets every counter and trace (`jit.flush()`): counters are drawn afresh.
    pub fn reset(&self) {
        for cell in self.cells.iter() {
            if cell.get() >> TAG_SHIFT != 3 {
                cell.set(0);
            }
        }
    }
}

/// The value of draw `n` of `stream` for the loop at (`proto`, `pc`): random access, so no
/// other draw depends on how many came before it.
pub fn draw_at(seed: Seed, stream: Stream, proto: u32, pc: usize, n: u32) -> u32 {
    use rand_core::RngCore;
    let mut rng = seed.stream(stream);
    // One 64-bit word per draw position; the position mixes the three coordinates.
    let key = ((proto as u128) << 64) | ((pc as u128 & 0xffff_ffff) << 32) | n as u128;
    let position = splitmix(key as u64 ^ splitmix((key >> 64) as u64)) as u128;
    rng.set_word_pos(position << 1);
    rng.next_u32()
}

fn splitmix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The first counter value of the loop at (`proto`, `pc`): `hotloop`, jittered by up to an
/// eighth either way by the seed (LuaJIT's counters differ by where the loop's pc lands in its
/// 64-entry hash table; ours differ by seed). Never below 1.
pub fn start_count(seed: Seed, hotloop: u32, proto: u32, pc: usize) -> u32 {
    let spread = hotloop / 8;
    if spread == 0 {
        return hotloop.max(1);
    }
    let r = draw_at(seed, Stream::HotCount, proto, pc, 0) % (2 * spread + 1);
    (hotloop - spread + r).max(1)
}

/// LuaJIT's penalty rule (lj_trace.c `penalty_pc`): the first abort waits `PENALTY_MIN`
/// iterations, each later one `old*2 + random(0..15)`; past `PENALTY_MAX` the loop is blacklisted.
pub const PENALTY_MIN: u32 = 36 * 2;
/// See [`PENALTY_MIN`].
pub const PENALTY_MAX: u32 = 60000;

/// The next penalty after `previous` (0 for the first abort), or `None` to blacklist.
pub fn next_penalty(seed: Seed, proto: u32, pc: usize, aborts: u32, previous: u32) -> Option<u32> {
    if previous == 0 {
        return Some(PENALTY_MIN);
    }
    let r = draw_at(seed, Stream::Penalty, proto, pc, aborts) & 15;
    let next = previous.saturating_mul(2).saturating_add(r);
    (next <= PENALTY_MAX).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_are_random_access_and_seeded() {
        let a = draw_at(Seed(7), Stream::HotCount, 3, 10, 0);
        assert_eq!(a, draw_at(Seed(7), Stream::HotCount, 3, 10, 0));
        assert_ne!(a, draw_at(Seed(8), Stream::HotCount, 3, 10, 0));
        assert_ne!(a, draw_at(Seed(7), Stream::HotCount, 3, 11, 0));
        assert_ne!(a, draw_at(Seed(7), Stream::Penalty, 3, 10, 0));
    }

    #[test]
    fn start_counts_stay_around_hotloop() {
        for pc in 0..200 {
            let n = start_count(Seed(1), 56, 1, pc);
            assert!((49..=63).contains(&n), "{n}");
        }
        assert_eq!(start_count(Seed(1), 1, 1, 5), 1);
    }

    #[test]
    fn penalties_double_then_blacklist() {
        let mut p = 0;
        let mut steps = 0;
        while let Some(next) = next_penalty(Seed(3), 1, 2, steps, p) {
            assert!(next > p);
            p = next;
            steps += 1;
        }
        assert!(p > 30000 && steps > 5, "{p} {steps}");
    }

    #[test]
    fn cells_round_trip() {
        let j = ProtoJit::new(4);
        assert_eq!(j.state(1), HotState::Fresh);
        j.set_state(1, HotState::Count(55));
        assert_eq!(j.state(1), HotState::Count(55));
        j.set_state(2, HotState::Trace(7));
        assert_eq!(j.state(2), HotState::Trace(7));
        j.set_state(3, HotState::Blacklisted);
        j.reset();
        assert_eq!(j.state(2), HotState::Fresh);
        assert_eq!(j.state(3), HotState::Blacklisted);
    }
}
