//! Numbers to text and text to numbers, as LuaJIT 2.1 does it: `tostring`
//! (`%.14g` with LuaJIT's rounding), `tonumber(s)` and string coercion
//! (LuaJIT's `lj_strscan`: decimal, hex with fractions and `p` exponents,
//! `0b` binary, `inf`/`infinity`/`nan` words), `tonumber(s, base)`, and
//! numerals in source code.
//!
//! Parsing is exact: decimal numerals are correctly rounded, hex and binary
//! ones too (including subnormals). Nothing here depends on the C library or
//! the locale.

use super::float;

/// Appends `n` as LuaJIT's `tostring` prints it: `%.14g`, so integers below
/// 1e14 have no fraction or exponent; `inf`, `-inf`, `nan` (LuaJIT prints
/// every NaN as `nan`, whatever its sign bit), and `-0` for negative zero.
pub fn format_number(n: f64, out: &mut Vec<u8>) {
    if n.is_nan() {
        out.extend_from_slice(b"nan");
        return;
    }
    if n.is_sign_negative() {
        out.push(b'-');
    }
    let magnitude = n.abs();
    if magnitude.is_infinite() {
        out.extend_from_slice(b"inf");
    } else if magnitude < 1e14 && magnitude.fract() == 0.0 {
        // Exactly what %.14g prints for these, without the digit search.
        out.extend_from_slice((magnitude as u64).to_string().as_bytes());
    } else {
        float::write_general(magnitude, 14, false, false, out);
    }
}

/// `tonumber(s)` and the string-to-number coercion of arithmetic: optional
/// surrounding whitespace, an optional sign, then a decimal numeral (`1`,
/// `.5`, `5.`, `1e-3`), a hex one (`0x1F`, `0x.8`, `0x1p4`), a binary one
/// (`0b101`), or `inf`, `infinity`, `nan` in any case. Anything else,
/// including trailing garbage and embedded NUL bytes, gives `None`.
pub fn parse_number(s: &[u8]) -> Option<f64> {
    Scanner { text: s }.scan()
}

/// A numeral token of Lua source (starts with a digit or `.`; no sign, no
/// whitespace), e.g. `3`, `0x10`, `1e5`, `.5`, `0x1p-2`. `None` means a
/// malformed number.
pub fn parse_numeral(s: &[u8]) -> Option<f64> {
    match s.first() {
        Some(first) if first.is_ascii_digit() || *first == b'.' => {}
        _ => return None,
    }
    if s.iter().any(|&b| is_space(b)) {
        return None;
    }
    parse_number(s)
}

/// `tonumber(s, base)` for `base` in 2..=36 (`None` for other bases; the
/// caller reports `base out of range` before calling). Base 10 uses the
/// full numeral syntax as LuaJIT does; other bases accept surrounding
/// whitespace, one optional sign, and digits of the base in either case (a
/// `0x` prefix too when the base is 16). Values too large for 64 bits
/// saturate to 2^64 - 1, as C's `strtoul` does.
pub fn parse_integer_in_base(s: &[u8], base: u32) -> Option<f64> {
    if !(2..=36).contains(&base) {
        return None;
    }
    if base == 10 {
        return parse_number(s);
    }
    // LuaJIT hands the string to C, which stops at the first NUL.
    let s = match s.iter().position(|&b| b == 0) {
        Some(nul) => &s[..nul],
        None => s,
    };
    let at = |index: usize| s.get(index).copied().unwrap_or(0);
    let mut p = 0;
    while is_space(at(p)) {
        p += 1;
    }
    let negative = at(p) == b'-';
    if negative || at(p) == b'+' {
        p += 1;
    }
    if !at(p).is_ascii_alphanumeric() {
        return None;
    }
    if base == 16 && at(p) == b'0' && at(p + 1) | 0x20 == b'x' && at(p + 2).is_ascii_hexdigit() {
        p += 2;
    }
    let digits_start = p;
    let mut value: u64 = 0;
    let mut overflow = false;
    while let Some(digit) = char::from(at(p)).to_digit(36).filter(|&d| d < base) {
        match value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(digit)))
        {
            Some(next) => value = next,
            None => overflow = true,
        }
        p += 1;
    }
    if p == digits_start {
        return None;
    }
    while is_space(at(p)) {
        p += 1;
    }
    if p != s.len() {
        return None;
    }
    let magnitude = if overflow {
        u64::MAX as f64
    } else {
        value as f64
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// C-locale `isspace`: space, `\t`, `\n`, `\v`, `\f`, `\r`.
fn is_space(byte: u8) -> bool {
    matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The cap LuaJIT puts on an exponent while reading its digits.
const EXPONENT_CAP: u32 = 65536;

/// LuaJIT's `lj_strscan_scan` with the `tonumber` options.
struct Scanner<'a> {
    text: &'a [u8],
}

impl Scanner<'_> {
    /// The byte at `index`, or 0 past the end (the string's C terminator).
    fn at(&self, index: usize) -> u8 {
        self.text.get(index).copied().unwrap_or(0)
    }

    fn scan(&self) -> Option<f64> {
        let mut p = 0;
        let mut negative = false;
        if !self.at(0).is_ascii_digit() {
            while is_space(self.at(p)) {
                p += 1;
            }
            if matches!(self.at(p), b'+' | b'-') {
                negative = self.at(p) == b'-';
                p += 1;
            }
            if self.at(p) >= b'A' {
                return self.scan_word(p, negative);
            }
        }

        let mut base = 10;
        let mut has_zero = false;
        let mut point: Option<usize> = None;
        if self.at(p) <= b'0' {
            if self.at(p) == b'0' {
                match self.at(p + 1) | 0x20 {
                    b'x' => {
                        base = 16;
                        p += 2;
                    }
                    b'b' => {
                        base = 2;
                        p += 2;
                    }
                    _ => {}
                }
            }
            // Leading zeros (and a point among them) carry no digits.
            loop {
                match self.at(p) {
                    b'0' => has_zero = true,
                    b'.' if point.is_none() => point = Some(p),
                    b'.' => return None,
                    _ => break,
                }
                p += 1;
            }
        }

        let digits_start = p;
        let mut digit_count: usize = 0;
        loop {
            let byte = self.at(p);
            let is_digit = if base == 16 {
                byte.is_ascii_hexdigit()
            } else {
                byte.is_ascii_digit()
            };
            if is_digit {
                digit_count += 1;
            } else if byte == b'.' {
                if point.is_some() {
                    return None;
                }
                point = Some(p);
            } else {
                break;
            }
            p += 1;
        }
        if !has_zero && digit_count == 0 {
            return None;
        }

        let mut is_integer = true;
        let mut exponent: i64 = 0;
        if let Some(point) = point {
            if base == 2 {
                return None;
            }
            is_integer = false;
            if digit_count > 0 {
                exponent = point as i64 - (p as i64 - 1);
                let mut last = p - 1;
                while exponent < 0 && self.at(last) == b'0' {
                    exponent += 1;
                    digit_count -= 1;
                    last -= 1;
                }
                if base == 16 {
                    exponent *= 4;
                }
            }
        }

        let exponent_letter = if base == 16 { b'p' } else { b'e' };
        if base >= 10 && self.at(p) | 0x20 == exponent_letter {
            is_integer = false;
            p += 1;
            let negative_exponent = self.at(p) == b'-';
            if matches!(self.at(p), b'+' | b'-') {
                p += 1;
            }
            if !self.at(p).is_ascii_digit() {
                return None;
            }
            let mut value = u32::from(self.at(p) & 15);
            p += 1;
            while self.at(p).is_ascii_digit() {
                if value < EXPONENT_CAP {
                    value = value * 10 + u32::from(self.at(p) & 15);
                }
                p += 1;
            }
            exponent += if negative_exponent {
                -i64::from(value)
            } else {
                i64::from(value)
            };
        }

        if self.at(p) != 0 {
            // C-style suffixes (`i`, `u`, `l`, `ll`) need the FFI; none is
            // accepted here, only trailing whitespace.
            let suffix = self.at(p) | 0x20;
            if suffix == b'i' || (is_integer && (suffix == b'u' || suffix == b'l')) {
                return None;
            }
            while is_space(self.at(p)) {
                p += 1;
            }
            if self.at(p) != 0 {
                return None;
            }
        }
        if p < self.text.len() {
            return None;
        }

        let magnitude = match base {
            16 => self.hex_value(digits_start, digit_count, exponent),
            2 => {
                if exponent != 0 || digit_count > 64 {
                    return None;
                }
                self.binary_value(digits_start, digit_count)?
            }
            _ => self.decimal_value(digits_start, digit_count, exponent),
        };
        Some(if negative { -magnitude } else { magnitude })
    }

    /// `inf`, `infinity` or `nan` (any case) at `p`, then only whitespace.
    fn scan_word(&self, mut p: usize, negative: bool) -> Option<f64> {
        let word_at = |p: usize, word: &[u8]| {
            word.iter()
                .enumerate()
                .all(|(i, &letter)| self.at(p + i) | 0x20 == letter)
        };
        let mut value = f64::NAN;
        if word_at(p, b"inf") {
            value = if negative {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            };
            p += 3;
            if word_at(p, b"inity") {
                p += 5;
            }
        } else if word_at(p, b"nan") {
            p += 3;
        }
        while is_space(self.at(p)) {
            p += 1;
        }
        if self.at(p) != 0 || p < self.text.len() {
            return None;
        }
        Some(value)
    }

    /// The `count` digits from `start`, skipping the point.
    fn digits(&self, start: usize, count: usize) -> impl Iterator<Item = u8> + '_ {
        self.text[start..]
            .iter()
            .copied()
            .filter(|&b| b != b'.')
            .take(count)
    }

    fn decimal_value(&self, start: usize, count: usize, exponent: i64) -> f64 {
        if count == 0 {
            return 0.0;
        }
        let mut text: Vec<u8> = self.digits(start, count).collect();
        text.push(b'e');
        text.extend_from_slice(exponent.to_string().as_bytes());
        // Digits and an exponent only: Rust's parser rounds correctly.
        std::str::from_utf8(&text)
            .ok()
            .and_then(|text| text.parse().ok())
            .unwrap_or(0.0)
    }

    fn binary_value(&self, start: usize, count: usize) -> Option<f64> {
        let mut value: u64 = 0;
        for digit in self.digits(start, count) {
            if digit & !1 != b'0' {
                return None;
            }
            value = (value << 1) | u64::from(digit & 1);
        }
        Some(value as f64)
    }

    /// LuaJIT's `strscan_hex`: the first 16 digits exactly, the rest as a
    /// sticky bit, then one rounding to a double.
    fn hex_value(&self, start: usize, count: usize, exponent: i64) -> f64 {
        let mut mantissa: u64 = 0;
        let mut binary_exponent = exponent;
        for (index, digit) in self.digits(start, count).enumerate() {
            let value = u64::from(char::from(digit).to_digit(16).unwrap_or(0));
            if index < 16 {
                mantissa = (mantissa << 4) | value;
            } else {
                mantissa |= u64::from(value != 0);
                binary_exponent += 4;
            }
        }
        if mantissa & 0xc000_0000_0000_0000 != 0 {
            mantissa = (mantissa >> 2) | (mantissa & 3);
            binary_exponent += 2;
        }
        scaled_double(mantissa, binary_exponent)
    }
}

/// `mantissa * 2^exponent` rounded once to the nearest double (ties to even),
/// subnormals included. `mantissa < 2^62`.
fn scaled_double(mut mantissa: u64, exponent: i64) -> f64 {
    if exponent <= -1075 && mantissa != 0 {
        // Round at the subnormal grid first, so the final scaling is exact.
        let top_bit = 63 - i64::from(mantissa.leading_zeros());
        if (-1075..=-1023).contains(&(top_bit + exponent)) {
            let round_bit = 1u64 << (-1075 - exponent);
            if mantissa & round_bit != 0 && mantissa & (3 * round_bit - 1) != 0 {
                mantissa += 2 * round_bit;
            }
            mantissa &= !(2 * round_bit - 1);
        }
    }
    scale_by_power_of_two(mantissa as f64, exponent)
}

/// `value * 2^exponent` with a single rounding (C's `ldexp`).
fn scale_by_power_of_two(mut value: f64, mut exponent: i64) -> f64 {
    let power = |e: i64| f64::from_bits(((e + 1023) as u64) << 52);
    while exponent > 1000 {
        value *= power(1000);
        exponent -= 1000;
        if value.is_infinite() {
            return value;
        }
    }
    while exponent < -1000 {
        value *= power(-1000);
        exponent += 1000;
        if value == 0.0 {
            return value;
        }
    }
    value * power(exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(n: f64) -> String {
        let mut out = Vec::new();
        format_number(n, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn format_number_matches_luajit() {
        let cases: &[(f64, &str)] = &[
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (f64::NAN, "nan"),
            (-f64::NAN, "nan"),
            (-0.0, "-0"),
            (0.0, "0"),
            (1e15, "1e+15"),
            (1e14, "1e+14"),
            (99999999999999.0, "99999999999999"),
            (123456789012345.0, "1.2345678901235e+14"),
            (1234567890123456.0, "1.2345678901235e+15"),
            (0.1, "0.1"),
            (1.0 / 3.0, "0.33333333333333"),
            (-1.5, "-1.5"),
            (1e100, "1e+100"),
            (1e-5, "1e-05"),
            (123e-7, "1.23e-05"),
            (2f64.powi(53), "9.007199254741e+15"),
            (2f64.powi(63), "9.2233720368548e+18"),
            (-(2f64.powi(63)), "-9.2233720368548e+18"),
            (1e301, "1e+301"),
            (5e-324, "4.9406564584125e-324"),
            (100.0, "100"),
            (-100.0, "-100"),
            (1e16, "1e+16"),
            (12345678901234567890.0, "1.2345678901235e+19"),
            (3.14158, "3.14158"),
            (-0.0001, "-0.0001"),
            (1e-4 * 1.5, "0.00015"),
            (2.5, "2.5"),
            (1.7976931348623157e308, "1.7976931348623e+308"),
        ];
        for &(n, expected) in cases {
            assert_eq!(show(n), expected, "tostring({n:?})");
        }
    }

    #[test]
    fn parse_number_matches_luajit() {
        let cases: &[(&[u8], Option<f64>)] = &[
            (b"0x10", Some(16.0)),
            (b"0X1f", Some(31.0)),
            (b"0x", None),
            (b"0x.8", Some(0.5)),
            (b"0x1p4", Some(16.0)),
            (b"0x1.8p1", Some(3.0)),
            (b"0xA.8", Some(10.5)),
            (b"  12  ", Some(12.0)),
            (b"\t12\n", Some(12.0)),
            (b"1e", None),
            (b"1e+", None),
            (b"1e5", Some(100000.0)),
            (b".5", Some(0.5)),
            (b"5.", Some(5.0)),
            (b".", None),
            (b"-.5", Some(-0.5)),
            (b"+5", Some(5.0)),
            (b"- 5", None),
            (b"-0x10", Some(-16.0)),
            (b"+0x10", Some(16.0)),
            (b"inf", Some(f64::INFINITY)),
            (b"-inf", Some(f64::NEG_INFINITY)),
            (b"1 2", None),
            (b"", None),
            (b" ", None),
            (b"0x1P-2", Some(0.25)),
            (b"1E2", Some(100.0)),
            (b"0b101", Some(5.0)),
            (b"1_0", None),
            (b"12a", None),
            (b"0x1g", None),
            (b"1.5e2.0", None),
            (b"00012", Some(12.0)),
            (b"1e400", Some(f64::INFINITY)),
            (b"-1e400", Some(f64::NEG_INFINITY)),
            (b"1e-400", Some(0.0)),
            (b"0x7fffffffffffffff", Some(9223372036854775807.0)),
            (b"0xffffffffffffffffff", Some(4.722366482869645e21)),
            (b"1\0", None),
            (b"0x1p", None),
            (b"0x.p1", None),
            (b"0x.", None),
            (b"infinity", Some(f64::INFINITY)),
            (b"1ll", None),
            (b"1i", None),
            (b"0x1ull", None),
            (b"\x0b12\x0c", Some(12.0)),
            (b"\r12", Some(12.0)),
            (b"1.e2", Some(100.0)),
            (b"12e+03", Some(12000.0)),
            (b"0e0", Some(0.0)),
            (b"0x-1", None),
            (b"0xfffffffffffffffff.8", Some(2.9514790517935283e20)),
            (b"9007199254740993", Some(9007199254740992.0)),
            (b"1.7976931348623157e308", Some(1.7976931348623157e308)),
            (b"1.7976931348623159e308", Some(f64::INFINITY)),
            (b"4.9406564584124654e-324", Some(5e-324)),
            (b"2.4703282292062328e-324", Some(5e-324)),
            (b"0b1.1", None),
            (b"0b101.", None),
            (b"0b.1", None),
            (b"0b1p2", None),
            (b"0b", None),
            (b"0B11", Some(3.0)),
            (b"0b12", None),
            (b"INF", Some(f64::INFINITY)),
            (b"Inf", Some(f64::INFINITY)),
            (b"+inf", Some(f64::INFINITY)),
            (b"  inf  ", Some(f64::INFINITY)),
            (b"infx", None),
            (b"nan(1)", None),
            (b"-infinity", Some(f64::NEG_INFINITY)),
            (b"0x1e", Some(30.0)),
            (b".e5", None),
            (b"0X1P+3", Some(8.0)),
            (b"0x1p+", None),
            (b"0o17", None),
            (b"0x.1", Some(0.0625)),
            (b"0x1.", Some(1.0)),
            (b"01.5e1", Some(15.0)),
            (b"0x0.0000000000000000000000001p100", Some(1.0)),
            (b"0x1P1024", Some(f64::INFINITY)),
            (b"0x1p-1074", Some(5e-324)),
            (b"0x1p-1075", Some(0.0)),
            (b"0x1.8p-1075", Some(5e-324)),
            (b"0x10000000000000001", Some(18446744073709551616.0)),
        ];
        for &(text, expected) in cases {
            let got = parse_number(text);
            assert_eq!(
                got.map(f64::to_bits),
                expected.map(f64::to_bits),
                "tonumber({:?}) = {got:?}",
                String::from_utf8_lossy(text)
            );
        }
        assert!(parse_number(b"nan").unwrap().is_nan());
        assert!(parse_number(b"-nan").unwrap().is_nan());
        assert!(parse_number(b"NaN").unwrap().is_nan());
        assert!(parse_number(b"-0").unwrap().is_sign_negative());
        assert_eq!(
            parse_number(&[b"1".as_slice(), &[b'0'; 400]].concat()),
            Some(f64::INFINITY)
        );
        let tiny = [b"0.".as_slice(), &[b'0'; 400], b"1e400"].concat();
        assert_eq!(parse_number(&tiny), Some(0.1));
        let long_binary = [b"0b".as_slice(), &[b'1'; 70]].concat();
        assert_eq!(parse_number(&long_binary), None);
    }

    #[test]
    fn parse_numeral_takes_source_tokens_only() {
        assert_eq!(parse_numeral(b"3"), Some(3.0));
        assert_eq!(parse_numeral(b".5"), Some(0.5));
        assert_eq!(parse_numeral(b"0x1p-2"), Some(0.25));
        assert_eq!(parse_numeral(b"3e"), None);
        assert_eq!(parse_numeral(b"-3"), None);
        assert_eq!(parse_numeral(b" 3"), None);
        assert_eq!(parse_numeral(b"3 "), None);
        assert_eq!(parse_numeral(b"inf"), None);
        assert_eq!(parse_numeral(b"3..2"), None);
    }

    #[test]
    fn parse_integer_in_base_matches_luajit() {
        let cases: &[(&[u8], u32, Option<f64>)] = &[
            (b"0x10", 16, Some(16.0)),
            (b"10", 16, Some(16.0)),
            (b"ff", 16, Some(255.0)),
            (b"FF", 16, Some(255.0)),
            (b"  -ff  ", 16, Some(-255.0)),
            (b"+ff", 16, Some(255.0)),
            (b"- 5", 10, None),
            (b"--5", 10, None),
            (b"12\0abc", 10, None),
            (b"12\0abc", 16, Some(18.0)),
            (b"1.5", 10, Some(1.5)),
            (b"zz", 36, Some(1295.0)),
            (b"ZZ", 36, Some(1295.0)),
            (b"2", 2, None),
            (b"11", 2, Some(3.0)),
            (b"", 10, None),
            (b" ", 10, None),
            (b"", 16, None),
            (b"ffffffffffffffffffff", 16, Some(18446744073709551615.0)),
            (b"-0", 16, Some(-0.0)),
            (b"7fffffffffffffff", 16, Some(9223372036854775807.0)),
            (b"0x", 16, None),
            (b"1e", 16, Some(30.0)),
            (b" \n12\t", 8, Some(10.0)),
            (b"08", 8, None),
            (b"z", 35, None),
            (b"-ffffffffffffffff", 16, Some(-18446744073709551615.0)),
            (b"8000000000000001", 16, Some(9223372036854775808.0)),
            (b"1", 1, None),
            (b"1", 37, None),
        ];
        for &(text, base, expected) in cases {
            let got = parse_integer_in_base(text, base);
            assert_eq!(
                got.map(f64::to_bits),
                expected.map(f64::to_bits),
                "tonumber({:?}, {base}) = {got:?}",
                String::from_utf8_lossy(text)
            );
        }
    }
}
