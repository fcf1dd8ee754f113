//! The lexer: turns Lua source bytes into tokens exactly as LuaJIT 2.1's `lj_lex.c` does.
//!
//! It mirrors LuaJIT's one-byte-lookahead design so that line numbers and the text quoted in
//! error messages match LuaJIT's: `line` is the line the lexer has reached (the line where the
//! last token ended), and errors inside a token quote what the lexer had collected so far.
//! The lexer never panics and runs in time linear in the input.

use super::token::{Quote, Token};
use super::Diagnostic;

/// End of input, as a value of the current-byte slot.
const EOF: i32 = -1;

/// LuaJIT's limit on line numbers (`LJ_MAX_LINE`).
const MAX_LINE: u32 = 0x7fff_ff00;

/// A cursor over Lua source that yields tokens one at a time.
pub struct Lexer<'a> {
    src: &'a [u8],
    /// Index of the byte after `c`.
    pos: usize,
    /// The current byte, or `EOF`.
    c: i32,
    /// The line the lexer has reached (1-based).
    pub line: u32,
    /// Bytes of the token being scanned, quoted by errors inside that token.
    buf: Vec<u8>,
}

impl<'a> Lexer<'a> {
    /// Starts lexing `src`, skipping a UTF-8 byte-order mark and a first line starting with `#`.
    /// Fails on precompiled bytecode, which this runtime cannot load.
    pub fn new(src: &'a [u8]) -> Result<Lexer<'a>, Diagnostic> {
        let mut lexer = Lexer {
            src,
            pos: 0,
            c: EOF,
            line: 1,
            buf: Vec::new(),
        };
        lexer.advance();
        let mut header = false;
        if lexer.c == 0xef && src.len() >= 3 && src[1] == 0xbb && src[2] == 0xbf {
            lexer.pos = 3;
            lexer.advance();
            header = true;
        }
        if lexer.c == i32::from(b'#') {
            loop {
                lexer.advance();
                if lexer.c == EOF {
                    return Ok(lexer);
                }
                if lexer.at_eol() {
                    break;
                }
            }
            lexer.newline()?;
            header = true;
        }
        if lexer.c == 0x1b {
            // LuaJIT names no chunk when bytecode follows a header, for security reasons.
            let (message, names_chunk): (&[u8], bool) = if header {
                (b"cannot load malformed bytecode", false)
            } else {
                (b"cannot load incompatible bytecode", true)
            };
            return Err(Diagnostic {
                line: 0,
                message: message.to_vec(),
                names_chunk,
            });
        }
        Ok(lexer)
    }

    /// Reads the next byte into `c` and returns it.
    fn advance(&mut self) -> i32 {
        self.c = match self.src.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                i32::from(b)
            }
            None => EOF,
        };
        self.c
    }

    /// Saves the current byte into the token buffer, then advances.
    fn save_advance(&mut self) -> i32 {
        self.save(self.c);
        self.advance()
    }

    fn save(&mut self, c: i32) {
        debug_assert!((0..=255).contains(&c));
        self.buf.push(c as u8);
    }

    fn at_eol(&self) -> bool {
        self.c == i32::from(b'\n') || self.c == i32::from(b'\r')
    }

    fn is(&self, byte: u8) -> bool {
        self.c == i32::from(byte)
    }

    /// Skips one line ending (`\n`, `\r`, `\r\n` or `\n\r`) and counts the line.
    fn newline(&mut self) -> Result<(), Diagnostic> {
        let old = self.c;
        self.advance();
        if self.at_eol() && self.c != old {
            self.advance();
        }
        self.line += 1;
        if self.line >= MAX_LINE {
            return Err(self.error(None, "chunk has too many lines"));
        }
        Ok(())
    }

    /// An error at the current line; `near` is the text quoted after `near`.
    fn error(&self, near: Option<&[u8]>, message: &str) -> Diagnostic {
        Diagnostic::new(self.line, message.as_bytes().to_vec(), near)
    }

    /// An error quoting the token text collected so far.
    fn error_in_token(&self, message: &str) -> Diagnostic {
        self.error(Some(&self.buf), message)
    }

    /// Scans the next token (`Token::Eof` at the end, forever after).
    pub fn next_token(&mut self) -> Result<Token, Diagnostic> {
        self.buf.clear();
        loop {
            if self.c == EOF {
                return Ok(Token::Eof);
            }
            let c = self.c as u8;
            if is_ident(c) {
                if c.is_ascii_digit() {
                    return self.number();
                }
                loop {
                    self.save_advance();
                    if self.c == EOF || !is_ident(self.c as u8) {
                        break;
                    }
                }
                let word = std::mem::take(&mut self.buf);
                return Ok(Token::keyword(&word).unwrap_or(Token::Name(word)));
            }
            match c {
                b'\n' | b'\r' => self.newline()?,
                b' ' | b'\t' | 0x0b | 0x0c => {
                    self.advance();
                }
                b'-' => {
                    self.advance();
                    if !self.is(b'-') {
                        return Ok(Token::Char(b'-'));
                    }
                    self.advance();
                    if self.is(b'[') {
                        let level = self.skip_equals();
                        self.buf.clear();
                        if let Ok(level) = usize::try_from(level) {
                            self.long_bracket(level, false)?;
                            self.buf.clear();
                            continue;
                        }
                    }
                    while !self.at_eol() && self.c != EOF {
                        self.advance();
                    }
                }
                b'[' => {
                    let level = self.skip_equals();
                    if let Ok(level) = usize::try_from(level) {
                        let value = self.long_bracket(level, true)?;
                        return Ok(Token::String {
                            value,
                            quote: Quote::Long(level),
                        });
                    } else if level != -1 {
                        return Err(self.error_in_token("invalid long string delimiter"));
                    }
                    return Ok(Token::Char(b'['));
                }
                b'=' => return Ok(self.maybe_pair(b'=', Token::Eq, b'=')),
                b'<' => return Ok(self.maybe_pair(b'=', Token::Le, b'<')),
                b'>' => return Ok(self.maybe_pair(b'=', Token::Ge, b'>')),
                b'~' => return Ok(self.maybe_pair(b'=', Token::Ne, b'~')),
                b':' => return Ok(self.maybe_pair(b':', Token::Label, b':')),
                b'"' | b'\'' => return self.short_string(),
                b'.' => {
                    self.save_advance();
                    if self.is(b'.') {
                        self.advance();
                        if self.is(b'.') {
                            self.advance();
                            return Ok(Token::Dots);
                        }
                        return Ok(Token::Concat);
                    }
                    if self.c != EOF && (self.c as u8).is_ascii_digit() {
                        return self.number();
                    }
                    return Ok(Token::Char(b'.'));
                }
                _ => {
                    self.advance();
                    return Ok(Token::Char(c));
                }
            }
        }
    }

    /// After a one-byte symbol: the two-byte token if `second` follows, else the single byte.
    fn maybe_pair(&mut self, second: u8, pair: Token, single: u8) -> Token {
        self.advance();
        if self.is(second) {
            self.advance();
            pair
        } else {
            Token::Char(single)
        }
    }

    /// At `[` or `]`: skips `=` signs (saving them) and returns their count if the same
    /// bracket follows, else `-count - 1`.
    fn skip_equals(&mut self) -> i64 {
        let bracket = self.c;
        let mut count: i64 = 0;
        while self.save_advance() == i32::from(b'=') {
            count += 1;
        }
        if self.c == bracket {
            count
        } else {
            -count - 1
        }
    }

    /// The body of a long string or comment, after its opening `[==`; returns the contents
    /// (line endings normalized to `\n`, a first line ending dropped).
    fn long_bracket(&mut self, level: usize, is_string: bool) -> Result<Vec<u8>, Diagnostic> {
        self.save_advance(); // The second '['.
        if self.at_eol() {
            self.newline()?;
        }
        loop {
            if self.c == EOF {
                let what = if is_string {
                    "unfinished long string"
                } else {
                    "unfinished long comment"
                };
                return Err(self.error(Some(b"<eof>"), what));
            }
            match self.c as u8 {
                b']' => {
                    if self.skip_equals() == level as i64 {
                        self.save_advance(); // The second ']'.
                        break;
                    }
                }
                b'\n' | b'\r' => {
                    self.save(i32::from(b'\n'));
                    self.newline()?;
                    if !is_string {
                        self.buf.clear();
                    }
                }
                _ => {
                    if is_string {
                        self.save_advance();
                    } else {
                        self.advance();
                    }
                }
            }
        }
        if !is_string {
            return Ok(Vec::new());
        }
        let delimiter = level + 2;
        let mut buf = std::mem::take(&mut self.buf);
        buf.truncate(buf.len() - delimiter);
        buf.drain(..delimiter);
        Ok(buf)
    }

    /// A `'...'` or `"..."` literal with its escapes decoded.
    fn short_string(&mut self) -> Result<Token, Diagnostic> {
        let quote = self.c;
        self.save_advance();
        while self.c != quote {
            if self.c == EOF {
                return Err(self.error(Some(b"<eof>"), "unfinished string"));
            }
            match self.c as u8 {
                b'\n' | b'\r' => return Err(self.error_in_token("unfinished string")),
                b'\\' => self.escape()?,
                _ => {
                    self.save_advance();
                }
            }
        }
        self.advance(); // The closing quote.
        let mut value = std::mem::take(&mut self.buf);
        value.remove(0);
        Ok(Token::String {
            value,
            quote: Quote::Short(quote as u8),
        })
    }

    /// One escape sequence, at its backslash.
    fn escape(&mut self) -> Result<(), Diagnostic> {
        let c = self.advance();
        if c == EOF {
            return Ok(()); // The string loop reports the unfinished string.
        }
        let decoded: u8 = match c as u8 {
            b'a' => 0x07,
            b'b' => 0x08,
            b'f' => 0x0c,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'v' => 0x0b,
            b'\\' | b'"' | b'\'' => c as u8,
            b'x' => {
                let high = self.hex_digit_after_advance()?;
                let low = self.hex_digit_after_advance()?;
                (high << 4) | low
            }
            b'u' => return self.unicode_escape(),
            b'z' => {
                self.advance();
                while self.c != EOF && is_space(self.c as u8) {
                    if self.at_eol() {
                        self.newline()?;
                    } else {
                        self.advance();
                    }
                }
                return Ok(());
            }
            b'\n' | b'\r' => {
                self.save(i32::from(b'\n'));
                return self.newline();
            }
            digit if digit.is_ascii_digit() => {
                let mut value = u32::from(digit - b'0');
                for _ in 0..2 {
                    self.advance();
                    if self.c == EOF || !(self.c as u8).is_ascii_digit() {
                        self.save(value as i32);
                        return Ok(());
                    }
                    value = value * 10 + (self.c as u32 - u32::from(b'0'));
                }
                if value > 255 {
                    return Err(self.error_in_token("invalid escape sequence"));
                }
                self.advance();
                self.save(value as i32);
                return Ok(());
            }
            _ => return Err(self.error_in_token("invalid escape sequence")),
        };
        self.save(i32::from(decoded));
        self.advance();
        Ok(())
    }

    /// Advances and decodes the new current byte as a hex digit.
    fn hex_digit_after_advance(&mut self) -> Result<u8, Diagnostic> {
        let c = self.advance();
        match u8::try_from(c).ok().and_then(|b| (b as char).to_digit(16)) {
            Some(d) => Ok(d as u8),
            None => Err(self.error_in_token("invalid escape sequence")),
        }
    }

    /// `\u{XXXX}`, at the `u`: saves the code point as UTF-8 (no surrogates, at most U+10FFFF).
    fn unicode_escape(&mut self) -> Result<(), Diagnostic> {
        if self.advance() != i32::from(b'{') {
            return Err(self.error_in_token("invalid escape sequence"));
        }
        self.advance();
        let mut cp: u32 = 0;
        loop {
            let digit = u8::try_from(self.c)
                .ok()
                .and_then(|b| (b as char).to_digit(16));
            match digit {
                Some(d) => cp = (cp << 4) | d,
                None => return Err(self.error_in_token("invalid escape sequence")),
            }
            if cp >= 0x110000 {
                return Err(self.error_in_token("invalid escape sequence"));
            }
            if self.advance() == i32::from(b'}') {
                break;
            }
        }
        if (0xd800..0xe000).contains(&cp) {
            return Err(self.error_in_token("invalid escape sequence"));
        }
        let ch = char::from_u32(cp).unwrap_or('\u{fffd}');
        let mut utf8 = [0u8; 4];
        for &b in ch.encode_utf8(&mut utf8).as_bytes() {
            self.save(i32::from(b));
        }
        self.advance(); // The '}'.
        Ok(())
    }

    /// A numeric literal starting at the current digit (a leading `.` is already saved).
    fn number(&mut self) -> Result<Token, Diagnostic> {
        let mut exponent_mark = b'e';
        let mut last = self.c as u8;
        if last == b'0' && (self.save_advance() | 0x20) == i32::from(b'x') {
            exponent_mark = b'p';
        }
        while self.c != EOF {
            let c = self.c as u8;
            let sign_after_exponent = (c == b'-' || c == b'+') && (last | 0x20) == exponent_mark;
            if !(is_ident(c) || c == b'.' || sign_after_exponent) {
                break;
            }
            last = c;
            self.save_advance();
        }
        match scan_number(&self.buf) {
            NumberScan::Number(value) => {
                let text = std::mem::take(&mut self.buf);
                Ok(Token::Number { value, text })
            }
            NumberScan::Cdata => Err(self
                .error_in_token("cdata number literals (LL, ULL, i suffixes) are not supported")),
            NumberScan::Malformed => Err(self.error_in_token("malformed number")),
        }
    }
}

/// Bytes that may appear in identifiers: ASCII letters, digits, `_` and every byte >= 0x80.
fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c >= 0x80
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The meaning of a numeric literal's text.
#[derive(Debug, PartialEq)]
enum NumberScan {
    Number(f64),
    /// A literal LuaJIT turns into an FFI cdata value (`1LL`, `2ULL`, `3i`).
    Cdata,
    Malformed,
}

/// Decodes a numeric literal as LuaJIT's `lj_strscan_scan` does for source code.
fn scan_number(text: &[u8]) -> NumberScan {
    let is_hex = text.len() >= 2 && text[0] == b'0' && (text[1] | 0x20) == b'x';
    let body = if is_hex { &text[2..] } else { text };
    let digit_ok = |c: u8| {
        if is_hex {
            c.is_ascii_hexdigit()
        } else {
            c.is_ascii_digit()
        }
    };

    // Mantissa: digits with at most one '.', at least one digit.
    let mut i = 0;
    let mut digits = 0usize;
    let mut seen_dot = false;
    while i < body.len() {
        let c = body[i];
        if digit_ok(c) {
            digits += 1;
        } else if c == b'.' && !seen_dot {
            seen_dot = true;
        } else {
            break;
        }
        i += 1;
    }
    if digits == 0 {
        return NumberScan::Malformed;
    }
    let mantissa_end = i;

    // Optional exponent: e for decimal, p (binary) for hex.
    let mut has_exponent = false;
    let mut exponent: i64 = 0;
    if i < body.len() && (body[i] | 0x20) == if is_hex { b'p' } else { b'e' } {
        i += 1;
        let negative = match body.get(i) {
            Some(b'-') => {
                i += 1;
                true
            }
            Some(b'+') => {
                i += 1;
                false
            }
            _ => false,
        };
        let start = i;
        while i < body.len() && body[i].is_ascii_digit() {
            exponent = (exponent * 10 + i64::from(body[i] - b'0')).min(1 << 30);
            i += 1;
        }
        if i == start {
            return NumberScan::Malformed;
        }
        if negative {
            exponent = -exponent;
        }
        has_exponent = true;
    }

    let suffix = &body[i..];
    if !suffix.is_empty() {
        let lower: Vec<u8> = suffix.iter().map(|c| c | 0x20).collect();
        let integer = !seen_dot && !has_exponent;
        let cdata = lower == b"i" || (integer && (lower == b"ll" || lower == b"ull"));
        return if cdata {
            NumberScan::Cdata
        } else {
            NumberScan::Malformed
        };
    }

    if is_hex {
        NumberScan::Number(hex_value(&body[..mantissa_end], exponent))
    } else {
        // The text is plain ASCII digits, '.', 'e', sign: Rust's parser rounds correctly.
        match std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse::<f64>().ok())
        {
            Some(v) => NumberScan::Number(v),
            None => NumberScan::Malformed,
        }
    }
}

/// The value of hex mantissa digits (with an optional '.') times 2^`exponent`, rounded to
/// nearest even like LuaJIT's `strscan_hex`/`strscan_double`.
fn hex_value(mantissa: &[u8], exponent: i64) -> f64 {
    let mut x: u64 = 0;
    let mut significant = 0u32;
    let mut exp2: i64 = exponent;
    let mut after_dot = false;
    for &c in mantissa {
        if c == b'.' {
            after_dot = true;
            continue;
        }
        let d = u64::from((c as char).to_digit(16).unwrap_or(0));
        if significant == 0 && d == 0 {
            if after_dot {
                exp2 -= 4;
            }
            continue;
        }
        if significant < 16 {
            x = (x << 4) | d;
            significant += 1;
            if after_dot {
                exp2 -= 4;
            }
        } else {
            // Digits beyond 64 bits only matter as a sticky bit for rounding.
            if d != 0 {
                x |= 1;
            }
            if !after_dot {
                exp2 += 4;
            }
        }
    }
    if x == 0 {
        return 0.0;
    }
    if x & 0xc000_0000_0000_0000 != 0 {
        x = (x >> 2) | (x & 3);
        exp2 += 2;
    }
    // Round denormal results once, at the right bit, to avoid double rounding.
    if exp2 <= -1075 {
        let top_bit = 63 - i64::from(x.leading_zeros());
        if top_bit + exp2 <= -1023 && top_bit + exp2 >= -1075 {
            let round_bit = 1u64 << (-1075 - exp2);
            if x & round_bit != 0 && x & (round_bit * 3 - 1) != 0 {
                x += round_bit * 2;
            }
            x &= !(round_bit * 2 - 1);
        }
    }
    scale_by_power_of_two(x as f64, exp2)
}

/// `value * 2^exp2` without intermediate overflow or underflow (like C's `ldexp`).
fn scale_by_power_of_two(mut value: f64, mut exp2: i64) -> f64 {
    let exp2_clamped = exp2.clamp(-2200, 2200);
    exp2 = exp2_clamped;
    while exp2 > 1000 {
        value *= 2f64.powi(1000);
        exp2 -= 1000;
    }
    while exp2 < -1000 {
        value *= 2f64.powi(-1000);
        exp2 += 1000;
    }
    value * 2f64.powi(exp2 as i32)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(src: &str) -> Vec<Token> {
        let mut lexer = Lexer::new(src.as_bytes()).expect("lexer");
        let mut out = Vec::new();
        loop {
            let token = lexer.next_token().expect("token");
            if token == Token::Eof {
                return out;
            }
            out.push(token);
        }
    }

    fn lex_error(src: &[u8]) -> String {
        let mut lexer = match Lexer::new(src) {
            Ok(lexer) => lexer,
            Err(e) => return format!("{}: {}", e.line, String::from_utf8_lossy(&e.message)),
        };
        loop {
            match lexer.next_token() {
                Ok(Token::Eof) => panic!("no error in {src:?}"),
                Ok(_) => {}
                Err(e) => return format!("{}: {}", e.line, String::from_utf8_lossy(&e.message)),
            }
        }
    }

    fn string_value(src: &str) -> Vec<u8> {
        match tokens(src).as_slice() {
            [Token::String { value, .. }] => value.clone(),
            other => panic!("not one string: {other:?}"),
        }
    }

    fn number_value(src: &str) -> f64 {
        match tokens(src).as_slice() {
            [Token::Number { value, .. }] => *value,
            other => panic!("not one number: {other:?}"),
        }
    }

    #[test]
    fn symbols_and_keywords() {
        use Token::*;
        assert_eq!(
            tokens("a ~= b == c <= d >= e :: f .. g ... h ~ ! != goto"),
            vec![
                Name(b"a".to_vec()),
                Ne,
                Name(b"b".to_vec()),
                Eq,
                Name(b"c".to_vec()),
                Le,
                Name(b"d".to_vec()),
                Ge,
                Name(b"e".to_vec()),
                Label,
                Name(b"f".to_vec()),
                Concat,
                Name(b"g".to_vec()),
                Dots,
                Name(b"h".to_vec()),
                Char(b'~'),
                Char(b'!'),
                Char(b'!'),
                Char(b'='),
                Goto,
            ]
        );
    }

    #[test]
    fn high_bytes_are_identifier_bytes() {
        assert_eq!(
            tokens("caf\u{e9} = 1")[0],
            Token::Name("caf\u{e9}".as_bytes().to_vec())
        );
    }

    #[test]
    fn string_escapes() {
        assert_eq!(
            string_value(r#""\a\b\f\n\r\t\v\\\"\'""#),
            b"\x07\x08\x0c\n\r\t\x0b\\\"'"
        );
        assert_eq!(string_value(r"'\65\066\0671\255'"), b"AB\x431\xff");
        assert_eq!(string_value(r"'\x41\x7a\xFF'"), b"Az\xff");
        assert_eq!(
            string_value(r"'\u{41}\u{e9}\u{20AC}\u{10FFFF}\u{0000041}'"),
            "A\u{e9}\u{20ac}\u{10ffff}A".as_bytes()
        );
        assert_eq!(string_value("'a\\z  \n\t  b'"), b"ab");
        assert_eq!(string_value("'a\\\r\nb'"), b"a\nb");
        assert_eq!(string_value("'a\\\n\rb'"), b"a\nb");
        assert_eq!(string_value("'\\0'"), b"\0");
    }

    #[test]
    fn long_strings_and_comments() {
        assert_eq!(string_value("[[\nabc]]"), b"abc");
        assert_eq!(string_value("[[\r\nabc\r\ndef]]"), b"abc\ndef");
        assert_eq!(string_value("[==[a]]b]=]c]==]"), b"a]]b]=]c");
        assert_eq!(string_value("--[[ comment ]] [=[x]=] -- tail"), b"x");
        assert_eq!(string_value("--[==[ a\n]] ]==] 'y'"), b"y");
        assert_eq!(tokens("--[ not long\nx"), vec![Token::Name(b"x".to_vec())]);
    }

    #[test]
    fn line_counting() {
        let mut lexer = Lexer::new(b"a\r\nb\n\rc\n\nd\re [[\n\n]] f").expect("lexer");
        let mut lines = Vec::new();
        while lexer.next_token().expect("token") != Token::Eof {
            lines.push(lexer.line);
        }
        assert_eq!(lines, vec![1, 2, 3, 5, 6, 8, 8]);
    }

    #[test]
    fn numbers() {
        let cases: &[(&str, f64)] = &[
            ("3", 3.0),
            ("3.", 3.0),
            (".5", 0.5),
            ("1e2", 100.0),
            ("1.e2", 100.0),
            ("1E+2", 100.0),
            ("2e-1", 0.2),
            ("08", 8.0),
            ("0x10", 16.0),
            ("0XfF", 255.0),
            ("0x.8", 0.5),
            ("0x1.", 1.0),
            ("0x1p4", 16.0),
            ("0x1.8P-1", 0.75),
            ("0x10000000000000000", 18446744073709551616.0),
            ("0xffffffffffffffff", 18446744073709551615.0),
            ("0x1fffffffffffff", 9007199254740991.0),
            ("0x20000000000001", 9007199254740992.0),
            ("0x20000000000003", 9007199254740996.0),
            ("1e999", f64::INFINITY),
            ("0x1p-1074", 5e-324),
            ("0x1p-1075", 0.0),
            ("0x1.8p-1074", 1e-323),
            ("0x1p99999", f64::INFINITY),
            ("123456789012345678901234567890", 1.2345678901234568e29),
        ];
        for &(src, want) in cases {
            assert_eq!(number_value(src), want, "{src}");
        }
    }

    #[test]
    fn number_scan_rejections() {
        for text in [
            "0x", "0x.", "0x.p1", "1e", "1e+", "0x1p", "5..3", "3x", "1_0", "1.5LL", "1e5LL",
            "1ULLi", "0x1g", "1p5",
        ] {
            assert_eq!(
                scan_number(text.as_bytes()),
                NumberScan::Malformed,
                "{text}"
            );
        }
        for text in ["1LL", "1ull", "0x10ULL", "1uLL", "2I", "0x1p4i", "1.5i"] {
            assert_eq!(scan_number(text.as_bytes()), NumberScan::Cdata, "{text}");
        }
    }

    #[test]
    fn lexer_errors_match_luajit() {
        let cases: &[(&[u8], &str)] = &[
            (b"x = \"abc", "1: unfinished string near '<eof>'"),
            (b"x = \"abc\ny\"", "1: unfinished string near '\"abc'"),
            (b"x = \"a\\qb\"", "1: invalid escape sequence near '\"a'"),
            (b"x = \"a\\x4g\"", "1: invalid escape sequence near '\"a'"),
            (
                b"x = \"a\\u{110000}\"",
                "1: invalid escape sequence near '\"a'",
            ),
            (
                b"x = \"a\\u{d800}\"",
                "1: invalid escape sequence near '\"a'",
            ),
            (b"x = \"a\\256\"", "1: invalid escape sequence near '\"a'"),
            (b"x = '\\u{}'", "1: invalid escape sequence near '''"),
            (b"x = '\\u41'", "1: invalid escape sequence near '''"),
            (b"x = \"\\", "1: unfinished string near '<eof>'"),
            (b"x = 'a\\\r\nb", "2: unfinished string near '<eof>'"),
            (b"x = 3x", "1: malformed number near '3x'"),
            (b"x = 0x", "1: malformed number near '0x'"),
            (b"x = 5..3", "1: malformed number near '5..3'"),
            (b"x = 1e+", "1: malformed number near '1e+'"),
            (b"x = .0x1p-1", "1: malformed number near '.0x1p-1'"),
            (b"x = 3\xff", "1: malformed number near '3\u{fffd}'"),
            (b"x = [[abc", "1: unfinished long string near '<eof>'"),
            (b"--[[abc\n\n", "3: unfinished long comment near '<eof>'"),
            (b"x = [=abc", "1: invalid long string delimiter near '[='"),
            (b"x = [==[ ]=]", "1: unfinished long string near '<eof>'"),
            (b"\x1bLua", "0: cannot load incompatible bytecode"),
            (b"#!x\n\x1bLua", "0: cannot load malformed bytecode"),
            (b"\xef\xbb\xbf\x1bLua", "0: cannot load malformed bytecode"),
            (
                b"x = 1LL",
                "1: cdata number literals (LL, ULL, i suffixes) are not supported near '1LL'",
            ),
        ];
        for &(src, want) in cases {
            assert_eq!(lex_error(src), want, "{:?}", String::from_utf8_lossy(src));
        }
    }

    #[test]
    fn headers_are_skipped() {
        assert_eq!(
            tokens("#!/usr/bin/lua\nx"),
            vec![Token::Name(b"x".to_vec())]
        );
        assert_eq!(tokens("\u{feff}x"), vec![Token::Name(b"x".to_vec())]);
        assert_eq!(tokens("#only a shebang"), vec![]);
        assert_eq!(
            tokens("x #y"),
            vec![
                Token::Name(b"x".to_vec()),
                Token::Char(b'#'),
                Token::Name(b"y".to_vec())
            ]
        );
    }
}
