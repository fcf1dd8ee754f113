//! Calendar maths for `os.date` and `os.time`, without the C library:
//! broken-down time from a Unix time (`gmtime`), Unix time from possibly
//! out-of-range fields (`mktime`'s normalisation), and `strftime` as glibc
//! implements it in the C locale (LuaJIT hands the whole `os.date` format to
//! `strftime`, so glibc's flags `_ - 0 ^ #`, field widths, `E`/`O` modifiers
//! and its echoing of unknown conversions are all part of the behaviour).
//!
//! Time zones are not looked up here: a [`DateTime`] carries its offset from
//! UTC and zone abbreviation, and [`from_unix`] produces UTC (`GMT`, as
//! glibc's `gmtime` names it).

use thiserror::Error;

/// A strftime failure.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DateError {
    /// The date's year cannot be represented in C's `struct tm`, so LuaJIT's
    /// `os.date` returns nil.
    #[error("time is out of the representable range")]
    OutOfRange,
}

/// A broken-down time: Lua's `os.date("*t")` fields plus the zone it is
/// expressed in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateTime {
    pub year: i64,
    /// 1-12.
    pub month: u32,
    /// 1-31.
    pub day: u32,
    /// 0-23.
    pub hour: u32,
    /// 0-59.
    pub min: u32,
    /// 0-60.
    pub sec: u32,
    /// 1-7, Sunday is 1 (Lua's convention).
    pub wday: u32,
    /// 1-366.
    pub yday: u32,
    pub isdst: bool,
    /// Seconds east of UTC (`%z`, `%s`).
    pub utc_offset: i64,
    /// Zone abbreviation (`%Z`).
    pub zone: String,
}

impl DateTime {
    /// The `year` LuaJIT's `os.date("*t")` reports: C computes
    /// `tm_year + 1900` in `int` arithmetic, which wraps around for the last
    /// 1900 years `struct tm` can hold. Equal to `year` everywhere else.
    pub fn lua_year(&self) -> i64 {
        c_year(self.year)
    }
}

/// `tm_year + 1900` as C's `int` arithmetic computes it.
fn c_year(year: i64) -> i64 {
    i64::from((year.wrapping_sub(1900) as i32).wrapping_add(1900))
}

/// The fields `os.time{...}` reads, each as LuaJIT converts a Lua number to
/// an integer (truncated toward zero); they are then treated as C `int`s
/// (wrapping), as LuaJIT does. Any of them may be out of range (month 13,
/// day 0, negative hours...) and is normalised as `mktime` does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeFields {
    pub year: i64,
    pub month: i64,
    pub day: i64,
    /// Lua's default is 12.
    pub hour: i64,
    pub min: i64,
    pub sec: i64,
    /// `None` when the table has no `isdst` field.
    pub isdst: Option<bool>,
}

/// The broken-down UTC time of Unix time `t` (any `i64`; years are not
/// limited). Use [`from_unix_checked`] for `os.date`, which fails where C's
/// `gmtime` fails.
pub fn from_unix(t: i64) -> DateTime {
    let days = t.div_euclid(86_400);
    let seconds = t.rem_euclid(86_400) as u32;
    let (year, month, day) = civil_from_days(days);
    let yday = (days - days_from_civil(year, 1, 1) + 1) as u32;
    DateTime {
        year,
        month,
        day,
        hour: seconds / 3600,
        min: seconds / 60 % 60,
        sec: seconds % 60,
        wday: ((days + 4).rem_euclid(7) + 1) as u32,
        yday,
        isdst: false,
        utc_offset: 0,
        zone: "GMT".to_string(),
    }
}

/// [`from_unix`], or `None` where glibc's `gmtime` fails (the year minus
/// 1900 does not fit a C `int`); `os.date` then returns nil.
pub fn from_unix_checked(t: i64) -> Option<DateTime> {
    let date = from_unix(t);
    year_fits_struct_tm(date.year).then_some(date)
}

/// `mktime` in UTC: the Unix time of `fields` after normalising every
/// out-of-range field into the next larger unit. `isdst = Some(true)` moves
/// the result one hour earlier, as glibc does in a zone without daylight
/// saving time. `None` when the year of the result does not fit C's
/// `struct tm`.
///
/// Note for `os.time`: C's `mktime` reports failure as -1, so LuaJIT returns
/// nil for 1969-12-31 23:59:59 UTC too.
pub fn to_unix(fields: &TimeFields) -> Option<i64> {
    // LuaJIT stores each field in a C `int` (wrapping), and subtracts 1900
    // from the year and 1 from the month in `int` arithmetic too.
    let tm_year = (fields.year as i32).wrapping_sub(1900);
    let tm_month = (fields.month as i32).wrapping_sub(1);
    let month_index = i64::from(tm_month);
    let year = i64::from(tm_year) + 1900 + month_index.div_euclid(12);
    let month = (month_index.rem_euclid(12) + 1) as u32;
    // Only the final result must be representable, as with glibc: a month
    // or day out of range may carry the year out and back.
    let days = i128::from(days_from_civil(year, month, 1)) + i128::from(fields.day as i32) - 1;
    let mut seconds = days * 86_400
        + i128::from(fields.hour as i32) * 3600
        + i128::from(fields.min as i32) * 60
        + i128::from(fields.sec as i32);
    if fields.isdst == Some(true) {
        seconds -= 3600;
    }
    let t = i64::try_from(seconds).ok()?;
    year_fits_struct_tm(from_unix(t).year).then_some(t)
}

/// Whether `year - 1900` fits `struct tm`'s `int tm_year`.
fn year_fits_struct_tm(year: i64) -> bool {
    year.checked_sub(1900)
        .is_some_and(|tm_year| i32::try_from(tm_year).is_ok())
}

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let days = days + 719_468;
    let era = days.div_euclid(146_097);
    let day_of_era = days.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * month_index + 2) / 5 + 1) as u32;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn is_leap(year: i64) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

const WEEKDAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// Appends `fmt` expanded for `date` as glibc's `strftime` does in the C
/// locale. Conversions: `%a %A %b %B %c %C %d %D %e %F %g %G %h %H %I %j %k
/// %l %m %M %n %p %P %r %R %s %S %t %T %u %U %V %w %W %x %X %y %Y %z %Z %%`;
/// flags `_` (pad with spaces), `-` (no padding), `0` (zeros), `^` (upper
/// case), `#` (swap case); a field width; `E`/`O` modifiers where glibc
/// accepts them. Anything else is copied through, `%` included. The format
/// ends at its first NUL byte, as a C string does.
pub fn strftime(fmt: &[u8], date: &DateTime, out: &mut Vec<u8>) -> Result<(), DateError> {
    if !year_fits_struct_tm(date.year) {
        return Err(DateError::OutOfRange);
    }
    let fmt = match fmt.iter().position(|&b| b == 0) {
        Some(nul) => &fmt[..nul],
        None => fmt,
    };
    Formatter { date, fmt }.run(out);
    Ok(())
}

/// How a number is padded to its minimum digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Pad {
    Default,
    Spaces,
    None,
    Zeros,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Keep,
    Upper,
    Lower,
}

/// The state of one conversion.
#[derive(Debug, Clone, Copy)]
struct Conversion {
    pad: Pad,
    width: Option<usize>,
    case: Case,
    /// The `#` flag: swap to the "other" case for names.
    change_case: bool,
}

struct Formatter<'a> {
    date: &'a DateTime,
    fmt: &'a [u8],
}

impl Formatter<'_> {
    fn at(&self, index: usize) -> u8 {
        self.fmt.get(index).copied().unwrap_or(0)
    }

    fn run(&self, out: &mut Vec<u8>) {
        let mut f = 0;
        while f < self.fmt.len() {
            if self.fmt[f] != b'%' {
                out.push(self.fmt[f]);
                f += 1;
                continue;
            }
            let start = f;
            let mut conversion = Conversion {
                pad: Pad::Default,
                width: None,
                case: Case::Keep,
                change_case: false,
            };
            loop {
                f += 1;
                match self.at(f) {
                    b'_' => conversion.pad = Pad::Spaces,
                    b'-' => conversion.pad = Pad::None,
                    b'0' => conversion.pad = Pad::Zeros,
                    b'^' => conversion.case = Case::Upper,
                    b'#' => conversion.change_case = true,
                    _ => break,
                }
            }
            if self.at(f).is_ascii_digit() {
                let mut width: usize = 0;
                while self.at(f).is_ascii_digit() {
                    width = width
                        .saturating_mul(10)
                        .saturating_add(usize::from(self.at(f) - b'0'))
                        .min(i32::MAX as usize);
                    f += 1;
                }
                conversion.width = Some(width);
            }
            let modifier = match self.at(f) {
                b'E' | b'O' => {
                    f += 1;
                    self.at(f - 1)
                }
                _ => 0,
            };
            let letter = self.at(f);
            if letter == 0 {
                // '%' (with flags) at the end of the format: copied as is.
                f -= 1;
            }
            if !self.convert(letter, modifier, &mut conversion, out) {
                let text = &self.fmt[start..=f];
                add(out, &conversion, text);
            }
            f += 1;
        }
    }

    /// Expands one conversion; false when glibc treats it as unknown.
    /// A rejected conversion leaves in `c` the case glibc had chosen, which
    /// applies to the copied text.
    fn convert(&self, letter: u8, modifier: u8, c: &mut Conversion, out: &mut Vec<u8>) -> bool {
        let date = self.date;
        let hour12 = match date.hour {
            0 => 12,
            h if h > 12 => h - 12,
            h => h,
        };
        let wday = date.wday.saturating_sub(1) as i64; // C's 0-6
        let yday = date.yday.saturating_sub(1) as i64; // C's 0-365
        let no_e = modifier != b'E';
        // glibc computes `tm_year + 1900` in C `int` arithmetic, which wraps
        // for the last 1900 representable years.
        let year = c_year(date.year);
        match letter {
            b'%' => add(out, c, b"%"),
            b'a' | b'A' | b'b' | b'h' | b'B' => {
                // glibc checks the modifier of day names before applying `#`,
                // and that of month names after.
                if matches!(letter, b'a' | b'A') && modifier != 0 {
                    return false;
                }
                if c.change_case {
                    c.case = Case::Upper;
                }
                if modifier == b'E' {
                    return false;
                }
                let name = match letter {
                    b'a' => &WEEKDAYS[wday as usize % 7][..3],
                    b'A' => WEEKDAYS[wday as usize % 7],
                    b'B' => MONTHS[(date.month as usize + 11) % 12],
                    _ => &MONTHS[(date.month as usize + 11) % 12][..3],
                };
                add(out, c, name.as_bytes());
            }
            b'c' if modifier != b'O' => self.subformat(b"%a %b %e %H:%M:%S %Y", c, out),
            b'C' => number(out, c, 1, year.div_euclid(100)),
            b'x' if modifier != b'O' => self.subformat(b"%m/%d/%y", c, out),
            b'D' if modifier == 0 => self.subformat(b"%m/%d/%y", c, out),
            b'd' if no_e => number(out, c, 2, i64::from(date.day)),
            b'e' if no_e => number_space_padded(out, c, 2, i64::from(date.day)),
            b'F' if modifier == 0 => self.subformat(b"%Y-%m-%d", c, out),
            b'H' if no_e => number(out, c, 2, i64::from(date.hour)),
            b'I' if no_e => number(out, c, 2, i64::from(hour12)),
            b'k' if no_e => number_space_padded(out, c, 2, i64::from(date.hour)),
            b'l' if no_e => number_space_padded(out, c, 2, i64::from(hour12)),
            b'j' if no_e => number(out, c, 3, yday + 1),
            b'M' if no_e => number(out, c, 2, i64::from(date.min)),
            b'm' if no_e => number(out, c, 2, i64::from(date.month)),
            b'n' => add(out, c, b"\n"),
            b't' => add(out, c, b"\t"),
            b'P' | b'p' => {
                if letter == b'P' || c.change_case {
                    c.case = Case::Lower;
                }
                add(out, c, if date.hour > 11 { b"PM" } else { b"AM" });
            }
            b'R' => self.subformat(b"%H:%M", c, out),
            b'r' => self.subformat(b"%I:%M:%S %p", c, out),
            b'T' => self.subformat(b"%H:%M:%S", c, out),
            b'X' if modifier != b'O' => self.subformat(b"%H:%M:%S", c, out),
            b'S' if no_e => number(out, c, 2, i64::from(date.sec)),
            b's' => {
                let days = days_from_civil(date.year, date.month, date.day);
                let t = days * 86_400
                    + i64::from(date.hour) * 3600
                    + i64::from(date.min) * 60
                    + i64::from(date.sec)
                    - date.utc_offset;
                // glibc gives %s one minimum digit whatever the width; the
                // width then pads the text as it pads names.
                add(out, c, t.to_string().as_bytes());
            }
            b'u' => number(out, c, 1, (wday + 6) % 7 + 1),
            b'U' if no_e => number(out, c, 2, (yday - wday + 7) / 7),
            b'V' | b'g' | b'G' if no_e => {
                let (year, days) = iso_week(year, yday, wday);
                match letter {
                    b'g' => number(out, c, 2, (year % 100 + 100) % 100),
                    b'G' => number(out, c, 1, year),
                    _ => number(out, c, 2, days / 7 + 1),
                }
            }
            b'W' if no_e => number(out, c, 2, (yday - (wday + 6) % 7 + 7) / 7),
            b'w' if no_e => number(out, c, 1, wday),
            b'Y' if modifier != b'O' => number(out, c, 1, year),
            b'y' => number(out, c, 2, ((date.year - 1900) % 100 + 100) % 100),
            b'Z' => {
                if c.change_case {
                    c.case = Case::Lower;
                }
                add(out, c, date.zone.as_bytes());
            }
            b'z' => {
                let offset = date.utc_offset;
                add(out, c, if offset < 0 { b"-" } else { b"+" });
                let minutes = offset.abs() / 60;
                number(out, c, 4, minutes / 60 * 100 + minutes % 60);
            }
            _ => return false,
        }
        true
    }

    /// A conversion defined by another format (`%c`, `%D`, `%F`, ...): the
    /// whole expansion is padded as one field, and `^` upper-cases it.
    fn subformat(&self, sub: &[u8], c: &Conversion, out: &mut Vec<u8>) {
        let mut expansion = Vec::new();
        Formatter {
            date: self.date,
            fmt: sub,
        }
        .run(&mut expansion);
        let keep_case = Conversion {
            case: Case::Keep,
            ..*c
        };
        let start = out.len();
        add(out, &keep_case, &expansion);
        if c.case == Case::Upper {
            out[start..].make_ascii_uppercase();
        }
    }
}

/// glibc's `add`/`cpy`: `text` padded on the left to the field width (with
/// zeros for the `0` flag, else spaces), case-converted as requested.
fn add(out: &mut Vec<u8>, c: &Conversion, text: &[u8]) {
    if let Some(width) = c.width {
        let fill = if c.pad == Pad::Zeros { b'0' } else { b' ' };
        out.resize(out.len() + width.saturating_sub(text.len()), fill);
    }
    let start = out.len();
    out.extend_from_slice(text);
    match c.case {
        Case::Upper => out[start..].make_ascii_uppercase(),
        Case::Lower => out[start..].make_ascii_lowercase(),
        Case::Keep => {}
    }
}

/// `%e`, `%k`, `%l`: space padding unless `0` or `-` was given.
fn number_space_padded(out: &mut Vec<u8>, c: &mut Conversion, digits: usize, value: i64) {
    if c.pad != Pad::Zeros && c.pad != Pad::None {
        c.pad = Pad::Spaces;
    }
    number(out, c, digits, value);
}

/// glibc's `do_number`: at least `digits` digits (or the field width),
/// padded with zeros (a `-` sign goes first) or spaces.
fn number(out: &mut Vec<u8>, c: &Conversion, digits: usize, value: i64) {
    let digits = digits.max(c.width.unwrap_or(0));
    let mut text = value.unsigned_abs().to_string().into_bytes();
    if value < 0 {
        text.insert(0, b'-');
    }
    let mut c = *c;
    if c.pad != Pad::None && digits > text.len() {
        let padding = digits - text.len();
        if c.pad == Pad::Spaces {
            out.resize(out.len() + padding, b' ');
            c.width = c.width.map(|width| width.saturating_sub(padding));
        } else {
            let mut body = text;
            let negative = value < 0;
            if negative {
                out.push(b'-');
                body.remove(0);
            }
            out.resize(out.len() + padding, b'0');
            out.extend_from_slice(&body);
            return;
        }
    }
    add(out, &c, &text);
}

/// The ISO 8601 week-based year of a day and the days since the start of
/// its first week (glibc's `iso_week_days` logic).
fn iso_week(year: i64, yday: i64, wday: i64) -> (i64, i64) {
    let week_days = |yday: i64, wday: i64| {
        let big_enough_multiple_of_7 = (366 / 7 + 2) * 7;
        yday - (yday - wday + 4 + big_enough_multiple_of_7) % 7 + 3
    };
    let days = week_days(yday, wday);
    if days < 0 {
        let previous = year - 1;
        return (
            previous,
            week_days(yday + 365 + i64::from(is_leap(previous)), wday),
        );
    }
    let next = week_days(yday - (365 + i64::from(is_leap(year))), wday);
    if next >= 0 {
        (year + 1, next)
    } else {
        (year, days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(fmt: &str, t: i64) -> String {
        let mut out = Vec::new();
        strftime(fmt.as_bytes(), &from_unix(t), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    fn fields(year: i64, month: i64, day: i64, hour: i64, min: i64, sec: i64) -> TimeFields {
        TimeFields {
            year,
            month,
            day,
            hour,
            min,
            sec,
            isdst: None,
        }
    }

    #[test]
    fn broken_down_time_matches_luajit() {
        // os.date("!*t", 1700000000) under LuaJIT.
        let date = from_unix(1_700_000_000);
        assert_eq!(
            (
                date.year, date.month, date.day, date.hour, date.min, date.sec, date.wday,
                date.yday
            ),
            (2023, 11, 14, 22, 13, 20, 3, 318)
        );
        assert!(!date.isdst);
        let epoch = from_unix(0);
        assert_eq!((epoch.year, epoch.wday, epoch.yday), (1970, 5, 1));
        let before = from_unix(-1);
        assert_eq!(
            (before.year, before.month, before.day, before.hour),
            (1969, 12, 31, 23)
        );
        assert!(from_unix_checked(67_768_036_191_676_800).is_none());
        assert!(from_unix_checked(-67_768_040_609_740_800 - 86_400 * 366).is_none());
        let last = from_unix_checked(67_768_036_191_660_416).unwrap();
        assert_eq!(
            (last.year, last.lua_year()),
            (2_147_485_547, -2_147_481_749)
        );
        assert!(from_unix_checked(i64::MIN).is_none());
        assert!(from_unix_checked(i64::MAX).is_none());
    }

    #[test]
    fn conversions_match_luajit() {
        let cases: &[(&str, i64, &str)] = &[
            ("%a %A %b %B", 1_700_000_000, "Tue Tuesday Nov November"),
            ("%c", 1_700_000_000, "Tue Nov 14 22:13:20 2023"),
            ("%d %H %I %j %m %M %p %S", 1_700_000_000, "14 22 10 318 11 13 PM 20"),
            ("%U %w %W", 1_700_000_000, "46 2 46"),
            ("%x %X %y %Y %Z %%", 1_700_000_000, "11/14/23 22:13:20 23 2023 GMT %"),
            (
                "%e|%D|%F|%T|%R|%h|%n|%t|%s|%u|%V|%G|%g|%C|%z",
                1_700_000_000,
                "14|11/14/23|2023-11-14|22:13:20|22:13|Nov|\n|\t|1700000000|2|46|2023|23|20|+0000",
            ),
            ("%r|%P|%k|%l", 1_700_000_000, "10:13:20 PM|pm|22|10"),
            ("%E|%Ez|%Ec|%Oz|%OH|%Q|%", 1_700_000_000, "%E|+0000|Tue Nov 14 22:13:20 2023|+0000|22|%Q|%"),
            ("abc%", 0, "abc%"),
            ("%5d|%-d|%_d|%0e|%^a|%#a|%+|%v|%N|%L|%i", 1_700_000_000, "00014|14|14|14|TUE|TUE|%+|%v|%N|%L|%i"),
            (
                "%Y|%C|%y|%G|%g|%V|%U|%W|%j|%u|%w|%a|%c|%D|%x|%F|%s",
                -62_167_219_200,
                "0|0|00|-1|99|52|00|00|001|6|6|Sat|Sat Jan  1 00:00:00 0|01/01/00|01/01/00|0-01-01|-62167219200",
            ),
            (
                "%Y|%C|%y|%G|%g|%V|%U|%W|%j|%u|%w|%a|%c|%D|%x|%F|%s",
                951_782_400,
                "2000|20|00|2000|00|09|09|09|060|2|2|Tue|Tue Feb 29 00:00:00 2000|02/29/00|02/29/00|2000-02-29|951782400",
            ),
            (
                "%Y|%C|%y|%G|%g|%V|%U|%W|%j|%u|%w|%a|%c",
                253_402_300_800,
                "10000|100|00|9999|99|52|00|00|001|6|6|Sat|Sat Jan  1 00:00:00 10000",
            ),
            (
                "%10Y|%-Y|%_5Y|%05Y|%_Y|%-5d|%_5d|%05e|%-e|%3p|%^p|%#p|%#P|%#Z|%^Z",
                1_700_000_000,
                "0000002023|2023| 2023|02023|2023|   14|   14|00014|14| PM|PM|pm|pm|gmt|GMT",
            ),
            (
                "%#a|%#A|%^B|%#b|%10a|%-10a|%_10a|%010a|%10c|%^c|%#c",
                1_700_000_000,
                "TUE|TUESDAY|NOVEMBER|NOV|       Tue|       Tue|       Tue|0000000Tue|Tue Nov 14 22:13:20 2023|TUE NOV 14 22:13:20 2023|Tue Nov 14 22:13:20 2023",
            ),
            (
                "%Ey|%EY|%EC|%Ex|%EX|%Od|%OI|%Ou|%OY|%OC|%Ob|%Ea|%Ed|%E%|%O%|%OZ|%ED|%ER|%EF|%Ep|%Es|%Ek|%Ej|%Oj|%EV|%OG",
                1_700_000_000,
                "23|2023|20|11/14/23|22:13:20|14|10|2|%OY|20|Nov|%Ea|%Ed|%|%|GMT|%ED|22:13|%EF|PM|1700000000|%Ek|%Ej|318|%EV|2023",
            ),
            (
                "%-10z|%5z|%_z|%10Z|%5%|%-%|%3D|%12F|%10T|%-3j|%_3j|%5s|%-s|%05s",
                1_700_000_000,
                "         +         0|    +00000|+   0|       GMT|    %|%|11/14/23|  2023-11-14|  22:13:20|318|318|1700000000|1700000000|1700000000",
            ),
            ("%k|%l|%I|%p|%r", 0, " 0|12|12|AM|12:00:00 AM"),
            ("%k|%l|%I|%p|%r", 43_200, "12|12|12|PM|12:00:00 PM"),
            ("%k|%l|%I|%p|%r", 46_800, "13| 1|01|PM|01:00:00 PM"),
            ("%s|%10s|%010s|%_10s", -5, "-5|        -5|00000000-5|        -5"),
            ("%c", -62_167_305_600, "Fri Dec 31 00:00:00 -1"),
            ("%Y %C %y %G %g", -62_167_305_600, "-1 -1 99 -1 99"),
            ("%E|%O|%5|%_|%^|%5E", 0, "%E|%O|  %5|%_|%^|  %5E"),
            ("%^P|%#P|%^#p|%012F|%-12F|%_12D|%03e|%4j|%-j", 1_700_000_000, "pm|pm|pm|002023-11-14|  2023-11-14|    11/14/23|014|0318|318"),
            ("%#Ea|%#EA|%#Eb|%#Eh|%#EB|%#OY|%#q|%^q|%^Ed|%#Oa|%#Ob|%^Ob", 0, "%#Ea|%#EA|%#EB|%#EH|%#EB|%#OY|%#q|%^Q|%^ED|%#Oa|JAN|JAN"),
            ("a\0%Y", 0, "a"),
        ];
        for &(fmt, t, expected) in cases {
            assert_eq!(show(fmt, t), expected, "os.date({fmt:?}, {t})");
        }
    }

    #[test]
    fn zones_other_than_utc() {
        let mut date = from_unix(1_700_000_000 + 3600);
        date.utc_offset = 3600;
        date.zone = "CET".to_string();
        let mut out = Vec::new();
        strftime(b"%H %Z %z %s", &date, &mut out).unwrap();
        assert_eq!(out, b"23 CET +0100 1700000000");
        date.utc_offset = -(5 * 3600 + 30 * 60);
        out.clear();
        strftime(b"%z", &date, &mut out).unwrap();
        assert_eq!(out, b"-0530");
        date.year = i64::from(i32::MAX) + 2000;
        assert_eq!(strftime(b"%Y", &date, &mut out), Err(DateError::OutOfRange));
    }

    #[test]
    fn mktime_normalisation_matches_luajit() {
        // os.time{...} under TZ=UTC LuaJIT.
        assert_eq!(
            to_unix(&fields(2023, 11, 14, 22, 13, 20)),
            Some(1_700_000_000)
        );
        let mut dst = fields(2023, 11, 14, 22, 13, 20);
        dst.isdst = Some(true);
        assert_eq!(to_unix(&dst), Some(1_699_996_400));
        assert_eq!(to_unix(&fields(1969, 12, 31, 23, 59, 59)), Some(-1));
        assert_eq!(to_unix(&fields(2023, 13, 0, 12, 0, 0)), Some(1_704_024_000));
        assert_eq!(
            to_unix(&fields(2023, -1, -5, -30, 100, -7)),
            Some(1_666_640_393)
        );
        assert_eq!(
            to_unix(&fields(1i64 << 31, 1, 1, 12, 0, 0)),
            Some(67_767_976_233_576_000)
        );
        assert_eq!(
            to_unix(&fields(-(1i64 << 31) + 1900, 1, 1, 12, 0, 0)),
            Some(-67_768_040_609_697_600)
        );
        assert_eq!(
            to_unix(&fields((1i64 << 31) - 1 + 1900, 12, 31, 23, 59, 59)),
            Some(67_768_036_191_676_799)
        );
        assert_eq!(
            to_unix(&fields((1i64 << 31) - 1 + 1900, 13, 1, 12, 0, 0)),
            None
        );
        // The year is a C int: -2^31 - 1900 wraps around to a valid year.
        assert_eq!(
            to_unix(&fields(-(1i64 << 31), 9, -32, -27, 9, 44)).map(|t| t as f64),
            Some(67_767_976_251_666_584.0)
        );
    }

    #[test]
    fn calendar_round_trips() {
        for days in (-800_000..800_000).step_by(7_919) {
            let (year, month, day) = civil_from_days(days);
            assert_eq!(days_from_civil(year, month, day), days);
            let date = from_unix(days * 86_400 + 12_345);
            let back = to_unix(&fields(
                date.year,
                i64::from(date.month),
                i64::from(date.day),
                i64::from(date.hour),
                i64::from(date.min),
                i64::from(date.sec),
            ));
            assert_eq!(back, Some(days * 86_400 + 12_345));
        }
    }
}
