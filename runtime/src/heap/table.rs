//! Lua tables: an array part for keys `1..=n` and an open-addressing hash part.
//!
//! The position of a key in the hash part — and therefore `pairs` order — is a pure function of
//! the seeded key hashes and the sequence of operations: strings carry their seeded hash, other
//! heap objects hash by handle mixed with the seed, numbers and booleans by their bits mixed with
//! the seed. Nothing depends on a machine address. Removing a key keeps it as a tombstone (key
//! with a nil value) so `next` stays valid when a traversal assigns nil to existing fields, as Lua
//! allows.

use crate::value::{StrRef, TableRef, Value};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("table index is nil")]
    Nil,
    #[error("table index is NaN")]
    NaN,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("invalid key to 'next'")]
pub struct InvalidNextKey;

/// A hash-part slot. `repr(C)`: compiled traces read a key at offset 0 and its value at 16.
#[derive(Clone, Copy)]
#[repr(C)]
pub struct Entry {
    key: Value,
    value: Value,
}

const EMPTY: Entry = Entry {
    key: Value::Nil,
    value: Value::Nil,
};

pub struct Table {
    pub array: Vec<Value>,
    entries: Vec<Entry>,
    /// Slots whose key is not nil (live entries and tombstones).
    used: usize,
    seed: u64,
    /// Change it with [`Table::set_metatable`], which keeps `layout` up to date.
    pub metatable: Option<TableRef>,
    /// Where the parts are, for compiled traces (they read it in place).
    layout: TableLayout,
}

/// What a compiled trace reads of a table to address its elements and fields without calling
/// into the runtime: a copy of the parts' addresses and lengths that every method changing them
/// (and [`Table::set_metatable`]) refreshes. `repr(C)`: traces read the fields at the offsets
/// below.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct TableLayout {
    pub array_ptr: u64,
    pub array_len: u64,
    /// 1 when the table has a metatable.
    pub has_meta: u64,
    pub hash_ptr: u64,
    pub hash_len: u64,
}

impl TableLayout {
    pub const ARRAY_PTR: i32 = std::mem::offset_of!(TableLayout, array_ptr) as i32;
    pub const ARRAY_LEN: i32 = std::mem::offset_of!(TableLayout, array_len) as i32;
    pub const HAS_META: i32 = std::mem::offset_of!(TableLayout, has_meta) as i32;
    pub const HASH_PTR: i32 = std::mem::offset_of!(TableLayout, hash_ptr) as i32;
    pub const HASH_LEN: i32 = std::mem::offset_of!(TableLayout, hash_len) as i32;
    /// Byte offset of the record in a [`Table`].
    pub const IN_TABLE: usize = std::mem::offset_of!(Table, layout);
}

#[inline]
fn mix64(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58476d1ce4e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d049bb133111eb);
    x ^ (x >> 31)
}

/// If `n` is an integer usable as an array index, that index (1-based).
#[inline]
fn array_index(n: f64) -> Option<usize> {
    let i = n as i64;
    if i as f64 == n && i >= 1 && i <= u32::MAX as i64 {
        Some(i as usize)
    } else {
        None
    }
}

impl Table {
    pub fn new(seed: u64, narray: usize, nhash: usize) -> Table {
        let mut t = Table {
            array: Vec::with_capacity(narray),
            entries: Vec::new(),
            used: 0,
            seed,
            metatable: None,
            layout: TableLayout::default(),
        };
        if nhash > 0 {
            t.entries = vec![EMPTY; capacity_for(nhash)];
        }
        t.sync_layout();
        t
    }

    /// LuaJIT's `table.clear`: every key removed, the parts' capacity and the metatable kept.
    pub fn clear(&mut self) {
        self.array.clear();
        self.entries.fill(EMPTY);
        self.used = 0;
        self.sync_layout();
    }

    pub fn set_metatable(&mut self, metatable: Option<TableRef>) {
        self.metatable = metatable;
        self.sync_layout();
    }

    fn current_layout(&self) -> TableLayout {
        TableLayout {
            array_ptr: self.array.as_ptr() as u64,
            array_len: self.array.len() as u64,
            has_meta: self.metatable.is_some() as u64,
            hash_ptr: self.entries.as_ptr() as u64,
            hash_len: self.entries.len() as u64,
        }
    }

    fn sync_layout(&mut self) {
        self.layout = self.current_layout();
    }

    /// Whether the record traces read matches the parts (checked in debug builds).
    pub fn layout_in_sync(&self) -> bool {
        self.layout == self.current_layout()
    }

    /// Approximate heap bytes held, for GC pacing.
    pub fn byte_size(&self) -> usize {
        64 + self.array.capacity() * 16 + self.entries.len() * 32
    }

    #[inline]
    fn hash(&self, key: Value) -> u64 {
        match key {
            Value::String(s) => s.hash as u64,
            Value::Number(n) => {
                let n = if n == 0.0 { 0.0 } else { n };
                mix64(self.seed ^ n.to_bits())
            }
            Value::Boolean(b) => mix64(self.seed ^ (5 << 40) ^ b as u64),
            Value::Table(h) => mix64(self.seed ^ (h.0 as u64) ^ (1 << 40)),
            Value::Function(h) => mix64(self.seed ^ (h.0 as u64) ^ (2 << 40)),
            Value::Userdata(h) => mix64(self.seed ^ (h.0 as u64) ^ (3 << 40)),
            Value::Thread(h) => mix64(self.seed ^ (h.0 as u64) ^ (4 << 40)),
            Value::Nil => 0,
        }
    }

    /// Slot of `key` in the hash part.
    #[inline]
    fn find_slot(&self, key: Value) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut i = self.hash(key) as usize & mask;
        loop {
            let e = &self.entries[i];
            if e.key.is_nil() {
                return None;
            }
            if e.key.raw_eq(key) {
                return Some(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Address and length of the hash part (for traces, which read slots in place).
    pub fn hash_part(&self) -> (*const Entry, usize) {
        (self.entries.as_ptr(), self.entries.len())
    }

    /// Slot of the string key `s` in the hash part, if present (possibly with a nil value).
    pub fn str_slot(&self, s: StrRef) -> Option<usize> {
        self.find_str_slot(s)
    }

    /// Slot of the string key `s` (compares handles only).
    #[inline]
    fn find_str_slot(&self, s: StrRef) -> Option<usize> {
        if self.entries.is_empty() {
            return None;
        }
        let mask = self.entries.len() - 1;
        let mut i = s.hash as usize & mask;
        loop {
            match &self.entries[i].key {
                Value::String(k) if k.index == s.index => return Some(i),
                Value::Nil => return None,
                _ => i = (i + 1) & mask,
            }
        }
    }

    #[inline]
    pub fn get(&self, key: Value) -> Value {
        match key {
            Value::Number(n) => self.get_number(n),
            Value::Nil => Value::Nil,
            _ => self.get_hashed(key),
        }
    }

    #[inline]
    fn get_hashed(&self, key: Value) -> Value {
        match self.find_slot(key) {
            Some(i) => self.entries[i].value,
            None => Value::Nil,
        }
    }

    #[inline]
    pub fn get_number(&self, n: f64) -> Value {
        if let Some(i) = array_index(n) {
            if i <= self.array.len() {
                return self.array[i - 1];
            }
        }
        if n.is_nan() {
            return Value::Nil;
        }
        self.get_hashed(Value::Number(n))
    }

    #[inline]
    pub fn get_int(&self, i: i64) -> Value {
        if i >= 1 && (i as usize) <= self.array.len() {
            return self.array[i as usize - 1];
        }
        self.get_hashed(Value::Number(i as f64))
    }

    /// Lookup with a key that is usually a string (field access).
    #[inline]
    pub fn get_str(&self, key: Value) -> Value {
        match key {
            Value::String(s) => match self.find_str_slot(s) {
                Some(i) => self.entries[i].value,
                None => Value::Nil,
            },
            _ => self.get(key),
        }
    }

    /// Raw set. Assigning nil removes the key (as a tombstone in the hash part). Returns the
    /// bytes the table grew by, for GC pacing.
    pub fn set(&mut self, key: Value, value: Value) -> Result<usize, KeyError> {
        // Fast paths: an existing array slot or hash entry never changes the size.
        match key {
            Value::Number(n) => {
                if let Some(i) = array_index(n) {
                    if i <= self.array.len() {
                        self.array[i - 1] = value;
                        return Ok(0);
                    }
                }
            }
            Value::String(s) => {
                if let Some(slot) = self.find_str_slot(s) {
                    self.entries[slot].value = value;
                    return Ok(0);
                }
            }
            _ => {}
        }
        let before = self.byte_size();
        self.set_inner(key, value)?;
        Ok(self.byte_size().saturating_sub(before))
    }

    fn set_inner(&mut self, key: Value, value: Value) -> Result<(), KeyError> {
        match key {
            Value::Nil => return Err(KeyError::Nil),
            Value::Number(n) => {
                if n.is_nan() {
                    return Err(KeyError::NaN);
                }
                if let Some(i) = array_index(n) {
                    if i <= self.array.len() {
                        self.array[i - 1] = value;
                        return Ok(());
                    }
                    if i == self.array.len() + 1 && !value.is_nil() {
                        self.push_array(value);
                        return Ok(());
                    }
                }
                let key = if n == 0.0 { Value::Number(0.0) } else { key };
                self.set_hashed(key, value);
            }
            _ => self.set_hashed(key, value),
        }
        Ok(())
    }

    pub fn set_int(&mut self, i: i64, value: Value) {
        // Integers are never NaN.
        let _ = self.set(Value::Number(i as f64), value);
    }

    fn push_array(&mut self, value: Value) {
        self.array.push(value);
        if self.used > 0 {
            // Keys that now continue the array move out of the hash part.
            loop {
                let next = Value::Number((self.array.len() + 1) as f64);
                match self.find_slot(next) {
                    Some(slot) if !self.entries[slot].value.is_nil() => {
                        let v = self.entries[slot].value;
                        self.entries[slot].value = Value::Nil;
                        self.array.push(v);
                    }
                    _ => break,
                }
            }
        }
        self.sync_layout();
    }

    fn set_hashed(&mut self, key: Value, value: Value) {
        if let Some(slot) = self.find_slot(key) {
            self.entries[slot].value = value;
            return;
        }
        if value.is_nil() {
            return;
        }
        if (self.used + 1) * 4 > self.entries.len() * 3 {
            self.rehash(key);
            // The rehash may have made room for the key in the array part.
            if let Value::Number(n) = key {
                if let Some(i) = array_index(n) {
                    if i <= self.array.len() {
                        self.array[i - 1] = value;
                        return;
                    }
                    if i == self.array.len() + 1 {
                        self.push_array(value);
                        return;
                    }
                }
            }
        }
        let mask = self.entries.len() - 1;
        let mut i = self.hash(key) as usize & mask;
        while !self.entries[i].key.is_nil() {
            i = (i + 1) & mask;
        }
        self.entries[i] = Entry { key, value };
        self.used += 1;
    }

    /// Lua's rehash: choose the array size that keeps it more than half full over all integer
    /// keys (including `extra`), and size the hash part for the rest.
    fn rehash(&mut self, extra: Value) {
        let mut nums = [0usize; 33];
        let count_int = |n: f64, nums: &mut [usize; 33]| {
            if let Some(i) = array_index(n) {
                let lg = usize::BITS - (i - 1).leading_zeros();
                nums[lg as usize] += 1;
                true
            } else {
                false
            }
        };
        let mut total_int = 0;
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() && count_int((i + 1) as f64, &mut nums) {
                total_int += 1;
            }
        }
        let mut total = total_int;
        for e in &self.entries {
            if !e.key.is_nil() && !e.value.is_nil() {
                total += 1;
                if let Value::Number(n) = e.key {
                    if count_int(n, &mut nums) {
                        total_int += 1;
                    }
                }
            }
        }
        total += 1;
        if let Value::Number(n) = extra {
            if count_int(n, &mut nums) {
                total_int += 1;
            }
        }
        // computesizes
        let mut array_size = 0;
        let mut accumulated = 0;
        let mut in_array = 0;
        let mut twotoi = 1usize;
        for count in nums.iter() {
            if twotoi / 2 >= total_int {
                break;
            }
            accumulated += count;
            if accumulated > twotoi / 2 {
                array_size = twotoi;
                in_array = accumulated;
            }
            twotoi = twotoi.saturating_mul(2);
        }
        let hash_count = total - in_array.min(total);
        self.resize(array_size, hash_count);
    }

    fn resize(&mut self, array_size: usize, hash_count: usize) {
        let old_entries = std::mem::take(&mut self.entries);
        let mut moved: Vec<Entry> = Vec::new();
        if array_size < self.array.len() {
            for (i, v) in self.array.drain(array_size..).enumerate() {
                if !v.is_nil() {
                    moved.push(Entry {
                        key: Value::Number((array_size + i + 1) as f64),
                        value: v,
                    });
                }
            }
        } else {
            self.array.resize(array_size, Value::Nil);
        }
        self.entries = vec![EMPTY; capacity_for(hash_count + moved.len())];
        self.used = 0;
        for e in old_entries.into_iter().chain(moved) {
            if e.key.is_nil() || e.value.is_nil() {
                continue;
            }
            if let Value::Number(n) = e.key {
                if let Some(i) = array_index(n) {
                    if i <= self.array.len() {
                        self.array[i - 1] = e.value;
                        continue;
                    }
                }
            }
            let mask = self.entries.len() - 1;
            let mut i = self.hash(e.key) as usize & mask;
            while !self.entries[i].key.is_nil() {
                i = (i + 1) & mask;
            }
            self.entries[i] = e;
            self.used += 1;
        }
        self.sync_layout();
    }

    /// The length operator on a table without `__len`: a border, found as Lua 5.1 does.
    pub fn border(&self) -> usize {
        let n = self.array.len();
        if n > 0 && self.array[n - 1].is_nil() {
            // Binary search for a border inside the array part.
            let (mut lo, mut hi) = (0usize, n);
            while hi - lo > 1 {
                let m = (lo + hi) / 2;
                if self.array[m - 1].is_nil() {
                    hi = m;
                } else {
                    lo = m;
                }
            }
            return lo;
        }
        if self.used == 0 {
            return n;
        }
        // Unbound search in the hash part.
        let mut i = n;
        let mut j = n + 1;
        while !self.get_int(j as i64).is_nil() {
            i = j;
            if j > (i32::MAX as usize) / 2 {
                // Pathological: linear search.
                let mut k = 1;
                while !self.get_int(k).is_nil() {
                    k += 1;
                }
                return (k - 1) as usize;
            }
            j *= 2;
        }
        while j - i > 1 {
            let m = (i + j) / 2;
            if self.get_int(m as i64).is_nil() {
                j = m;
            } else {
                i = m;
            }
        }
        i
    }

    /// `next(t, key)`: the entry after `key` in traversal order (array part, then hash slots).
    pub fn next(&self, key: Value) -> Result<Option<(Value, Value)>, InvalidNextKey> {
        let mut start_array = 0;
        let mut start_slot = 0;
        match key {
            Value::Nil => {}
            _ => {
                let in_array = match key {
                    Value::Number(n) => array_index(n).filter(|&i| i <= self.array.len()),
                    _ => None,
                };
                if let Some(i) = in_array {
                    start_array = i;
                } else {
                    // -0 is stored as 0 (adding 0.0 turns -0.0 into 0.0).
                    let key = match key {
                        Value::Number(n) => Value::Number(n + 0.0),
                        k => k,
                    };
                    start_array = self.array.len();
                    start_slot = self.find_slot(key).ok_or(InvalidNextKey)? + 1;
                }
            }
        }
        for i in start_array..self.array.len() {
            if !self.array[i].is_nil() {
                return Ok(Some((Value::Number((i + 1) as f64), self.array[i])));
            }
        }
        for e in &self.entries[start_slot.min(self.entries.len())..] {
            if !e.key.is_nil() && !e.value.is_nil() {
                return Ok(Some((e.key, e.value)));
            }
        }
        Ok(None)
    }

    /// Every live entry (array part first), for the collector.
    pub fn for_each(&self, mut f: impl FnMut(Value, Value)) {
        for (i, v) in self.array.iter().enumerate() {
            if !v.is_nil() {
                f(Value::Number((i + 1) as f64), *v);
            }
        }
        for e in &self.entries {
            if !e.key.is_nil() && !e.value.is_nil() {
                f(e.key, e.value);
            }
        }
    }

    /// Removes entries for which `dead(key, value)` holds (weak-table clearing).
    pub fn retain(&mut self, mut dead: impl FnMut(Value, Value) -> bool) {
        for (i, v) in self.array.iter_mut().enumerate() {
            if !v.is_nil() && dead(Value::Number((i + 1) as f64), *v) {
                *v = Value::Nil;
            }
        }
        for e in &mut self.entries {
            if !e.key.is_nil() && !e.value.is_nil() && dead(e.key, e.value) {
                e.value = Value::Nil;
            }
        }
    }

    /// `table.maxn`: the largest positive numeric key.
    pub fn maxn(&self) -> f64 {
        let mut max = 0.0f64;
        self.for_each(|k, _| {
            if let Value::Number(n) = k {
                if n > max {
                    max = n;
                }
            }
        });
        max
    }
}

fn capacity_for(n: usize) -> usize {
    if n == 0 {
        0
    } else {
        (n * 4 / 3 + 1).next_power_of_two().max(4)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(index: u32, hash: u32) -> Value {
        Value::String(StrRef { index, hash })
    }

    #[test]
    fn array_and_hash_parts() {
        let mut t = Table::new(1, 0, 0);
        for i in 1..=100 {
            t.set_int(i, Value::Number(i as f64 * 2.0));
        }
        assert_eq!(t.array.len(), 100);
        assert_eq!(t.border(), 100);
        t.set(s(1, 77), Value::Boolean(true)).unwrap();
        assert!(t.get(s(1, 77)).truthy());
        assert!(t.get(s(2, 77)).is_nil());
        assert_eq!(t.get_int(50).as_number(), Some(100.0));
    }

    #[test]
    fn reverse_fill_moves_into_array() {
        let mut t = Table::new(1, 0, 0);
        for i in (1..=64).rev() {
            t.set_int(i, Value::Number(i as f64));
        }
        assert_eq!(t.border(), 64);
        for i in 1..=64 {
            assert_eq!(t.get_int(i).as_number(), Some(i as f64));
        }
    }

    #[test]
    fn next_visits_every_key_once_even_when_clearing() {
        let mut t = Table::new(9, 0, 0);
        for i in 0..50u32 {
            t.set(s(i, i.wrapping_mul(2654435761)), Value::Number(i as f64))
                .unwrap();
        }
        t.set_int(1, Value::Boolean(true));
        let mut seen = 0;
        let mut k = Value::Nil;
        while let Some((key, _)) = t.next(k).unwrap() {
            seen += 1;
            t.set(key, Value::Nil).unwrap();
            k = key;
        }
        assert_eq!(seen, 51);
        assert!(t.next(Value::Nil).unwrap().is_none());
    }

    #[test]
    fn bad_keys() {
        let mut t = Table::new(0, 0, 0);
        assert_eq!(t.set(Value::Nil, Value::Nil), Err(KeyError::Nil));
        assert_eq!(
            t.set(Value::Number(f64::NAN), Value::Nil),
            Err(KeyError::NaN)
        );
        assert!(t.next(s(5, 5)).is_err());
    }

    #[test]
    fn negative_zero_is_zero() {
        let mut t = Table::new(0, 0, 0);
        t.set(Value::Number(-0.0), Value::Boolean(true)).unwrap();
        assert!(t.get(Value::Number(0.0)).truthy());
    }
}
