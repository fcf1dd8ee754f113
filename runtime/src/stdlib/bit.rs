//! LuaJIT's `bit` library: 32-bit operations on numbers normalized as LuaJIT does (modulo 2^32,
//! rounding to nearest).

use super::new_library;
use crate::value::Value;
use crate::vm::{LuaResult, Vm};

/// LuaJIT's number → int32 conversion (`lj_num2bit`).
pub fn to_bit(n: f64) -> i32 {
    (n + 6_755_399_441_055_744.0).to_bits() as u32 as i32
}

fn arg_bit(vm: &mut Vm, i: usize) -> LuaResult<i32> {
    Ok(to_bit(vm.check_number(i)?))
}

fn ret(vm: &mut Vm, x: i32) -> LuaResult<usize> {
    vm.ret1(Value::Number(x as f64))
}

pub fn open(vm: &mut Vm) {
    new_library(
        vm,
        "bit",
        &[
            ("tobit", |vm, _| {
                let x = arg_bit(vm, 0)?;
                ret(vm, x)
            }),
            ("bnot", |vm, _| {
                let x = arg_bit(vm, 0)?;
                ret(vm, !x)
            }),
            ("band", |vm, n| fold(vm, n, |a, b| a & b)),
            ("bor", |vm, n| fold(vm, n, |a, b| a | b)),
            ("bxor", |vm, n| fold(vm, n, |a, b| a ^ b)),
            ("lshift", |vm, _| shift(vm, |x, s| ((x as u32) << s) as i32)),
            ("rshift", |vm, _| shift(vm, |x, s| ((x as u32) >> s) as i32)),
            ("arshift", |vm, _| shift(vm, |x, s| x >> s)),
            ("rol", |vm, _| {
                shift(vm, |x, s| (x as u32).rotate_left(s) as i32)
            }),
            ("ror", |vm, _| {
                shift(vm, |x, s| (x as u32).rotate_right(s) as i32)
            }),
            ("bswap", |vm, _| {
                let x = arg_bit(vm, 0)?;
                ret(vm, x.swap_bytes())
            }),
            ("tohex", tohex),
        ],
    );
}

fn fold(vm: &mut Vm, nargs: usize, f: fn(i32, i32) -> i32) -> LuaResult<usize> {
    let mut acc = arg_bit(vm, 0)?;
    for i in 1..nargs {
        acc = f(acc, arg_bit(vm, i)?);
    }
    ret(vm, acc)
}

fn shift(vm: &mut Vm, f: fn(i32, u32) -> i32) -> LuaResult<usize> {
    let x = arg_bit(vm, 0)?;
    let s = arg_bit(vm, 1)? as u32 & 31;
    ret(vm, f(x, s))
}

fn tohex(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    // LuaJIT 2.1 prints up to 16 digits of the sign-extended value.
    let x = arg_bit(vm, 0)? as i64 as u64;
    let n = if vm.arg(1).is_nil() {
        8
    } else {
        arg_bit(vm, 1)?
    };
    let upper = n < 0;
    let digits = (n.unsigned_abs().min(16)) as usize;
    let s = if upper {
        format!("{x:016X}")
    } else {
        format!("{x:016x}")
    };
    let s = &s[16 - digits..];
    let v = vm.str_value(s.as_bytes());
    vm.ret1(v)
}

#[cfg(test)]
mod tests {
    use super::to_bit;

    #[test]
    fn normalizes_like_luajit() {
        assert_eq!(to_bit(4294967295.0), -1);
        assert_eq!(to_bit(-1.0), -1);
        assert_eq!(to_bit(2147483648.0), i32::MIN);
        assert_eq!(to_bit(1.5), 2);
        assert_eq!(to_bit(2.5), 2);
    }
}
