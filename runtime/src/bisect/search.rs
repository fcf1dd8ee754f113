//! The search for the traces a failure needs: delta debugging (Zeller's ddmin) over the set of
//! traces allowed to run, testing the candidates of each round in parallel.

use std::collections::HashMap;

/// Tests sets of traces: `true` when the run with exactly those traces allowed fails the way the
/// original run did. Called with several sets at once so they can run in parallel; returns one
/// answer per set, in order.
pub trait Oracle {
    fn fails(&mut self, sets: &[Vec<u32>]) -> anyhow::Result<Vec<bool>>;
}

/// Remembers answers, so no set is run twice.
struct Cached<'a, O: Oracle> {
    oracle: &'a mut O,
    known: HashMap<Vec<u32>, bool>,
}

impl<O: Oracle> Cached<'_, O> {
    /// The index of the first set that fails, if any.
    fn first_failing(&mut self, sets: &[Vec<u32>]) -> anyhow::Result<Option<usize>> {
        let unknown: Vec<Vec<u32>> = sets
            .iter()
            .filter(|s| !self.known.contains_key(*s))
            .cloned()
            .collect();
        if !unknown.is_empty() {
            let answers = self.oracle.fails(&unknown)?;
            for (set, fails) in unknown.into_iter().zip(answers) {
                self.known.insert(set, fails);
            }
        }
        Ok(sets.iter().position(|s| self.known[s]))
    }
}

/// Splits `set` into `n` contiguous chunks of nearly equal size.
fn chunks(set: &[u32], n: usize) -> Vec<Vec<u32>> {
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for i in 0..n {
        let end = start + (set.len() - start) / (n - i);
        out.push(set[start..end].to_vec());
        start = end;
    }
    out
}

/// A 1-minimal subset of `all` that still fails (removing any one trace makes it pass), given
/// that `all` fails. Deterministic: among candidates that fail, the first in order is taken.
pub fn minimize(all: &[u32], oracle: &mut impl Oracle) -> anyhow::Result<Vec<u32>> {
    let mut cached = Cached {
        oracle,
        known: HashMap::new(),
    };
    let mut current = all.to_vec();
    let mut n = 2;
    while current.len() >= 2 {
        let parts = chunks(&current, n);
        if let Some(i) = cached.first_failing(&parts)? {
            current = parts[i].clone();
            n = 2;
            continue;
        }
        let complements: Vec<Vec<u32>> = (0..n)
            .map(|skip| {
                parts
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != skip)
                    .flat_map(|(_, p)| p.iter().copied())
                    .collect()
            })
            .collect();
        if n > 2 {
            if let Some(i) = cached.first_failing(&complements)? {
                current = complements[i].clone();
                n = (n - 1).max(2);
                continue;
            }
        }
        if n >= current.len() {
            break;
        }
        n = (2 * n).min(current.len());
    }
    Ok(current)
}

#[cfg(test)]
mod tests {
    use super::{minimize, Oracle};

    /// Fails when every trace of `needed` is allowed; counts the runs.
    struct Needs {
        needed: Vec<u32>,
        runs: usize,
    }

    impl Oracle for Needs {
        fn fails(&mut self, sets: &[Vec<u32>]) -> anyhow::Result<Vec<bool>> {
            self.runs += sets.len();
            Ok(sets
                .iter()
                .map(|s| self.needed.iter().all(|n| s.contains(n)))
                .collect())
        }
    }

    #[test]
    fn finds_one_guilty_trace_in_logarithmic_runs() {
        let all: Vec<u32> = (1..=64).collect();
        for guilty in [1, 17, 64] {
            let mut oracle = Needs {
                needed: vec![guilty],
                runs: 0,
            };
            assert_eq!(minimize(&all, &mut oracle).unwrap(), [guilty]);
            assert!(oracle.runs <= 2 * 7, "{} runs for 64 traces", oracle.runs);
        }
    }

    #[test]
    fn finds_a_pair_of_traces_needed_together() {
        let all: Vec<u32> = (1..=20).collect();
        let mut oracle = Needs {
            needed: vec![3, 15],
            runs: 0,
        };
        assert_eq!(minimize(&all, &mut oracle).unwrap(), [3, 15]);
    }

    #[test]
    fn a_single_trace_is_its_own_answer() {
        let mut oracle = Needs {
            needed: vec![5],
            runs: 0,
        };
        assert_eq!(minimize(&[5], &mut oracle).unwrap(), [5]);
        assert_eq!(oracle.runs, 0);
    }
}
