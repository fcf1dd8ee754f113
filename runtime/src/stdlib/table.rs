//! The `table` library, with Lua 5.1's sort algorithm so comparator calls and the
//! "invalid order function for sorting" error happen exactly where Lua's do.

use super::new_library;
use crate::value::{TableRef, Value};
use crate::vm::{LuaResult, Vm};

pub fn open(vm: &mut Vm) {
    new_library(
        vm,
        "table",
        &[
            ("insert", insert),
            ("remove", remove),
            ("concat", concat),
            ("sort", sort),
            ("maxn", maxn),
            ("getn", getn),
            ("foreach", foreach),
            ("foreachi", foreachi),
            ("move", move_),
        ],
    );
}

fn len(vm: &Vm, t: TableRef) -> i64 {
    vm.heap.table(t).border() as i64
}

fn get(vm: &Vm, t: TableRef, i: i64) -> Value {
    vm.heap.table(t).get_int(i)
}

fn set(vm: &mut Vm, t: TableRef, i: i64, v: Value) -> LuaResult<()> {
    vm.raw_set(t, Value::Number(i as f64), v)
}

fn insert(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let n = len(vm, t);
    match nargs {
        2 => {
            let v = vm.arg(1);
            set(vm, t, n + 1, v)?;
        }
        3 => {
            let pos = vm.check_int(1)?;
            let v = vm.arg(2);
            let e = n + 1;
            let pos = if pos > e { e.max(pos) } else { pos };
            let mut i = e;
            while i > pos {
                let prev = get(vm, t, i - 1);
                set(vm, t, i, prev)?;
                i -= 1;
            }
            set(vm, t, pos, v)?;
        }
        _ => return Err(vm.rt_error("wrong number of arguments to 'insert'")),
    }
    Ok(0)
}

fn remove(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let n = len(vm, t);
    let pos = vm.opt_int(1, n)?;
    if n == 0 && vm.arg(1).is_nil() {
        return Ok(0);
    }
    if vm.nargs() > 1 && n + 1 == pos {
        let v = get(vm, t, pos);
        set(vm, t, pos, Value::Nil)?;
        return vm.ret1(v);
    }
    let v = get(vm, t, pos);
    let mut i = pos;
    while i < n {
        let next = get(vm, t, i + 1);
        set(vm, t, i, next)?;
        i += 1;
    }
    if pos <= n {
        set(vm, t, n, Value::Nil)?;
    }
    vm.ret1(v)
}

fn concat(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let sep = vm.opt_str(1)?.map(|s| s.to_vec()).unwrap_or_default();
    let i = vm.opt_int(2, 1)?;
    let j = match vm.arg(3) {
        Value::Nil => len(vm, t),
        _ => vm.check_int(3)?,
    };
    let mut out = Vec::new();
    let mut k = i;
    while k <= j {
        let v = get(vm, t, k);
        if out.len() + vm.concat_length(v) + sep.len() > crate::vm::MAX_STRING_LENGTH {
            // LuaJIT's buffers stop at its largest string.
            return Err(vm.rt_error("not enough memory"));
        }
        if !vm.concat_piece(v, &mut out) {
            let ty = v.type_name();
            return Err(vm.rt_error(&format!(
                "invalid value ({ty}) at index {k} in table for 'concat'"
            )));
        }
        if k != j {
            out.extend_from_slice(&sep);
        }
        vm.check_memory(out.len())?;
        k += 1;
    }
    let s = vm.new_string(&out)?;
    vm.ret1(s)
}

/// `table.move(a1, f, e, t [, a2])`, as LuaJIT 2.1 (and Lua 5.3) define it.
fn move_(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    // LuaJIT implements table.move in Lua: missing arguments read as nil.
    for i in 1..4 {
        if i >= nargs {
            return Err(vm.arg_error(i, "number expected, got nil"));
        }
    }
    let a1 = vm.check_table(0)?;
    let f = vm.check_int(1)?;
    let e = vm.check_int(2)?;
    let t = vm.check_int(3)?;
    let a2 = if vm.arg(4).is_nil() {
        a1
    } else {
        vm.check_table(4)?
    };
    if e >= f {
        if t > e || t <= f || a1 != a2 {
            for i in 0..=(e - f) {
                let v = get(vm, a1, f + i);
                set(vm, a2, t + i, v)?;
            }
        } else {
            for i in (0..=(e - f)).rev() {
                let v = get(vm, a1, f + i);
                set(vm, a2, t + i, v)?;
            }
        }
    }
    vm.ret1(Value::Table(a2))
}

fn maxn(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let m = vm.heap.table(t).maxn();
    vm.ret1(Value::Number(m))
}

fn getn(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let n = len(vm, t);
    vm.ret1(Value::Number(n as f64))
}

fn foreachi(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let f = vm.arg(1);
    if !matches!(f, Value::Function(_)) {
        return Err(vm.arg_type_error(1, "function"));
    }
    let n = len(vm, t);
    for i in 1..=n {
        let v = get(vm, t, i);
        let r = vm.call1(f, &[Value::Number(i as f64), v])?;
        if !r.is_nil() {
            return vm.ret1(r);
        }
    }
    Ok(0)
}

fn foreach(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let f = vm.arg(1);
    if !matches!(f, Value::Function(_)) {
        return Err(vm.arg_type_error(1, "function"));
    }
    let mut k = Value::Nil;
    loop {
        let next = vm
            .heap
            .table(t)
            .next(k)
            .map_err(|e| vm.rt_error(&e.to_string()))?;
        let Some((key, v)) = next else { return Ok(0) };
        let r = vm.call1(f, &[key, v])?;
        if !r.is_nil() {
            return vm.ret1(r);
        }
        k = key;
    }
}

struct Sorter {
    t: TableRef,
    comparator: Value,
}

impl Sorter {
    fn less(&self, vm: &mut Vm, a: Value, b: Value) -> LuaResult<bool> {
        if self.comparator.is_nil() {
            vm.less_than(a, b)
        } else {
            Ok(vm.call1(self.comparator, &[a, b])?.truthy())
        }
    }

    fn get(&self, vm: &Vm, i: i64) -> Value {
        get(vm, self.t, i)
    }

    fn swap(&self, vm: &mut Vm, i: i64, j: i64) -> LuaResult<()> {
        let (a, b) = (self.get(vm, i), self.get(vm, j));
        set(vm, self.t, i, b)?;
        set(vm, self.t, j, a)
    }

    /// Lua 5.1's `auxsort`.
    fn sort(&self, vm: &mut Vm, mut l: i64, mut u: i64) -> LuaResult<()> {
        while l < u {
            if self.less(vm, self.get(vm, u), self.get(vm, l))? {
                self.swap(vm, l, u)?;
            }
            if u - l == 1 {
                break;
            }
            let mut i = (l + u) / 2;
            if self.less(vm, self.get(vm, i), self.get(vm, l))? {
                self.swap(vm, i, l)?;
            } else if self.less(vm, self.get(vm, u), self.get(vm, i))? {
                self.swap(vm, i, u)?;
            }
            if u - l == 2 {
                break;
            }
            let pivot = self.get(vm, i);
            self.swap(vm, i, u - 1)?;
            i = l;
            let mut j = u - 1;
            loop {
                i += 1;
                while self.less(vm, self.get(vm, i), pivot)? {
                    if i > u {
                        return Err(vm.rt_error("invalid order function for sorting"));
                    }
                    i += 1;
                }
                j -= 1;
                while self.less(vm, pivot, self.get(vm, j))? {
                    if j < l {
                        return Err(vm.rt_error("invalid order function for sorting"));
                    }
                    j -= 1;
                }
                if j < i {
                    break;
                }
                self.swap(vm, i, j)?;
            }
            self.swap(vm, u - 1, i)?;
            let (lo, hi);
            if i - l < u - i {
                lo = l;
                hi = i - 1;
                l = i + 1;
            } else {
                lo = i + 1;
                hi = u;
                u = i - 1;
            }
            self.sort(vm, lo, hi)?;
        }
        Ok(())
    }
}

fn sort(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    let comparator = vm.arg(1);
    if !comparator.is_nil() && !matches!(comparator, Value::Function(_)) {
        return Err(vm.arg_type_error(1, "function"));
    }
    let n = len(vm, t);
    vm.temp_roots.push(comparator);
    let r = Sorter { t, comparator }.sort(vm, 1, n);
    vm.temp_roots.pop();
    r?;
    Ok(0)
}

/// LuaJIT's `table.new(narray, nhash)` (`require "table.new"`): an empty table with room for
/// `narray` array elements and `nhash` other keys.
pub fn new(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let size = |n: i64| usize::try_from(n).unwrap_or(0).min(1 << 26);
    let narray = size(vm.check_int(0)?);
    let nhash = size(vm.check_int(1)?);
    vm.check_memory(narray * 16 + nhash * 32)?;
    let t = vm.heap.new_table(narray, nhash);
    vm.ret1(Value::Table(t))
}

/// LuaJIT's `table.clear(t)` (`require "table.clear"`): removes every key, keeping the table.
pub fn clear(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t = vm.check_table(0)?;
    vm.heap.table_mut(t).clear();
    Ok(0)
}
