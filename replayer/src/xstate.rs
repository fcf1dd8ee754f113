//! The ptrace edge for the extended register state (`PTRACE_GETREGSET`, `NT_X86_XSTATE`): the upper
//! halves of the AVX registers, which `nix` does not expose. The only `unsafe` of this crate's
//! debugger support lives here.

use recorder::tracee::{ptrace_error, Pid, TraceeResult};

/// `NT_X86_XSTATE`: the XSAVE area in its standard (uncompacted) layout.
const NT_X86_XSTATE: libc::c_int = 0x202;
/// Room for any XSAVE area the kernel reports (AVX-512 needs about 2.7 KiB).
const XSAVE_SIZE: usize = 4096;
/// Offset of `xstate_bv` (which components hold live state) in the XSAVE header.
const XSTATE_BV: usize = 512;
/// Offset of the AVX component (upper halves of ymm0-15) in the standard layout.
const AVX_OFFSET: usize = 576;
/// Bit of the AVX component in `xstate_bv`.
const AVX_BIT: u64 = 1 << 2;

/// The upper 128 bits of ymm0..ymm15 of the stopped tracee `pid` (zero when AVX is in its initial
/// state or not supported).
pub fn ymm_upper_halves(pid: Pid) -> TraceeResult<[u128; 16]> {
    let mut area = vec![0u8; XSAVE_SIZE];
    let mut iov = libc::iovec {
        iov_base: area.as_mut_ptr().cast(),
        iov_len: area.len(),
    };
    // SAFETY: `iov` describes `area`, a live buffer of `iov_len` writable bytes; the kernel writes at
    // most that many and updates `iov_len`; no other memory is touched.
    let result = unsafe {
        libc::ptrace(
            libc::PTRACE_GETREGSET,
            pid.as_raw(),
            NT_X86_XSTATE as usize as *mut libc::c_void,
            &mut iov as *mut libc::iovec as *mut libc::c_void,
        )
    };
    if result < 0 {
        return Err(ptrace_error("GETREGSET (xstate)", pid)(
            nix::errno::Errno::last(),
        ));
    }
    let length = iov.iov_len.min(area.len());
    let word = |offset: usize| {
        area.get(offset..offset + 8).map_or(0, |bytes| {
            u64::from_le_bytes(bytes.try_into().expect("8 bytes"))
        })
    };
    let mut halves = [0u128; 16];
    if word(XSTATE_BV) & AVX_BIT == 0 || length < AVX_OFFSET + 16 * 16 {
        return Ok(halves);
    }
    for (index, half) in halves.iter_mut().enumerate() {
        let start = AVX_OFFSET + 16 * index;
        *half = u128::from_le_bytes(area[start..start + 16].try_into().expect("16 bytes"));
    }
    Ok(halves)
}
