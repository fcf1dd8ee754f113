//! Byte-level text algorithms of the Lua standard library, independent of the
//! VM. Every function works on raw bytes (Lua strings are not UTF-8) and
//! reproduces the results and error texts of LuaJIT 2.1 as Debian builds it
//! (x86-64, glibc, C locale):
//!
//! - `pattern`: Lua 5.1 patterns for `string.find/match/gmatch/gsub`;
//! - `format`: `string.format`;
//! - `float`: the `%e %f %g %a` digit generation shared by `format` and
//!   `number` (LuaJIT rounds exact ties away from zero);
//! - `number`: `tostring` of numbers, `tonumber`, string coercion, numerals;
//! - `date`: calendar maths and `strftime` for `os.date`/`os.time`.
//!
//! Nothing here sees a Lua value, allocates VM objects, or calls the C
//! library: results cannot depend on the host's libc or locale.
#![forbid(unsafe_code)]

pub mod date;
pub mod float;
pub mod format;
pub mod number;
pub mod pattern;
