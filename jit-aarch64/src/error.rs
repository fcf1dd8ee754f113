//! The crate's error type.
#![forbid(unsafe_code)]

use thiserror::Error;

/// Everything that can go wrong while building, encoding, installing or running code.
#[derive(Debug, Error)]
pub enum Error {
    /// A label was used that this assembler never created.
    #[error(
        "label {0} was not created by this assembler; create labels with Assembler::new_label"
    )]
    UnknownLabel(u32),
    /// A literal was used that this assembler never created.
    #[error(
        "literal {0} was not created by this assembler; create literals with Assembler::literal"
    )]
    UnknownLiteral(u32),
    /// A label was bound at two places.
    #[error("label {0} is bound twice; bind each label exactly once")]
    LabelBoundTwice(u32),
    /// A branch targets a label that is never bound.
    #[error("instruction {instruction} branches to label {label}, which is never bound; bind it before finishing")]
    UnboundLabel { label: u32, instruction: usize },
    /// dynasm could not resolve a branch or literal (the target is out of range).
    #[error("cannot resolve a branch or literal load: {0}; keep code smaller than the branch range (±1 MiB for conditional branches, cbz and literals, ±32 KiB for tbz/tbnz)")]
    Relocation(String),
    /// The instruction needs a label or literal and cannot be encoded on its own.
    #[error("{0} refers to a label or literal and cannot be encoded on its own")]
    NotStandalone(String),
    /// The offset or immediate does not fit and the scratch register needed to build it is in use.
    #[error("{what} needs scratch register x17 to build an out-of-range offset or immediate, but x17 is an operand; use another register")]
    ScratchInUse { what: &'static str },
    /// `-Ofuse=check` found a load/store pair that does not do what the two accesses it replaced
    /// did.
    #[error("pair fusion check failed: {0}")]
    BadPair(String),
    /// An operand combination has no A64 encoding.
    #[error("no A64 instruction for {0}")]
    NoEncoding(String),
    /// Executable memory could not be allocated or re-protected.
    #[error("executable memory: {0}")]
    ExecutableMemory(#[from] std::io::Error),
    /// A code handle does not name installed code.
    #[error("code handle {0} does not name installed code (was it removed?)")]
    UnknownCode(usize),
    /// A call entry or patch range lies outside the installed code.
    #[error("offset range {start}..{end} lies outside the installed code of {len} bytes")]
    OutOfCode {
        start: usize,
        end: usize,
        len: usize,
    },
    /// Code was installed empty.
    #[error("cannot install empty code")]
    EmptyCode,
    /// The executor's code area has no room left for the code being installed.
    #[error("the code area of {capacity} bytes is full ({used} bytes placed, {requested} more requested); remove all code to start it over, or reserve a larger area")]
    CodeAreaFull {
        capacity: usize,
        used: usize,
        requested: usize,
    },
    /// A new code area was requested while code still lives in the current one.
    #[error("cannot replace the {0} executor's code area while code still lives in it; remove that code first")]
    CodeAreaInUse(&'static str),
    /// More arguments than the eight argument registers.
    #[error("{0} arguments given, but at most 8 fit in x0..x7")]
    TooManyArguments(usize),
    /// The emulator's helper page is full.
    #[error("at most {0} helpers can be registered with one emulated executor")]
    TooManyHelpers(usize),
    /// The emulator reported an error.
    #[error("emulator: {what}: {detail}")]
    Emulator { what: &'static str, detail: String },
    /// Emulated code accessed memory that is not mapped in the host process.
    #[error("emulated code accessed {address:#x}, which is not mapped readable in this process (pc {pc:#x})\n  {registers}")]
    Unmapped {
        address: u64,
        pc: u64,
        registers: Box<Registers>,
    },
    /// Emulated code wrote memory that the host maps read-only.
    #[error("emulated code wrote {address:#x}, which this process maps read-only (pc {pc:#x})\n  {registers}")]
    WriteToReadOnly {
        address: u64,
        pc: u64,
        registers: Box<Registers>,
    },
    /// Emulated code ran off the bottom of its stack.
    #[error(
        "emulated code overflowed its 1 MiB stack at {address:#x} (pc {pc:#x}); use less stack\n  {registers}"
    )]
    StackOverflow {
        address: u64,
        pc: u64,
        registers: Box<Registers>,
    },
    /// A trace exceeds a limit of the backend (spill slots, exits) or uses an unsupported form.
    #[error("cannot assemble trace: {0}")]
    TraceLimit(&'static str),
    /// Emulated code did not return to its caller (invalid instruction, `brk`, timeout, ...).
    #[error("emulated code stopped at pc {pc:#x} without returning: {reason}\n  {registers}")]
    DidNotReturn {
        pc: u64,
        reason: String,
        registers: Box<Registers>,
    },
    /// The executor cannot stop code that runs too long (the native executor).
    #[error("the {0} executor cannot enforce a timeout")]
    TimeoutUnsupported(&'static str),
}

/// The integer registers of emulated code where it faulted or stopped.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Registers {
    /// The program counter: the faulting instruction for a memory fault.
    pub pc: u64,
    /// The stack pointer.
    pub sp: u64,
    /// x0..x30.
    pub x: [u64; 31],
}

/// One line: `registers: sp=0x... x0=0x... ...`, leaving out x registers that hold zero.
impl std::fmt::Display for Registers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "registers: sp={:#x}", self.sp)?;
        let mut zero = 0;
        for (n, value) in self.x.iter().enumerate() {
            if *value == 0 {
                zero += 1;
            } else {
                write!(f, " x{n}={value:#x}")?;
            }
        }
        match zero {
            0 => Ok(()),
            31 => write!(f, " (x0..x30 all 0)"),
            _ => write!(f, " (the other {zero} x registers 0)"),
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
