//! Debugger traps a replay can stop at: software breakpoints (int3 written only while the debugged
//! process runs), hardware watchpoints (the x86 debug registers) and single steps.
//!
//! This module speaks of addresses and debug registers only, never of a debugger protocol; it must never
//! change what the replayed program computes (breakpoint bytes are removed at every stop, so memory
//! reads, real forks and checkpoints always see the program's own bytes).

use std::collections::BTreeMap;
use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::os::unix::fs::FileExt;

use nix::sys::ptrace;
use recorder::trace::ExitStatus;
use recorder::tracee::{ptrace_error, Pid, TraceeError, TraceeResult};

/// Offset of `u_debugreg` in `struct user` (x86-64).
const DEBUG_REGISTERS: usize = 848;
/// The x86 breakpoint instruction.
const INT3: u8 = 0xcc;
/// DR6 bits B0..B3: which slot fired.
const DR6_SLOTS: u64 = 0xf;
/// Number of hardware watchpoint slots.
pub const WATCH_SLOTS: usize = 4;

/// What access a watchpoint catches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Access {
    /// Writes only.
    Write,
    /// Reads (x86 catches reads together with writes).
    Read,
    /// Reads and writes.
    ReadWrite,
    /// Execution of the instruction at the address (a hardware breakpoint: the code is not changed,
    /// so any address may be armed, even one inside an instruction, which then never fires).
    Execute,
}

/// One hardware watchpoint: `length` (1, 2, 4 or 8, aligned) bytes at `address`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Watchpoint {
    /// First watched byte.
    pub address: u64,
    /// Watched bytes.
    pub length: u64,
    /// Watched accesses.
    pub access: Access,
}

impl Watchpoint {
    /// Whether the debug registers can watch exactly this range.
    pub fn is_supported(&self) -> bool {
        match self.access {
            Access::Execute => self.length == 1,
            _ => matches!(self.length, 1 | 2 | 4 | 8) && self.address.is_multiple_of(self.length),
        }
    }

    /// Whether this slot catches writes (which the kernel's writes into the process should count as).
    pub fn catches_writes(&self) -> bool {
        matches!(self.access, Access::Write | Access::ReadWrite)
    }

    fn control_bits(&self, slot: usize) -> u64 {
        let rw = match self.access {
            Access::Execute => 0b00,
            Access::Write => 0b01,
            Access::Read | Access::ReadWrite => 0b11,
        };
        let len = match self.length {
            _ if self.access == Access::Execute => 0b00,
            1 => 0b00,
            2 => 0b01,
            8 => 0b10,
            _ => 0b11,
        };
        (1 << (2 * slot)) | (rw << (16 + 4 * slot)) | (len << (18 + 4 * slot))
    }
}

/// The breakpoints and watchpoints armed in the debugged process.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TrapSet {
    /// Software breakpoint addresses.
    pub breakpoints: BTreeSet<u64>,
    /// Hardware watchpoints by debug-register slot.
    pub watchpoints: [Option<Watchpoint>; WATCH_SLOTS],
}

impl TrapSet {
    /// Whether nothing is armed.
    pub fn is_empty(&self) -> bool {
        self.breakpoints.is_empty() && self.watchpoints.iter().all(Option::is_none)
    }

    /// Everything armed in `self` or in `other` (watchpoints of `other` take free slots); `None` if the
    /// watchpoints do not fit in the debug registers.
    pub fn union(&self, other: &TrapSet) -> Option<TrapSet> {
        let mut union = self.clone();
        union.breakpoints.extend(other.breakpoints.iter().copied());
        for watch in other.watchpoints.iter().flatten() {
            if union.watchpoints.contains(&Some(*watch)) {
                continue;
            }
            let free = union.watchpoints.iter().position(Option::is_none)?;
            union.watchpoints[free] = Some(*watch);
        }
        Some(union)
    }

    /// The execution breakpoint (an [`Access::Execute`] slot) at `address`, if there is one.
    pub fn executes_at(&self, address: u64) -> Option<Watchpoint> {
        self.watchpoints
            .iter()
            .flatten()
            .find(|watch| watch.access == Access::Execute && watch.address == address)
            .copied()
    }

    /// This set without its execution breakpoints: single steps meet those by address, as they meet
    /// software breakpoints (an execution breakpoint faults before its instruction, so a step onto
    /// it would report the same place twice).
    pub fn without_execution(&self) -> TrapSet {
        let mut kept = self.clone();
        for slot in &mut kept.watchpoints {
            if slot.is_some_and(|watch| watch.access == Access::Execute) {
                *slot = None;
            }
        }
        kept
    }

    /// The watchpoints among `slots` (a DR6 mask) of this set.
    pub fn fired(&self, slots: u8) -> Vec<Watchpoint> {
        (0..WATCH_SLOTS)
            .filter(|slot| slots & (1 << slot) != 0)
            .filter_map(|slot| self.watchpoints[slot])
            .collect()
    }
}

/// Why the debugged process stopped between events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Trap {
    /// A software breakpoint at this address was reached (`rip` points at it, not yet executed).
    pub breakpoint: Option<u64>,
    /// A requested single step completed.
    pub stepped: bool,
    /// DR6 slots of the watchpoints that fired on the last instruction.
    pub watch_slots: u8,
    /// The process stands at the entry of its exit call: the end of its history.
    pub exiting: bool,
}

/// Software breakpoints currently written into a process, with the bytes they replaced.
#[derive(Debug, Default)]
pub struct Inserted {
    original: BTreeMap<u64, u8>,
    /// `/proc/PID/mem` of the process, kept open: breakpoints go in and out at every event.
    memory: Option<(Pid, File)>,
}

impl Inserted {
    /// Writes int3 at every address of `breakpoints` except `skip` (the instruction about to run).
    pub fn insert(
        &mut self,
        pid: Pid,
        breakpoints: &BTreeSet<u64>,
        skip: Option<u64>,
    ) -> TraceeResult<()> {
        for &address in breakpoints {
            if Some(address) == skip || self.original.contains_key(&address) {
                continue;
            }
            let mut byte = [0u8];
            // An address that cannot be read (unmapped yet) simply has no breakpoint for now.
            if self.access(pid, address, Access::Read, &mut byte).is_err() {
                continue;
            }
            self.access(pid, address, Access::Write, &mut [INT3])?;
            self.original.insert(address, byte[0]);
        }
        Ok(())
    }

    /// Puts every replaced byte back; returns the addresses that had a breakpoint.
    pub fn remove(&mut self, pid: Pid) -> TraceeResult<Vec<u64>> {
        let mut removed = Vec::with_capacity(self.original.len());
        for (address, byte) in std::mem::take(&mut self.original) {
            self.access(pid, address, Access::Write, &mut [byte])?;
            removed.push(address);
        }
        Ok(removed)
    }

    /// Reads or writes `bytes` at `address` through the kept `/proc/PID/mem` (opened again once if it
    /// went stale: another process, or an exec).
    fn access(
        &mut self,
        pid: Pid,
        address: u64,
        access: Access,
        bytes: &mut [u8],
    ) -> TraceeResult<()> {
        let length = bytes.len();
        let memory_error = |error| TraceeError::Memory {
            operation: if access == Access::Write {
                "write"
            } else {
                "read"
            },
            pid,
            address,
            length,
            error,
        };
        let mut last = None;
        for _ in 0..2 {
            let file = match &self.memory {
                Some((owner, file)) if *owner == pid => file,
                _ => {
                    let file = OpenOptions::new()
                        .read(true)
                        .write(true)
                        .open(format!("/proc/{pid}/mem"))
                        .map_err(memory_error)?;
                    &self.memory.insert((pid, file)).1
                }
            };
            let outcome = match access {
                Access::Write => file.write_all_at(bytes, address),
                _ => file.read_exact_at(bytes, address),
            };
            match outcome {
                Ok(()) => return Ok(()),
                Err(error) => {
                    self.memory = None;
                    last = Some(error);
                }
            }
        }
        Err(memory_error(
            last.unwrap_or_else(|| std::io::Error::other("no access")),
        ))
    }

    /// Whether an int3 of ours sits at `address`.
    pub fn contains(&self, address: u64) -> bool {
        self.original.contains_key(&address)
    }
}

fn debug_register(index: usize) -> ptrace::AddressType {
    (DEBUG_REGISTERS + 8 * index) as ptrace::AddressType
}

/// Programs the debug registers of `pid` with `watchpoints` (a forked copy starts without them, so this
/// is called again for every restored checkpoint).
pub fn arm_watchpoints(
    pid: Pid,
    watchpoints: &[Option<Watchpoint>; WATCH_SLOTS],
) -> TraceeResult<()> {
    let poke = |index: usize, value: u64| {
        ptrace::write_user(pid, debug_register(index), value as libc::c_long)
            .map_err(ptrace_error("POKEUSER (debug register)", pid))
    };
    // Disable first: the kernel checks each address against the enabled slots.
    poke(7, 0)?;
    let mut control = 0;
    for (slot, watch) in watchpoints.iter().enumerate() {
        if let Some(watch) = watch {
            poke(slot, watch.address)?;
            control |= watch.control_bits(slot);
        }
    }
    if control != 0 {
        poke(7, control)?;
    }
    Ok(())
}

/// The watchpoint slots that fired on the last debug exception of `pid` (DR6 B0..B3).
pub fn fired_slots(pid: Pid) -> TraceeResult<u8> {
    let dr6 = ptrace::read_user(pid, debug_register(6))
        .map_err(ptrace_error("PEEKUSER (debug register)", pid))?;
    Ok((dr6 as u64 & DR6_SLOTS) as u8)
}

/// How far one [`crate::ReplaySession::advance`] went.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Progress {
    /// Event `number` (of recorded process `pid`, if it has one) was replayed.
    Event { number: u64, pid: Option<i32> },
    /// The debugged process stopped at a trap before the next event was complete.
    Trapped(Trap),
    /// The trace is complete; the first process ended with `status`.
    Finished(ExitStatus),
}
