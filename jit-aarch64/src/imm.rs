//! Typed immediates: each can only be built in range.
//!
//! Every constructor returns `Option`, so a value that does not fit the instruction field can never
//! reach the encoder (dynasm panics on an out-of-range dynamic immediate). The byte offset an
//! addressing immediate stands for is computed here and only here, with its sign: the unsigned
//! scaled 12-bit form and the signed 9-bit form never share bits.
#![forbid(unsafe_code)]

use std::fmt;

/// The unsigned, scaled 12-bit offset of `LDR/STR (immediate, unsigned offset)`: an element index
/// 0..=4095 that the hardware multiplies by the access size.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ScaledOffset(u16);

impl ScaledOffset {
    /// `Some` for an index 0..=4095.
    pub const fn new(index: u16) -> Option<ScaledOffset> {
        if index <= 4095 {
            Some(ScaledOffset(index))
        } else {
            None
        }
    }

    /// The index for a byte offset that is non-negative, a multiple of `size` and at most 4095·size.
    pub fn from_bytes(bytes: i64, size: u32) -> Option<ScaledOffset> {
        let size = i64::from(size);
        if bytes < 0 || bytes % size != 0 {
            return None;
        }
        u16::try_from(bytes / size).ok().and_then(ScaledOffset::new)
    }

    /// The element index as encoded.
    pub const fn index(self) -> u16 {
        self.0
    }

    /// The byte offset for an access of `size` bytes.
    pub fn bytes(self, size: u32) -> i64 {
        i64::from(self.0) * i64::from(size)
    }
}

/// The signed, unscaled 9-bit byte offset of `LDUR/STUR`: -256..=255.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct SImm9(i16);

impl SImm9 {
    /// `Some` for -256..=255.
    pub fn new(bytes: i64) -> Option<SImm9> {
        if (-256..=255).contains(&bytes) {
            Some(SImm9(bytes as i16))
        } else {
            None
        }
    }

    /// The byte offset (signed).
    pub const fn bytes(self) -> i64 {
        self.0 as i64
    }
}

/// The signed, scaled 7-bit offset of `LDP/STP`: an element index -64..=63.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct PairOffset(i8);

impl PairOffset {
    /// `Some` for an index -64..=63.
    pub const fn new(index: i8) -> Option<PairOffset> {
        if index >= -64 && index <= 63 {
            Some(PairOffset(index))
        } else {
            None
        }
    }

    /// The index for a byte offset that is a multiple of `size` with quotient in -64..=63.
    pub fn from_bytes(bytes: i64, size: u32) -> Option<PairOffset> {
        let size = i64::from(size);
        if bytes % size != 0 {
            return None;
        }
        i8::try_from(bytes / size).ok().and_then(PairOffset::new)
    }

    /// The element index as encoded (signed).
    pub const fn index(self) -> i8 {
        self.0
    }

    /// The byte offset for elements of `size` bytes.
    pub fn bytes(self, size: u32) -> i64 {
        i64::from(self.0) * i64::from(size)
    }
}

/// The 12-bit unsigned immediate of `ADD/SUB/CMP (immediate)`, optionally shifted left by 12.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct Imm12 {
    bits: u16,
    shifted: bool,
}

impl Imm12 {
    /// `Some` if `value` is 0..=4095, or a multiple of 4096 up to 4095·4096.
    pub fn new(value: u64) -> Option<Imm12> {
        if value <= 0xfff {
            Some(Imm12 {
                bits: value as u16,
                shifted: false,
            })
        } else if value & 0xfff == 0 && value >> 12 <= 0xfff {
            Some(Imm12 {
                bits: (value >> 12) as u16,
                shifted: true,
            })
        } else {
            None
        }
    }

    /// The 12 encoded bits.
    pub const fn bits(self) -> u16 {
        self.bits
    }

    /// Whether the bits are shifted left by 12.
    pub const fn shifted(self) -> bool {
        self.shifted
    }

    /// The value it stands for.
    pub const fn value(self) -> u64 {
        if self.shifted {
            (self.bits as u64) << 12
        } else {
            self.bits as u64
        }
    }
}

/// A 16-bit chunk and its position for `MOVZ/MOVN/MOVK`: shift 0, 16, 32 or 48.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct MoveWide {
    chunk: u16,
    shift: u8,
}

impl MoveWide {
    /// `Some` if `shift` is 0, 16, 32 or 48.
    pub const fn new(chunk: u16, shift: u8) -> Option<MoveWide> {
        match shift {
            0 | 16 | 32 | 48 => Some(MoveWide { chunk, shift }),
            _ => None,
        }
    }

    /// The 16-bit chunk.
    pub const fn chunk(self) -> u16 {
        self.chunk
    }

    /// The left shift: 0, 16, 32 or 48.
    pub const fn shift(self) -> u8 {
        self.shift
    }
}

/// A shift amount for 64-bit `LSL/LSR/ASR (immediate)`: 0..=63.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct ShiftAmount(u8);

impl ShiftAmount {
    /// `Some` for 0..=63.
    pub const fn new(amount: u8) -> Option<ShiftAmount> {
        if amount <= 63 {
            Some(ShiftAmount(amount))
        } else {
            None
        }
    }

    /// The amount.
    pub const fn amount(self) -> u8 {
        self.0
    }
}

/// The 8-bit immediate of `FMOV (scalar, immediate)`: the doubles ±n/16 × 2^r with n in 16..=31
/// and r in -3..=4 (1.0, 0.5, 2.0, 10.0, 31.0, 0.125, …; not 0.0).
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FpImm8(u8);

impl FpImm8 {
    /// `Some` when `value` is exactly representable in the 8-bit form.
    pub fn new(value: f64) -> Option<FpImm8> {
        let bits = value.to_bits();
        if bits & 0xffff_ffff_ffff != 0 {
            return None;
        }
        let sign = (bits >> 63) as u8;
        let b = ((bits >> 61) & 1) as u8;
        // Bit 62 is NOT(b) and bits 61..=54 all equal b.
        let replicated = (bits >> 54) & 0xff;
        if ((bits >> 62) & 1) as u8 == b || replicated != if b == 1 { 0xff } else { 0 } {
            return None;
        }
        let low = ((bits >> 48) & 0x3f) as u8;
        Some(FpImm8(sign << 7 | b << 6 | low))
    }

    /// The 8 bits as encoded (abcdefgh).
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// The double it stands for (the architecture's VFPExpandImm).
    pub fn value(self) -> f64 {
        let imm = u64::from(self.0);
        let (a, b) = (imm >> 7, (imm >> 6) & 1);
        let exponent_top = (b ^ 1) << 62 | if b == 1 { 0xff << 54 } else { 0 };
        f64::from_bits(a << 63 | exponent_top | (imm & 0x3f) << 48)
    }
}

impl fmt::Display for Imm12 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{:#x}", self.value())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_immediates_round_trip_and_reject_the_rest() {
        for bits in 0..=255u8 {
            let value = FpImm8(bits).value();
            assert_eq!(FpImm8::new(value), Some(FpImm8(bits)), "{value}");
        }
        assert_eq!(FpImm8::new(1.0).map(FpImm8::bits), Some(0x70));
        for ok in [0.5, 2.0, -2.0, 10.0, 31.0, 0.125, 1.9375] {
            assert_eq!(FpImm8::new(ok).map(FpImm8::value), Some(ok));
        }
        for no in [0.0, -0.0, 0.1, 32.0, 0.0625, f64::NAN, f64::INFINITY, 1e300] {
            assert_eq!(FpImm8::new(no), None, "{no}");
        }
    }

    #[test]
    fn scaled_offsets_reject_negative_unaligned_and_too_large() {
        assert_eq!(
            ScaledOffset::from_bytes(488, 8).map(|o| o.index()),
            Some(61)
        );
        assert_eq!(ScaledOffset::from_bytes(-16, 8), None);
        assert_eq!(ScaledOffset::from_bytes(4, 8), None);
        assert_eq!(
            ScaledOffset::from_bytes(4095 * 8, 8).map(|o| o.bytes(8)),
            Some(32760)
        );
        assert_eq!(ScaledOffset::from_bytes(4096 * 8, 8), None);
        assert_eq!(ScaledOffset::new(4096), None);
    }

    #[test]
    fn unscaled_offsets_keep_their_sign() {
        assert_eq!(SImm9::new(-16).map(SImm9::bytes), Some(-16));
        assert_eq!(SImm9::new(-256).map(SImm9::bytes), Some(-256));
        assert_eq!(SImm9::new(-257), None);
        assert_eq!(SImm9::new(255).map(SImm9::bytes), Some(255));
        assert_eq!(SImm9::new(256), None);
        // 496 has the same nine bits as -16; it must not be representable.
        assert_eq!(SImm9::new(496), None);
    }

    #[test]
    fn pair_offsets_are_scaled_signed_seven_bit() {
        assert_eq!(
            PairOffset::from_bytes(-512, 8).map(|o| o.index()),
            Some(-64)
        );
        assert_eq!(PairOffset::from_bytes(-520, 8), None);
        assert_eq!(PairOffset::from_bytes(504, 8).map(|o| o.index()), Some(63));
        assert_eq!(PairOffset::from_bytes(512, 8), None);
        assert_eq!(PairOffset::from_bytes(-12, 8), None);
        assert_eq!(
            PairOffset::from_bytes(-1008, 16).map(|o| o.bytes(16)),
            Some(-1008)
        );
        assert_eq!(PairOffset::new(64), None);
        assert_eq!(PairOffset::new(-65), None);
    }

    #[test]
    fn imm12_and_move_wide_ranges() {
        assert_eq!(Imm12::new(4095).map(Imm12::value), Some(4095));
        assert_eq!(
            Imm12::new(4096).map(|i| (i.bits(), i.shifted())),
            Some((1, true))
        );
        assert_eq!(Imm12::new(4097), None);
        assert_eq!(Imm12::new(0xfff000).map(Imm12::value), Some(0xfff000));
        assert_eq!(Imm12::new(0x1000000), None);
        assert!(MoveWide::new(1, 48).is_some());
        assert!(MoveWide::new(1, 8).is_none());
        assert!(ShiftAmount::new(63).is_some());
        assert!(ShiftAmount::new(64).is_none());
    }
}
