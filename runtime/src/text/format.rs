//! `string.format`, as LuaJIT 2.1 implements it (`lj_strfmt.c`), including
//! its departures from Lua 5.1 and from C's `printf`:
//!
//! - flags may repeat; width and precision take at most two digits each, and
//!   anything else is `invalid option '%...' to 'format'`, quoting the
//!   specification up to the offending byte;
//! - integer conversions truncate the number toward zero (`%d` of 3.7 is `3`)
//!   with x86-64's conversion rules for out-of-range values and NaN (which
//!   give -2^63), and `%u`/`%o`/`%x` wrap values from 2^63 to 2^64;
//! - `%e`/`%f`/`%g`/`%a` round exact ties away from zero, and print
//!   non-finite values as `inf`/`-inf`/`nan` (upper-cased by `%E`/`%G`/`%A`/`%F`),
//!   padded with spaces only; NaN never shows a `-` or `+` sign;
//! - `%s` handles embedded NUL bytes and any length; `%q` and `%p` ignore
//!   flags, width and precision; `%F` and `%a`/`%A` exist.
//!
//! The VM supplies the argument values through [`FormatArgs`]; this module
//! never looks at Lua values itself.

use thiserror::Error;

use super::float;

/// A malformed format string.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// The conversion at the end of `spec` (which starts with `%`) is not one
    /// LuaJIT knows, e.g. `%y`, `%123d` (a third width digit), `%-%`.
    #[error("invalid option '{}' to 'format'", String::from_utf8_lossy(spec))]
    InvalidOption { spec: Vec<u8> },
}

/// Access to the arguments of `string.format`. `arg` is the Lua argument
/// number: the format string is argument 1, so the first value is 2. An
/// implementation reports a missing argument (LuaJIT: `bad argument #N to
/// 'format' (no value)`) and a wrong type (`number expected, got ...`) itself.
pub trait FormatArgs {
    type Error: From<FormatError>;
    /// The number for `%d %i %u %c %x %X %o %e %E %f %F %g %G %a %A`
    /// (strings that convert to numbers are accepted, as `lj_lib_checknum`).
    fn number(&mut self, arg: usize) -> Result<f64, Self::Error>;
    /// The text for `%s`: `tostring` semantics, `__tostring` included.
    fn string(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error>;
    /// The text `%q` quotes: in LuaJIT 2.1 the same conversion as `%s`
    /// (numbers, booleans and `nil` become their `tostring` text).
    fn quoted(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error>;
    /// The text for `%p`: the value's address as LuaJIT prints it (`NULL`
    /// for values that are not objects).
    fn pointer(&mut self, arg: usize) -> Result<Vec<u8>, Self::Error>;
}

/// Formats `fmt` with the arguments `args` supplies, as `string.format`.
pub fn format<A: FormatArgs>(fmt: &[u8], args: &mut A) -> Result<Vec<u8>, A::Error> {
    let mut out = Vec::with_capacity(fmt.len() + 16);
    let mut pos = 0;
    let mut arg = 1;
    while pos < fmt.len() {
        let byte = fmt[pos];
        if byte != b'%' {
            out.push(byte);
            pos += 1;
            continue;
        }
        if fmt.get(pos + 1) == Some(&b'%') {
            out.push(b'%');
            pos += 2;
            continue;
        }
        let (spec, next) = parse_spec(fmt, pos)?;
        pos = next;
        arg += 1;
        match spec.conversion {
            Conversion::Signed => {
                let value = truncate_to_i64(args.number(arg)?);
                write_integer(&mut out, &spec, value < 0, value.unsigned_abs());
            }
            Conversion::Unsigned(_) => {
                let n = args.number(arg)?;
                let value = if n >= 9_223_372_036_854_775_808.0 {
                    truncate_to_i64(n - 18_446_744_073_709_551_616.0)
                } else {
                    truncate_to_i64(n)
                };
                write_integer(&mut out, &spec, false, value as u64);
            }
            Conversion::Float(style) => write_float(&mut out, &spec, style, args.number(arg)?),
            Conversion::Char => {
                let code = truncate_to_i32(args.number(arg)?);
                pad(&mut out, &spec, b"", &[code as u8], false);
            }
            Conversion::String => {
                let text = args.string(arg)?;
                let shown = match spec.precision {
                    Some(precision) => &text[..text.len().min(precision)],
                    None => &text[..],
                };
                pad(&mut out, &spec, b"", shown, false);
            }
            Conversion::Quoted => write_quoted(&args.quoted(arg)?, &mut out),
            Conversion::Pointer => out.extend_from_slice(&args.pointer(arg)?),
        }
    }
    Ok(out)
}

/// Appends `text` as `%q` quotes it: between double quotes, with `"`, `\`
/// and newline escaped by a backslash, and other control bytes (0-31, 127)
/// as decimal escapes, padded to three digits only when a digit follows.
pub fn write_quoted(text: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for (index, &byte) in text.iter().enumerate() {
        match byte {
            b'"' | b'\\' | b'\n' => {
                out.push(b'\\');
                out.push(byte);
            }
            0..=31 | 127 => {
                out.push(b'\\');
                let next_is_digit = text.get(index + 1).is_some_and(u8::is_ascii_digit);
                if next_is_digit {
                    out.extend_from_slice(format!("{byte:03}").as_bytes());
                } else {
                    out.extend_from_slice(byte.to_string().as_bytes());
                }
            }
            _ => out.push(byte),
        }
    }
    out.push(b'"');
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Radix {
    Decimal,
    Octal,
    Hex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FloatStyle {
    Exponent,
    Fixed,
    General,
    Hex,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Conversion {
    Signed,
    Unsigned(Radix),
    Float(FloatStyle),
    Char,
    String,
    Quoted,
    Pointer,
}

/// One parsed `%...` specification.
#[derive(Debug, Clone, Copy)]
struct Spec {
    left: bool,
    plus: bool,
    space: bool,
    zero: bool,
    alternate: bool,
    width: usize,
    precision: Option<usize>,
    upper: bool,
    conversion: Conversion,
}

/// Parses the specification starting at the `%` at `start`; returns it and
/// the index just past it.
fn parse_spec(fmt: &[u8], start: usize) -> Result<(Spec, usize), FormatError> {
    // LuaJIT reads the string's NUL terminator past the end.
    let at = |index: usize| fmt.get(index).copied().unwrap_or(0);
    let mut spec = Spec {
        left: false,
        plus: false,
        space: false,
        zero: false,
        alternate: false,
        width: 0,
        precision: None,
        upper: false,
        conversion: Conversion::Signed,
    };
    let mut p = start + 1;
    loop {
        match at(p) {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b'0' => spec.zero = true,
            b' ' => spec.space = true,
            b'#' => spec.alternate = true,
            _ => break,
        }
        p += 1;
    }
    let two_digits = |p: &mut usize| {
        let mut value = 0;
        for _ in 0..2 {
            if at(*p).is_ascii_digit() {
                value = value * 10 + usize::from(at(*p) - b'0');
                *p += 1;
            }
        }
        value
    };
    spec.width = two_digits(&mut p);
    if at(p) == b'.' {
        p += 1;
        spec.precision = Some(two_digits(&mut p));
    }
    let letter = at(p);
    spec.upper = letter.is_ascii_uppercase();
    spec.conversion = match letter {
        b'd' | b'i' => Conversion::Signed,
        b'u' => Conversion::Unsigned(Radix::Decimal),
        b'o' => Conversion::Unsigned(Radix::Octal),
        b'x' | b'X' => Conversion::Unsigned(Radix::Hex),
        b'e' | b'E' => Conversion::Float(FloatStyle::Exponent),
        b'f' | b'F' => Conversion::Float(FloatStyle::Fixed),
        b'g' | b'G' => Conversion::Float(FloatStyle::General),
        b'a' | b'A' => Conversion::Float(FloatStyle::Hex),
        b'c' => Conversion::Char,
        b's' => Conversion::String,
        b'q' => Conversion::Quoted,
        b'p' => Conversion::Pointer,
        _ => {
            let end = if letter >= 32 { p + 1 } else { p };
            let spec = fmt[start..end.min(fmt.len())].to_vec();
            return Err(FormatError::InvalidOption { spec });
        }
    };
    Ok((spec, p + 1))
}

/// C's `(int64_t)n` on x86-64: truncation, and -2^63 for NaN and values
/// out of range.
fn truncate_to_i64(n: f64) -> i64 {
    if n.is_nan() || !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&n) {
        i64::MIN
    } else {
        n as i64
    }
}

/// C's `(int32_t)n` on x86-64.
fn truncate_to_i32(n: f64) -> i32 {
    if n.is_nan() || n <= -2_147_483_649.0 || n >= 2_147_483_648.0 {
        i32::MIN
    } else {
        n as i32
    }
}

/// `%d %i %u %o %x %X`: `magnitude` with its sign prefix, precision zeros
/// and padding.
fn write_integer(out: &mut Vec<u8>, spec: &Spec, negative: bool, magnitude: u64) {
    let radix = match spec.conversion {
        Conversion::Unsigned(radix) => radix,
        _ => Radix::Decimal,
    };
    let mut sign: &[u8] = b"";
    if spec.conversion == Conversion::Signed {
        if negative {
            sign = b"-";
        } else if spec.plus {
            sign = b"+";
        } else if spec.space {
            sign = b" ";
        }
    }
    let mut digits = match (magnitude, radix) {
        (0, _) => Vec::new(),
        (_, Radix::Decimal) => magnitude.to_string().into_bytes(),
        (_, Radix::Octal) => format!("{magnitude:o}").into_bytes(),
        (_, Radix::Hex) if spec.upper => format!("{magnitude:X}").into_bytes(),
        (_, Radix::Hex) => format!("{magnitude:x}").into_bytes(),
    };
    let mut prefix: &[u8] = sign;
    if magnitude == 0 {
        if spec.precision != Some(0) || (radix == Radix::Octal && spec.alternate) {
            digits.push(b'0');
        }
    } else if spec.alternate && radix == Radix::Hex {
        prefix = if spec.upper { b"0X" } else { b"0x" };
    } else if spec.alternate && radix == Radix::Octal {
        digits.insert(0, b'0');
    }
    if let Some(precision) = spec.precision {
        if precision > digits.len() {
            let zeros = precision - digits.len();
            digits.splice(0..0, vec![b'0'; zeros]);
        }
    }
    // A precision turns the '0' flag off, as in C.
    let zero = spec.zero && spec.precision.is_none();
    pad(out, spec, prefix, &digits, zero);
}

/// `%e %E %f %F %g %G %a %A`.
fn write_float(out: &mut Vec<u8>, spec: &Spec, style: FloatStyle, n: f64) {
    if !n.is_finite() {
        let word: &[u8] = match (n.is_nan(), spec.upper) {
            (true, false) => b"nan",
            (true, true) => b"NAN",
            (false, false) => b"inf",
            (false, true) => b"INF",
        };
        let sign: &[u8] = if n.is_nan() {
            if spec.space {
                b" "
            } else {
                b""
            }
        } else if n < 0.0 {
            b"-"
        } else if spec.plus {
            b"+"
        } else if spec.space {
            b" "
        } else {
            b""
        };
        pad(out, spec, sign, word, false);
        return;
    }
    let sign: &[u8] = if n.is_sign_negative() {
        b"-"
    } else if spec.plus {
        b"+"
    } else if spec.space {
        b" "
    } else {
        b""
    };
    let magnitude = n.abs();
    let precision = spec.precision.unwrap_or(6);
    let mut body = Vec::new();
    let mut prefix = sign.to_vec();
    match style {
        FloatStyle::Exponent => {
            float::write_exponent(magnitude, precision, spec.alternate, spec.upper, &mut body)
        }
        FloatStyle::Fixed => float::write_fixed(magnitude, precision, spec.alternate, &mut body),
        FloatStyle::General => {
            float::write_general(magnitude, precision, spec.alternate, spec.upper, &mut body)
        }
        FloatStyle::Hex => {
            float::write_hex(
                magnitude,
                spec.precision,
                spec.alternate,
                spec.upper,
                &mut body,
            );
            // Zero padding goes between "0x" and the digits.
            prefix.extend(body.drain(..2));
        }
    }
    pad(out, spec, &prefix, &body, spec.zero);
}

/// Writes `prefix` and `body` padded to the width: spaces before (or after,
/// with `-`), or zeros between prefix and body when `zero` is set.
fn pad(out: &mut Vec<u8>, spec: &Spec, prefix: &[u8], body: &[u8], zero: bool) {
    let fill = spec.width.saturating_sub(prefix.len() + body.len());
    if spec.left {
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
        out.resize(out.len() + fill, b' ');
    } else if zero {
        out.extend_from_slice(prefix);
        out.resize(out.len() + fill, b'0');
        out.extend_from_slice(body);
    } else {
        out.resize(out.len() + fill, b' ');
        out.extend_from_slice(prefix);
        out.extend_from_slice(body);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A Lua argument as the tests supply it.
    #[derive(Clone)]
    enum Value {
        Number(f64),
        Text(&'static [u8]),
    }
    use Value::{Number, Text};

    #[derive(Debug, PartialEq)]
    enum TestError {
        Format(FormatError),
        Argument(usize),
    }

    impl From<FormatError> for TestError {
        fn from(error: FormatError) -> Self {
            TestError::Format(error)
        }
    }

    struct Args(Vec<Value>);

    impl Args {
        fn get(&self, arg: usize) -> Result<Value, TestError> {
            self.0.get(arg - 2).cloned().ok_or(TestError::Argument(arg))
        }
    }

    impl FormatArgs for Args {
        type Error = TestError;
        fn number(&mut self, arg: usize) -> Result<f64, TestError> {
            match self.get(arg)? {
                Number(n) => Ok(n),
                Text(_) => Err(TestError::Argument(arg)),
            }
        }
        fn string(&mut self, arg: usize) -> Result<Vec<u8>, TestError> {
            match self.get(arg)? {
                Number(n) => {
                    let mut out = Vec::new();
                    super::super::number::format_number(n, &mut out);
                    Ok(out)
                }
                Text(text) => Ok(text.to_vec()),
            }
        }
        fn quoted(&mut self, arg: usize) -> Result<Vec<u8>, TestError> {
            self.string(arg)
        }
        fn pointer(&mut self, _arg: usize) -> Result<Vec<u8>, TestError> {
            Ok(b"NULL".to_vec())
        }
    }

    fn run(fmt: &str, args: &[Value]) -> String {
        match format(fmt.as_bytes(), &mut Args(args.to_vec())) {
            Ok(text) => String::from_utf8_lossy(&text).into_owned(),
            Err(TestError::Format(error)) => format!("ERR {error}"),
            Err(TestError::Argument(arg)) => format!("ERR argument {arg}"),
        }
    }

    /// (format, one number argument, LuaJIT's output).
    const NUMBER_CASES: &[(&str, f64, &str)] = &[
        ("%d", 3.7, "3"),
        ("%d", -3.7, "-3"),
        ("%d", 1e100, "-9223372036854775808"),
        ("%d", -1e100, "-9223372036854775808"),
        ("%d", f64::NAN, "-9223372036854775808"),
        ("%x", 9223372036854775808.0, "8000000000000000"),
        ("%x", -1.0, "ffffffffffffffff"),
        ("%u", -1.0, "18446744073709551615"),
        ("%o", 8.0, "10"),
        ("%x", 18446744073709549568.0, "fffffffffffff800"),
        ("%X", 255.0, "FF"),
        ("%#x", 255.0, "0xff"),
        ("%#o", 8.0, "010"),
        ("%#X", 0.0, "0"),
        ("%#o", 0.0, "0"),
        ("%5d", 42.0, "   42"),
        ("%-5d", 42.0, "42   "),
        ("%05d", 42.0, "00042"),
        ("%+d", 42.0, "+42"),
        ("% d", 42.0, " 42"),
        ("%+5d", 42.0, "  +42"),
        ("%-+5d", 42.0, "+42  "),
        ("%05.3d", 42.0, "  042"),
        ("%.0d", 0.0, ""),
        ("%.3d", -7.0, "-007"),
        ("%--5d", 1.0, "1    "),
        ("%-+ #0-+ #0d", 1.0, "+1"),
        ("%#X", 255.0, "0XFF"),
        ("%#10X|", 255.0, "      0XFF|"),
        ("%#010x|", 255.0, "0x000000ff|"),
        ("%-#10x|", 255.0, "0xff      |"),
        ("%#.5x", 255.0, "0x000ff"),
        ("%#.0o", 0.0, "0"),
        ("%.0x", 0.0, ""),
        ("%+.0d", 0.0, "+"),
        ("% 5d", -3.0, "   -3"),
        ("%+u", 5.0, "5"),
        ("% x", 5.0, "5"),
        ("%.d", 5.0, "5"),
        ("%x", 1e19, "8ac7230489e80000"),
        ("%x", 18446744073709551616.0, "0"),
        ("%x", -9223372036854775808.0, "8000000000000000"),
        ("%x", -9223372036854779904.0, "8000000000000000"),
        ("%d", 9223372036854775808.0, "-9223372036854775808"),
        ("%d", -9223372036854775808.0, "-9223372036854775808"),
        ("%o", -1.0, "1777777777777777777777"),
        ("%X", f64::NAN, "8000000000000000"),
        ("%u", f64::INFINITY, "9223372036854775808"),
        ("%d", -0.5, "0"),
        ("%d", f64::NEG_INFINITY, "-9223372036854775808"),
        ("%i", 2147483648.0, "2147483648"),
        ("%i", -2147483649.0, "-2147483649"),
        ("%05d", -42.0, "-0042"),
        ("%-05d|", -42.0, "-42  |"),
        ("%+05d", 42.0, "+0042"),
        ("% 05d", 42.0, " 0042"),
        ("%c", 65.9, "A"),
        ("%c", -191.0, "A"),
        ("%c", 2147483648.0, "\0"),
        ("%c", 1099511627842.0, "\0"),
        ("%5.3c|", 65.0, "    A|"),
        ("%05c|", 65.0, "    A|"),
        ("%-5c|", 65.0, "A    |"),
        ("%c", 321.0, "A"),
        ("%c", 0.0, "\0"),
        ("%f", f64::INFINITY, "inf"),
        ("%5.1f", f64::NEG_INFINITY, " -inf"),
        ("%E", f64::NAN, "NAN"),
        ("%010f", f64::INFINITY, "       inf"),
        ("%-10f|", f64::NAN, "nan       |"),
        ("%+f", f64::INFINITY, "+inf"),
        ("% f", f64::INFINITY, " inf"),
        ("%G", f64::INFINITY, "INF"),
        ("%+f", f64::NAN, "nan"),
        ("% e", f64::NAN, " nan"),
        ("%e", -f64::NAN, "nan"),
        ("%010.3f|", f64::NEG_INFINITY, "      -inf|"),
        ("%-+10e|", f64::INFINITY, "+inf      |"),
        ("%+ f", f64::NAN, " nan"),
        ("%#10.3G|", f64::NAN, "       NAN|"),
        ("%F", 1.0, "1.000000"),
        ("%.3f", 0.0005, "0.001"),
        ("%.2f", 0.125, "0.13"),
        ("%.2f", 0.375, "0.38"),
        ("%.0f", 2.5, "3"),
        ("%.0f", 3.5, "4"),
        ("%.0f", 0.5, "1"),
        ("%.0f", -2.5, "-3"),
        ("%.f", 2.5, "3"),
        ("%.e", 2.5, "3e+00"),
        ("%.g", 2.5, "3"),
        ("%#.0f", 1.0, "1."),
        ("%#.0e", 1.0, "1.e+00"),
        ("%g", 100000.0, "100000"),
        ("%g", 1000000.0, "1e+06"),
        ("%g", 1e-4, "0.0001"),
        ("%g", 1e-5, "1e-05"),
        ("%#g", 1.0, "1.00000"),
        ("%g", 0.0, "0"),
        ("%g", -0.0, "-0"),
        ("%.0g", 123.0, "1e+02"),
        ("%.1g", 0.15, "0.1"),
        ("%g", 123456789.0, "1.23457e+08"),
        ("%.20g", 0.1, "0.10000000000000000555"),
        ("%e", 0.0, "0.000000e+00"),
        ("%e", 1e-310, "1.000000e-310"),
        ("%.3e", 9.9995, "9.999e+00"),
        ("%10.3e|", -1.5, "-1.500e+00|"),
        ("%-12.4E|", 12345.678, "1.2346E+04  |"),
        ("%+.2e", 1e100, "+1.00e+100"),
        ("%08.2f", -3.14158, "-0003.14"),
        ("% 08.2f", 3.14158, " 0003.14"),
        ("%+08.2f", 3.14158, "+0003.14"),
        ("%-08.2f|", 3.14158, "3.14    |"),
        ("%.14g", 9007199254740992.0, "9.007199254741e+15"),
        ("%.17g", 0.1, "0.10000000000000001"),
        ("%05.1f", -2.25, "-02.3"),
        ("%+.3g", 1e-10, "+1e-10"),
        ("%#.3g", 1e-10, "1.00e-10"),
        ("%#g", 123456789.0, "1.23457e+08"),
        ("%10.4g|", 0.0001234, " 0.0001234|"),
        ("%-10.2e|", -0.0, "-0.00e+00 |"),
        ("%a", 1.0, "0x1p+0"),
        ("%A", 1.0, "0X1P+0"),
        ("%#a", 1.0, "0x1.p+0"),
        ("%010a", -1.0, "-0x0001p+0"),
        ("%-10a|", 1.0, "0x1p+0    |"),
        ("%+a", 1.0, "+0x1p+0"),
        ("%a", -0.0, "-0x0p+0"),
        ("%A", 255.5, "0X1.FFP+7"),
    ];

    #[test]
    fn numbers_format_like_luajit() {
        for &(fmt, n, expected) in NUMBER_CASES {
            assert_eq!(
                run(fmt, &[Number(n)]),
                expected,
                "string.format({fmt:?}, {n:?})"
            );
        }
    }

    #[test]
    fn strings_and_quoting_format_like_luajit() {
        let cases: &[(&str, &[Value], &str)] = &[
            ("%5.2s|", &[Text(b"abc")], "   ab|"),
            ("%-5s|", &[Text(b"x")], "x    |"),
            ("%05s", &[Text(b"ab")], "   ab"),
            ("%.3s", &[Text(b"a\0bcd")], "a\0b"),
            ("%-5.1s|", &[Text(b"xyz")], "x    |"),
            ("%.s|", &[Text(b"abc")], "|"),
            ("%s", &[Text(b"a\0b")], "a\0b"),
            ("%5.3s|", &[Text(b"abcdef")], "  abc|"),
            ("%s", &[Number(1.0)], "1"),
            ("%q", &[Number(1.0 / 3.0)], "\"0.33333333333333\""),
            ("%10q", &[Text(b"a")], "\"a\""),
            ("%-10q|", &[Text(b"a")], "\"a\"|"),
            ("%10.3q", &[Text(b"a")], "\"a\""),
            (
                "%q",
                &[Text(b"a\nb\0c\x001\r\"\\\x7f\x80\x01x\x1f9")],
                "\"a\\\nb\\0c\\0001\\13\\\"\\\\\\127\u{FFFD}\\1x\\0319\"",
            ),
            ("%s %d %s", &[Text(b"a"), Number(2.0), Text(b"c")], "a 2 c"),
            ("%5.2f%%", &[Number(99.555)], "99.56%"),
            ("%p", &[Number(1.0)], "NULL"),
            ("100%% sure", &[], "100% sure"),
            ("", &[], ""),
        ];
        for (fmt, args, expected) in cases {
            assert_eq!(run(fmt, args), *expected, "string.format({fmt:?})");
        }
        let mut out = Vec::new();
        write_quoted(b"\x80\xff", &mut out);
        assert_eq!(out, b"\"\x80\xff\"");
    }

    #[test]
    fn bad_formats_fail_like_luajit() {
        let cases: &[(&str, &str)] = &[
            ("%y", "ERR invalid option '%y' to 'format'"),
            ("%", "ERR invalid option '%' to 'format'"),
            ("%123d", "ERR invalid option '%123' to 'format'"),
            ("%1234d", "ERR invalid option '%123' to 'format'"),
            ("%.123f", "ERR invalid option '%.123' to 'format'"),
            ("%!d", "ERR invalid option '%!' to 'format'"),
            ("%\n", "ERR invalid option '%' to 'format'"),
            ("%l", "ERR invalid option '%l' to 'format'"),
            ("abc%", "ERR invalid option '%' to 'format'"),
            ("%-%", "ERR invalid option '%-%' to 'format'"),
            ("%5%", "ERR invalid option '%5%' to 'format'"),
            ("%s %s", "ERR argument 3"),
        ];
        for (fmt, expected) in cases {
            assert_eq!(
                run(fmt, &[Number(1.0)]),
                *expected,
                "string.format({fmt:?}, 1)"
            );
        }
    }
}
