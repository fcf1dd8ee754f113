//! Lua 5.1 patterns, matched exactly as LuaJIT 2.1 matches them.
//!
//! The matcher is a backtracking interpreter over the pattern bytes, with the
//! same structure (and therefore the same results, errors and error timing) as
//! LuaJIT's `lib_string.c`: errors in a pattern surface only when the matcher
//! reaches the faulty item, a pattern ends at its first NUL byte (LuaJIT reads
//! it as a C string), and recursion is bounded at 200 nested calls, past which
//! matching fails with `pattern too complex` instead of exhausting the stack.
//! Single-item repetitions (`*`, `+`, `-`) are loops, as in Lua.
//!
//! Character classes use the C locale: only ASCII bytes belong to `%a`, `%s`, ...
//!
//! This module never allocates per matched byte and never panics on any
//! pattern or subject.

use thiserror::Error;

/// Nesting limit of the matcher, LuaJIT's `LJ_MAX_XLEVEL`.
const MAX_DEPTH: usize = 200;
/// Maximum number of captures in one pattern, Lua's `LUA_MAXCAPTURES`.
pub const MAX_CAPTURES: usize = 32;
/// The bytes whose presence makes `string.find` use the pattern matcher.
const SPECIALS: &[u8] = b"^$*+?.([%-";

/// A pattern error, worded exactly as LuaJIT words it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum PatternError {
    #[error("malformed pattern (ends with '%')")]
    EndsWithPercent,
    #[error("malformed pattern (missing ']')")]
    MissingBracket,
    #[error("missing '[' after '%f' in pattern")]
    MissingFrontierSet,
    #[error("unbalanced pattern")]
    Unbalanced,
    #[error("unfinished capture")]
    UnfinishedCapture,
    #[error("invalid pattern capture")]
    InvalidPatternCapture,
    #[error("invalid capture index")]
    InvalidCaptureIndex,
    #[error("too many captures")]
    TooManyCaptures,
    #[error("pattern too complex")]
    TooComplex,
}

/// One capture of a successful match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Capture {
    /// A substring capture: byte offsets into the subject, `end` exclusive.
    Span { start: usize, end: usize },
    /// A position capture `()`: the 1-based position, as Lua returns it.
    Position(usize),
    /// A capture whose `)` the pattern never reached (e.g. `"(a"`). Lua only
    /// complains (`unfinished capture`) when such a capture is used, so it is
    /// kept here and turned into that error by the accessors of [`Match`].
    Unfinished { start: usize },
}

impl Capture {
    /// The captured bytes of a span capture; `None` for a position capture
    /// or an unfinished one.
    pub fn bytes<'s>(&self, subject: &'s [u8]) -> Option<&'s [u8]> {
        match *self {
            Capture::Span { start, end } => Some(&subject[start..end]),
            _ => None,
        }
    }

    /// Appends the capture as Lua converts it to a string (a position is
    /// printed in decimal).
    fn append_to(&self, subject: &[u8], out: &mut Vec<u8>) -> Result<(), PatternError> {
        match *self {
            Capture::Span { start, end } => out.extend_from_slice(&subject[start..end]),
            Capture::Position(position) => out.extend_from_slice(position.to_string().as_bytes()),
            Capture::Unfinished { .. } => return Err(PatternError::UnfinishedCapture),
        }
        Ok(())
    }
}

/// A successful match: the matched range of the subject and its captures.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// Byte offset of the first matched byte.
    pub start: usize,
    /// Byte offset just past the match.
    pub end: usize,
    /// The pattern's captures in order of their `(`; empty if it has none.
    /// May hold [`Capture::Unfinished`]; the accessor methods turn it into
    /// Lua's error.
    pub captures: Vec<Capture>,
}

impl Match {
    /// The whole match as a span.
    pub fn whole(&self) -> Capture {
        Capture::Span {
            start: self.start,
            end: self.end,
        }
    }

    /// Capture `index` (0-based) as Lua's `push_onecapture` gives it: with no
    /// captures at all, index 0 is the whole match; an index past the last
    /// capture is `invalid capture index`; an unfinished capture is
    /// `unfinished capture`.
    pub fn capture_or_whole(&self, index: usize) -> Result<Capture, PatternError> {
        match self.captures.get(index) {
            Some(Capture::Unfinished { .. }) => Err(PatternError::UnfinishedCapture),
            Some(capture) => Ok(*capture),
            None if index == 0 => Ok(self.whole()),
            None => Err(PatternError::InvalidCaptureIndex),
        }
    }

    /// The values `string.match`, `string.gmatch` and a `string.gsub`
    /// replacement function receive: every capture, or the whole match when
    /// the pattern has no captures.
    pub fn captures_or_whole(&self) -> Result<Vec<Capture>, PatternError> {
        if self.captures.is_empty() {
            return Ok(vec![self.whole()]);
        }
        self.finished_captures()
    }

    /// The values `string.find` returns after the two positions: every
    /// capture, nothing when the pattern has no captures.
    pub fn finished_captures(&self) -> Result<Vec<Capture>, PatternError> {
        self.captures
            .iter()
            .map(|capture| match capture {
                Capture::Unfinished { .. } => Err(PatternError::UnfinishedCapture),
                other => Ok(*other),
            })
            .collect()
    }
}

/// A pattern ready to be matched. Construction is free of errors: as in Lua,
/// a malformed pattern is reported when matching reaches the malformed part.
#[derive(Debug, Clone, Copy)]
pub struct Pattern<'p> {
    /// The pattern up to its first NUL byte, `^` included.
    source: &'p [u8],
    anchored: bool,
}

impl<'p> Pattern<'p> {
    /// Wraps pattern bytes. Like LuaJIT, the pattern ends at its first NUL.
    pub fn new(pattern: &'p [u8]) -> Pattern<'p> {
        let source = match pattern.iter().position(|&b| b == 0) {
            Some(nul) => &pattern[..nul],
            None => pattern,
        };
        Pattern {
            source,
            anchored: source.first() == Some(&b'^'),
        }
    }

    /// Whether the pattern starts with `^` (honoured by `find` and `gsub`;
    /// `gmatch` treats `^` as an ordinary byte, as Lua 5.1 does).
    pub fn is_anchored(&self) -> bool {
        self.anchored
    }

    /// The pattern without its anchor.
    fn body(&self) -> &'p [u8] {
        if self.anchored {
            &self.source[1..]
        } else {
            self.source
        }
    }

    /// Matches the pattern (without its `^`) starting exactly at byte `pos`.
    pub fn match_at(&self, subject: &[u8], pos: usize) -> Result<Option<Match>, PatternError> {
        match_body(self.body(), subject, pos)
    }

    /// `string.find`/`string.match`: tries every start position from `init`
    /// (0-based, clamped to the subject's length) up to and including the end
    /// of the subject, or only `init` when the pattern is anchored.
    pub fn find(&self, subject: &[u8], init: usize) -> Result<Option<Match>, PatternError> {
        let mut matcher = Matcher::new(self.body(), subject);
        let mut start = init.min(subject.len());
        loop {
            if let Some(end) = matcher.attempt(start)? {
                return Ok(Some(matcher.to_match(start, end)));
            }
            if self.anchored || start >= subject.len() {
                return Ok(None);
            }
            start += 1;
        }
    }
}

/// Runs one match attempt of `pattern` at `start`.
fn match_body(pattern: &[u8], subject: &[u8], start: usize) -> Result<Option<Match>, PatternError> {
    if start > subject.len() {
        return Ok(None);
    }
    let mut matcher = Matcher::new(pattern, subject);
    Ok(matcher
        .attempt(start)?
        .map(|end| matcher.to_match(start, end)))
}

/// One step of `string.gmatch`: finds the next match at or after `*pos`
/// (initially 0) and advances `*pos` past it, by one more byte after an empty
/// match. `^` is an ordinary byte here, as in Lua 5.1. Returns `None` once the
/// subject is exhausted.
pub fn gmatch_next(
    pattern: &Pattern,
    subject: &[u8],
    pos: &mut usize,
) -> Result<Option<Match>, PatternError> {
    let mut matcher = Matcher::new(pattern.source, subject);
    let mut start = *pos;
    while start <= subject.len() {
        if let Some(end) = matcher.attempt(start)? {
            *pos = if end == start { end + 1 } else { end };
            return Ok(Some(matcher.to_match(start, end)));
        }
        start += 1;
    }
    *pos = subject.len() + 1;
    Ok(None)
}

/// `string.gsub`: replaces up to `max_replacements` matches (all when `None`)
/// of `pattern` in `subject`. `replace` appends the replacement of one match
/// to the output (see [`expand_replacement`] for string replacements).
/// Returns the new string and the number of matches replaced.
pub fn gsub<E: From<PatternError>>(
    subject: &[u8],
    pattern: &[u8],
    max_replacements: Option<usize>,
    mut replace: impl FnMut(&Match, &[u8], &mut Vec<u8>) -> Result<(), E>,
) -> Result<(Vec<u8>, usize), E> {
    let pattern = Pattern::new(pattern);
    let mut matcher = Matcher::new(pattern.body(), subject);
    let max_replacements = max_replacements.unwrap_or(subject.len() + 1);
    let mut out = Vec::with_capacity(subject.len());
    let mut src = 0;
    let mut count = 0;
    while count < max_replacements {
        let end = matcher.attempt(src)?;
        if let Some(end) = end {
            count += 1;
            let found = matcher.to_match(src, end);
            replace(&found, subject, &mut out)?;
        }
        match end {
            Some(end) if end > src => src = end,
            _ if src < subject.len() => {
                out.push(subject[src]);
                src += 1;
            }
            _ => break,
        }
        if pattern.anchored {
            break;
        }
    }
    out.extend_from_slice(&subject[src..]);
    Ok((out, count))
}

/// Expands a `string.gsub` replacement string for one match: `%0` is the
/// whole match, `%1`-`%9` a capture (`%1` is the whole match when the pattern
/// has no captures), `%` followed by any other byte is that byte (so `%%` is
/// `%`), and a lone `%` at the end stands for a NUL byte, as in LuaJIT.
pub fn expand_replacement(
    repl: &[u8],
    subject: &[u8],
    m: &Match,
    out: &mut Vec<u8>,
) -> Result<(), PatternError> {
    let mut bytes = repl.iter();
    while let Some(&byte) = bytes.next() {
        if byte != b'%' {
            out.push(byte);
            continue;
        }
        // LuaJIT reads the string's NUL terminator after a trailing '%'.
        let escaped = bytes.next().copied().unwrap_or(0);
        match escaped {
            b'0' => out.extend_from_slice(&subject[m.start..m.end]),
            b'1'..=b'9' => m
                .capture_or_whole(usize::from(escaped - b'1'))?
                .append_to(subject, out)?,
            other => out.push(other),
        }
    }
    Ok(())
}

/// Whether `string.find` must use the matcher: the pattern holds one of
/// `^$*+?.([%-` anywhere (LuaJIT 2.1's `lj_str_haspattern` scans the whole
/// string, even past a NUL that ends the pattern for the matcher).
pub fn has_specials(pattern: &[u8]) -> bool {
    pattern.iter().any(|b| SPECIALS.contains(b))
}

/// Plain substring search from byte `init` (the whole needle, NULs included);
/// returns the 0-based offset of the first occurrence. An empty needle is
/// found at `init`.
pub fn find_plain(subject: &[u8], needle: &[u8], init: usize) -> Option<usize> {
    let init = init.min(subject.len());
    if needle.is_empty() {
        return Some(init);
    }
    subject[init..]
        .windows(needle.len())
        .position(|window| window == needle)
        .map(|offset| init + offset)
}

/// The length state of a capture while matching.
#[derive(Debug, Clone, Copy)]
enum CaptureLength {
    Unfinished,
    Position,
    Closed(usize),
}

#[derive(Debug, Clone, Copy)]
struct CaptureSlot {
    start: usize,
    length: CaptureLength,
}

/// The state of one match attempt (Lua's `MatchState`).
struct Matcher<'a> {
    pattern: &'a [u8],
    subject: &'a [u8],
    level: usize,
    captures: [CaptureSlot; MAX_CAPTURES],
    depth: usize,
}

impl<'a> Matcher<'a> {
    fn new(pattern: &'a [u8], subject: &'a [u8]) -> Matcher<'a> {
        Matcher {
            pattern,
            subject,
            level: 0,
            captures: [CaptureSlot {
                start: 0,
                length: CaptureLength::Unfinished,
            }; MAX_CAPTURES],
            depth: 0,
        }
    }

    /// One match attempt of the whole pattern at `start`, with fresh
    /// captures and nesting count (as LuaJIT resets them per position).
    fn attempt(&mut self, start: usize) -> Result<Option<usize>, PatternError> {
        self.level = 0;
        self.depth = 0;
        self.run(start, 0)
    }

    fn to_match(&self, start: usize, end: usize) -> Match {
        let captures = self.captures[..self.level]
            .iter()
            .map(|slot| match slot.length {
                CaptureLength::Unfinished => Capture::Unfinished { start: slot.start },
                CaptureLength::Position => Capture::Position(slot.start + 1),
                CaptureLength::Closed(length) => Capture::Span {
                    start: slot.start,
                    end: slot.start + length,
                },
            })
            .collect();
        Match {
            start,
            end,
            captures,
        }
    }

    /// The pattern byte at `index`, or 0 past the end (the C terminator).
    fn at(&self, index: usize) -> u8 {
        self.pattern.get(index).copied().unwrap_or(0)
    }

    /// The subject byte at `index`, or 0 at the end (the C terminator).
    fn subject_at(&self, index: usize) -> u8 {
        self.subject.get(index).copied().unwrap_or(0)
    }

    /// Lua's `match`: the end of a match of `pattern[p..]` at `s`, if any.
    fn run(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(PatternError::TooComplex);
        }
        let result = self.run_items(s, p);
        self.depth -= 1;
        result
    }

    fn run_items(&mut self, mut s: usize, mut p: usize) -> Result<Option<usize>, PatternError> {
        loop {
            match self.at(p) {
                0 => return Ok(Some(s)),
                b'(' => {
                    return if self.at(p + 1) == b')' {
                        self.start_capture(s, p + 2, CaptureLength::Position)
                    } else {
                        self.start_capture(s, p + 1, CaptureLength::Unfinished)
                    };
                }
                b')' => return self.end_capture(s, p + 1),
                b'$' if self.at(p + 1) == 0 => {
                    return Ok((s == self.subject.len()).then_some(s));
                }
                b'%' if self.at(p + 1) == b'b' => match self.match_balance(s, p + 2)? {
                    Some(end) => {
                        s = end;
                        p += 4;
                        continue;
                    }
                    None => return Ok(None),
                },
                b'%' if self.at(p + 1) == b'f' => {
                    p += 2;
                    if self.at(p) != b'[' {
                        return Err(PatternError::MissingFrontierSet);
                    }
                    let ep = self.class_end(p)?;
                    let previous = if s == 0 { 0 } else { self.subject[s - 1] };
                    let current = self.subject_at(s);
                    if self.match_bracket_class(previous, p, ep - 1)
                        || !self.match_bracket_class(current, p, ep - 1)
                    {
                        return Ok(None);
                    }
                    p = ep;
                    continue;
                }
                b'%' if self.at(p + 1).is_ascii_digit() => {
                    match self.match_back_reference(s, self.at(p + 1))? {
                        Some(end) => {
                            s = end;
                            p += 2;
                            continue;
                        }
                        None => return Ok(None),
                    }
                }
                _ => {}
            }
            // A single-byte item, possibly followed by a quantifier.
            let ep = self.class_end(p)?;
            let matches_here = s < self.subject.len() && self.single_match(self.subject[s], p, ep);
            match self.at(ep) {
                b'?' => {
                    if matches_here {
                        if let Some(end) = self.run(s + 1, ep + 1)? {
                            return Ok(Some(end));
                        }
                    }
                    p = ep + 1;
                }
                b'*' => return self.max_expand(s, p, ep),
                b'+' => {
                    return if matches_here {
                        self.max_expand(s + 1, p, ep)
                    } else {
                        Ok(None)
                    };
                }
                b'-' => return self.min_expand(s, p, ep),
                _ => {
                    if !matches_here {
                        return Ok(None);
                    }
                    s += 1;
                    p = ep;
                }
            }
        }
    }

    /// The index just past the single-byte item starting at `p`.
    fn class_end(&self, mut p: usize) -> Result<usize, PatternError> {
        let first = self.at(p);
        p += 1;
        match first {
            b'%' => {
                if self.at(p) == 0 {
                    return Err(PatternError::EndsWithPercent);
                }
                Ok(p + 1)
            }
            b'[' => {
                if self.at(p) == b'^' {
                    p += 1;
                }
                // The first byte of a set is always a member, even ']'.
                loop {
                    if self.at(p) == 0 {
                        return Err(PatternError::MissingBracket);
                    }
                    let byte = self.at(p);
                    p += 1;
                    if byte == b'%' && self.at(p) != 0 {
                        p += 1;
                    }
                    if self.at(p) == b']' {
                        return Ok(p + 1);
                    }
                }
            }
            _ => Ok(p),
        }
    }

    /// Whether byte `c` matches the single item `pattern[p..ep]`.
    fn single_match(&self, c: u8, p: usize, ep: usize) -> bool {
        match self.at(p) {
            b'.' => true,
            b'%' => match_class(c, self.at(p + 1)),
            b'[' => self.match_bracket_class(c, p, ep - 1),
            literal => literal == c,
        }
    }

    /// Whether `c` is in the set `pattern[p..=ec]` (`p` at '[', `ec` at ']').
    fn match_bracket_class(&self, c: u8, mut p: usize, ec: usize) -> bool {
        let mut member = true;
        if self.at(p + 1) == b'^' {
            member = false;
            p += 1;
        }
        loop {
            p += 1;
            if p >= ec {
                return !member;
            }
            let byte = self.at(p);
            if byte == b'%' {
                p += 1;
                if match_class(c, self.at(p)) {
                    return member;
                }
            } else if self.at(p + 1) == b'-' && p + 2 < ec {
                p += 2;
                if byte <= c && c <= self.at(p) {
                    return member;
                }
            } else if byte == c {
                return member;
            }
        }
    }

    /// `%bxy` at subject position `s`, with `p` at `x`.
    fn match_balance(&self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let (open, close) = (self.at(p), self.at(p + 1));
        if open == 0 || close == 0 {
            return Err(PatternError::Unbalanced);
        }
        if self.subject_at(s) != open || s >= self.subject.len() {
            return Ok(None);
        }
        let mut open_count = 1usize;
        for (offset, &byte) in self.subject[s + 1..].iter().enumerate() {
            if byte == close {
                open_count -= 1;
                if open_count == 0 {
                    return Ok(Some(s + 1 + offset + 1));
                }
            } else if byte == open {
                open_count += 1;
            }
        }
        Ok(None)
    }

    /// Greedy repetition: the longest run first, then shorter ones.
    fn max_expand(&mut self, s: usize, p: usize, ep: usize) -> Result<Option<usize>, PatternError> {
        let mut count = 0;
        while s + count < self.subject.len() && self.single_match(self.subject[s + count], p, ep) {
            count += 1;
        }
        loop {
            if let Some(end) = self.run(s + count, ep + 1)? {
                return Ok(Some(end));
            }
            if count == 0 {
                return Ok(None);
            }
            count -= 1;
        }
    }

    /// Lazy repetition: the shortest run first, then longer ones.
    fn min_expand(
        &mut self,
        mut s: usize,
        p: usize,
        ep: usize,
    ) -> Result<Option<usize>, PatternError> {
        loop {
            if let Some(end) = self.run(s, ep + 1)? {
                return Ok(Some(end));
            }
            if s < self.subject.len() && self.single_match(self.subject[s], p, ep) {
                s += 1;
            } else {
                return Ok(None);
            }
        }
    }

    fn start_capture(
        &mut self,
        s: usize,
        p: usize,
        length: CaptureLength,
    ) -> Result<Option<usize>, PatternError> {
        let level = self.level;
        if level >= MAX_CAPTURES {
            return Err(PatternError::TooManyCaptures);
        }
        self.captures[level] = CaptureSlot { start: s, length };
        self.level = level + 1;
        let result = self.run(s, p)?;
        if result.is_none() {
            self.level -= 1;
        }
        Ok(result)
    }

    fn end_capture(&mut self, s: usize, p: usize) -> Result<Option<usize>, PatternError> {
        let level = self.capture_to_close()?;
        self.captures[level].length = CaptureLength::Closed(s - self.captures[level].start);
        let result = self.run(s, p)?;
        if result.is_none() {
            self.captures[level].length = CaptureLength::Unfinished;
        }
        Ok(result)
    }

    /// The innermost capture still open.
    fn capture_to_close(&self) -> Result<usize, PatternError> {
        self.captures[..self.level]
            .iter()
            .rposition(|slot| matches!(slot.length, CaptureLength::Unfinished))
            .ok_or(PatternError::InvalidPatternCapture)
    }

    /// `%1`-`%9` (and the invalid `%0`) inside a pattern.
    fn match_back_reference(&self, s: usize, digit: u8) -> Result<Option<usize>, PatternError> {
        let index = usize::from(digit).wrapping_sub(usize::from(b'1'));
        let slot = match self.captures[..self.level].get(index) {
            Some(slot) if !matches!(slot.length, CaptureLength::Unfinished) => *slot,
            _ => return Err(PatternError::InvalidCaptureIndex),
        };
        // A position capture never matches as a back-reference (its length
        // is a huge number in C).
        let CaptureLength::Closed(length) = slot.length else {
            return Ok(None);
        };
        let captured = &self.subject[slot.start..slot.start + length];
        Ok(self.subject[s..]
            .starts_with(captured)
            .then_some(s + length))
    }
}

/// Whether byte `c` belongs to the class `%class` (C locale, LuaJIT's table:
/// `%g` is supported; other letters and non-letters stand for themselves).
fn match_class(c: u8, class: u8) -> bool {
    let member = match class.to_ascii_lowercase() {
        b'a' => c.is_ascii_alphabetic(),
        b'c' => c.is_ascii_control(),
        b'd' => c.is_ascii_digit(),
        b'g' => c.is_ascii_graphic(),
        b'l' => c.is_ascii_lowercase(),
        b'p' => c.is_ascii_punctuation(),
        b's' => matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r'),
        b'u' => c.is_ascii_uppercase(),
        b'w' => c.is_ascii_alphanumeric(),
        b'x' => c.is_ascii_hexdigit(),
        b'z' => c == 0,
        _ => return class == c,
    };
    if class.is_ascii_uppercase() {
        !member
    } else {
        member
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `string.find(subject, pattern, init)` rendered as LuaJIT prints the
    /// results joined by spaces (`nil` when not found), or the error text.
    fn find(subject: &[u8], pattern: &[u8], init: usize) -> String {
        let result = if has_specials(pattern) {
            Pattern::new(pattern).find(subject, init).map(|found| {
                found.map(|m| {
                    let mut parts = vec![(m.start + 1).to_string(), m.end.to_string()];
                    parts.extend(render(subject, &m.finished_captures()?));
                    Ok::<_, PatternError>(parts.join(" "))
                })
            })
        } else {
            Ok(find_plain(subject, pattern, init)
                .map(|at| Ok(format!("{} {}", at + 1, at + pattern.len()))))
        };
        match result {
            Ok(Some(Ok(text))) => text,
            Ok(Some(Err(error))) | Err(error) => format!("error: {error}"),
            Ok(None) => "nil".to_string(),
        }
    }

    /// `string.match(subject, pattern)`.
    fn lua_match(subject: &[u8], pattern: &[u8]) -> String {
        match Pattern::new(pattern)
            .find(subject, 0)
            .and_then(|found| found.map(|m| m.captures_or_whole()).transpose())
        {
            Ok(Some(captures)) => render(subject, &captures).join(" "),
            Ok(None) => "nil".to_string(),
            Err(error) => format!("error: {error}"),
        }
    }

    fn render(subject: &[u8], captures: &[Capture]) -> Vec<String> {
        captures
            .iter()
            .map(|capture| match capture {
                Capture::Span { start, end } => {
                    String::from_utf8_lossy(&subject[*start..*end]).into_owned()
                }
                Capture::Position(position) => position.to_string(),
                Capture::Unfinished { .. } => unreachable!("accessors reject unfinished captures"),
            })
            .collect()
    }

    /// `string.gsub(subject, pattern, repl, max)` with a string replacement.
    fn gsub_string(subject: &[u8], pattern: &[u8], repl: &[u8], max: Option<usize>) -> String {
        match gsub::<PatternError>(subject, pattern, max, |m, subject, out| {
            expand_replacement(repl, subject, m, out)
        }) {
            Ok((text, count)) => format!("{} {count}", String::from_utf8_lossy(&text)),
            Err(error) => format!("error: {error}"),
        }
    }

    fn gmatch_all(subject: &[u8], pattern: &[u8]) -> String {
        let pattern = Pattern::new(pattern);
        let mut pos = 0;
        let mut out = String::new();
        loop {
            match gmatch_next(&pattern, subject, &mut pos) {
                Ok(Some(m)) => {
                    let captures = match m.captures_or_whole() {
                        Ok(captures) => captures,
                        Err(error) => return format!("error: {error}"),
                    };
                    out.push('[');
                    out.push_str(&render(subject, &captures).join(","));
                    out.push(']');
                }
                Ok(None) => return out,
                Err(error) => return format!("error: {error}"),
            }
        }
    }

    #[test]
    fn find_matches_luajit() {
        // (subject, pattern, init 0-based, LuaJIT's output)
        let cases: &[(&[u8], &[u8], usize, &str)] = &[
            (b"abc", b"%", 0, "error: malformed pattern (ends with '%')"),
            (b"abc", b"[a", 0, "error: malformed pattern (missing ']')"),
            (b"abc", b"[]", 0, "error: malformed pattern (missing ']')"),
            (b"abc", b"[^]", 0, "error: malformed pattern (missing ']')"),
            (b"abc", b"%f", 0, "error: missing '[' after '%f' in pattern"),
            (
                b"abc",
                b"%fa",
                0,
                "error: missing '[' after '%f' in pattern",
            ),
            (b"abc", b"(a", 0, "error: unfinished capture"),
            (b"abc", b"a)", 0, "nil"),
            (b"abc", b"a).", 0, "error: invalid pattern capture"),
            (b"abc", b"%1", 0, "error: invalid capture index"),
            (b"abc", b"(a)%2", 0, "error: invalid capture index"),
            (b"abc", b"(a%1)", 0, "error: invalid capture index"),
            (b"abc", b"%0", 0, "error: invalid capture index"),
            (b"abc", b"%b", 0, "error: unbalanced pattern"),
            (b"abc", b"%ba", 0, "error: unbalanced pattern"),
            (b"abc", b"[%", 0, "error: malformed pattern (missing ']')"),
            (b"abc", b"[a-", 0, "error: malformed pattern (missing ']')"),
            (b"abc", b"x[", 0, "nil"),
            (b"a]", b"[]]", 0, "2 2"),
            (b"a-", b"[a-]", 0, "1 1"),
            (b"a b", b"%g", 0, "1 1"),
            (b"abab", b"()ab%1", 0, "nil"),
            (b"a$b", b"$b", 0, "2 3"),
            (b"a^b", b"a^b", 0, "1 3"),
            (b"THE (quick) fox", b"%((%a+)%)", 0, "5 11 quick"),
            (b"f(a(b)c)d", b"%b()", 0, "2 8"),
            (b"THE (quick) fox", b"%f[%a]%a+", 4, "6 10"),
            (b"a]b", b"[]]", 0, "2 2"),
            (b"a-b", b"[a%-]+", 0, "1 2"),
            (b"\x80\xff", b"[\x80-\xff]+", 0, "1 2"),
            (b"x", b"[%a-z]", 0, "1 1"),
            (b"-", b"[%a-z]", 0, "1 1"),
            (b"abc", b"[^a]", 0, "2 2"),
            (b"abc", b"b", 9, "nil"),
            (b"abc", b"", 9, "4 3"),
            (b"abc", b"", 3, "4 3"),
            (b"abc", b"x$", 2, "nil"),
            (b"abc", b"%f[%w]", 0, "1 0"),
            (b"abc", b"%f[^%w]", 0, "4 3"),
            (b"abc", b"()b()", 0, "2 2 2 3"),
            (b"aaa", b"a-$", 0, "1 3"),
            // A pattern ends at its first NUL, as in LuaJIT.
            (b"a\0b", b"a\0.", 0, "1 1"),
            (
                b"xa\0b",
                b"[\0]",
                0,
                "error: malformed pattern (missing ']')",
            ),
            (b"a\0b", b"a\0b", 0, "1 3"),
        ];
        for &(subject, pattern, init, expected) in cases {
            assert_eq!(
                find(subject, pattern, init),
                expected,
                "find({:?}, {:?}, {init})",
                String::from_utf8_lossy(subject),
                String::from_utf8_lossy(pattern)
            );
        }
    }

    #[test]
    fn match_matches_luajit() {
        let cases: &[(&[u8], &[u8], &str)] = &[
            (b"abc", b"()b()", "2 3"),
            (b"key = value", b"(%w+)%s*=%s*(%w+)", "key value"),
            (b"  x", b"^%s*(.-)%s*$", "x"),
            (b"x%", b"%%", "%"),
            (b"[x]", b"%[(.)%]", "x"),
            (b"abcabc", b"(abc)%1", "abc"),
            (b"a.b", b"%.(.)", "b"),
            (b"\0a", b"%z(.)", "a"),
            (b"a\0", b"%Z+", "a"),
            (b"hello", b"l+", "ll"),
            (b"hello", b"l*o", "llo"),
            (b"hello", b"x?h", "h"),
            (b"aaab", b".-b", "aaab"),
            (b"aaab", b"^(a-)(a*)b", " aaa"),
            (b"abc", b"(a", "error: unfinished capture"),
            (b"hello world from Lua", b"^(%w+)", "hello"),
            (b"  trim  ", b"^%s*(.-)%s*$", "trim"),
            (b"2024-01-15", b"(%d+)-(%d+)-(%d+)", "2024 01 15"),
            (b"x = 0x1F;", b"0[xX](%x+)", "1F"),
            (b"CamelCase", b"%u%l+$", "Case"),
            (b"a,b,,c", b"[^,]*$", "c"),
            (b"tab\there", b"%c", "\t"),
            (b"p.u!n", b"%p+", "."),
            (b"ab12", b"%W*%w-(%d)", "1"),
            (b"x", b"^$", "nil"),
            (b"", b"^$", ""),
            (b"^a", b"^^a", "^a"),
        ];
        for &(subject, pattern, expected) in cases {
            assert_eq!(
                lua_match(subject, pattern),
                expected,
                "match({:?}, {:?})",
                String::from_utf8_lossy(subject),
                String::from_utf8_lossy(pattern)
            );
        }
    }

    #[test]
    fn capture_limits_match_luajit() {
        let subject = b"a".repeat(40);
        assert_eq!(
            lua_match(&subject, &b"(a)".repeat(33)),
            "error: too many captures"
        );
        assert_eq!(
            lua_match(&subject, &b"(a)".repeat(32)),
            vec!["a"; 32].join(" ")
        );
        // The 33rd capture is never reached on a short subject: no error.
        assert_eq!(lua_match(&b"a".repeat(10), &b"(a)".repeat(33)), "nil");
    }

    #[test]
    fn deep_patterns_are_too_complex_not_a_stack_overflow() {
        let subject = b"a".repeat(1000);
        let mut pattern = b"a?".repeat(300);
        pattern.extend(b"a".repeat(300));
        assert_eq!(lua_match(&subject, &pattern), "error: pattern too complex");
        // 199 nested optional items still fit in LuaJIT's limit.
        let nested = |n: usize| {
            let mut subject = b"a".repeat(n);
            subject.push(b'b');
            let mut pattern = b"a?".repeat(n);
            pattern.push(b'b');
            lua_match(&subject, &pattern)
        };
        assert_eq!(nested(199).len(), 200);
        assert_eq!(nested(200), "error: pattern too complex");
        // Long single-item repetitions are loops, not recursion.
        let long = b"a".repeat(100_000);
        assert_eq!(lua_match(&long, b"a*$").len(), 100_000);
        assert_eq!(lua_match(&long, b"(a-)$").len(), 100_000);
    }

    #[test]
    fn gsub_matches_luajit() {
        type Case = (
            &'static [u8],
            &'static [u8],
            &'static [u8],
            Option<usize>,
            &'static str,
        );
        let cases: &[Case] = &[
            (b"abc", b"b", b"%2", None, "error: invalid capture index"),
            (b"abc", b"b", b"%1", None, "abc 1"),
            (b"abc", b"b", b"%", None, "a\0c 1"),
            (b"abc", b"b", b"x%ay", None, "axayc 1"),
            (b"abc", b"()b", b"[%1]", None, "a[2]c 1"),
            (b"abc", b"(b)", b"[%0%1]", None, "a[bb]c 1"),
            (b"abc", b"", b"-", None, "-a-b-c- 4"),
            (b"abc", b"b*", b"-", None, "-a--c- 4"),
            (b"abc", b"%w", b"%2", None, "error: invalid capture index"),
            (b"abc", b"(a", b"x", None, "xbc 1"),
            (b"abc", b"(a", b"%1", None, "error: unfinished capture"),
            (b"abc", b"()", b"%1", None, "1a2b3c4 4"),
            (b"hello world", b"(o)", b"%1%1", Some(1), "helloo world 1"),
            (b"hello", b"^h", b"J", None, "Jello 1"),
            (b"hello", b"", b"-", Some(2), "-h-ello 2"),
            (b"hello", b"x*$", b"!", None, "hello! 1"),
            (b"hello", b"^", b">", None, ">hello 1"),
            (b"hello", b"l", b"L", Some(0), "hello 0"),
            (b"a b c", b"%s", b"%%", None, "a%b%c 2"),
            (b"abc", b"%w", b"%0%0", None, "aabbcc 3"),
            (
                b"hello world",
                b"(%w+) (%w+)",
                b"%2 %1",
                None,
                "world hello 1",
            ),
        ];
        for &(subject, pattern, repl, max, expected) in cases {
            assert_eq!(
                gsub_string(subject, pattern, repl, max),
                expected,
                "gsub({:?}, {:?}, {:?})",
                String::from_utf8_lossy(subject),
                String::from_utf8_lossy(pattern),
                String::from_utf8_lossy(repl)
            );
        }
    }

    #[test]
    fn gsub_reports_unfinished_captures_only_when_used() {
        // string.gsub("abc", "(a)(b", {a="T"}) gives "Tc": only capture 1 is looked up.
        let result = gsub::<PatternError>(b"abc", b"(a)(b", None, |m, subject, out| {
            let key = m.capture_or_whole(0)?;
            assert_eq!(key.bytes(subject), Some(&b"a"[..]));
            out.extend_from_slice(b"T");
            Ok(())
        });
        assert_eq!(result, Ok((b"Tc".to_vec(), 1)));
        let result = gsub::<PatternError>(b"abc", b"(a", None, |m, _, _| {
            m.capture_or_whole(0).map(|_| ())
        });
        assert_eq!(result, Err(PatternError::UnfinishedCapture));
    }

    #[test]
    fn gmatch_matches_luajit() {
        let cases: &[(&[u8], &[u8], &str)] = &[
            (b"abc", b"()", "[1][2][3][4]"),
            (b"abc", b"b*", "[][b][][]"),
            (b"^a^a", b"^a", "[^a][^a]"),
            (b"one two  three", b"%a+", "[one][two][three]"),
            (b"k=v, x=y", b"(%w+)=(%w+)", "[k,v][x,y]"),
            (b"", b"x*", "[]"),
            (b"abc", b"(", "error: unfinished capture"),
        ];
        for &(subject, pattern, expected) in cases {
            assert_eq!(
                gmatch_all(subject, pattern),
                expected,
                "gmatch({:?}, {:?})",
                String::from_utf8_lossy(subject),
                String::from_utf8_lossy(pattern)
            );
        }
    }

    #[test]
    fn specials_and_plain_search() {
        assert!(!has_specials(b"abc)"));
        assert!(has_specials(b"a.c"));
        assert!(has_specials(b"^"));
        assert!(has_specials(b"a\0."));
        assert_eq!(find_plain(b"hello", b"l", 0), Some(2));
        assert_eq!(find_plain(b"hello", b"l", 3), Some(3));
        assert_eq!(find_plain(b"hello", b"lo", 4), None);
        assert_eq!(find_plain(b"hello", b"", 9), Some(5));
        assert!(Pattern::new(b"^x").is_anchored());
        assert!(!Pattern::new(b"x^").is_anchored());
    }

    #[test]
    fn match_at_only_tries_one_position() {
        let pattern = Pattern::new(b"b+");
        assert_eq!(pattern.match_at(b"abb", 0), Ok(None));
        let found = pattern.match_at(b"abb", 1).unwrap().unwrap();
        assert_eq!((found.start, found.end), (1, 3));
        assert_eq!(pattern.match_at(b"abb", 4), Ok(None));
    }
}
