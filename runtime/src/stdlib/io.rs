//! The `io` library: files are full userdata holding a [`LuaFile`], a small buffered stream of
//! our own that behaves as the C stdio calls LuaJIT 2.1 makes (`fgets`, `fread`,
//! `fscanf("%lf")`, `fseeko`, `ferror`, `fclose`/`pclose`), including its results and error
//! triples (`nil, "name: No such file or directory", 2`).
//!
//! Standard output is special: everything written to it goes through `vm.stdout`, so `io.write`
//! and `print` stay in order. This module must never write to descriptor 1 any other way, and
//! reading standard input always flushes `vm.stdout` first so prompts appear.

#![forbid(unsafe_code)]

use super::{new_library, register};
use crate::heap::{Function, Userdata};
use crate::text::number::format_number;
use crate::value::{UserdataRef, Value};
use crate::vm::{LuaError, LuaResult, Vm};
use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Stdout, Write};
use std::os::fd::AsFd;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::OpenOptionsExt;
use std::process::{Child, Command, Stdio};

/// glibc's buffer size for files (the block size of Linux file systems).
const BUFFER_SIZE: usize = 4096;
/// Registry key of the metatable shared by all files (Lua's `LUA_FILEHANDLE`).
const METATABLE_KEY: &str = "FILE*";
/// Registry keys of the default input and output files.
const INPUT_KEY: &str = "_IO_input";
const OUTPUT_KEY: &str = "_IO_output";
/// Upvalues a `lines` iterator may hold (LuaJIT's `LJ_MAX_UPVAL`).
const MAX_LINES_FORMATS: usize = 60;
/// Largest byte count `read(n)` accepts before "not enough memory" (LuaJIT's `LJ_MAX_BUF`).
const MAX_READ_COUNT: u64 = 0x7fff_ff00;

pub fn open(vm: &mut Vm) {
    let mt = vm.heap.new_table(0, 10);
    register(
        vm,
        mt,
        &[
            ("close", file_close),
            ("flush", file_flush),
            ("lines", file_lines),
            ("read", file_read),
            ("seek", file_seek),
            ("setvbuf", file_setvbuf),
            ("write", file_write),
            ("__gc", file_gc),
            ("__tostring", file_tostring),
        ],
    );
    vm.set_field(mt, "__index", Value::Table(mt));
    let registry = vm.registry;
    vm.set_field(registry, METATABLE_KEY, Value::Table(mt));

    let io = new_library(
        vm,
        "io",
        &[
            ("close", io_close),
            ("flush", io_flush),
            ("input", io_input),
            ("lines", io_lines),
            ("open", io_open),
            ("output", io_output),
            ("popen", io_popen),
            ("read", io_read),
            ("tmpfile", io_tmpfile),
            ("type", io_type),
            ("write", io_write),
        ],
    );
    let stdin = new_file(
        vm,
        LuaFile::standard(Stream::new(Backend::Stdin(None), true, false)),
    );
    let stdout = new_file(
        vm,
        LuaFile::standard(Stream::new(Backend::Stdout, false, true)),
    );
    let mut err_stream = Stream::new(Backend::Stderr, false, true);
    err_stream.buffering = Buffering::Unbuffered;
    let stderr = new_file(vm, LuaFile::standard(err_stream));
    vm.set_field(io, "stdin", stdin);
    vm.set_field(io, "stdout", stdout);
    vm.set_field(io, "stderr", stderr);
    vm.set_field(registry, INPUT_KEY, stdin);
    vm.set_field(registry, OUTPUT_KEY, stdout);
}

// ---- the file object ----

/// The payload of a Lua file userdata.
pub struct LuaFile {
    /// `None` once closed.
    stream: Option<Stream>,
    kind: FileKind,
    /// Opened by `io.lines(name)`: closed when its iterator reaches the end.
    close_at_eof: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FileKind {
    /// `io.stdin`, `io.stdout`, `io.stderr`: never closed.
    Standard,
    Regular,
    Pipe,
}

impl LuaFile {
    fn standard(stream: Stream) -> LuaFile {
        LuaFile {
            stream: Some(stream),
            kind: FileKind::Standard,
            close_at_eof: false,
        }
    }

    fn regular(stream: Stream) -> LuaFile {
        LuaFile {
            stream: Some(stream),
            kind: FileKind::Regular,
            close_at_eof: false,
        }
    }
}

/// Where a stream's bytes come from and go to.
enum Backend {
    File(File),
    /// Standard input, read through a duplicate of descriptor 0 made on first use (so `seek`
    /// works when it is a regular file).
    Stdin(Option<File>),
    /// Standard output: written through `vm.stdout`.
    Stdout,
    Stderr,
    /// A child of `io.popen`, with its standard input or output piped to us.
    Pipe(Child),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Buffering {
    Full,
    Line,
    Unbuffered,
}

#[derive(Clone, Copy)]
enum Whence {
    Set,
    Current,
    End,
}

/// A buffered byte stream with C stdio's indicators.
struct Stream {
    backend: Backend,
    readable: bool,
    writable: bool,
    /// Bytes read ahead; `read_buf[read_pos..]` are not yet consumed.
    read_buf: Vec<u8>,
    read_pos: usize,
    /// Bytes written but not yet passed to the backend.
    write_buf: Vec<u8>,
    /// The last line or byte count read, reused from read to read.
    scratch: Vec<u8>,
    buffering: Buffering,
    capacity: usize,
    /// errno of the last failure since `clear` (C's error indicator).
    error: Option<i32>,
    /// End of file seen since `clear` (C's end-of-file indicator).
    eof: bool,
}

fn os_error(code: i32) -> io::Error {
    io::Error::from_raw_os_error(code)
}

/// Opens (once) and returns the duplicate of descriptor 0 standard input is read through.
/// A standard input the program was started without reads as a bad descriptor, as in LuaJIT.
fn stdin_file(slot: &mut Option<File>) -> io::Result<&mut File> {
    if slot.is_none() {
        if STARTED_WITHOUT_STDIN.load(std::sync::atomic::Ordering::Relaxed) {
            return Err(os_error(libc::EBADF));
        }
        *slot = Some(File::from(io::stdin().as_fd().try_clone_to_owned()?));
    }
    Ok(slot.as_mut().expect("just opened"))
}

/// Set before `main` when the process started without descriptor 0 (`runtime script.lua <&-`):
/// Rust's start-up code then opens `/dev/null` in its place, which cannot be told apart from a
/// `/dev/null` the parent gave, so the `runtime` binary looks first (see its `main.rs`).
pub static STARTED_WITHOUT_STDIN: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// A duplicate of a standard output descriptor, for seeking.
fn std_output_file(stderr: bool) -> io::Result<File> {
    let fd = if stderr {
        io::stderr().as_fd().try_clone_to_owned()?
    } else {
        io::stdout().as_fd().try_clone_to_owned()?
    };
    Ok(File::from(fd))
}

/// Writes `data` to a backend that needs no access to `vm.stdout`; `None` for standard output.
fn write_direct(backend: &mut Backend, data: &[u8]) -> Option<io::Result<()>> {
    let result = match backend {
        Backend::File(f) => f.write_all(data),
        Backend::Stderr => io::stderr().write_all(data),
        Backend::Pipe(child) => match child.stdin.as_mut() {
            Some(pipe) => pipe.write_all(data),
            None => Err(os_error(libc::EBADF)),
        },
        Backend::Stdin(_) => Err(os_error(libc::EBADF)),
        Backend::Stdout => return None,
    };
    Some(result)
}

impl Stream {
    fn new(backend: Backend, readable: bool, writable: bool) -> Stream {
        Stream {
            backend,
            readable,
            writable,
            read_buf: Vec::new(),
            read_pos: 0,
            write_buf: Vec::new(),
            scratch: Vec::new(),
            buffering: Buffering::Full,
            capacity: BUFFER_SIZE,
            error: None,
            eof: false,
        }
    }

    /// C's `clearerr`.
    fn clear(&mut self) {
        self.error = None;
        self.eof = false;
    }

    fn fail(&mut self, e: &io::Error) {
        self.error = Some(errno_of(e));
    }

    fn unread(&self) -> usize {
        self.read_buf.len() - self.read_pos
    }

    fn raw_read(&mut self, out: &mut BufWriter<Stdout>, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let result = match &mut self.backend {
                Backend::File(f) => f.read(buf),
                Backend::Stdin(slot) => {
                    let _ = out.flush();
                    stdin_file(slot).and_then(|f| f.read(buf))
                }
                Backend::Pipe(child) => match child.stdout.as_mut() {
                    Some(pipe) => pipe.read(buf),
                    None => Err(os_error(libc::EBADF)),
                },
                Backend::Stdout | Backend::Stderr => Err(os_error(libc::EBADF)),
            };
            match result {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => return r,
            }
        }
    }

    fn raw_write(&mut self, out: &mut BufWriter<Stdout>, data: &[u8]) -> io::Result<()> {
        if matches!(self.backend, Backend::Stderr) {
            // Keep the two standard outputs in program order on a terminal or a shared pipe.
            let _ = out.flush();
        }
        match write_direct(&mut self.backend, data) {
            Some(result) => result,
            None => out.write_all(data),
        }
    }

    /// Passes buffered writes to the backend.
    fn flush_writes(&mut self, out: &mut BufWriter<Stdout>) -> io::Result<()> {
        if self.write_buf.is_empty() {
            return Ok(());
        }
        let data = std::mem::take(&mut self.write_buf);
        let result = self.raw_write(out, &data);
        self.write_buf = data;
        self.write_buf.clear();
        result
    }

    /// Gets ready to read: pending writes go out first. False (with the error set) if the
    /// stream cannot be read.
    fn prepare_read(&mut self, out: &mut BufWriter<Stdout>) -> bool {
        if !self.readable {
            self.fail(&os_error(libc::EBADF));
            return false;
        }
        if let Err(e) = self.flush_writes(out) {
            self.fail(&e);
            return false;
        }
        true
    }

    /// Gets ready to write: bytes read ahead are given back to the file position.
    fn prepare_write(&mut self) -> io::Result<()> {
        if !self.writable {
            return Err(os_error(libc::EBADF));
        }
        let unread = self.unread();
        if unread > 0 {
            if let Backend::File(f) = &mut self.backend {
                f.seek(SeekFrom::Current(-(unread as i64)))?;
            }
        }
        self.read_buf.clear();
        self.read_pos = 0;
        Ok(())
    }

    /// Reads more bytes into the read buffer (at least `hint` if the backend has them at once).
    /// False at end of file or on error.
    fn fill(&mut self, out: &mut BufWriter<Stdout>, hint: usize) -> bool {
        if self.eof || !self.prepare_read(out) {
            return false;
        }
        let size = self.capacity.max(hint.min(1 << 20)).max(1);
        let mut buf = std::mem::take(&mut self.read_buf);
        buf.clear();
        buf.resize(size, 0);
        let result = self.raw_read(out, &mut buf);
        self.read_pos = 0;
        let filled = match result {
            Ok(0) => {
                self.eof = true;
                buf.clear();
                false
            }
            Ok(n) => {
                buf.truncate(n);
                true
            }
            Err(e) => {
                self.fail(&e);
                buf.clear();
                false
            }
        };
        self.read_buf = buf;
        filled
    }

    fn peek(&mut self, out: &mut BufWriter<Stdout>) -> Option<u8> {
        if self.unread() == 0 && !self.fill(out, 0) {
            return None;
        }
        Some(self.read_buf[self.read_pos])
    }

    /// `fgets` until a newline, into `scratch`; whether anything was read.
    fn read_line(&mut self, out: &mut BufWriter<Stdout>, keep_newline: bool) -> bool {
        self.scratch.clear();
        let mut any = false;
        loop {
            if self.unread() == 0 && !self.fill(out, 0) {
                return any;
            }
            any = true;
            let available = &self.read_buf[self.read_pos..];
            if let Some(i) = available.iter().position(|&b| b == b'\n') {
                self.scratch
                    .extend_from_slice(&available[..i + usize::from(keep_newline)]);
                self.read_pos += i + 1;
                return true;
            }
            self.scratch.extend_from_slice(available);
            self.read_pos = self.read_buf.len();
        }
    }

    /// Everything up to the end of the file.
    fn read_all(&mut self, out: &mut BufWriter<Stdout>) -> Vec<u8> {
        let mut data = self.read_buf[self.read_pos..].to_vec();
        self.read_pos = self.read_buf.len();
        if self.eof || !self.prepare_read(out) {
            return data;
        }
        loop {
            let start = data.len();
            let chunk = start.clamp(BUFFER_SIZE, 1 << 24);
            data.resize(start + chunk, 0);
            match self.raw_read(out, &mut data[start..]) {
                Ok(0) => {
                    data.truncate(start);
                    self.eof = true;
                    return data;
                }
                Ok(n) => data.truncate(start + n),
                Err(e) => {
                    data.truncate(start);
                    self.fail(&e);
                    return data;
                }
            }
        }
    }

    /// `fread` of up to `n` bytes, into `scratch`; whether any were read.
    fn read_count(&mut self, out: &mut BufWriter<Stdout>, n: usize) -> bool {
        self.scratch.clear();
        while self.scratch.len() < n {
            if self.unread() == 0 && !self.fill(out, n - self.scratch.len()) {
                break;
            }
            let take = self.unread().min(n - self.scratch.len());
            self.scratch
                .extend_from_slice(&self.read_buf[self.read_pos..self.read_pos + take]);
            self.read_pos += take;
        }
        if self.scratch.capacity() > 1 << 20 && self.scratch.len() < 1 << 16 {
            self.scratch.shrink_to(1 << 16);
        }
        !self.scratch.is_empty()
    }

    /// `fscanf(fp, "%lf")`.
    fn read_number(&mut self, out: &mut BufWriter<Stdout>) -> Option<f64> {
        scan_number(&mut StreamBytes { stream: self, out })
    }

    fn write(&mut self, out: &mut BufWriter<Stdout>, data: &[u8]) -> io::Result<()> {
        self.prepare_write()?;
        if matches!(self.backend, Backend::Stdout) {
            out.write_all(data)?;
            return match self.buffering {
                Buffering::Unbuffered => out.flush(),
                Buffering::Line if data.contains(&b'\n') => out.flush(),
                _ => Ok(()),
            };
        }
        match self.buffering {
            Buffering::Unbuffered => {
                self.flush_writes(out)?;
                self.raw_write(out, data)
            }
            Buffering::Full | Buffering::Line => {
                if self.write_buf.len() + data.len() > self.capacity {
                    self.flush_writes(out)?;
                }
                if data.len() >= self.capacity {
                    self.raw_write(out, data)?;
                } else {
                    self.write_buf.extend_from_slice(data);
                }
                if self.buffering == Buffering::Line && data.contains(&b'\n') {
                    self.flush_writes(out)?;
                }
                Ok(())
            }
        }
    }

    fn flush(&mut self, out: &mut BufWriter<Stdout>) -> io::Result<()> {
        self.flush_writes(out)?;
        match self.backend {
            Backend::Stdout => out.flush(),
            _ => Ok(()),
        }
    }

    /// `fseeko` then `ftello`: the new position.
    fn seek(
        &mut self,
        out: &mut BufWriter<Stdout>,
        whence: Whence,
        offset: i64,
    ) -> io::Result<u64> {
        self.flush_writes(out)?;
        let target = match whence {
            Whence::Set if offset < 0 => return Err(os_error(libc::EINVAL)),
            Whence::Set => SeekFrom::Start(offset as u64),
            Whence::Current => SeekFrom::Current(offset.saturating_sub(self.unread() as i64)),
            Whence::End => SeekFrom::End(offset),
        };
        let position = match &mut self.backend {
            Backend::File(f) => f.seek(target)?,
            Backend::Stdin(slot) => stdin_file(slot)?.seek(target)?,
            Backend::Stdout => {
                out.flush()?;
                std_output_file(false)?.seek(target)?
            }
            Backend::Stderr => std_output_file(true)?.seek(target)?,
            Backend::Pipe(_) => return Err(os_error(libc::ESPIPE)),
        };
        self.read_buf.clear();
        self.read_pos = 0;
        self.eof = false;
        Ok(position)
    }

    fn set_buffering(
        &mut self,
        out: &mut BufWriter<Stdout>,
        mode: Buffering,
        size: usize,
    ) -> io::Result<()> {
        self.flush(out)?;
        self.buffering = mode;
        self.capacity = if size == 0 {
            BUFFER_SIZE
        } else {
            size.min(1 << 24)
        };
        Ok(())
    }

    /// `fclose` / `pclose`.
    fn close(mut self, out: &mut BufWriter<Stdout>) -> io::Result<()> {
        let flushed = self.flush_writes(out);
        let waited = match &mut self.backend {
            Backend::Pipe(child) => {
                drop(child.stdin.take());
                drop(child.stdout.take());
                child.wait().map(|_| ())
            }
            _ => Ok(()),
        };
        flushed.and(waited)
    }
}

impl Drop for Stream {
    /// A file that is collected or still open at exit is flushed and, for a pipe, waited for,
    /// as C's `exit` and LuaJIT's `__gc` do.
    fn drop(&mut self) {
        if !self.write_buf.is_empty() {
            let data = std::mem::take(&mut self.write_buf);
            let _ = write_direct(&mut self.backend, &data);
        }
        if let Backend::Pipe(child) = &mut self.backend {
            drop(child.stdin.take());
            drop(child.stdout.take());
            let _ = child.wait();
        }
    }
}

/// What `scan_number` reads from: one byte of lookahead, as `fscanf` has.
trait ByteSource {
    fn peek(&mut self) -> Option<u8>;
    fn bump(&mut self);
}

struct StreamBytes<'a> {
    stream: &'a mut Stream,
    out: &'a mut BufWriter<Stdout>,
}

impl ByteSource for StreamBytes<'_> {
    fn peek(&mut self) -> Option<u8> {
        self.stream.peek(self.out)
    }

    fn bump(&mut self) {
        self.stream.read_pos += 1;
    }
}

/// Matches `word` (lower case) case-insensitively; a mismatching byte is consumed, as glibc's
/// scanner does.
fn take_word(src: &mut impl ByteSource, word: &[u8]) -> bool {
    for &expected in word {
        match src.peek() {
            Some(c) if c.to_ascii_lowercase() == expected => src.bump(),
            Some(_) => {
                src.bump();
                return false;
            }
            None => return false,
        }
    }
    true
}

fn take_digits(src: &mut impl ByteSource, text: &mut String) -> usize {
    let mut count = 0;
    while let Some(c @ b'0'..=b'9') = src.peek() {
        text.push(c as char);
        src.bump();
        count += 1;
    }
    count
}

/// Reads a number as glibc's `fscanf("%lf")` does: skips white space, then consumes the longest
/// prefix that can still be a number, one byte at a time. Bytes consumed before a mismatch are
/// lost; an exponent without digits is ignored ("1e" reads as 1).
fn scan_number(src: &mut impl ByteSource) -> Option<f64> {
    while matches!(
        src.peek(),
        Some(b' ' | b'\t' | b'\n' | b'\x0b' | b'\x0c' | b'\r')
    ) {
        src.bump();
    }
    let mut negative = false;
    if let Some(c @ (b'+' | b'-')) = src.peek() {
        negative = c == b'-';
        src.bump();
    }
    let sign = if negative { -1.0 } else { 1.0 };
    match src.peek() {
        Some(b'i' | b'I') => {
            src.bump();
            if !take_word(src, b"nf") {
                return None;
            }
            if matches!(src.peek(), Some(b'i' | b'I')) {
                src.bump();
                if !take_word(src, b"nity") {
                    return None;
                }
            }
            return Some(sign * f64::INFINITY);
        }
        Some(b'n' | b'N') => {
            src.bump();
            return take_word(src, b"an").then_some(sign * f64::NAN);
        }
        Some(b'0') => {
            src.bump();
            if matches!(src.peek(), Some(b'x' | b'X')) {
                src.bump();
                return scan_hex(src).map(|v| sign * v);
            }
            let mut text = String::from("0");
            return scan_decimal(src, &mut text, 1).map(|v| sign * v);
        }
        _ => {}
    }
    let mut text = String::new();
    scan_decimal(src, &mut text, 0).map(|v| sign * v)
}

/// The rest of a decimal number whose first `digits` digits are already in `text`.
fn scan_decimal(src: &mut impl ByteSource, text: &mut String, mut digits: usize) -> Option<f64> {
    digits += take_digits(src, text);
    if src.peek() == Some(b'.') {
        src.bump();
        text.push('.');
        digits += take_digits(src, text);
    }
    if digits == 0 {
        return None;
    }
    if matches!(src.peek(), Some(b'e' | b'E')) {
        src.bump();
        let mut exponent = String::from("e");
        if let Some(c @ (b'+' | b'-')) = src.peek() {
            exponent.push(c as char);
            src.bump();
        }
        if take_digits(src, &mut exponent) > 0 {
            text.push_str(&exponent);
        }
    }
    text.parse::<f64>().ok()
}

/// A hexadecimal number after its "0x".
fn scan_hex(src: &mut impl ByteSource) -> Option<f64> {
    let mut digits = Vec::new();
    let mut exponent: i64 = 0;
    let mut seen_point = false;
    loop {
        match src.peek() {
            Some(c) if c.is_ascii_hexdigit() => {
                digits.push((c as char).to_digit(16).expect("hex digit") as u8);
                if seen_point {
                    exponent -= 4;
                }
                src.bump();
            }
            Some(b'.') if !seen_point => {
                seen_point = true;
                src.bump();
            }
            _ => break,
        }
    }
    if digits.is_empty() {
        return None;
    }
    if matches!(src.peek(), Some(b'p' | b'P')) {
        src.bump();
        let mut negative = false;
        if let Some(c @ (b'+' | b'-')) = src.peek() {
            negative = c == b'-';
            src.bump();
        }
        let mut value: i64 = 0;
        while let Some(c @ b'0'..=b'9') = src.peek() {
            value = value.saturating_mul(10).saturating_add(i64::from(c - b'0'));
            src.bump();
        }
        exponent = exponent.saturating_add(if negative { -value } else { value });
    }
    Some(hex_float(&digits, exponent))
}

/// The value of hexadecimal `digits` (0..=15 each) times 2^`exponent`.
fn hex_float(digits: &[u8], mut exponent: i64) -> f64 {
    let mut mantissa: u128 = 0;
    let mut sticky = false;
    for &d in digits.iter().skip_while(|&&d| d == 0) {
        if mantissa >> 120 == 0 {
            mantissa = mantissa << 4 | u128::from(d);
        } else {
            exponent = exponent.saturating_add(4);
            sticky |= d != 0;
        }
    }
    if sticky {
        mantissa |= 1;
    }
    let mut value = mantissa as f64;
    let mut e = exponent.clamp(-5000, 5000) as i32;
    while e > 1000 {
        value *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        value *= 2f64.powi(-1000);
        e += 1000;
    }
    value * 2f64.powi(e)
}

// ---- C mode strings ----

/// How `fopen` opens a file for a mode string.
#[derive(Debug, PartialEq, Eq)]
struct OpenMode {
    read: bool,
    /// 'w' or 'a': the file is created if missing.
    create: bool,
    write: bool,
    append: bool,
    truncate: bool,
    exclusive: bool,
}

/// glibc's `fopen` mode parsing: 'r', 'w' or 'a', then up to six flags until NUL or ',', of
/// which '+' (read and write) and 'x' (exclusive) matter and unknown ones are ignored.
fn parse_fopen_mode(mode: &[u8]) -> Option<OpenMode> {
    let mut m = match mode.first()? {
        b'r' => OpenMode {
            read: true,
            create: false,
            write: false,
            append: false,
            truncate: false,
            exclusive: false,
        },
        b'w' => OpenMode {
            read: false,
            create: true,
            write: true,
            append: false,
            truncate: true,
            exclusive: false,
        },
        b'a' => OpenMode {
            read: false,
            create: true,
            write: true,
            append: true,
            truncate: false,
            exclusive: false,
        },
        _ => return None,
    };
    for &c in mode.iter().skip(1).take(6) {
        match c {
            0 | b',' => break,
            b'+' => {
                m.read = true;
                m.write = true;
            }
            b'x' => m.exclusive = true,
            _ => {}
        }
    }
    Some(m)
}

/// glibc's `popen` mode: exactly one of 'r' and 'w' (repeats allowed), plus 'e'. True for read.
fn parse_popen_mode(mode: &[u8]) -> Option<bool> {
    let (mut read, mut write) = (false, false);
    for &c in mode {
        match c {
            b'r' => read = true,
            b'w' => write = true,
            b'e' => {}
            _ => return None,
        }
    }
    if read == write {
        None
    } else {
        Some(read)
    }
}

/// The bytes C sees of a Lua string: up to the first NUL.
fn c_string(bytes: &[u8]) -> &[u8] {
    match bytes.iter().position(|&b| b == 0) {
        Some(i) => &bytes[..i],
        None => bytes,
    }
}

fn open_stream(name: &[u8], mode: &[u8]) -> io::Result<Stream> {
    let m = parse_fopen_mode(c_string(mode)).ok_or_else(|| os_error(libc::EINVAL))?;
    let mut options = OpenOptions::new();
    options.read(m.read);
    if m.append {
        options.append(true);
    } else {
        options.write(m.write);
    }
    if m.create {
        if m.exclusive {
            options.create_new(true);
        } else {
            options.create(true);
        }
    }
    options.truncate(m.truncate);
    let path = OsStr::from_bytes(c_string(name));
    if path.is_empty() {
        return Err(os_error(libc::ENOENT));
    }
    let mut file = options.open(path)?;
    if m.append && !m.read {
        // glibc starts an append-only stream at the end, so `seek` reports the size.
        file.seek(SeekFrom::End(0))?;
    }
    Ok(Stream::new(Backend::File(file), m.read, m.write))
}

/// An anonymous read-write file that disappears when closed (C's `tmpfile`).
fn temporary_stream() -> io::Result<Stream> {
    let file = match OpenOptions::new()
        .read(true)
        .write(true)
        .mode(0o600)
        .custom_flags(libc::O_TMPFILE)
        .open("/tmp")
    {
        Ok(f) => f,
        Err(_) => {
            // File systems without O_TMPFILE: create a fresh name and unlink it at once.
            let mut attempt = 0u32;
            loop {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.subsec_nanos())
                    .unwrap_or(0);
                let path = format!("/tmp/tmpf{:x}{:x}{attempt}", std::process::id(), nanos);
                match OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create_new(true)
                    .mode(0o600)
                    .open(&path)
                {
                    Ok(f) => {
                        let _ = std::fs::remove_file(&path);
                        break f;
                    }
                    Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempt < 100 => {
                        attempt += 1
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    };
    Ok(Stream::new(Backend::File(file), true, true))
}

// ---- error results ----

/// errno of an I/O error (EIO for errors that did not come from the kernel).
pub(crate) fn errno_of(e: &io::Error) -> i32 {
    e.raw_os_error().unwrap_or(match e.kind() {
        io::ErrorKind::InvalidInput => libc::EINVAL,
        io::ErrorKind::NotFound => libc::ENOENT,
        io::ErrorKind::PermissionDenied => libc::EACCES,
        _ => libc::EIO,
    })
}

/// C's `strerror` text of an errno.
pub(crate) fn strerror(code: i32) -> String {
    let text = os_error(code).to_string();
    match text.strip_suffix(&format!(" (os error {code})")) {
        Some(message) => message.to_string(),
        None => text,
    }
}

/// `luaL_fileresult` for a failure: nil, "name: message" (or just the message) and errno.
pub(crate) fn push_failure(vm: &mut Vm, code: i32, name: Option<&[u8]>) -> LuaResult<usize> {
    let mut message = Vec::new();
    if let Some(name) = name {
        message.extend_from_slice(c_string(name));
        message.extend_from_slice(b": ");
    }
    message.extend_from_slice(strerror(code).as_bytes());
    vm.push(Value::Nil);
    let text = vm.new_string(&message)?;
    vm.push(text);
    vm.push(Value::Number(f64::from(code)));
    Ok(3)
}

fn push_result(vm: &mut Vm, result: io::Result<()>) -> LuaResult<usize> {
    match result {
        Ok(()) => vm.ret1(Value::Boolean(true)),
        Err(e) => push_failure(vm, errno_of(&e), None),
    }
}

fn not_enough_memory(vm: &mut Vm) -> Box<LuaError> {
    LuaError::new(vm.str_value(b"not enough memory"))
}

// ---- access to file userdata ----

fn new_file(vm: &mut Vm, file: LuaFile) -> Value {
    let registry = vm.registry;
    let key = vm.str_value(METATABLE_KEY.as_bytes());
    let metatable = match vm.heap.table(registry).get(key) {
        Value::Table(t) => Some(t),
        _ => None,
    };
    let u = vm.heap.new_userdata(Userdata {
        metatable,
        env: None,
        payload: Box::new(file),
        finalized: false,
    });
    Value::Userdata(u)
}

fn lua_file(vm: &mut Vm, u: UserdataRef) -> Option<&mut LuaFile> {
    vm.heap
        .userdata
        .get_mut(u.0)
        .payload
        .downcast_mut::<LuaFile>()
}

fn is_file(vm: &Vm, v: Value) -> Option<UserdataRef> {
    match v {
        Value::Userdata(u) if vm.heap.userdata.get(u.0).payload.is::<LuaFile>() => Some(u),
        _ => None,
    }
}

fn is_open(vm: &mut Vm, u: UserdataRef) -> bool {
    lua_file(vm, u).is_some_and(|f| f.stream.is_some())
}

/// Runs `f` on the open stream of file `u` with `vm.stdout` at hand; `None` if it is closed.
fn with_stream<R>(
    vm: &mut Vm,
    u: UserdataRef,
    f: impl FnOnce(&mut Stream, &mut BufWriter<Stdout>) -> R,
) -> Option<R> {
    let (heap, out) = (&mut vm.heap, &mut vm.stdout);
    let file = heap
        .userdata
        .get_mut(u.0)
        .payload
        .downcast_mut::<LuaFile>()?;
    let stream = file.stream.as_mut()?;
    Some(f(stream, out))
}

/// Runs `f` with the stream of file `u` taken out of its userdata, so `f` may use the whole VM
/// (make strings, push results) while reading or writing; the stream goes back afterwards.
/// `None` if the file is closed.
fn using_stream<R>(
    vm: &mut Vm,
    u: UserdataRef,
    f: impl FnOnce(&mut Vm, &mut Stream) -> R,
) -> Option<R> {
    let mut stream = lua_file(vm, u)?.stream.take()?;
    let result = f(vm, &mut stream);
    if let Some(file) = lua_file(vm, u) {
        file.stream = Some(stream);
    }
    Some(result)
}

/// Argument `i` as a file (open or closed).
fn check_file(vm: &mut Vm, i: usize) -> LuaResult<UserdataRef> {
    match is_file(vm, vm.arg(i)) {
        Some(u) if i < vm.nargs() => Ok(u),
        _ => Err(vm.arg_type_error(i, "FILE*")),
    }
}

/// Argument `i` as an open file.
fn check_open_file(vm: &mut Vm, i: usize) -> LuaResult<UserdataRef> {
    let u = check_file(vm, i)?;
    if !is_open(vm, u) {
        return Err(vm.rt_error("attempt to use a closed file"));
    }
    Ok(u)
}

fn registry_file(vm: &mut Vm, key: &str) -> UserdataRef {
    let registry = vm.registry;
    let k = vm.str_value(key.as_bytes());
    match vm.heap.table(registry).get(k) {
        Value::Userdata(u) => u,
        _ => unreachable!("io.open installs the default files"),
    }
}

/// The default input or output file, which must be open.
fn default_file(vm: &mut Vm, key: &str) -> LuaResult<UserdataRef> {
    let u = registry_file(vm, key);
    if !is_open(vm, u) {
        return Err(vm.rt_error("standard file is closed"));
    }
    Ok(u)
}

/// `fflush(NULL)`: standard output and every open file's pending writes. Used before running
/// other programs and before exiting.
pub(crate) fn flush_all(vm: &mut Vm) {
    let _ = vm.stdout.flush();
    let handles: Vec<u32> = vm.heap.userdata.iter().map(|(i, _)| i).collect();
    for i in handles {
        let _ = with_stream(vm, UserdataRef(i), |s, out| s.flush(out));
    }
}

// ---- reading and writing ----

enum ReadFormat {
    Number,
    Line { keep_newline: bool },
    All,
    Count(usize),
}

/// What `read_formats` did.
enum ReadOutcome {
    /// Pushed one value per format tried; the last is nil if it failed.
    Pushed { count: usize, first_failed: bool },
    /// The stream's error indicator was set: errno (anything pushed is to be ignored).
    Failed(i32),
}

fn parse_format(vm: &mut Vm, format: Value, arg: usize) -> LuaResult<ReadFormat> {
    match format {
        Value::String(s) => {
            let bytes = vm.heap.str_bytes(s);
            let spec = bytes.strip_prefix(b"*").unwrap_or(bytes);
            match spec.first() {
                Some(b'n') => Ok(ReadFormat::Number),
                Some(b'l') => Ok(ReadFormat::Line {
                    keep_newline: false,
                }),
                Some(b'L') => Ok(ReadFormat::Line { keep_newline: true }),
                Some(b'a') => Ok(ReadFormat::All),
                _ => Err(vm.arg_error(arg, "invalid format")),
            }
        }
        Value::Number(n) => {
            // LuaJIT converts the count to a 32-bit integer, then to unsigned.
            let count = lua_int32(n) as u32;
            if u64::from(count) > MAX_READ_COUNT {
                return Err(not_enough_memory(vm));
            }
            Ok(ReadFormat::Count(count as usize))
        }
        _ => Err(vm.arg_error(arg, "invalid option")),
    }
}

/// A number as C's `(int32_t)` conversion on x86-64 gives it: truncated, and INT_MIN when out
/// of range or NaN.
fn lua_int32(n: f64) -> i32 {
    if n.is_finite() && n > -2_147_483_649.0 && n < 2_147_483_648.0 {
        n as i32
    } else {
        i32::MIN
    }
}

/// `io_file_read`: reads with each of `formats` (the arguments from position `first_arg`; a
/// line when there are none) until one fails, pushing the results.
fn read_formats(
    vm: &mut Vm,
    u: UserdataRef,
    formats: &[Value],
    first_arg: usize,
) -> LuaResult<ReadOutcome> {
    let outcome = using_stream(vm, u, |vm, s| {
        s.clear();
        let mut count = 0;
        let mut first_failed = false;
        let total = formats.len().max(1);
        while count < total {
            let format = match formats.get(count) {
                Some(&f) => parse_format(vm, f, first_arg + count)?,
                None => ReadFormat::Line {
                    keep_newline: false,
                },
            };
            let value = match format {
                ReadFormat::Number => s.read_number(&mut vm.stdout).map(Value::Number),
                ReadFormat::Line { keep_newline } => {
                    if s.read_line(&mut vm.stdout, keep_newline) {
                        Some(vm.new_string(&s.scratch)?)
                    } else {
                        None
                    }
                }
                ReadFormat::All => {
                    let data = s.read_all(&mut vm.stdout);
                    Some(vm.new_string(&data)?)
                }
                ReadFormat::Count(0) => s.peek(&mut vm.stdout).map(|_| vm.str_value(b"")),
                ReadFormat::Count(n) => {
                    if s.read_count(&mut vm.stdout, n) {
                        Some(vm.new_string(&s.scratch)?)
                    } else {
                        None
                    }
                }
            };
            count += 1;
            match value {
                Some(v) => vm.push(v),
                None => {
                    vm.push(Value::Nil);
                    first_failed = count == 1;
                    break;
                }
            }
        }
        Ok(match s.error {
            Some(code) => ReadOutcome::Failed(code),
            None => ReadOutcome::Pushed {
                count,
                first_failed,
            },
        })
    });
    match outcome {
        Some(result) => result,
        None => Err(vm.rt_error("attempt to use a closed file")),
    }
}

fn finish_read(vm: &mut Vm, outcome: ReadOutcome) -> LuaResult<usize> {
    match outcome {
        ReadOutcome::Pushed { count, .. } => Ok(count),
        ReadOutcome::Failed(code) => push_failure(vm, code, None),
    }
}

/// `io_file_write`: writes arguments from `first_arg` on; after a failure the rest are only
/// checked, as LuaJIT does.
fn write_values(vm: &mut Vm, u: UserdataRef, first_arg: usize) -> LuaResult<usize> {
    let outcome = using_stream(vm, u, |vm, s| {
        let mut result = Ok(());
        let mut number_text = Vec::new();
        for i in first_arg..vm.nargs() {
            let written = match vm.arg(i) {
                Value::String(text) if result.is_ok() => {
                    s.write(&mut vm.stdout, vm.heap.str_bytes(text))
                }
                Value::Number(n) if result.is_ok() => {
                    number_text.clear();
                    format_number(n, &mut number_text);
                    s.write(&mut vm.stdout, &number_text)
                }
                Value::String(_) | Value::Number(_) => Ok(()),
                _ => return Err(vm.arg_type_error(i, "string")),
            };
            if result.is_ok() {
                result = written;
            }
        }
        Ok(result)
    });
    match outcome {
        Some(result) => push_result(vm, result?),
        None => Err(vm.rt_error("attempt to use a closed file")),
    }
}

fn close_file(vm: &mut Vm, u: UserdataRef) -> LuaResult<usize> {
    let (heap, out) = (&mut vm.heap, &mut vm.stdout);
    let Some(file) = heap.userdata.get_mut(u.0).payload.downcast_mut::<LuaFile>() else {
        return Err(vm.rt_error("attempt to use a closed file"));
    };
    if file.kind == FileKind::Standard {
        vm.push(Value::Nil);
        let message = vm.str_value(b"cannot close standard file");
        vm.push(message);
        return Ok(2);
    }
    let Some(stream) = file.stream.take() else {
        return Err(vm.rt_error("attempt to use a closed file"));
    };
    let result = stream.close(out);
    push_result(vm, result)
}

/// A `lines` iterator over `file` reading with `formats`.
fn lines_iterator(vm: &mut Vm, file: Value, formats: &[Value]) -> LuaResult<usize> {
    if formats.len() + 1 > MAX_LINES_FORMATS {
        return Err(vm.rt_error("too many results to unpack"));
    }
    let mut upvalues = Vec::with_capacity(formats.len() + 1);
    upvalues.push(file);
    upvalues.extend_from_slice(formats);
    let iterator = vm.new_native_with("lines", lines_step, upvalues);
    vm.ret1(iterator)
}

// ---- file methods ----

fn file_close(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    close_file(vm, u)
}

fn file_flush(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    let result = with_stream(vm, u, |s, out| s.flush(out)).unwrap_or(Ok(()));
    push_result(vm, result)
}

fn file_lines(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    let formats: Vec<Value> = (1..nargs).map(|i| vm.arg(i)).collect();
    lines_iterator(vm, Value::Userdata(u), &formats)
}

fn file_read(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    let formats: Vec<Value> = (1..nargs).map(|i| vm.arg(i)).collect();
    let outcome = read_formats(vm, u, &formats, 1)?;
    finish_read(vm, outcome)
}

/// Argument `i` as one of `options` (LuaJIT's `lj_lib_checkopt`): its index, `default` when
/// absent (`None`: required).
fn check_option(
    vm: &mut Vm,
    i: usize,
    default: Option<usize>,
    options: &[&str],
) -> LuaResult<usize> {
    let name = match default {
        Some(d) => match vm.opt_str(i)? {
            Some(name) => name,
            None => return Ok(d),
        },
        None => vm.check_str(i)?,
    };
    match options.iter().position(|o| o.as_bytes() == &*name) {
        Some(k) => Ok(k),
        None => {
            let message = format!(
                "invalid option '{}'",
                String::from_utf8_lossy(c_string(&name))
            );
            Err(vm.arg_error(i, &message))
        }
    }
}

fn file_seek(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    let whence = match check_option(vm, 1, Some(1), &["set", "cur", "end"])? {
        0 => Whence::Set,
        1 => Whence::Current,
        _ => Whence::End,
    };
    let offset = match vm.arg(2) {
        Value::Number(n) => n as i64,
        Value::Nil => 0,
        _ => return Err(vm.arg_type_error(2, "number")),
    };
    match with_stream(vm, u, |s, out| s.seek(out, whence, offset)) {
        Some(Ok(position)) => vm.ret1(Value::Number(position as f64)),
        Some(Err(e)) => push_failure(vm, errno_of(&e), None),
        None => Err(vm.rt_error("attempt to use a closed file")),
    }
}

fn file_setvbuf(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    let mode = match check_option(vm, 1, None, &["full", "line", "no"])? {
        0 => Buffering::Full,
        1 => Buffering::Line,
        _ => Buffering::Unbuffered,
    };
    let size = vm.opt_int(2, BUFFER_SIZE as i64)?;
    let size = usize::try_from(size).unwrap_or(BUFFER_SIZE);
    let result = with_stream(vm, u, |s, out| s.set_buffering(out, mode, size)).unwrap_or(Ok(()));
    push_result(vm, result)
}

fn file_write(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_open_file(vm, 0)?;
    write_values(vm, u, 1)
}

fn file_gc(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_file(vm, 0)?;
    let (heap, out) = (&mut vm.heap, &mut vm.stdout);
    if let Some(file) = heap.userdata.get_mut(u.0).payload.downcast_mut::<LuaFile>() {
        if file.kind != FileKind::Standard {
            if let Some(stream) = file.stream.take() {
                let _ = stream.close(out);
            }
        }
    }
    Ok(0)
}

fn file_tostring(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = check_file(vm, 0)?;
    if !is_open(vm, u) {
        let text = vm.str_value(b"file (closed)");
        return vm.ret1(text);
    }
    // The same seeded identity `tostring` gives userdata, never a machine address.
    let mut identity = Vec::new();
    vm.tostring_basic(Value::Userdata(u), &mut identity);
    let address = identity.strip_prefix(b"userdata: ").unwrap_or(&identity);
    let mut text = b"file (".to_vec();
    text.extend_from_slice(address);
    text.push(b')');
    let text = vm.str_value(&text);
    vm.ret1(text)
}

/// The iterator `lines` returns: upvalue 0 is the file, the rest are read formats.
fn lines_step(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let (file, formats) = {
        let frame = vm.th.frames.last().expect("a native frame");
        match vm.heap.function(frame.closure) {
            Function::Native(n) => match n.upvalues.split_first() {
                Some((&file, formats)) => (file, formats.to_vec()),
                None => (Value::Nil, Vec::new()),
            },
            Function::Lua(_) => (Value::Nil, Vec::new()),
        }
    };
    let u = match is_file(vm, file) {
        Some(u) if is_open(vm, u) => u,
        _ => return Err(vm.rt_error("attempt to use a closed file")),
    };
    match read_formats(vm, u, &formats, 0)? {
        ReadOutcome::Failed(code) => Err(vm.rt_error(&strerror(code))),
        ReadOutcome::Pushed {
            count,
            first_failed,
        } => {
            if first_failed && lua_file(vm, u).is_some_and(|f| f.close_at_eof) {
                let (heap, out) = (&mut vm.heap, &mut vm.stdout);
                if let Some(file) = heap.userdata.get_mut(u.0).payload.downcast_mut::<LuaFile>() {
                    if let Some(stream) = file.stream.take() {
                        let _ = stream.close(out);
                    }
                }
                return Ok(0);
            }
            Ok(count)
        }
    }
}

// ---- library functions ----

fn io_close(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let u = if nargs > 0 {
        check_open_file(vm, 0)?
    } else {
        registry_file(vm, OUTPUT_KEY)
    };
    close_file(vm, u)
}

fn io_flush(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = default_file(vm, OUTPUT_KEY)?;
    let result = with_stream(vm, u, |s, out| s.flush(out)).unwrap_or(Ok(()));
    push_result(vm, result)
}

/// Opens argument 0 by name for `io.input`/`io.output`/`io.lines`, raising LuaJIT's
/// "bad argument #1 (name: message)" on failure.
fn open_argument(vm: &mut Vm, mode: &[u8]) -> LuaResult<Value> {
    let name = vm.check_str(0)?;
    match open_stream(&name, mode) {
        Ok(stream) => Ok(new_file(vm, LuaFile::regular(stream))),
        Err(e) => {
            let message = format!(
                "{}: {}",
                String::from_utf8_lossy(c_string(&name)),
                strerror(errno_of(&e))
            );
            Err(vm.arg_error(0, &message))
        }
    }
}

/// `io.input` / `io.output`: sets the default file from a file or a name, and returns it.
fn set_default_file(vm: &mut Vm, nargs: usize, key: &str, mode: &[u8]) -> LuaResult<usize> {
    if nargs > 0 && !vm.arg(0).is_nil() {
        let file = match vm.arg(0) {
            Value::Userdata(_) => Value::Userdata(check_open_file(vm, 0)?),
            _ => open_argument(vm, mode)?,
        };
        let registry = vm.registry;
        vm.set_field(registry, key, file);
    }
    let u = registry_file(vm, key);
    vm.ret1(Value::Userdata(u))
}

fn io_input(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    set_default_file(vm, nargs, INPUT_KEY, b"r")
}

fn io_output(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    set_default_file(vm, nargs, OUTPUT_KEY, b"w")
}

fn io_lines(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let file = if vm.arg(0).is_nil() {
        Value::Userdata(registry_file(vm, INPUT_KEY))
    } else {
        let file = open_argument(vm, b"r")?;
        if let Some(f) = is_file(vm, file).and_then(|u| lua_file(vm, u)) {
            f.close_at_eof = true;
        }
        file
    };
    let formats: Vec<Value> = (1..nargs).map(|i| vm.arg(i)).collect();
    lines_iterator(vm, file, &formats)
}

fn io_open(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let name = vm.check_str(0)?;
    let mode = vm.opt_str(1)?;
    match open_stream(&name, mode.as_deref().unwrap_or(b"r")) {
        Ok(stream) => {
            let file = new_file(vm, LuaFile::regular(stream));
            vm.ret1(file)
        }
        Err(e) => push_failure(vm, errno_of(&e), Some(&name)),
    }
}

fn io_popen(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let command = vm.check_str(0)?;
    let mode = vm.opt_str(1)?;
    let Some(read) = parse_popen_mode(c_string(mode.as_deref().unwrap_or(b"r"))) else {
        return push_failure(vm, libc::EINVAL, Some(&command));
    };
    flush_all(vm);
    let mut shell = Command::new("/bin/sh");
    shell.arg("-c").arg(OsStr::from_bytes(c_string(&command)));
    if read {
        shell.stdout(Stdio::piped());
    } else {
        shell.stdin(Stdio::piped());
    }
    match shell.spawn() {
        Ok(child) => {
            let stream = Stream::new(Backend::Pipe(child), read, !read);
            let file = new_file(
                vm,
                LuaFile {
                    stream: Some(stream),
                    kind: FileKind::Pipe,
                    close_at_eof: false,
                },
            );
            vm.ret1(file)
        }
        Err(e) => push_failure(vm, errno_of(&e), Some(&command)),
    }
}

fn io_read(vm: &mut Vm, nargs: usize) -> LuaResult<usize> {
    let u = default_file(vm, INPUT_KEY)?;
    let formats: Vec<Value> = (0..nargs).map(|i| vm.arg(i)).collect();
    let outcome = read_formats(vm, u, &formats, 0)?;
    finish_read(vm, outcome)
}

fn io_tmpfile(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    match temporary_stream() {
        Ok(stream) => {
            let file = new_file(vm, LuaFile::regular(stream));
            vm.ret1(file)
        }
        Err(e) => push_failure(vm, errno_of(&e), None),
    }
}

fn io_type(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let v = vm.check_any(0)?;
    let result = match is_file(vm, v) {
        None => Value::Nil,
        Some(u) if is_open(vm, u) => vm.str_value(b"file"),
        Some(_) => vm.str_value(b"closed file"),
    };
    vm.ret1(result)
}

fn io_write(vm: &mut Vm, _: usize) -> LuaResult<usize> {
    let u = default_file(vm, OUTPUT_KEY)?;
    write_values(vm, u, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Bytes<'a> {
        data: &'a [u8],
        pos: usize,
    }

    impl ByteSource for Bytes<'_> {
        fn peek(&mut self) -> Option<u8> {
            self.data.get(self.pos).copied()
        }

        fn bump(&mut self) {
            self.pos += 1;
        }
    }

    /// The number read and the input left, as `fscanf` then `fread` would see them.
    fn scan(input: &str) -> (Option<f64>, &str) {
        let mut src = Bytes {
            data: input.as_bytes(),
            pos: 0,
        };
        let n = scan_number(&mut src);
        (n, &input[src.pos..])
    }

    #[test]
    fn scans_numbers_as_glibc_fscanf() {
        // Each expectation was checked against LuaJIT 2.1 on glibc.
        assert_eq!(scan("  12abc"), (Some(12.0), "abc"));
        assert_eq!(scan("1e x"), (Some(1.0), " x"));
        assert_eq!(scan("1e+"), (Some(1.0), ""));
        assert_eq!(scan("1e5e"), (Some(100000.0), "e"));
        assert_eq!(scan("0x1p4 "), (Some(16.0), " "));
        assert_eq!(scan("0X1P-1z"), (Some(0.5), "z"));
        assert_eq!(scan("0x.8"), (Some(0.5), ""));
        assert_eq!(scan("0x1.8p1"), (Some(3.0), ""));
        assert_eq!(scan(".5"), (Some(0.5), ""));
        assert_eq!(scan("1."), (Some(1.0), ""));
        assert_eq!(scan("1,5"), (Some(1.0), ",5"));
        assert_eq!(scan("00012"), (Some(12.0), ""));
        assert_eq!(scan("-x"), (None, "x"));
        assert_eq!(scan("0x"), (None, ""));
        assert_eq!(scan("0xg"), (None, "g"));
        assert_eq!(scan("+.e"), (None, "e"));
        assert_eq!(scan("."), (None, ""));
        assert_eq!(scan(""), (None, ""));
        assert_eq!(scan("inf"), (Some(f64::INFINITY), ""));
        assert_eq!(scan("-Infinity"), (Some(f64::NEG_INFINITY), ""));
        assert_eq!(scan("infx"), (Some(f64::INFINITY), "x"));
        assert_eq!(scan("inx"), (None, ""));
        assert_eq!(scan("infinit"), (None, ""));
        assert_eq!(scan("nax"), (None, ""));
        let (nan, rest) = scan("nan(12)z");
        assert!(nan.is_some_and(f64::is_nan));
        assert_eq!(rest, "(12)z");
    }

    #[test]
    fn hex_floats_round_and_scale() {
        assert_eq!(hex_float(&[1], 0), 1.0);
        assert_eq!(hex_float(&[0xf; 20], 0), 16f64.powi(20) - 1.0);
        assert_eq!(hex_float(&[1], 1024), f64::INFINITY);
        assert_eq!(hex_float(&[1], -1074), f64::from_bits(1));
        assert_eq!(hex_float(&[0, 0, 2], -1), 1.0);
    }

    #[test]
    fn fopen_modes_follow_glibc() {
        let r = parse_fopen_mode(b"r").unwrap();
        assert!(r.read && !r.write);
        let rw = parse_fopen_mode(b"rb+").unwrap();
        assert!(rw.read && rw.write && !rw.truncate);
        let a = parse_fopen_mode(b"a+").unwrap();
        assert!(a.read && a.append);
        assert!(parse_fopen_mode(b"wx").unwrap().exclusive);
        // Unknown flags are ignored, and scanning stops at ',' (the "ccs=" suffix).
        assert!(parse_fopen_mode(b"rq").is_some());
        assert!(!parse_fopen_mode(b"r,+").unwrap().write);
        assert_eq!(parse_fopen_mode(b"x"), None);
        assert_eq!(parse_fopen_mode(b""), None);
    }

    #[test]
    fn popen_modes_follow_glibc() {
        assert_eq!(parse_popen_mode(b"r"), Some(true));
        assert_eq!(parse_popen_mode(b"we"), Some(false));
        assert_eq!(parse_popen_mode(b"rw"), None);
        assert_eq!(parse_popen_mode(b"rb"), None);
        assert_eq!(parse_popen_mode(b""), None);
    }

    #[test]
    fn error_texts_are_strerror() {
        assert_eq!(strerror(libc::ENOENT), "No such file or directory");
        assert_eq!(strerror(libc::EISDIR), "Is a directory");
    }

    #[test]
    fn read_counts_convert_as_luajit() {
        assert_eq!(lua_int32(3.9), 3);
        assert_eq!(lua_int32(-1.0) as u32, u32::MAX);
        assert_eq!(lua_int32(f64::NAN), i32::MIN);
        assert_eq!(lua_int32(1e10), i32::MIN);
    }
}
