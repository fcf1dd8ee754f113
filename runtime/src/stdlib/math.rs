//! The `math` library. `math.random` is LuaJIT's Tausworthe generator (so
//! `math.randomseed(x)` gives LuaJIT's sequence); its initial state comes from the seed's
//! `math` stream instead of a fixed constant.

use super::new_library;
use crate::value::Value;
use crate::vm::{LuaResult, Vm};

/// LuaJIT's TW223 generator state.
#[derive(Clone, Debug)]
pub struct RandomState {
    gen: [u64; 4],
}

impl RandomState {
    /// LuaJIT's `random_init(d)`.
    pub fn from_seed_number(mut d: f64) -> RandomState {
        let mut r: u32 = 0x11090601;
        let mut gen = [0u64; 4];
        for g in gen.iter_mut() {
            let m = 1u64 << (r & 255);
            r >>= 8;
            d = d * std::f64::consts::PI + std::f64::consts::E;
            let mut u = d.to_bits();
            if u < m {
                u += m;
            }
            *g = u;
        }
        let mut s = RandomState { gen };
        for _ in 0..10 {
            s.step();
        }
        s
    }

    /// Initial state from 64 seed bits (the `math` stream).
    pub fn from_seed_bits(bits: u64) -> RandomState {
        RandomState::from_seed_number((bits >> 11) as f64)
    }

    fn step(&mut self) -> u64 {
        let mut r = 0u64;
        let mut tw = |i: usize, k: u32, q: u32, s: u32| {
            let mut z = self.gen[i];
            z = (((z << q) ^ z) >> (k - s)) ^ ((z & (u64::MAX << (64 - k))) << s);
            r ^= z;
            self.gen[i] = z;
        };
        tw(0, 63, 31, 18);
        tw(1, 58, 19, 28);
        tw(2, 55, 24, 7);
        tw(3, 47, 21, 8);
        (r & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000
    }

    /// A double in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        f64::from_bits(self.step()) - 1.0
    }
}

pub fn open(vm: &mut Vm) {
    let t = new_library(
        vm,
        "math",
        &[
            ("abs", |vm, _| unary(vm, f64::abs)),
            ("acos", |vm, _| unary(vm, f64::acos)),
            ("asin", |vm, _| unary(vm, f64::asin)),
            ("atan", |vm, _| unary(vm, f64::atan)),
            ("ceil", |vm, _| unary(vm, f64::ceil)),
            ("cos", |vm, _| unary(vm, f64::cos)),
            ("cosh", |vm, _| unary(vm, f64::cosh)),
            ("deg", |vm, _| {
                unary(vm, |x| x * (180.0 / std::f64::consts::PI))
            }),
            ("exp", |vm, _| unary(vm, f64::exp)),
            ("floor", |vm, _| unary(vm, f64::floor)),
            ("rad", |vm, _| {
                unary(vm, |x| x * (std::f64::consts::PI / 180.0))
            }),
            ("sin", |vm, _| unary(vm, f64::sin)),
            ("sinh", |vm, _| unary(vm, f64::sinh)),
            ("sqrt", |vm, _| unary(vm, f64::sqrt)),
            ("tan", |vm, _| unary(vm, f64::tan)),
            ("tanh", |vm, _| unary(vm, f64::tanh)),
            ("log10", |vm, _| unary(vm, f64::log10)),
            ("atan2", |vm, _| binary(vm, f64::atan2)),
            ("fmod", |vm, _| binary(vm, |a, b| a % b)),
            ("pow", |vm, _| binary(vm, f64::powf)),
            ("ldexp", |vm, _| binary(vm, |m, e| m * 2f64.powi(e as i32))),
            ("log", log),
            ("frexp", frexp),
            ("modf", modf),
            ("max", max),
            ("min", min),
            ("random", random),
            ("randomseed", randomseed),
        ],
    );
    vm.set_field(t, "pi", Value::Number(std::f64::consts::PI));
    vm.set_field(t, "huge", Value::Number(f64::INFINITY));
}

fn unary(vm: &mut Vm, f: fn(f64) -> f64) -> LuaResult<usize> {
    let x = vm.check_number(0)?;
    vm.ret1(Value::Number(f(x)))
}

fn binary(vm: &mut Vm, f: fn(f64, f64) -> f64) -> LuaResult<usize> {
    let x = vm.check_number(0)?;
    let y = vm.check_number(1)?;
    vm.ret1(Value::Number(f(x, y)))
}

fn log(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let x = vm.check_number(0)?;
    let r = if vm.arg(1).is_nil() {
        x.ln()
    } else {
        let b = vm.check_number(1)?;
        if b == 2.0 {
            x.log2()
        } else if b == 10.0 {
            x.log10()
        } else {
            x.ln() / b.ln()
        }
    };
    vm.ret1(Value::Number(r))
}

fn frexp(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let x = vm.check_number(0)?;
    let (m, e) = if x == 0.0 || !x.is_finite() {
        (x, 0)
    } else {
        let bits = x.to_bits();
        let exp = ((bits >> 52) & 0x7ff) as i32;
        if exp == 0 {
            // Subnormal: scale up first.
            let y = x * 2f64.powi(64);
            let e = ((y.to_bits() >> 52) & 0x7ff) as i32 - 1022 - 64;
            (
                f64::from_bits((y.to_bits() & !(0x7ff << 52)) | (1022 << 52)),
                e,
            )
        } else {
            (
                f64::from_bits((bits & !(0x7ff << 52)) | (1022 << 52)),
                exp - 1022,
            )
        }
    };
    vm.push(Value::Number(m));
    vm.push(Value::Number(e as f64));
    Ok(2)
}

fn modf(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let x = vm.check_number(0)?;
    let int = if x.is_infinite() { x } else { x.trunc() };
    let frac = if x.is_infinite() {
        0.0f64.copysign(x)
    } else {
        x - int
    };
    vm.push(Value::Number(int));
    vm.push(Value::Number(frac));
    Ok(2)
}

fn max(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let mut m = vm.check_number(0)?;
    for i in 1..nargs {
        let x = vm.check_number(i)?;
        if x > m {
            m = x;
        }
    }
    vm.ret1(Value::Number(m))
}

fn min(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let mut m = vm.check_number(0)?;
    for i in 1..nargs {
        let x = vm.check_number(i)?;
        if x < m {
            m = x;
        }
    }
    vm.ret1(Value::Number(m))
}

fn random(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let d = vm.math_random.next_f64();
    let r = match nargs {
        0 => d,
        1 => {
            let m = vm.check_number(0)?;
            if m < 1.0 {
                return Err(vm.arg_error(0, "interval is empty"));
            }
            (d * m).floor() + 1.0
        }
        _ => {
            let lo = vm.check_number(0)?;
            let hi = vm.check_number(1)?;
            if lo > hi {
                return Err(vm.arg_error(1, "interval is empty"));
            }
            (d * (hi - lo + 1.0)).floor() + lo
        }
    };
    vm.ret1(Value::Number(r))
}

fn randomseed(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let x = vm.check_number(0)?;
    vm.math_random = RandomState::from_seed_number(x);
    Ok(0)
}
