//! CPUID feature words of the machine we run on.

use crate::trace::CpuFeatures;

/// Reads this CPU's feature words.
pub fn features() -> CpuFeatures {
    use std::arch::x86_64::__cpuid_count;
    let leaf1 = __cpuid_count(1, 0);
    let leaf7 = __cpuid_count(7, 0);
    CpuFeatures {
        leaf1_ecx: leaf1.ecx,
        leaf1_edx: leaf1.edx,
        leaf7_ebx: leaf7.ebx,
        leaf7_ecx: leaf7.ecx,
        leaf7_edx: leaf7.edx,
    }
}

/// The time-stamp counter, given to a recorded program when it executes `rdtsc`: the real counter, or,
/// on a tracer thread running with the counter disabled (see [`crate::tsc_mode`]), monotonic
/// nanoseconds (a 1 GHz counter).
pub fn timestamp_counter() -> u64 {
    if !crate::tsc_mode::counter_usable() {
        return crate::tsc_mode::monotonic_ns();
    }
    // SAFETY: rdtsc has no memory effects and is enabled on this thread.
    unsafe { std::arch::x86_64::_rdtsc() }
}
