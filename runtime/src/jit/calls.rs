//! The runtime services traces call (LuaJIT's lj_ircall.h): table and global access, upvalues,
//! `#`, and the math functions not inlined. Each is an `extern "C"` function taking the trace
//! state first and raw 64-bit arguments (numbers as their bits). They never run Lua code, never
//! collect garbage and never raise errors: a case they do not handle returns a failure value
//! that the trace's next guard turns into an exit, and the interpreter redoes the instruction.
//!
//! They do exactly what the interpreter's fast paths do, through the same table functions and
//! the same allocation accounting, so a trace changes no observable state differently.
#![allow(unsafe_code)]

use jit_aarch64::ir::{Effect, HelperId, Memory};
use jit_aarch64::Helper;

use super::state::TraceState;
use super::value_bits::{value_from_tag, value_of};
use crate::heap::{Function, Upval};
use crate::value::{FuncRef, TableRef, Value};
use crate::vm::Vm;
use jit_aarch64::ir::IrType;

/// A helper: its name in dumps, the function, and what it does to memory.
pub struct Call {
    pub name: &'static str,
    pub helper: Helper,
    pub effect: Effect,
}

/// Failure result of the status-returning helpers.
const FAIL: u64 = 1;

/// The state and VM behind a helper's first argument.
///
/// # Safety
/// `state` must be the trace state of the running trace, whose `vm` field the runtime set at
/// trace entry to the VM that entered it and does not otherwise use until the trace returns.
unsafe fn context<'a>(state: u64) -> (&'a mut TraceState, &'a mut Vm) {
    let state = state as *mut TraceState;
    // SAFETY: per the contract above, both pointers are live and unaliased for the call.
    unsafe {
        let vm = (*state).vm as *mut Vm;
        (&mut *state, &mut *vm)
    }
}

/// Hands a value back by address (the trace loads it with a type guard right away).
fn give(state: &mut TraceState, v: Value) -> u64 {
    state.result = v;
    &state.result as *const Value as u64
}

fn table_get(state: u64, table: u64, key: Value, string_key: bool) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let t = vm.heap.table(TableRef(table as u32));
    let v = if string_key {
        t.get_str(key)
    } else {
        t.get(key)
    };
    if v.is_nil() && t.metatable.is_some() {
        return 0;
    }
    give(state, v)
}

extern "C" fn tab_get_num(state: u64, table: u64, key: u64) -> u64 {
    table_get(state, table, Value::Number(f64::from_bits(key)), false)
}

extern "C" fn tab_get_str(state: u64, table: u64, key: u64) -> u64 {
    let Some(key) = value_of(IrType::Str, key) else {
        return 0;
    };
    table_get(state, table, key, true)
}

fn table_set(state: u64, table: TableRef, key: Value, tag: u64, payload: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    let Some(v) = value_from_tag(tag, payload) else {
        return FAIL;
    };
    let t = vm.heap.table_mut(table);
    if t.metatable.is_some() {
        return FAIL;
    }
    let layout = (t.hash_part(), t.array.as_ptr(), t.array.len());
    match t.set(key, v) {
        Ok(grown) => {
            let moved = layout != (t.hash_part(), t.array.as_ptr(), t.array.len());
            vm.heap.allocated += grown;
            // A string key that made the table grow or rehash: stored, but the trace leaves
            // (the interpreter redoes the store, which then changes nothing), so loads of the
            // table's layout need not count string-key stores as barriers.
            if moved && matches!(key, Value::String(_)) {
                LAYOUT_CHANGED
            } else {
                0
            }
        }
        Err(_) => FAIL,
    }
}

/// Stored, but the table's array or hash part moved or changed size.
const LAYOUT_CHANGED: u64 = 2;

extern "C" fn tab_set_num(state: u64, table: u64, key: u64, tag: u64, payload: u64, _: u64) -> u64 {
    let key = Value::Number(f64::from_bits(key));
    table_set(state, TableRef(table as u32), key, tag, payload)
}

extern "C" fn tab_set_str(state: u64, table: u64, key: u64, tag: u64, payload: u64, _: u64) -> u64 {
    let Some(key) = value_of(IrType::Str, key) else {
        return FAIL;
    };
    table_set(state, TableRef(table as u32), key, tag, payload)
}

/// `string.byte(s, i)` with `i` a whole number: the byte at `i` (negative counts from the end)
/// as a number, or nil when out of range, as the library function gives it; 0 (the interpreter
/// redoes the call) for anything else.
extern "C" fn str_byte(state: u64, s: u64, i: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let Some(Value::String(s)) = value_of(IrType::Str, s) else {
        return 0;
    };
    let i = f64::from_bits(i);
    if i != i.trunc() || i.abs() > 1e15 {
        return 0;
    }
    let bytes = vm.heap.str_bytes(s);
    let l = bytes.len();
    let at = crate::stdlib::string::relative(i as i64, l);
    let v = if at.max(1) > at.min(l as i64) {
        Value::Nil
    } else {
        Value::Number(bytes[at as usize - 1] as f64)
    };
    give(state, v)
}

/// The method `key` of strings as `s:key(...)` finds it: through the strings' metatable and its
/// `__index` table. 0 (the interpreter redoes the lookup) when that is not a table or the method
/// is missing.
extern "C" fn str_method(state: u64, key: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let Some(key) = value_of(IrType::Str, key) else {
        return 0;
    };
    let Some(meta) = vm.string_meta else {
        return 0;
    };
    let index = Value::String(vm.names.index);
    let Value::Table(methods) = vm.heap.table(meta).get(index) else {
        return 0;
    };
    let v = vm.heap.table(methods).get(key);
    if v.is_nil() {
        return 0;
    }
    give(state, v)
}

/// `{}` with room for `array` elements and `hash` fields, as the interpreter's `NewTable`
/// (the same allocation accounting). Returns the table's handle.
extern "C" fn tab_new(state: u64, array: u64, hash: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    vm.heap.new_table(array as usize, hash as usize).0 as u64
}

/// `a .. b` for strings and numbers, as the interpreter's `Concat` of two registers: the same
/// bytes, interned the same way, with the same allocation accounting. Returns the result's
/// address, or 0 (nothing done) when an operand is no string or number or the result would
/// pass `--max-memory` or the longest string: the interpreter then redoes the instruction and
/// raises.
extern "C" fn str_concat(
    state: u64,
    tag1: u64,
    payload1: u64,
    tag2: u64,
    payload2: u64,
    _: u64,
) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let (Some(x), Some(y)) = (
        value_from_tag(tag1, payload1),
        value_from_tag(tag2, payload2),
    ) else {
        return 0;
    };
    if vm.concat_overflows(&[x, y]) {
        return 0;
    }
    let mut buf = Vec::new();
    if !vm.concat_piece(x, &mut buf) || !vm.concat_piece(y, &mut buf) {
        return 0;
    }
    let limit = vm.heap.max_memory;
    if limit > 0 && vm.heap.allocated + buf.len() > limit {
        return 0;
    }
    let v = vm.str_value(&buf);
    give(state, v)
}

/// `next(t, key)`: the next key and value at the address returned (0 for an invalid key; a nil
/// key at the end).
extern "C" fn tab_next(state: u64, table: u64, tag: u64, payload: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let Some(key) = value_from_tag(tag, payload) else {
        return 0;
    };
    match vm.heap.table(TableRef(table as u32)).next(key) {
        Ok(Some((k, v))) => {
            state.result2 = v;
            give(state, k)
        }
        Ok(None) => {
            state.result2 = Value::Nil;
            give(state, Value::Nil)
        }
        Err(_) => 0,
    }
}

/// The environment table of a closure (globals).
extern "C" fn closure_env(state: u64, closure: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    env_of(vm, closure).0 as u64
}

extern "C" fn tab_len(state: u64, table: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    (vm.heap.table(TableRef(table as u32)).border() as f64).to_bits()
}

extern "C" fn str_len(state: u64, s: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    let Some(Value::String(s)) = value_of(IrType::Str, s) else {
        return 0;
    };
    (vm.heap.str_bytes(s).len() as f64).to_bits()
}

fn env_of(vm: &Vm, closure: u64) -> TableRef {
    vm.heap.function(FuncRef(closure as u32)).env()
}

extern "C" fn global_get(state: u64, closure: u64, key: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    let env = env_of(vm, closure);
    tab_get_str(state, env.0 as u64, key)
}

extern "C" fn global_set(
    state: u64,
    closure: u64,
    key: u64,
    tag: u64,
    payload: u64,
    _: u64,
) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (_, vm) = unsafe { context(state) };
    let env = env_of(vm, closure);
    tab_set_str(state, env.0 as u64, key, tag, payload, 0)
}

/// Where upvalue `index` of `closure` lives: `Some(slot)` when it is open on the running
/// thread's stack (absolute index), `None` when closed or on another thread.
fn upvalue_slot(vm: &Vm, closure: u64, index: u64) -> Result<Option<usize>, ()> {
    let Function::Lua(cl) = vm.heap.function(FuncRef(closure as u32)) else {
        return Err(());
    };
    let uv = *cl.upvalues.get(index as usize).ok_or(())?;
    Ok(match *vm.heap.upvals.get(uv.0) {
        Upval::Open { thread, slot } if thread == vm.current => Some(slot),
        _ => None,
    })
}

/// The slot of an open upvalue relative to the trace's base (`u64::MAX` if it is not open on
/// this thread's stack at or above the base): the trace then reads and writes the slot itself.
extern "C" fn upval_slot(state: u64, closure: u64, index: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    match upvalue_slot(vm, closure, index) {
        Ok(Some(slot)) if slot as u64 >= state.base => slot as u64 - state.base,
        _ => u64::MAX,
    }
}

/// An upvalue that is closed or lives below the trace's base, by address of a copy (0 when it is
/// open at or above the base, where the trace must use the slot instead).
extern "C" fn upval_get(state: u64, closure: u64, index: u64) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let Ok(slot) = upvalue_slot(vm, closure, index) else {
        return 0;
    };
    let v = match slot {
        Some(slot) if slot as u64 >= state.base => return 0,
        Some(slot) => vm.th.stack[slot],
        None => vm.upval_get(FuncRef(closure as u32), index as u8),
    };
    give(state, v)
}

extern "C" fn upval_set(
    state: u64,
    closure: u64,
    index: u64,
    tag: u64,
    payload: u64,
    _: u64,
) -> u64 {
    // SAFETY: helpers are only called from traces (see `context`).
    let (state, vm) = unsafe { context(state) };
    let Some(v) = value_from_tag(tag, payload) else {
        return FAIL;
    };
    match upvalue_slot(vm, closure, index) {
        Ok(Some(slot)) if slot as u64 >= state.base => FAIL,
        Ok(_) => {
            vm.upval_set(FuncRef(closure as u32), index as u8, v);
            0
        }
        Err(()) => FAIL,
    }
}

macro_rules! math1 {
    ($($name:ident = $f:expr),* $(,)?) => {
        $(extern "C" fn $name(_state: u64, x: u64) -> u64 {
            let f: fn(f64) -> f64 = $f;
            f(f64::from_bits(x)).to_bits()
        })*
    };
}
macro_rules! math2 {
    ($($name:ident = $f:expr),* $(,)?) => {
        $(extern "C" fn $name(_state: u64, x: u64, y: u64) -> u64 {
            let f: fn(f64, f64) -> f64 = $f;
            f(f64::from_bits(x), f64::from_bits(y)).to_bits()
        })*
    };
}

// The same Rust functions the interpreter and the math library call, so results are identical.
math1!(
    math_sin = f64::sin,
    math_cos = f64::cos,
    math_tan = f64::tan,
    math_asin = f64::asin,
    math_acos = f64::acos,
    math_atan = f64::atan,
    math_exp = f64::exp,
    math_log10 = f64::log10,
    math_sinh = f64::sinh,
    math_cosh = f64::cosh,
    math_tanh = f64::tanh,
    math_log = f64::ln,
);
math2!(
    math_pow = f64::powf,
    math_atan2 = f64::atan2,
    math_fmod = |a, b| a % b,
);

/// Memory classes for alias analysis: string-keyed fields (globals included), number-keyed
/// entries, upvalue cells.
pub const FIELDS: u8 = 1;
pub const ENTRIES: u8 = 2;
const UPVALUES: u8 = 4;
/// Where a table's array part is and how long: changed by stores through helpers (which may
/// grow or rehash the table), never by element stores within the array.
pub const LAYOUT: u8 = 8;

/// Reads `classes`, keyed by argument `key` (counting the trace state as none).
const fn load(classes: u8, key: Option<u8>) -> Effect {
    Effect::Load(Memory {
        classes,
        key,
        forwardable: classes != UPVALUES && key.is_some(),
    })
}

const fn store(classes: u8, key: Option<u8>) -> Effect {
    Effect::Store(Memory {
        classes,
        key,
        forwardable: classes != UPVALUES && key.is_some(),
    })
}

const PURE: Effect = Effect::Pure;

macro_rules! calls {
    ($($id:ident: $name:literal, $shape:ident($f:expr), $effect:expr;)*) => {
        /// Every helper, by id.
        pub static CALLS: &[Call] = &[
            $(Call { name: $name, helper: Helper::$shape($f), effect: $effect },)*
        ];
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[repr(u16)]
        enum Index { $($id,)* }
        $(
            #[allow(non_upper_case_globals)]
            pub const $id: HelperId = HelperId(Index::$id as u16);
        )*
    };
}

calls! {
    TAB_GET_NUM: "tab_get_num", Int3(tab_get_num), load(ENTRIES, Some(1));
    TAB_GET_STR: "tab_get_str", Int3(tab_get_str), load(FIELDS, Some(1));
    TAB_SET_NUM: "tab_set_num", Int6(tab_set_num), store(ENTRIES | LAYOUT, Some(1));
    TAB_SET_STR: "tab_set_str", Int6(tab_set_str), store(FIELDS, Some(1));
    CLOSURE_ENV: "closure_env", Int2(closure_env), PURE;
    TAB_LEN: "tab_len", Int2(tab_len), load(FIELDS | ENTRIES, None);
    TAB_NEXT: "tab_next", Int4(tab_next), load(FIELDS | ENTRIES, None);
    STR_LEN: "str_len", Int2(str_len), PURE;
    STR_CONCAT: "str_concat", Int6(str_concat), store(0, None);
    TAB_NEW: "tab_new", Int3(tab_new), store(LAYOUT, None);
    STR_BYTE: "str_byte", Int3(str_byte), store(0, None);
    STR_METHOD: "str_method", Int2(str_method), store(0, None);
    GLOBAL_GET: "global_get", Int3(global_get), load(FIELDS, Some(1));
    GLOBAL_SET: "global_set", Int6(global_set), store(FIELDS, Some(1));
    UPVAL_SLOT: "upval_slot", Int3(upval_slot), PURE;
    UPVAL_GET: "upval_get", Int3(upval_get), load(UPVALUES, None);
    UPVAL_SET: "upval_set", Int6(upval_set), store(UPVALUES, None);
    MATH_SIN: "sin", Int2(math_sin), PURE;
    MATH_COS: "cos", Int2(math_cos), PURE;
    MATH_TAN: "tan", Int2(math_tan), PURE;
    MATH_ASIN: "asin", Int2(math_asin), PURE;
    MATH_ACOS: "acos", Int2(math_acos), PURE;
    MATH_ATAN: "atan", Int2(math_atan), PURE;
    MATH_EXP: "exp", Int2(math_exp), PURE;
    MATH_LOG10: "log10", Int2(math_log10), PURE;
    MATH_SINH: "sinh", Int2(math_sinh), PURE;
    MATH_COSH: "cosh", Int2(math_cosh), PURE;
    MATH_TANH: "tanh", Int2(math_tanh), PURE;
    MATH_LOG: "log", Int2(math_log), PURE;
    MATH_POW: "pow", Int3(math_pow), PURE;
    MATH_ATAN2: "atan2", Int3(math_atan2), PURE;
    MATH_FMOD: "fmod", Int3(math_fmod), PURE;
}

/// The helper for a one-argument math library function inlined as a call.
pub fn math_unary(name: &str) -> Option<HelperId> {
    Some(match name {
        "sin" => MATH_SIN,
        "cos" => MATH_COS,
        "tan" => MATH_TAN,
        "asin" => MATH_ASIN,
        "acos" => MATH_ACOS,
        "atan" => MATH_ATAN,
        "exp" => MATH_EXP,
        "log10" => MATH_LOG10,
        "sinh" => MATH_SINH,
        "cosh" => MATH_COSH,
        "tanh" => MATH_TANH,
        _ => return None,
    })
}

/// The helper for a two-argument math library function.
pub fn math_binary(name: &str) -> Option<HelperId> {
    Some(match name {
        "pow" => MATH_POW,
        "atan2" => MATH_ATAN2,
        "fmod" => MATH_FMOD,
        _ => return None,
    })
}
