//! `-jallow=LIST`: the traces allowed to run. A trace outside the set is still recorded,
//! optimized, compiled and numbered exactly as usual — only never entered — so that hot counters,
//! penalties and trace numbers stay what they are with every trace allowed. `runtime bisect`
//! searches over these sets for the traces a failure needs.

use std::fmt;

/// A set of trace numbers, as sorted, disjoint, non-adjacent inclusive ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceSet {
    ranges: Vec<(u32, u32)>,
}

impl TraceSet {
    /// The set holding exactly `numbers`.
    pub fn from_numbers(numbers: impl IntoIterator<Item = u32>) -> TraceSet {
        let mut sorted: Vec<u32> = numbers.into_iter().collect();
        sorted.sort_unstable();
        sorted.dedup();
        let mut ranges: Vec<(u32, u32)> = Vec::new();
        for n in sorted {
            match ranges.last_mut() {
                Some((_, hi)) if *hi + 1 == n => *hi = n,
                _ => ranges.push((n, n)),
            }
        }
        TraceSet { ranges }
    }

    /// Parses `1,4-6,9` (an empty list or `none` is the empty set).
    pub fn parse(list: &str) -> Result<TraceSet, String> {
        let list = list.trim();
        if list.is_empty() || list == "none" {
            return Ok(TraceSet::default());
        }
        let number = |t: &str| -> Result<u32, String> {
            match t.trim().parse::<u32>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!(
                    "'{t}' is not a trace number (traces are numbered from 1); \
                     expected a list like 1,4-6,9 or none"
                )),
            }
        };
        let mut numbers = Vec::new();
        for item in list.split(',') {
            let (lo, hi) = match item.split_once('-') {
                Some((a, b)) => (number(a)?, number(b)?),
                None => {
                    let n = number(item)?;
                    (n, n)
                }
            };
            if lo > hi {
                return Err(format!(
                    "'{item}' is an empty range: write the lower number first"
                ));
            }
            if hi - lo > 1_000_000 {
                return Err(format!("'{item}' names more traces than any run compiles"));
            }
            numbers.extend(lo..=hi);
        }
        Ok(TraceSet::from_numbers(numbers))
    }

    pub fn contains(&self, n: u32) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= n && n <= hi)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The numbers in the set, ascending.
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|&(lo, hi)| lo..=hi)
    }
}

/// `1,4-6,9`, or `none` for the empty set: what [`TraceSet::parse`] reads.
impl fmt::Display for TraceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("none");
        }
        for (i, &(lo, hi)) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::TraceSet;

    #[test]
    fn parses_lists_and_ranges_and_prints_them_back() {
        let set = TraceSet::parse("9,1,4-6,5,2").unwrap();
        assert_eq!(set.numbers().collect::<Vec<_>>(), [1, 2, 4, 5, 6, 9]);
        assert_eq!(set.to_string(), "1-2,4-6,9");
        assert_eq!(TraceSet::parse(&set.to_string()).unwrap(), set);
        assert!(set.contains(5) && !set.contains(3) && !set.contains(10));
        assert!(TraceSet::parse("none").unwrap().is_empty());
        assert!(TraceSet::parse("").unwrap().is_empty());
        assert_eq!(TraceSet::default().to_string(), "none");
    }

    #[test]
    fn rejects_what_is_not_a_list_of_traces() {
        for bad in ["0", "x", "3-1", "1,,2", "-4", "1-", "1-2000000000"] {
            let e = TraceSet::parse(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
    }
}
