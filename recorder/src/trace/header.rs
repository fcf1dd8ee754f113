//! The trace header: what was recorded, where, and on which CPU.
#![forbid(unsafe_code)]

use serde::{Deserialize, Serialize};

/// CPUID feature words; replay refuses a CPU whose words differ, because programs pick code paths by them
/// (and `rdrand`/`rdseed`, which cannot be trapped here, are only safe if absent on both).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CpuFeatures {
    /// Leaf 1 ECX.
    pub leaf1_ecx: u32,
    /// Leaf 1 EDX.
    pub leaf1_edx: u32,
    /// Leaf 7 subleaf 0 EBX.
    pub leaf7_ebx: u32,
    /// Leaf 7 subleaf 0 ECX.
    pub leaf7_ecx: u32,
    /// Leaf 7 subleaf 0 EDX.
    pub leaf7_edx: u32,
}

impl CpuFeatures {
    /// A one-line description of how `self` (recorded) differs from `other`, if it does.
    pub fn difference(&self, other: &CpuFeatures) -> Option<String> {
        let words = [
            ("cpuid(1).ecx", self.leaf1_ecx, other.leaf1_ecx),
            ("cpuid(1).edx", self.leaf1_edx, other.leaf1_edx),
            ("cpuid(7).ebx", self.leaf7_ebx, other.leaf7_ebx),
            ("cpuid(7).ecx", self.leaf7_ecx, other.leaf7_ecx),
            ("cpuid(7).edx", self.leaf7_edx, other.leaf7_edx),
        ];
        words
            .iter()
            .find(|(_, recorded, here)| recorded != here)
            .map(|(name, recorded, here)| {
                format!("{name} recorded {recorded:#010x}, here {here:#010x}")
            })
    }

    /// Whether the recorded CPU had `rdrand` or `rdseed`, whose results cannot be recorded.
    pub fn has_untrappable_random(&self) -> bool {
        self.leaf1_ecx & (1 << 30) != 0 || self.leaf7_ebx & (1 << 18) != 0
    }
}

/// Everything replay needs to start the program the same way.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// Format version (also in the `version` file).
    pub version: u32,
    /// `x86_64`.
    pub arch: String,
    /// CPUID features of the recording machine.
    pub cpu: CpuFeatures,
    /// Kernel release of the recording machine.
    pub kernel: String,
    /// The command line as given.
    pub command: Vec<Vec<u8>>,
    /// The resolved executable path the first exec used.
    pub executable: Vec<u8>,
    /// The environment, `NAME=value` entries.
    pub env: Vec<Vec<u8>>,
    /// Working directory at start.
    pub cwd: Vec<u8>,
    /// `RLIMIT_STACK` (soft, hard): it decides where the kernel puts mappings.
    pub stack_limit: (u64, u64),
    /// The recorded id of the first process.
    pub root_pid: i32,
}

impl Header {
    /// The command line as text, for messages.
    pub fn command_line(&self) -> String {
        self.command
            .iter()
            .map(|arg| String::from_utf8_lossy(arg).into_owned())
            .collect::<Vec<_>>()
            .join(" ")
    }
}
