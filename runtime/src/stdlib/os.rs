//! The `os` library as LuaJIT 2.1 has it: time and dates, environment, files by name, running
//! commands, exiting.
//!
//! Time comes from `vm.clock`, so under `--deterministic` `os.time`, `os.clock` and `os.date()`
//! follow the virtual clock and local time is UTC; otherwise local time is the C library's
//! (`localtime_r`, `mktime`), the only unsafe code here.

use super::io::{errno_of, flush_all, push_failure};
use super::new_library;
use crate::text::date::{self, DateTime, TimeFields};
use crate::value::{TableRef, Value};
use crate::vm::{LuaResult, Vm};
use std::ffi::OsStr;
use std::io::Write;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::process::ExitStatusExt;
use std::process::Command;

pub fn open(vm: &mut Vm) {
    new_library(
        vm,
        "os",
        &[
            ("clock", os_clock),
            ("date", os_date),
            ("difftime", os_difftime),
            ("execute", os_execute),
            ("exit", os_exit),
            ("getenv", os_getenv),
            ("remove", os_remove),
            ("rename", os_rename),
            ("setlocale", os_setlocale),
            ("time", os_time),
            ("tmpname", os_tmpname),
        ],
    );
}

/// The bytes C sees of a Lua string: up to the first NUL.
fn c_string(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(i) => &bytes[..i],
        None => bytes,
    }
}

/// A number as C's `(time_t)` conversion on x86-64 gives it: truncated, and the minimum when
/// out of range or NaN.
fn to_time(n: f64) -> i64 {
    // Both bounds are exactly 2^63.
    if (-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&n) {
        n as i64
    } else {
        i64::MIN
    }
}

// ---- time and dates ----

fn os_clock(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let seconds = vm.clock.cpu(vm.ticks);
    vm.ret1(Value::Number(seconds))
}

/// Broken-down local time: UTC (named "UTC", as glibc's `localtime` in that zone) under
/// `--deterministic`, else the C library's `localtime_r`. `None` where C fails.
fn local_time(vm: &Vm, t: i64) -> Option<DateTime> {
    if vm.options.deterministic {
        let mut dt = date::from_unix_checked(t)?;
        dt.zone = "UTC".to_string();
        return Some(dt);
    }
    let tm = c_localtime(t)?;
    Some(DateTime {
        year: i64::from(tm.tm.tm_year) + 1900,
        month: (tm.tm.tm_mon + 1) as u32,
        day: tm.tm.tm_mday as u32,
        hour: tm.tm.tm_hour as u32,
        min: tm.tm.tm_min as u32,
        sec: tm.tm.tm_sec as u32,
        wday: (tm.tm.tm_wday + 1) as u32,
        yday: (tm.tm.tm_yday + 1) as u32,
        isdst: tm.tm.tm_isdst > 0,
        utc_offset: tm.tm.tm_gmtoff,
        zone: tm.zone,
    })
}

/// A `struct tm` from the C library, with its zone abbreviation copied out.
struct CLocalTime {
    tm: libc::tm,
    zone: String,
}

/// The C library's `localtime_r`.
#[allow(unsafe_code)] // The C library owns the time zone rules; see the SAFETY note.
fn c_localtime(t: i64) -> Option<CLocalTime> {
    let time: libc::time_t = t;
    let mut tm = std::mem::MaybeUninit::<libc::tm>::uninit();
    // SAFETY: `localtime_r` reads `time` and writes a whole `tm` into the buffer we own, or
    // returns null and we never read the buffer. On success `tm_zone` is null or points to a
    // NUL-terminated abbreviation in the C library's time zone data, which stays valid (glibc
    // never frees it), and we copy it at once.
    unsafe {
        if libc::localtime_r(&time, tm.as_mut_ptr()).is_null() {
            return None;
        }
        let tm = tm.assume_init();
        let zone = if tm.tm_zone.is_null() {
            String::new()
        } else {
            std::ffi::CStr::from_ptr(tm.tm_zone)
                .to_string_lossy()
                .into_owned()
        };
        Some(CLocalTime { tm, zone })
    }
}

fn set_int(vm: &mut Vm, t: TableRef, name: &str, v: i64) {
    vm.set_field(t, name, Value::Number(v as f64));
}

fn os_date(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let format = vm.opt_str(0)?;
    let format = format.as_deref().unwrap_or(b"%c");
    let t = if vm.arg(1).is_nil() {
        vm.clock.now(vm.ticks)
    } else {
        to_time(vm.check_number(1)?)
    };
    let mut format = c_string(format);
    let broken_down = match format.strip_prefix(b"!") {
        Some(rest) => {
            format = rest;
            date::from_unix_checked(t)
        }
        None => local_time(vm, t),
    };
    let Some(dt) = broken_down else {
        return vm.ret1(Value::Nil);
    };
    if format == b"*t" {
        let table = vm.heap.new_table(0, 9);
        set_int(vm, table, "sec", i64::from(dt.sec));
        set_int(vm, table, "min", i64::from(dt.min));
        set_int(vm, table, "hour", i64::from(dt.hour));
        set_int(vm, table, "day", i64::from(dt.day));
        set_int(vm, table, "month", i64::from(dt.month));
        set_int(vm, table, "year", dt.lua_year());
        set_int(vm, table, "wday", i64::from(dt.wday));
        set_int(vm, table, "yday", i64::from(dt.yday));
        vm.set_field(table, "isdst", Value::Boolean(dt.isdst));
        return vm.ret1(Value::Table(table));
    }
    let mut text = Vec::new();
    if date::strftime(format, &dt, &mut text).is_err() {
        // A year `struct tm` cannot hold: C's conversion fails and LuaJIT returns nil.
        return vm.ret1(Value::Nil);
    }
    let text = vm.new_string(&text)?;
    vm.ret1(text)
}

/// A field of an `os.time` table as `lua_tointeger` gives it (`default` when absent;
/// `None`: required).
fn date_field(vm: &mut Vm, table: TableRef, name: &str, default: Option<i64>) -> LuaResult<i64> {
    let key = vm.str_value(name.as_bytes());
    let v = vm.index(Value::Table(table), key)?;
    match vm.to_number(v) {
        Some(n) => Ok(to_time(n)),
        None => match default {
            Some(d) => Ok(d),
            None => Err(vm.rt_error(&format!("field '{name}' missing in date table"))),
        },
    }
}

fn os_time(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    if vm.arg(0).is_nil() {
        let now = vm.clock.now(vm.ticks);
        return vm.ret1(Value::Number(now as f64));
    }
    let table = vm.check_table(0)?;
    let sec = date_field(vm, table, "sec", Some(0))?;
    let min = date_field(vm, table, "min", Some(0))?;
    let hour = date_field(vm, table, "hour", Some(12))?;
    let day = date_field(vm, table, "day", None)?;
    let month = date_field(vm, table, "month", None)?;
    let year = date_field(vm, table, "year", None)?;
    let key = vm.str_value(b"isdst");
    let isdst = match vm.index(Value::Table(table), key)? {
        Value::Nil => None,
        v => Some(v.truthy()),
    };
    let fields = TimeFields {
        year,
        month,
        day,
        hour,
        min,
        sec,
        isdst,
    };
    let t = if vm.options.deterministic {
        date::to_unix(&fields)
    } else {
        c_mktime(&fields)
    };
    match t {
        // C's mktime reports failure as -1, so that second is nil too.
        Some(t) if t != -1 => vm.ret1(Value::Number(t as f64)),
        _ => vm.ret1(Value::Nil),
    }
}

/// The C library's `mktime` on local time (fields wrap to C `int`s as LuaJIT stores them).
#[allow(unsafe_code)] // The C library owns the time zone rules; see the SAFETY note.
fn c_mktime(fields: &TimeFields) -> Option<i64> {
    let mut tm = libc::tm {
        tm_sec: fields.sec as i32,
        tm_min: fields.min as i32,
        tm_hour: fields.hour as i32,
        tm_mday: fields.day as i32,
        tm_mon: (fields.month as i32).wrapping_sub(1),
        tm_year: (fields.year as i32).wrapping_sub(1900),
        tm_wday: 0,
        tm_yday: 0,
        tm_isdst: match fields.isdst {
            None => -1,
            Some(b) => i32::from(b),
        },
        tm_gmtoff: 0,
        tm_zone: std::ptr::null(),
    };
    // SAFETY: `mktime` reads and normalizes the `tm` we own and keeps no pointer to it; a null
    // `tm_zone` is allowed (it is an output).
    let t = unsafe { libc::mktime(&mut tm) };
    if t == -1 {
        None
    } else {
        Some(t)
    }
}

fn os_difftime(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let t1 = to_time(vm.check_number(0)?);
    let t0 = to_time(vm.opt_number(1, 0.0)?);
    vm.ret1(Value::Number(t1 as f64 - t0 as f64))
}

// ---- environment and files ----

fn os_getenv(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    let name = c_string(&name);
    let value = if name.is_empty() || name.contains(&b'=') {
        None
    } else {
        std::env::var_os(OsStr::from_bytes(name))
    };
    let result = match value {
        Some(v) => vm.new_string(v.as_bytes())?,
        None => Value::Nil,
    };
    vm.ret1(result)
}

/// C's `remove`: unlinks a file, or removes an empty directory.
fn remove_path(path: &OsStr) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.raw_os_error() == Some(libc::EISDIR) => std::fs::remove_dir(path),
        r => r,
    }
}

fn os_remove(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    match remove_path(OsStr::from_bytes(c_string(&name))) {
        Ok(()) => vm.ret1(Value::Boolean(true)),
        Err(e) => push_failure(vm, errno_of(&e), Some(&name)),
    }
}

fn os_rename(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let from = vm.check_str(0)?;
    let to = vm.check_str(1)?;
    match std::fs::rename(
        OsStr::from_bytes(c_string(&from)),
        OsStr::from_bytes(c_string(&to)),
    ) {
        Ok(()) => vm.ret1(Value::Boolean(true)),
        Err(e) => push_failure(vm, errno_of(&e), Some(&from)),
    }
}

/// Candidate `k` of `os.tmpname`: "/tmp/lua_" and six characters drawn from the seed, so a
/// seed gives the same names run after run (a taken name moves on to the next candidate).
fn temporary_name(seed: u64, k: u64) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    // SplitMix64 of (seed, k).
    let mut x = seed ^ k.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^= x >> 31;
    let mut name = String::from("/tmp/lua_");
    for _ in 0..6 {
        name.push(ALPHABET[(x % ALPHABET.len() as u64) as usize] as char);
        x /= ALPHABET.len() as u64;
    }
    name
}

/// `os.tmpname`: creates an empty file with a fresh name (as `mkstemp`) and returns the name.
fn os_tmpname(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let seed = vm.options.seed.0;
    for k in 0..10_000 {
        let name = temporary_name(seed, k);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&name)
        {
            Ok(_) => {
                let name = vm.str_value(name.as_bytes());
                return vm.ret1(name);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(_) => break,
        }
    }
    Err(vm.rt_error("unable to generate a unique filename"))
}

fn os_setlocale(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let locale = vm.opt_str(0)?;
    let category = vm.opt_str(1)?;
    if let Some(category) = category {
        const CATEGORIES: [&[u8]; 6] = [
            b"all",
            b"collate",
            b"ctype",
            b"monetary",
            b"numeric",
            b"time",
        ];
        if !CATEGORIES.contains(&&*category) {
            let message = format!(
                "invalid option '{}'",
                String::from_utf8_lossy(c_string(&category))
            );
            return Err(vm.arg_error(1, &message));
        }
    }
    // Number formatting and character classes are always those of the C locale, so only
    // requests that leave it in place succeed.
    let result = match locale.as_deref().map(c_string) {
        None | Some(b"" | b"C" | b"POSIX") => vm.str_value(b"C"),
        Some(_) => Value::Nil,
    };
    vm.ret1(result)
}

// ---- processes ----

/// `os.execute([command])`: the raw wait status, as LuaJIT 2.1's `system`.
fn os_execute(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let command = vm.opt_str(0)?;
    let Some(command) = command else {
        let shell = std::path::Path::new("/bin/sh").exists();
        return vm.ret1(Value::Number(if shell { 1.0 } else { 0.0 }));
    };
    // The command's output must follow what the script already wrote.
    flush_all(vm);
    let status = Command::new("/bin/sh")
        .arg("-c")
        .arg(OsStr::from_bytes(c_string(&command)))
        .status();
    let code = match status {
        Ok(status) => status.into_raw(),
        Err(_) => -1,
    };
    vm.ret1(Value::Number(f64::from(code)))
}

/// `os.exit([code])`: true is success, false failure, a number the status; open files and
/// standard output are flushed first, as C's `exit` does.
fn os_exit(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let status = match vm.arg(0) {
        Value::Boolean(true) => 0,
        Value::Boolean(false) => 1,
        _ => vm.opt_int(0, 0)? as i32,
    };
    flush_all(vm);
    let _ = vm.stdout.flush();
    let _ = std::io::stderr().flush();
    std::process::exit(status)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_conversion_matches_x86_c_casts() {
        assert_eq!(to_time(10.7), 10);
        assert_eq!(to_time(-3.2), -3);
        assert_eq!(to_time(f64::NAN), i64::MIN);
        assert_eq!(to_time(1e20), i64::MIN);
    }

    #[test]
    fn temporary_names_look_like_mkstemp_and_repeat_per_seed() {
        let a = temporary_name(7, 0);
        assert_eq!(a.len(), "/tmp/lua_XXXXXX".len());
        assert!(a.starts_with("/tmp/lua_"));
        assert_eq!(a, temporary_name(7, 0));
        assert_ne!(a, temporary_name(7, 1));
        assert_ne!(a, temporary_name(8, 0));
    }

    #[test]
    fn c_strings_stop_at_nul() {
        assert_eq!(c_string(b"*t\0abc"), b"*t");
        assert_eq!(c_string(b"abc"), b"abc");
    }
}
