//! `-jallow=LIST`: the traces allowed to run. A trace outside the set is still recorded,
//! optimized, compiled and numbered exactly as usual — only never entered — so that hot counters
//! and penalties stay what they are with every trace allowed. `runtime bisect` searches over
//! these sets for the traces a failure needs.
//!
//! Traces are named by number or by key. Numbers are handed out in the order traces form, and a
//! side trace forms only from its parent's exits, so forbidding a trace can change the numbers of
//! later ones; a key does not change: `P@PC` for a root trace (prototype number and loop pc),
//! `KEY/EXIT` for a side trace (its parent's key and exit). `-jkeys` lists them.

use std::collections::BTreeSet;
use std::fmt;

/// A set of traces: numbers, as sorted, disjoint, non-adjacent inclusive ranges, and keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TraceSet {
    ranges: Vec<(u32, u32)>,
    keys: BTreeSet<String>,
}

/// Whether `item` is a trace key: `P@PC` followed by any number of `/EXIT`.
fn is_key(item: &str) -> bool {
    let Some((proto, rest)) = item.split_once('@') else {
        return false;
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    digits(proto) && rest.split('/').all(digits)
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
        TraceSet {
            ranges,
            keys: BTreeSet::new(),
        }
    }

    /// The set holding exactly the traces with these keys.
    pub fn from_keys(keys: impl IntoIterator<Item = String>) -> TraceSet {
        TraceSet {
            ranges: Vec::new(),
            keys: keys.into_iter().collect(),
        }
    }

    /// Parses `1,4-6,9,3@12,3@12/5` (an empty list or `none` is the empty set).
    pub fn parse(list: &str) -> Result<TraceSet, String> {
        let list = list.trim();
        if list.is_empty() || list == "none" {
            return Ok(TraceSet::default());
        }
        let number = |t: &str| -> Result<u32, String> {
            match t.trim().parse::<u32>() {
                Ok(n) if n > 0 => Ok(n),
                _ => Err(format!(
                    "'{t}' is not a trace number (traces are numbered from 1) or key; \
                     expected a list like 1,4-6,9,3@12/5 or none"
                )),
            }
        };
        let mut numbers = Vec::new();
        let mut keys = BTreeSet::new();
        for item in list.split(',') {
            if is_key(item.trim()) {
                keys.insert(item.trim().to_string());
                continue;
            }
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
        let mut set = TraceSet::from_numbers(numbers);
        set.keys = keys;
        Ok(set)
    }

    /// Whether the trace numbered `n`, whose key is `key`, is in the set.
    pub fn contains(&self, n: u32, key: &str) -> bool {
        self.ranges.iter().any(|&(lo, hi)| lo <= n && n <= hi) || self.keys.contains(key)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty() && self.keys.is_empty()
    }

    /// The numbers in the set, ascending.
    pub fn numbers(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|&(lo, hi)| lo..=hi)
    }
}

/// `1,4-6,9`, or `none` for the empty set: what [`TraceSet::parse`] reads.
impl fmt::Display for TraceSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_empty() {
            return f.write_str("none");
        }
        let mut items: Vec<String> = self
            .ranges
            .iter()
            .map(|&(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect();
        items.extend(self.keys.iter().cloned());
        f.write_str(&items.join(","))
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
        assert!(set.contains(5, "") && !set.contains(3, "") && !set.contains(10, ""));
        assert!(TraceSet::parse("none").unwrap().is_empty());
        assert!(TraceSet::parse("").unwrap().is_empty());
        assert_eq!(TraceSet::default().to_string(), "none");
    }

    #[test]
    fn keys_name_traces_whatever_their_numbers() {
        let set = TraceSet::parse("2,3@12/5,4@7").unwrap();
        assert!(set.contains(9, "3@12/5") && set.contains(9, "4@7") && set.contains(2, "x"));
        assert!(!set.contains(9, "3@12") && !set.contains(9, "3@12/5/1"));
        assert_eq!(set.to_string(), "2,3@12/5,4@7");
        assert_eq!(TraceSet::parse(&set.to_string()).unwrap(), set);
        let keys = TraceSet::from_keys(["1@4/2".to_string()]);
        assert_eq!(keys.to_string(), "1@4/2");
    }

    #[test]
    fn rejects_what_is_not_a_list_of_traces() {
        for bad in [
            "0",
            "x",
            "3-1",
            "1,,2",
            "-4",
            "1-",
            "1-2000000000",
            "@3",
            "3@",
            "3@4/",
        ] {
            let e = TraceSet::parse(bad).unwrap_err();
            assert!(!e.is_empty(), "{bad}");
        }
    }
}
