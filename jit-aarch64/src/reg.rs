//! Typed A64 registers.
//!
//! A register can only be built from a number that names it: `Gp::new(31)` is `None` because 31 means
//! SP or XZR depending on the instruction, and those are spelled `Base::Sp` and `Data::Zr` instead.
//! Nothing here may ever truncate a register number to five bits.
#![forbid(unsafe_code)]

use std::fmt;

/// A general-purpose register x0..x30 (also used as w0..w30 for 32-bit and narrower accesses).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Gp(u8);

impl Gp {
    /// `Some` for 0..=30; 31 is not a general-purpose register (it is SP or ZR by context).
    pub const fn new(number: u8) -> Option<Gp> {
        if number <= 30 {
            Some(Gp(number))
        } else {
            None
        }
    }

    /// The register number, 0..=30.
    pub const fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Gp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "x{}", self.0)
    }
}

/// A SIMD&FP register v0..v31, used as b/h/s/d/q by the access width.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Debug)]
pub struct Fp(u8);

impl Fp {
    /// `Some` for 0..=31.
    pub const fn new(number: u8) -> Option<Fp> {
        if number <= 31 {
            Some(Fp(number))
        } else {
            None
        }
    }

    /// The register number, 0..=31.
    pub const fn number(self) -> u8 {
        self.0
    }
}

impl fmt::Display for Fp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "v{}", self.0)
    }
}

/// A base register for addressing and for `add`/`sub` with immediates: any x register or SP.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Base {
    /// x0..x30.
    Gp(Gp),
    /// The stack pointer.
    Sp,
}

impl Base {
    /// The 5-bit field value: the register number, or 31 for SP.
    pub const fn field(self) -> u8 {
        match self {
            Base::Gp(gp) => gp.number(),
            Base::Sp => 31,
        }
    }
}

impl From<Gp> for Base {
    fn from(gp: Gp) -> Base {
        Base::Gp(gp)
    }
}

/// The register a load fills or a store empties.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Data {
    /// A general-purpose register (w view for accesses of 4 bytes or fewer).
    Gp(Gp),
    /// The zero register: stores zero, a load into it discards the value.
    Zr,
    /// A SIMD&FP register (b/h/s/d/q view by access width).
    Fp(Fp),
}

impl Data {
    /// The 5-bit field value (31 for ZR).
    pub const fn field(self) -> u8 {
        match self {
            Data::Gp(gp) => gp.number(),
            Data::Zr => 31,
            Data::Fp(fp) => fp.number(),
        }
    }

    /// Whether this is a SIMD&FP register.
    pub const fn is_fp(self) -> bool {
        matches!(self, Data::Fp(_))
    }
}

impl From<Gp> for Data {
    fn from(gp: Gp) -> Data {
        Data::Gp(gp)
    }
}

impl From<Fp> for Data {
    fn from(fp: Fp) -> Data {
        Data::Fp(fp)
    }
}

macro_rules! named_registers {
    ($ty:ident: $($name:ident = $n:expr),* $(,)?) => {
        $(
            #[doc = concat!("Register ", stringify!($name), ".")]
            pub const $name: $ty = $ty($n);
        )*
    };
}

named_registers!(Gp: X0 = 0, X1 = 1, X2 = 2, X3 = 3, X4 = 4, X5 = 5, X6 = 6, X7 = 7, X8 = 8,
    X9 = 9, X10 = 10, X11 = 11, X12 = 12, X13 = 13, X14 = 14, X15 = 15, X16 = 16, X17 = 17,
    X18 = 18, X19 = 19, X20 = 20, X21 = 21, X22 = 22, X23 = 23, X24 = 24, X25 = 25, X26 = 26,
    X27 = 27, X28 = 28, X29 = 29, X30 = 30);

named_registers!(Fp: V0 = 0, V1 = 1, V2 = 2, V3 = 3, V4 = 4, V5 = 5, V6 = 6, V7 = 7, V8 = 8,
    V9 = 9, V10 = 10, V11 = 11, V12 = 12, V13 = 13, V14 = 14, V15 = 15, V16 = 16, V17 = 17,
    V18 = 18, V19 = 19, V20 = 20, V21 = 21, V22 = 22, V23 = 23, V24 = 24, V25 = 25, V26 = 26,
    V27 = 27, V28 = 28, V29 = 29, V30 = 30, V31 = 31);

/// The first scratch register of the instruction layer (IP0): helper calls load their target here.
pub const SCRATCH_CALL: Gp = X16;
/// The second scratch register (IP1): offsets and immediates that do not fit are built here.
pub const SCRATCH_IMMEDIATE: Gp = X17;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn register_numbers_are_never_masked() {
        assert_eq!(Gp::new(30), Some(X30));
        assert_eq!(Gp::new(31), None);
        assert_eq!(Gp::new(32 + 3), None);
        assert_eq!(Fp::new(31), Some(V31));
        assert_eq!(Fp::new(32), None);
        assert_eq!(Base::Sp.field(), 31);
        assert_eq!(Data::Zr.field(), 31);
    }
}
