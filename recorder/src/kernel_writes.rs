//! Which tracee memory each system call writes, so the recorder can save it and replay can restore it;
//! and which memory a write to an output stream reads, so replay can print it again.
//!
//! An answer of `None` means "not known": the recorder then stops rather than record something wrong.
#![forbid(unsafe_code)]
// The system-call numbers keep the kernel's (and libc's) lower-case names.
#![allow(non_upper_case_globals)]

use libc::{
    c_long, SYS_accept, SYS_accept4, SYS_capget, SYS_clock_getres, SYS_clock_gettime,
    SYS_clock_nanosleep, SYS_copy_file_range, SYS_epoll_pwait, SYS_epoll_pwait2, SYS_epoll_wait,
    SYS_fcntl, SYS_fgetxattr, SYS_flistxattr, SYS_fstat, SYS_fstatfs, SYS_get_mempolicy,
    SYS_get_robust_list, SYS_getcpu, SYS_getcwd, SYS_getdents, SYS_getdents64, SYS_getgroups,
    SYS_getitimer, SYS_getpeername, SYS_getrandom, SYS_getresgid, SYS_getresuid, SYS_getrlimit,
    SYS_getrusage, SYS_getsockname, SYS_getsockopt, SYS_gettimeofday, SYS_getxattr, SYS_ioctl,
    SYS_lgetxattr, SYS_listxattr, SYS_llistxattr, SYS_lstat, SYS_mincore, SYS_nanosleep,
    SYS_newfstatat, SYS_pipe, SYS_pipe2, SYS_poll, SYS_ppoll, SYS_prctl, SYS_pread64, SYS_preadv,
    SYS_preadv2, SYS_prlimit64, SYS_pselect6, SYS_pwrite64, SYS_pwritev, SYS_pwritev2, SYS_read,
    SYS_readlink, SYS_readlinkat, SYS_readv, SYS_recvfrom, SYS_recvmsg, SYS_rt_sigpending,
    SYS_rt_sigtimedwait, SYS_sched_getaffinity, SYS_sched_getattr, SYS_sched_getparam,
    SYS_sched_rr_get_interval, SYS_select, SYS_sendfile, SYS_setitimer, SYS_socketpair, SYS_splice,
    SYS_stat, SYS_statfs, SYS_statx, SYS_sysinfo, SYS_time, SYS_timer_create, SYS_timer_gettime,
    SYS_timer_settime, SYS_timerfd_gettime, SYS_timerfd_settime, SYS_times, SYS_uname, SYS_wait4,
    SYS_waitid, SYS_write, SYS_writev,
};

use crate::trace::MemoryWrite;
use crate::tracee::{read_memory, read_u64, Pid, TraceeResult};

const STAT_SIZE: u64 = 144;
const RUSAGE_SIZE: u64 = 144;
const TIMESPEC_SIZE: u64 = 16;
const SIGINFO_SIZE: u64 = 128;
const MAX_SOCKADDR: u64 = 128;

/// The memory `number(args)` wrote given its `result`; `None` when the recorder cannot know.
pub fn kernel_writes(
    pid: Pid,
    number: u64,
    args: [u64; 6],
    result: i64,
) -> TraceeResult<Option<Vec<MemoryWrite>>> {
    let mut writes = Writes {
        pid,
        ranges: Vec::new(),
    };
    if result < 0 {
        // Failed calls write nothing, except the sleeps that report the time left when interrupted.
        if matches!(number as c_long, SYS_nanosleep) {
            writes.add(args[1], TIMESPEC_SIZE);
        } else if number as c_long == SYS_clock_nanosleep && args[1] & 1 == 0 {
            writes.add(args[3], TIMESPEC_SIZE);
        }
        return Ok(Some(writes.ranges));
    }
    let returned = result as u64;
    match number as c_long {
        SYS_read | SYS_pread64 | SYS_getdents | SYS_getdents64 => writes.add(args[1], returned),
        SYS_getcwd => writes.add(args[0], returned),
        SYS_readlink => writes.add(args[1], returned),
        SYS_readlinkat => writes.add(args[2], returned),
        SYS_getrandom => writes.add(args[0], returned),
        SYS_readv | SYS_preadv | SYS_preadv2 => writes.add_iovecs(args[1], args[2], returned)?,
        SYS_recvfrom => {
            writes.add(args[1], returned);
            writes.add_sockaddr(args[4], args[5])?;
        }
        SYS_recvmsg => writes.add_msghdr(args[1], returned)?,
        SYS_stat | SYS_fstat | SYS_lstat => writes.add(args[1], STAT_SIZE),
        SYS_newfstatat => writes.add(args[2], STAT_SIZE),
        SYS_statx => writes.add(args[4], 256),
        SYS_statfs | SYS_fstatfs => writes.add(args[1], 120),
        SYS_clock_gettime | SYS_clock_getres => writes.add(args[1], TIMESPEC_SIZE),
        SYS_gettimeofday => {
            writes.add(args[0], 16);
            writes.add(args[1], 8);
        }
        SYS_time => writes.add(args[0], 8),
        SYS_uname => writes.add(args[0], 390),
        SYS_sysinfo => writes.add(args[0], 112),
        SYS_getrlimit => writes.add(args[1], 16),
        SYS_prlimit64 => writes.add(args[3], 16),
        SYS_getrusage => writes.add(args[1], RUSAGE_SIZE),
        SYS_times => writes.add(args[0], 32),
        SYS_wait4 => {
            writes.add(args[1], 4);
            writes.add(args[3], RUSAGE_SIZE);
        }
        SYS_waitid => {
            writes.add(args[2], SIGINFO_SIZE);
            writes.add(args[4], RUSAGE_SIZE);
        }
        SYS_pipe | SYS_pipe2 => writes.add(args[0], 8),
        SYS_socketpair => writes.add(args[3], 8),
        SYS_ioctl => return ioctl_writes(args, writes),
        SYS_get_mempolicy => {
            // The mode, and the node mask rounded up to whole 64-bit words of `maxnode - 1` bits.
            writes.add(args[0], 4);
            if args[2] > 0 {
                writes.add(args[1], (args[2] - 1).div_ceil(64) * 8);
            }
        }
        SYS_fcntl => {
            const F_GETLK: u64 = 5;
            const F_OFD_GETLK: u64 = 36;
            if matches!(args[1], F_GETLK | F_OFD_GETLK) {
                writes.add(args[2], 32);
            }
        }
        SYS_poll | SYS_ppoll => {
            writes.add(args[0], args[1].saturating_mul(8));
            if number as c_long == SYS_ppoll {
                writes.add(args[2], TIMESPEC_SIZE);
            }
        }
        SYS_select | SYS_pselect6 => {
            let set_bytes = args[0].div_ceil(64) * 8;
            for set in &args[1..4] {
                writes.add(*set, set_bytes);
            }
            writes.add(args[4], TIMESPEC_SIZE);
        }
        SYS_epoll_wait | SYS_epoll_pwait | SYS_epoll_pwait2 => writes.add(args[1], returned * 12),
        SYS_nanosleep => writes.add(args[1], TIMESPEC_SIZE),
        SYS_clock_nanosleep => {}
        SYS_rt_sigpending => writes.add(args[0], args[1]),
        SYS_rt_sigtimedwait => writes.add(args[1], SIGINFO_SIZE),
        SYS_getsockname | SYS_getpeername | SYS_accept | SYS_accept4 => {
            writes.add_sockaddr(args[1], args[2])?
        }
        SYS_getsockopt if args[4] != 0 => {
            let length = u64::from(read_u32(pid, args[4])?);
            writes.add(args[3], length.min(4096));
            writes.add(args[4], 4);
        }
        SYS_sched_getaffinity => writes.add(args[2], returned),
        SYS_sched_getparam => writes.add(args[1], 4),
        SYS_sched_getattr => writes.add(args[1], args[2].min(4096)),
        SYS_sched_rr_get_interval => writes.add(args[1], TIMESPEC_SIZE),
        SYS_getresuid | SYS_getresgid => {
            for address in &args[0..3] {
                writes.add(*address, 4);
            }
        }
        SYS_getgroups if args[0] > 0 => writes.add(args[1], returned * 4),
        SYS_capget => writes.add(args[1], 24),
        SYS_prctl => {
            const PR_GET_PDEATHSIG: u64 = 2;
            const PR_GET_NAME: u64 = 16;
            match args[0] {
                PR_GET_NAME => writes.add(args[1], 16),
                PR_GET_PDEATHSIG => writes.add(args[1], 4),
                _ => {}
            }
        }
        SYS_getcpu => {
            writes.add(args[0], 4);
            writes.add(args[1], 4);
        }
        SYS_mincore => writes.add(args[2], args[1].div_ceil(4096)),
        SYS_sendfile => writes.add(args[2], 8),
        SYS_copy_file_range | SYS_splice => {
            writes.add(args[1], 8);
            writes.add(args[3], 8);
        }
        SYS_get_robust_list => {
            writes.add(args[1], 8);
            writes.add(args[2], 8);
        }
        SYS_getitimer => writes.add(args[1], 32),
        SYS_setitimer => writes.add(args[2], 32),
        SYS_timer_create => writes.add(args[2], 4),
        SYS_timer_settime => writes.add(args[3], 32),
        SYS_timer_gettime => writes.add(args[1], 32),
        SYS_timerfd_settime => writes.add(args[3], 32),
        SYS_timerfd_gettime => writes.add(args[1], 32),
        SYS_getxattr | SYS_lgetxattr | SYS_fgetxattr if args[3] > 0 => {
            writes.add(args[2], returned)
        }
        SYS_listxattr | SYS_llistxattr | SYS_flistxattr if args[2] > 0 => {
            writes.add(args[1], returned)
        }
        _ => {}
    }
    Ok(Some(writes.ranges))
}

fn ioctl_writes(args: [u64; 6], mut writes: Writes) -> TraceeResult<Option<Vec<MemoryWrite>>> {
    const TCGETS: u64 = 0x5401;
    const TCSETS: u64 = 0x5402;
    const TCSETSW: u64 = 0x5403;
    const TCSETSF: u64 = 0x5404;
    const TIOCGPGRP: u64 = 0x540f;
    const TIOCSPGRP: u64 = 0x5410;
    const TIOCGWINSZ: u64 = 0x5413;
    const TIOCSWINSZ: u64 = 0x5414;
    const FIONREAD: u64 = 0x541b;
    const FIONBIO: u64 = 0x5421;
    const TIOCGSID: u64 = 0x5429;
    const FIONCLEX: u64 = 0x5450;
    const FIOCLEX: u64 = 0x5451;
    const FIOASYNC: u64 = 0x5452;
    const TCGETS2: u64 = 0x802c_542a;
    // Network interface queries (Python's uuid1 looks for a hardware address): a `struct ifreq` in
    // and out, or for SIOCGIFCONF a `struct ifconf` and the buffer it points at.
    const SIOCGIFNAME: u64 = 0x8910;
    const SIOCGIFCONF: u64 = 0x8912;
    const SIOCGIFFLAGS: u64 = 0x8913;
    const SIOCGIFADDR: u64 = 0x8915;
    const SIOCGIFDSTADDR: u64 = 0x8917;
    const SIOCGIFBRDADDR: u64 = 0x8919;
    const SIOCGIFNETMASK: u64 = 0x891b;
    const SIOCGIFMETRIC: u64 = 0x891d;
    const SIOCGIFMTU: u64 = 0x8921;
    const SIOCGIFHWADDR: u64 = 0x8927;
    const SIOCGIFINDEX: u64 = 0x8933;
    const SIOCGIFTXQLEN: u64 = 0x8942;
    const IFREQ_SIZE: u64 = 40;
    const IFCONF_SIZE: u64 = 16;
    match args[1] & 0xffff_ffff {
        SIOCGIFNAME | SIOCGIFFLAGS | SIOCGIFADDR | SIOCGIFDSTADDR | SIOCGIFBRDADDR
        | SIOCGIFNETMASK | SIOCGIFMETRIC | SIOCGIFMTU | SIOCGIFHWADDR | SIOCGIFINDEX
        | SIOCGIFTXQLEN => writes.add(args[2], IFREQ_SIZE),
        SIOCGIFCONF => {
            if args[2] != 0 {
                // After the call `ifc_len` is the number of bytes written to `ifc_buf`.
                let fields = read_memory(writes.pid, args[2], IFCONF_SIZE as usize)?;
                let length = i32::from_le_bytes(fields[0..4].try_into().expect("4 bytes"));
                let buffer = u64::from_le_bytes(fields[8..16].try_into().expect("8 bytes"));
                writes.add(args[2], IFCONF_SIZE);
                writes.add(buffer, u64::try_from(length).unwrap_or(0));
            }
        }
        TCGETS => writes.add(args[2], 36),
        TCGETS2 => writes.add(args[2], 44),
        TIOCGWINSZ => writes.add(args[2], 8),
        FIONREAD | TIOCGPGRP | TIOCGSID => writes.add(args[2], 4),
        TCSETS | TCSETSW | TCSETSF | TIOCSPGRP | TIOCSWINSZ | FIONBIO | FIONCLEX | FIOCLEX
        | FIOASYNC => {}
        _ => return Ok(None),
    }
    Ok(Some(writes.ranges))
}

struct Writes {
    pid: Pid,
    ranges: Vec<MemoryWrite>,
}

impl Writes {
    fn add(&mut self, address: u64, length: u64) {
        if address != 0 && length != 0 {
            self.ranges.push(MemoryWrite { address, length });
        }
    }

    /// Data spread over an iovec array, `total` bytes in all.
    fn add_iovecs(&mut self, iovecs: u64, count: u64, total: u64) -> TraceeResult<()> {
        for (base, length) in iovec_ranges(self.pid, iovecs, count, total)? {
            self.add(base, length);
        }
        Ok(())
    }

    /// A socket address whose length the kernel stored at `length_address`.
    fn add_sockaddr(&mut self, address: u64, length_address: u64) -> TraceeResult<()> {
        if address != 0 && length_address != 0 {
            let length = u64::from(read_u32(self.pid, length_address)?);
            self.add(address, length.min(MAX_SOCKADDR));
            self.add(length_address, 4);
        }
        Ok(())
    }

    fn add_msghdr(&mut self, header: u64, total: u64) -> TraceeResult<()> {
        let fields = read_memory(self.pid, header, 56)?;
        let word = |offset: usize| {
            u64::from_le_bytes(fields[offset..offset + 8].try_into().expect("8 bytes"))
        };
        let name = word(0);
        let name_length = u64::from(u32::from_le_bytes(
            fields[8..12].try_into().expect("4 bytes"),
        ));
        let (iovecs, count, control, control_length) = (word(16), word(24), word(32), word(40));
        self.add(header, 56);
        self.add(name, name_length.min(MAX_SOCKADDR));
        self.add_iovecs(iovecs, count, total)?;
        self.add(control, control_length);
        Ok(())
    }
}

fn read_u32(pid: Pid, address: u64) -> TraceeResult<u32> {
    let bytes = read_memory(pid, address, 4)?;
    Ok(u32::from_le_bytes(bytes.try_into().expect("4 bytes")))
}

/// The `(address, length)` pieces of `total` bytes spread over `count` iovecs at `iovecs`.
pub fn iovec_ranges(
    pid: Pid,
    iovecs: u64,
    count: u64,
    total: u64,
) -> TraceeResult<Vec<(u64, u64)>> {
    let mut ranges = Vec::new();
    let mut left = total;
    for index in 0..count.min(1024) {
        if left == 0 {
            break;
        }
        let base = read_u64(pid, iovecs + 16 * index)?;
        let length = read_u64(pid, iovecs + 16 * index + 8)?.min(left);
        ranges.push((base, length));
        left -= length;
    }
    Ok(ranges)
}

/// What a plain write sent to a file descriptor.
pub struct OutputWrite {
    /// The descriptor written to.
    pub fd: u64,
    /// `(address, length)` pieces of memory, in order.
    pub pieces: Vec<(u64, u64)>,
}

/// For a call that wrote `result` bytes from memory to a file descriptor: what it wrote. `None` for
/// calls that are not plain writes.
pub fn output_ranges(
    pid: Pid,
    number: u64,
    args: [u64; 6],
    result: i64,
) -> TraceeResult<Option<OutputWrite>> {
    if result <= 0 {
        return Ok(None);
    }
    let total = result as u64;
    Ok(match number as c_long {
        SYS_write | SYS_pwrite64 => Some(OutputWrite {
            fd: args[0],
            pieces: vec![(args[1], total)],
        }),
        SYS_writev | SYS_pwritev | SYS_pwritev2 => Some(OutputWrite {
            fd: args[0],
            pieces: iovec_ranges(pid, args[1], args[2], total)?,
        }),
        _ => None,
    })
}
