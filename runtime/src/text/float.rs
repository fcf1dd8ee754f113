//! Decimal and hexadecimal renderings of doubles for `%e`, `%f`, `%g` and
//! `%a`, digit for digit as LuaJIT 2.1's own formatter (`lj_strfmt_num.c`)
//! produces them.
//!
//! LuaJIT does not use the C library here: it computes the exact decimal
//! expansion and rounds ties *away from zero* (`string.format("%.0f", 2.5)` is
//! `3`, and `tostring(123456789012345)` is `1.2345678901235e+14`), where glibc
//! rounds ties to even. Rust's formatter is exact and rounds ties to even, so
//! it is used for the digits and the rare exact ties are detected
//! arithmetically and rounded up.
//!
//! Everything here renders the magnitude only; signs, padding and non-finite
//! values are the caller's business.

/// The body of `%e` for a finite `magnitude >= 0`: `d.ddde+XX` with
/// `precision` fractional digits (the `.` is kept with no digits after it when
/// `alternate`, i.e. the `#` flag, is set).
pub fn write_exponent(
    magnitude: f64,
    precision: usize,
    alternate: bool,
    upper: bool,
    out: &mut Vec<u8>,
) {
    let (digits, exponent) = exponent_digits(magnitude, precision);
    write_mantissa_and_exponent(&digits, exponent, alternate, false, upper, out);
}

/// The body of `%f` for a finite `magnitude >= 0`.
pub fn write_fixed(magnitude: f64, precision: usize, alternate: bool, out: &mut Vec<u8>) {
    let text = fixed_digits(magnitude, precision);
    out.extend_from_slice(text.as_bytes());
    if alternate && precision == 0 {
        out.push(b'.');
    }
}

/// The body of `%g` for a finite `magnitude >= 0`: `precision` significant
/// digits (0 counts as 1), fixed notation when the decimal exponent is in
/// `-4..precision`, trailing zeros removed unless `alternate`.
pub fn write_general(
    magnitude: f64,
    precision: usize,
    alternate: bool,
    upper: bool,
    out: &mut Vec<u8>,
) {
    let significant = precision.max(1);
    let (digits, exponent) = exponent_digits(magnitude, significant - 1);
    let last = significant as i32 - 1;
    if exponent >= -4 && exponent <= last {
        // Fixed notation from the same digits: the rounding position is the
        // same as in exponent notation.
        let start = out.len();
        if exponent >= 0 {
            let integer_digits = exponent as usize + 1;
            out.extend_from_slice(&digits[..integer_digits]);
            if digits.len() > integer_digits || alternate {
                out.push(b'.');
                out.extend_from_slice(&digits[integer_digits..]);
            }
        } else {
            out.extend_from_slice(b"0.");
            out.resize(out.len() + (-exponent - 1) as usize, b'0');
            out.extend_from_slice(&digits);
        }
        if !alternate {
            strip_fraction_zeros(out, start);
        }
    } else {
        write_mantissa_and_exponent(&digits, exponent, alternate, !alternate, upper, out);
    }
}

/// The body of `%a` after the sign: `0x1.8p+1`, with LuaJIT's choices (the
/// shortest exact digits without a precision, rounding half up on the bit
/// pattern otherwise, a leading `2` when that rounding carries). Returns the
/// length of the `0x` prefix written first, since zero padding goes after it.
pub fn write_hex(
    magnitude: f64,
    precision: Option<usize>,
    alternate: bool,
    upper: bool,
    out: &mut Vec<u8>,
) {
    let digits: &[u8; 16] = if upper {
        b"0123456789ABCDEF"
    } else {
        b"0123456789abcdef"
    };
    let bits = magnitude.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i32;
    let mut mantissa = bits & ((1u64 << 52) - 1);
    if exponent != 0 {
        mantissa |= 1u64 << 52;
        exponent -= 1023;
    } else if mantissa != 0 {
        // A subnormal: normalise so that bit 52 is the leading one.
        let shift = mantissa.leading_zeros() - 11;
        exponent = -1022 - shift as i32;
        mantissa <<= shift;
    }
    let precision = match precision {
        Some(precision) => {
            if precision < 13 {
                mantissa += 1u64 << (51 - precision * 4);
            }
            precision
        }
        // The fewest hex digits that represent the value exactly.
        None => (13 - (mantissa | (1 << 52)).trailing_zeros() as usize / 4).min(13),
    };
    out.push(b'0');
    out.push(if upper { b'X' } else { b'x' });
    out.push(b'0' + (mantissa >> 52) as u8);
    if precision > 0 || alternate {
        out.push(b'.');
        let shown = precision.min(13);
        let fraction = (mantissa & ((1u64 << 52) - 1)) >> (52 - shown * 4);
        for index in (0..shown).rev() {
            out.push(digits[((fraction >> (index * 4)) & 15) as usize]);
        }
        out.resize(out.len() + precision - shown, b'0');
    }
    out.push(if upper { b'P' } else { b'p' });
    out.push(if exponent < 0 { b'-' } else { b'+' });
    out.extend_from_slice(exponent.unsigned_abs().to_string().as_bytes());
}

/// `d[.ddd]e±XX` from significant digits and the decimal exponent of the
/// first one.
fn write_mantissa_and_exponent(
    digits: &[u8],
    exponent: i32,
    alternate: bool,
    strip_zeros: bool,
    upper: bool,
    out: &mut Vec<u8>,
) {
    let start = out.len();
    out.push(digits[0]);
    if digits.len() > 1 || alternate {
        out.push(b'.');
        out.extend_from_slice(&digits[1..]);
    }
    if strip_zeros {
        strip_fraction_zeros(out, start);
    }
    out.push(if upper { b'E' } else { b'e' });
    out.push(if exponent < 0 { b'-' } else { b'+' });
    let magnitude = exponent.unsigned_abs();
    if magnitude < 10 {
        out.push(b'0');
    }
    out.extend_from_slice(magnitude.to_string().as_bytes());
}

/// Removes trailing zeros after a decimal point in `out[start..]`, and the
/// point itself if nothing remains after it.
fn strip_fraction_zeros(out: &mut Vec<u8>, start: usize) {
    if !out[start..].contains(&b'.') {
        return;
    }
    while out.last() == Some(&b'0') {
        out.pop();
    }
    if out.last() == Some(&b'.') {
        out.pop();
    }
}

/// `precision + 1` significant decimal digits of `magnitude`, rounded half
/// away from zero, and the decimal exponent of the first digit.
pub fn exponent_digits(magnitude: f64, precision: usize) -> (Vec<u8>, i32) {
    let (mut digits, exponent) = exponent_form(magnitude, precision);
    if magnitude != 0.0 && is_tie(magnitude, exponent - precision as i32) {
        // The exact value has one more digit, a 5: print it exactly and round up.
        let (mut exact, exponent) = exponent_form(magnitude, precision + 1);
        exact.pop();
        if increment_decimal(&mut exact) {
            exact.pop();
            return (exact, exponent + 1);
        }
        return (exact, exponent);
    }
    digits.truncate(precision + 1);
    (digits, exponent)
}

/// `magnitude` in fixed notation with `precision` fractional digits, rounded
/// half away from zero.
fn fixed_digits(magnitude: f64, precision: usize) -> String {
    if magnitude != 0.0 && is_tie(magnitude, -(precision as i32)) {
        let exact = format!("{magnitude:.0$}", precision + 1);
        let mut bytes = exact.into_bytes();
        bytes.pop();
        if precision == 0 {
            bytes.pop(); // the '.'
        }
        increment_decimal(&mut bytes);
        return String::from_utf8(bytes).unwrap_or_default();
    }
    format!("{magnitude:.precision$}")
}

/// Whether the exact value of `magnitude` (finite, non-zero) lies exactly
/// halfway between two multiples of `10^position`.
fn is_tie(magnitude: f64, position: i32) -> bool {
    let bits = magnitude.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    let (mut mantissa, mut exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    };
    let zeros = mantissa.trailing_zeros();
    mantissa >>= zeros;
    exponent += zeros as i32;
    // magnitude = mantissa * 2^exponent with an odd mantissa. Halfway means
    // magnitude = (2n + 1) * 5^position * 2^(position - 1).
    if exponent != position - 1 {
        return false;
    }
    if position <= 0 {
        return true;
    }
    match 5u64.checked_pow(position as u32) {
        Some(power) => mantissa % power == 0,
        None => false,
    }
}

/// Adds one unit in the last place to a decimal digit string (a '.' is
/// skipped). When the carry runs off the front, a '1' is inserted there and
/// true is returned.
fn increment_decimal(digits: &mut Vec<u8>) -> bool {
    for index in (0..digits.len()).rev() {
        match digits[index] {
            b'.' => continue,
            b'9' => digits[index] = b'0',
            digit => {
                digits[index] = digit + 1;
                return false;
            }
        }
    }
    digits.insert(0, b'1');
    true
}

/// The digits and exponent of Rust's correctly rounded `{:.precision$e}`
/// (ties to even), formatted without a heap allocation when short.
fn exponent_form(magnitude: f64, precision: usize) -> (Vec<u8>, i32) {
    use std::io::Write;
    let mut buffer = [0u8; 128];
    let mut cursor = std::io::Cursor::new(&mut buffer[..]);
    if write!(cursor, "{magnitude:.precision$e}").is_ok() {
        let length = cursor.position() as usize;
        return split_exponent_form(&buffer[..length]);
    }
    split_exponent_form(format!("{magnitude:.precision$e}").as_bytes())
}

/// Splits Rust's `d.ddde-5` form into its digits and exponent.
fn split_exponent_form(text: &[u8]) -> (Vec<u8>, i32) {
    let split = text.iter().position(|&b| b == b'e').unwrap_or(text.len());
    let digits = text[..split]
        .iter()
        .copied()
        .filter(u8::is_ascii_digit)
        .collect();
    let exponent = std::str::from_utf8(text.get(split + 1..).unwrap_or_default())
        .ok()
        .and_then(|exponent| exponent.parse().ok())
        .unwrap_or(0);
    (digits, exponent)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exponent(x: f64, precision: usize, alternate: bool) -> String {
        let mut out = Vec::new();
        write_exponent(x, precision, alternate, false, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn fixed(x: f64, precision: usize, alternate: bool) -> String {
        let mut out = Vec::new();
        write_fixed(x, precision, alternate, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn general(x: f64, precision: usize, alternate: bool) -> String {
        let mut out = Vec::new();
        write_general(x, precision, alternate, false, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn hex(x: f64, precision: Option<usize>) -> String {
        let mut out = Vec::new();
        write_hex(x, precision, false, false, &mut out);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ties_round_away_from_zero_like_luajit() {
        assert_eq!(fixed(0.125, 2, false), "0.13");
        assert_eq!(fixed(0.375, 2, false), "0.38");
        assert_eq!(fixed(2.5, 0, false), "3");
        assert_eq!(fixed(3.5, 0, false), "4");
        assert_eq!(fixed(0.5, 0, false), "1");
        assert_eq!(fixed(9.5, 0, false), "10");
        assert_eq!(fixed(99.5, 0, false), "100");
        assert_eq!(fixed(0.0005, 3, false), "0.001");
        assert_eq!(general(123456789012345.0, 14, false), "1.2345678901235e+14");
        assert_eq!(exponent(2.5, 0, false), "3e+00");
        assert_eq!(exponent(9.5, 0, false), "1e+01");
        assert_eq!(exponent(125.0, 1, false), "1.3e+02");
    }

    #[test]
    fn matches_luajit_outputs() {
        assert_eq!(fixed(1.0, 0, true), "1.");
        assert_eq!(exponent(1.0, 0, true), "1.e+00");
        assert_eq!(general(100000.0, 6, false), "100000");
        assert_eq!(general(1000000.0, 6, false), "1e+06");
        assert_eq!(general(1e-4, 6, false), "0.0001");
        assert_eq!(general(1e-5, 6, false), "1e-05");
        assert_eq!(general(1.0, 6, true), "1.00000");
        assert_eq!(general(0.0, 6, false), "0");
        assert_eq!(general(123.0, 0, false), "1e+02");
        assert_eq!(general(0.15, 1, false), "0.1");
        assert_eq!(general(123456789.0, 6, false), "1.23457e+08");
        assert_eq!(general(0.1, 20, false), "0.10000000000000000555");
        assert_eq!(
            fixed(1.0 / 3.0, 99, false),
            "0.333333333333333314829616256247390992939472198486328125000000000000000000000000000000000000000000000"
        );
        assert_eq!(exponent(0.0, 6, false), "0.000000e+00");
        assert_eq!(exponent(1e-310, 6, false), "1.000000e-310");
        assert_eq!(exponent(9.9995, 3, false), "9.999e+00");
        assert_eq!(exponent(1e100, 2, false), "1.00e+100");
        assert_eq!(general(2f64.powi(53), 14, false), "9.007199254741e+15");
        assert_eq!(general(0.1, 17, false), "0.10000000000000001");
    }

    #[test]
    fn long_expansions_are_exact() {
        // Longer than the stack buffer: the exact expansion of 0.1.
        let (digits, exponent) = exponent_digits(0.1, 200);
        assert_eq!(exponent, -1);
        assert_eq!(digits.len(), 201);
        assert!(digits.starts_with(b"1000000000000000055511151231257827021181583404541015625000"));
        assert!(digits[55..].iter().all(|&d| d == b'0'));
        // A tie far out: 2^-60 has 60 fractional digits ending in 5.
        let tiny = 2f64.powi(-60);
        assert_eq!(
            fixed(tiny, 59, false),
            "0.00000000000000000086736173798840354720596224069595336914063"
        );
    }

    #[test]
    fn hex_matches_luajit() {
        assert_eq!(hex(1.0, None), "0x1p+0");
        assert_eq!(hex(0.0, None), "0x0p+0");
        assert_eq!(hex(0.5, None), "0x1p-1");
        assert_eq!(hex(3.0, None), "0x1.8p+1");
        assert_eq!(hex(0.1, None), "0x1.999999999999ap-4");
        assert_eq!(hex(5e-324, None), "0x1p-1074");
        assert_eq!(hex(1.0, Some(3)), "0x1.000p+0");
        assert_eq!(hex(1.96875, Some(1)), "0x2.0p+0");
        assert_eq!(hex(1.0, Some(15)), "0x1.000000000000000p+0");
        assert_eq!(hex(1.5, Some(0)), "0x2p+0");
        assert_eq!(hex(2.5, Some(0)), "0x1p+1");
        assert_eq!(hex(2f64.powi(-1023), None), "0x1p-1023");
        assert_eq!(hex(5e-324, Some(2)), "0x1.00p-1074");
        let mut out = Vec::new();
        write_hex(255.5, None, false, true, &mut out);
        assert_eq!(out, b"0X1.FFP+7");
        out.clear();
        write_hex(1.0, None, true, false, &mut out);
        assert_eq!(out, b"0x1.p+0");
    }
}
