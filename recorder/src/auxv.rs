//! The exec-time patch of a new program's stack: the auxiliary vector's `AT_SYSINFO_EHDR` value is
//! zeroed so libc makes real time system calls instead of using the vDSO, and the 16 `AT_RANDOM` bytes
//! (the kernel's per-exec randomness: stack canary, pointer guard) are recorded and replayed.
#![forbid(unsafe_code)]

use crate::tracee::{read_memory, write_memory, Pid, TraceeResult};

const AT_NULL: u64 = 0;
const AT_RANDOM: u64 = 25;
const AT_SYSINFO_EHDR: u64 = 33;
const LARGEST_VECTORS: usize = 4 << 20;

/// Where the patched and recorded auxv values live in one exec's stack.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExecStack {
    /// Address of the 16 `AT_RANDOM` bytes.
    pub at_random_address: u64,
    /// The `AT_RANDOM` bytes as the kernel wrote them.
    pub at_random: [u8; 16],
    /// Address of the `AT_SYSINFO_EHDR` entry (type word), if the kernel gave one.
    pub sysinfo_entry: Option<u64>,
    /// The new program's arguments (for listings; at most [`LISTED_ARGUMENTS`]).
    pub argv: Vec<String>,
}

/// How many arguments of an exec are kept for listings.
pub const LISTED_ARGUMENTS: usize = 32;

/// Finds the auxiliary vector above `rsp` (a process at its exec stop).
pub fn inspect(pid: Pid, rsp: u64) -> TraceeResult<ExecStack> {
    // Read up to the end of rsp's page first (the vectors usually fit), then a page more at a time:
    // the stack ends at some page boundary above, and a read across it fails.
    let mut length = ((rsp | 0xfff) + 1 - rsp) as usize;
    loop {
        let bytes = read_memory(pid, rsp, length)?;
        let words: Vec<u64> = bytes
            .chunks_exact(8)
            .map(|word| u64::from_le_bytes(word.try_into().expect("8 bytes")))
            .collect();
        if let Some(found) = scan(&words, rsp) {
            let at_random = read_memory(pid, found.0, 16)?;
            let argc = usize::try_from(words[0]).unwrap_or(0).min(LISTED_ARGUMENTS);
            let argv = words[1..=argc]
                .iter()
                .map(|address| read_string(pid, *address))
                .collect();
            return Ok(ExecStack {
                at_random_address: found.0,
                at_random: at_random.try_into().expect("16 bytes"),
                sysinfo_entry: found.1,
                argv,
            });
        }
        if length >= LARGEST_VECTORS {
            return Err(crate::tracee::TraceeError::Memory {
                operation: "find the auxiliary vector in",
                pid,
                address: rsp,
                length,
                error: std::io::Error::other("no AT_NULL entry found"),
            });
        }
        length += 4096;
    }
}

/// A NUL-terminated string of at most 256 bytes (longer ones are cut for listings).
fn read_string(pid: Pid, address: u64) -> String {
    let mut bytes = Vec::new();
    let mut offset = 0;
    while offset < 256 {
        // Never read across a page end: the string may end right before an unmapped page.
        let at = address + offset;
        let chunk_length = (((at | 0xfff) + 1 - at) as usize).min(256);
        offset += chunk_length as u64;
        let Ok(chunk) = read_memory(pid, at, chunk_length) else {
            break;
        };
        if let Some(end) = chunk.iter().position(|byte| *byte == 0) {
            bytes.extend_from_slice(&chunk[..end]);
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Switches the vDSO off by zeroing the `AT_SYSINFO_EHDR` value.
pub fn disable_vdso(pid: Pid, sysinfo_entry: Option<u64>) -> TraceeResult<()> {
    match sysinfo_entry {
        Some(entry) => write_memory(pid, entry + 8, &0u64.to_le_bytes()),
        None => Ok(()),
    }
}

/// Returns `(AT_RANDOM address, AT_SYSINFO_EHDR entry address)` from the words at `rsp`.
fn scan(words: &[u64], rsp: u64) -> Option<(u64, Option<u64>)> {
    let argc = usize::try_from(*words.first()?).ok()?;
    let mut index = 1 + argc + 1; // argv and its NULL
    while *words.get(index)? != 0 {
        index += 1; // envp
    }
    index += 1;
    let mut at_random = None;
    let mut sysinfo = None;
    loop {
        let kind = *words.get(index)?;
        let value = *words.get(index + 1)?;
        match kind {
            AT_NULL => return at_random.map(|address| (address, sysinfo)),
            AT_RANDOM => at_random = Some(value),
            AT_SYSINFO_EHDR => sysinfo = Some(rsp + 8 * index as u64),
            _ => {}
        }
        index += 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_entries_past_arguments_and_environment() {
        let words = [
            2,
            0x100,
            0x108,
            0,
            0x200,
            0,
            AT_SYSINFO_EHDR,
            0x7fff_f7fc_1000,
            AT_RANDOM,
            0x300,
            AT_NULL,
            0,
        ];
        assert_eq!(scan(&words, 0x1000), Some((0x300, Some(0x1000 + 8 * 6))));
        assert_eq!(scan(&words[..9], 0x1000), None);
    }
}
