//! Rust functions that generated code may call.
//!
//! A helper is an `extern "C"` function of one of a few fixed shapes, so both executors can call it
//! with the right arguments: natively by its address, and from the emulator by reading x0..x7
//! (or d0/d1) and writing x0 (or d0). A helper must not panic: a panic cannot unwind out of an
//! `extern "C"` function and aborts the process.
#![forbid(unsafe_code)]

/// A helper function and its signature.
#[derive(Clone, Copy, Debug)]
pub enum Helper {
    /// No arguments.
    Int0(extern "C" fn() -> u64),
    /// x0.
    Int1(extern "C" fn(u64) -> u64),
    /// x0, x1.
    Int2(extern "C" fn(u64, u64) -> u64),
    /// x0..x2.
    Int3(extern "C" fn(u64, u64, u64) -> u64),
    /// x0..x3.
    Int4(extern "C" fn(u64, u64, u64, u64) -> u64),
    /// x0..x5.
    Int6(extern "C" fn(u64, u64, u64, u64, u64, u64) -> u64),
    /// x0..x7.
    Int8(extern "C" fn(u64, u64, u64, u64, u64, u64, u64, u64) -> u64),
    /// d0 → d0.
    Float1(extern "C" fn(f64) -> f64),
    /// d0, d1 → d0.
    Float2(extern "C" fn(f64, f64) -> f64),
}

/// The result of a helper call: which register it goes to.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum HelperResult {
    /// x0.
    Int(u64),
    /// d0.
    Float(f64),
}

impl Helper {
    /// The function's address, which native code calls directly.
    pub fn address(self) -> u64 {
        match self {
            Helper::Int0(f) => f as usize as u64,
            Helper::Int1(f) => f as usize as u64,
            Helper::Int2(f) => f as usize as u64,
            Helper::Int3(f) => f as usize as u64,
            Helper::Int4(f) => f as usize as u64,
            Helper::Int6(f) => f as usize as u64,
            Helper::Int8(f) => f as usize as u64,
            Helper::Float1(f) => f as usize as u64,
            Helper::Float2(f) => f as usize as u64,
        }
    }

    /// Calls the function with arguments taken from the integer registers x0..x7 and the
    /// floating-point registers d0, d1 as the A64 calling convention places them.
    pub fn invoke(self, x: [u64; 8], d: [f64; 2]) -> HelperResult {
        match self {
            Helper::Int0(f) => HelperResult::Int(f()),
            Helper::Int1(f) => HelperResult::Int(f(x[0])),
            Helper::Int2(f) => HelperResult::Int(f(x[0], x[1])),
            Helper::Int3(f) => HelperResult::Int(f(x[0], x[1], x[2])),
            Helper::Int4(f) => HelperResult::Int(f(x[0], x[1], x[2], x[3])),
            Helper::Int6(f) => HelperResult::Int(f(x[0], x[1], x[2], x[3], x[4], x[5])),
            Helper::Int8(f) => HelperResult::Int(f(x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7])),
            Helper::Float1(f) => HelperResult::Float(f(d[0])),
            Helper::Float2(f) => HelperResult::Float(f(d[0], d[1])),
        }
    }
}
