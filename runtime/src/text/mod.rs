//! Byte-level text algorithms of the Lua standard library, independent of the VM:
//! patterns (`string.find/match/gmatch/gsub`), `string.format`, number
//! printing and parsing (`tostring`, `tonumber`, numerals), and calendar
//! maths for `os.date`/`os.time`. Every function works on raw bytes (Lua
//! strings are not UTF-8) and reproduces LuaJIT 2.1's results and error texts.
#![forbid(unsafe_code)]

pub mod date;
pub mod float;
pub mod format;
pub mod number;
pub mod pattern;
