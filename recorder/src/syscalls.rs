//! The master list of x86-64 system calls: number, name and how recording and replay treat each one.
//!
//! Every decision the recorder and the replayer make about a system call starts from [`Syscall::kind`]. A call
//! that is not listed, or is listed as [`Kind::Unsupported`], stops the recording with its name: replaying it
//! silently wrong is never an option.
#![forbid(unsafe_code)]

/// How a system call is recorded and replayed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Stopped at when recording; replay skips it and injects the recorded result and memory writes.
    Emulate,
    /// Stopped at when recording; replay executes it for real (at recorded addresses) and checks the result.
    Execute,
    /// Not stopped at when recording (its effect depends only on the process itself); replay executes it.
    ExecuteUntraced,
    /// Not stopped at when recording; replay answers with the recorded process id.
    OwnPid,
    /// Not stopped at when recording; replay executes it and answers with the recorded thread id.
    SetTidAddress,
    /// fork, vfork and clone without a shared address space: executed for real in replay.
    Fork,
    /// execve and execveat: executed for real in replay.
    Exec,
    /// Refused with ENOSYS while recording (libc falls back), so replay just injects ENOSYS.
    Deny,
    /// Stops the recording with a message naming the call and why.
    Unsupported(&'static str),
}

/// One row of the master list.
#[derive(Clone, Copy, Debug)]
pub struct Syscall {
    /// The x86-64 system call number.
    pub number: u64,
    /// The kernel's name for it.
    pub name: &'static str,
    /// How recording and replay treat it.
    pub kind: Kind,
}

/// All x86-64 system calls, indexed by number (gaps are absent numbers).
pub static SYSCALLS: &[Syscall] = &[
    Syscall {
        number: 0,
        name: "read",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 1,
        name: "write",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 2,
        name: "open",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 3,
        name: "close",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 4,
        name: "stat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 5,
        name: "fstat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 6,
        name: "lstat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 7,
        name: "poll",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 8,
        name: "lseek",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 9,
        name: "mmap",
        kind: Kind::Execute,
    },
    Syscall {
        number: 10,
        name: "mprotect",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 11,
        name: "munmap",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 12,
        name: "brk",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 13,
        name: "rt_sigaction",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 14,
        name: "rt_sigprocmask",
        kind: Kind::Execute,
    },
    Syscall {
        number: 15,
        name: "rt_sigreturn",
        kind: Kind::Execute,
    },
    Syscall {
        number: 16,
        name: "ioctl",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 17,
        name: "pread64",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 18,
        name: "pwrite64",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 19,
        name: "readv",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 20,
        name: "writev",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 21,
        name: "access",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 22,
        name: "pipe",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 23,
        name: "select",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 24,
        name: "sched_yield",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 25,
        name: "mremap",
        kind: Kind::Execute,
    },
    Syscall {
        number: 26,
        name: "msync",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 27,
        name: "mincore",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 28,
        name: "madvise",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 29,
        name: "shmget",
        kind: Kind::Unsupported("System V shared memory"),
    },
    Syscall {
        number: 30,
        name: "shmat",
        kind: Kind::Unsupported("System V shared memory"),
    },
    Syscall {
        number: 31,
        name: "shmctl",
        kind: Kind::Unsupported("System V shared memory"),
    },
    Syscall {
        number: 32,
        name: "dup",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 33,
        name: "dup2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 34,
        name: "pause",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 35,
        name: "nanosleep",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 36,
        name: "getitimer",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 37,
        name: "alarm",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 38,
        name: "setitimer",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 39,
        name: "getpid",
        kind: Kind::OwnPid,
    },
    Syscall {
        number: 40,
        name: "sendfile",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 41,
        name: "socket",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 42,
        name: "connect",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 43,
        name: "accept",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 44,
        name: "sendto",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 45,
        name: "recvfrom",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 46,
        name: "sendmsg",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 47,
        name: "recvmsg",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 48,
        name: "shutdown",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 49,
        name: "bind",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 50,
        name: "listen",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 51,
        name: "getsockname",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 52,
        name: "getpeername",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 53,
        name: "socketpair",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 54,
        name: "setsockopt",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 55,
        name: "getsockopt",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 56,
        name: "clone",
        kind: Kind::Fork,
    },
    Syscall {
        number: 57,
        name: "fork",
        kind: Kind::Fork,
    },
    Syscall {
        number: 58,
        name: "vfork",
        kind: Kind::Fork,
    },
    Syscall {
        number: 59,
        name: "execve",
        kind: Kind::Exec,
    },
    Syscall {
        number: 60,
        name: "exit",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 61,
        name: "wait4",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 62,
        name: "kill",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 63,
        name: "uname",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 64,
        name: "semget",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 65,
        name: "semop",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 66,
        name: "semctl",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 67,
        name: "shmdt",
        kind: Kind::Unsupported("System V shared memory"),
    },
    Syscall {
        number: 68,
        name: "msgget",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 69,
        name: "msgsnd",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 70,
        name: "msgrcv",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 71,
        name: "msgctl",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 72,
        name: "fcntl",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 73,
        name: "flock",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 74,
        name: "fsync",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 75,
        name: "fdatasync",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 76,
        name: "truncate",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 77,
        name: "ftruncate",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 78,
        name: "getdents",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 79,
        name: "getcwd",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 80,
        name: "chdir",
        kind: Kind::Execute,
    },
    Syscall {
        number: 81,
        name: "fchdir",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 82,
        name: "rename",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 83,
        name: "mkdir",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 84,
        name: "rmdir",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 85,
        name: "creat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 86,
        name: "link",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 87,
        name: "unlink",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 88,
        name: "symlink",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 89,
        name: "readlink",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 90,
        name: "chmod",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 91,
        name: "fchmod",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 92,
        name: "chown",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 93,
        name: "fchown",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 94,
        name: "lchown",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 95,
        name: "umask",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 96,
        name: "gettimeofday",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 97,
        name: "getrlimit",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 98,
        name: "getrusage",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 99,
        name: "sysinfo",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 100,
        name: "times",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 101,
        name: "ptrace",
        kind: Kind::Unsupported("tracing a process from inside a recording"),
    },
    Syscall {
        number: 102,
        name: "getuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 103,
        name: "syslog",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 104,
        name: "getgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 105,
        name: "setuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 106,
        name: "setgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 107,
        name: "geteuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 108,
        name: "getegid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 109,
        name: "setpgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 110,
        name: "getppid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 111,
        name: "getpgrp",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 112,
        name: "setsid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 113,
        name: "setreuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 114,
        name: "setregid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 115,
        name: "getgroups",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 116,
        name: "setgroups",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 117,
        name: "setresuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 118,
        name: "getresuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 119,
        name: "setresgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 120,
        name: "getresgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 121,
        name: "getpgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 122,
        name: "setfsuid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 123,
        name: "setfsgid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 124,
        name: "getsid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 125,
        name: "capget",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 126,
        name: "capset",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 127,
        name: "rt_sigpending",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 128,
        name: "rt_sigtimedwait",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 129,
        name: "rt_sigqueueinfo",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 130,
        name: "rt_sigsuspend",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 131,
        name: "sigaltstack",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 132,
        name: "utime",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 133,
        name: "mknod",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 134,
        name: "uselib",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 135,
        name: "personality",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 136,
        name: "ustat",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 137,
        name: "statfs",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 138,
        name: "fstatfs",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 139,
        name: "sysfs",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 140,
        name: "getpriority",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 141,
        name: "setpriority",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 142,
        name: "sched_setparam",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 143,
        name: "sched_getparam",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 144,
        name: "sched_setscheduler",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 145,
        name: "sched_getscheduler",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 146,
        name: "sched_get_priority_max",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 147,
        name: "sched_get_priority_min",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 148,
        name: "sched_rr_get_interval",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 149,
        name: "mlock",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 150,
        name: "munlock",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 151,
        name: "mlockall",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 152,
        name: "munlockall",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 153,
        name: "vhangup",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 154,
        name: "modify_ldt",
        kind: Kind::Unsupported("LDT changes"),
    },
    Syscall {
        number: 155,
        name: "pivot_root",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 156,
        name: "_sysctl",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 157,
        name: "prctl",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 158,
        name: "arch_prctl",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 159,
        name: "adjtimex",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 160,
        name: "setrlimit",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 161,
        name: "chroot",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 162,
        name: "sync",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 163,
        name: "acct",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 164,
        name: "settimeofday",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 165,
        name: "mount",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 166,
        name: "umount2",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 167,
        name: "swapon",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 168,
        name: "swapoff",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 169,
        name: "reboot",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 170,
        name: "sethostname",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 171,
        name: "setdomainname",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 172,
        name: "iopl",
        kind: Kind::Unsupported("port I/O"),
    },
    Syscall {
        number: 173,
        name: "ioperm",
        kind: Kind::Unsupported("port I/O"),
    },
    Syscall {
        number: 174,
        name: "create_module",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 175,
        name: "init_module",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 176,
        name: "delete_module",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 177,
        name: "get_kernel_syms",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 178,
        name: "query_module",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 179,
        name: "quotactl",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 180,
        name: "nfsservctl",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 181,
        name: "getpmsg",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 182,
        name: "putpmsg",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 183,
        name: "afs_syscall",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 184,
        name: "tuxcall",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 185,
        name: "security",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 186,
        name: "gettid",
        kind: Kind::OwnPid,
    },
    Syscall {
        number: 187,
        name: "readahead",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 188,
        name: "setxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 189,
        name: "lsetxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 190,
        name: "fsetxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 191,
        name: "getxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 192,
        name: "lgetxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 193,
        name: "fgetxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 194,
        name: "listxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 195,
        name: "llistxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 196,
        name: "flistxattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 197,
        name: "removexattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 198,
        name: "lremovexattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 199,
        name: "fremovexattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 200,
        name: "tkill",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 201,
        name: "time",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 202,
        name: "futex",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 203,
        name: "sched_setaffinity",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 204,
        name: "sched_getaffinity",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 205,
        name: "set_thread_area",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 206,
        name: "io_setup",
        kind: Kind::Unsupported("Linux AIO"),
    },
    Syscall {
        number: 207,
        name: "io_destroy",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 208,
        name: "io_getevents",
        kind: Kind::Unsupported("Linux AIO"),
    },
    Syscall {
        number: 209,
        name: "io_submit",
        kind: Kind::Unsupported("Linux AIO"),
    },
    Syscall {
        number: 210,
        name: "io_cancel",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 211,
        name: "get_thread_area",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 212,
        name: "lookup_dcookie",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 213,
        name: "epoll_create",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 214,
        name: "epoll_ctl_old",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 215,
        name: "epoll_wait_old",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 216,
        name: "remap_file_pages",
        kind: Kind::Unsupported("remap_file_pages"),
    },
    Syscall {
        number: 217,
        name: "getdents64",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 218,
        name: "set_tid_address",
        kind: Kind::SetTidAddress,
    },
    Syscall {
        number: 219,
        name: "restart_syscall",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 220,
        name: "semtimedop",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 221,
        name: "fadvise64",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 222,
        name: "timer_create",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 223,
        name: "timer_settime",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 224,
        name: "timer_gettime",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 225,
        name: "timer_getoverrun",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 226,
        name: "timer_delete",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 227,
        name: "clock_settime",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 228,
        name: "clock_gettime",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 229,
        name: "clock_getres",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 230,
        name: "clock_nanosleep",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 231,
        name: "exit_group",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 232,
        name: "epoll_wait",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 233,
        name: "epoll_ctl",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 234,
        name: "tgkill",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 235,
        name: "utimes",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 236,
        name: "vserver",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 237,
        name: "mbind",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 238,
        name: "set_mempolicy",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 239,
        name: "get_mempolicy",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 240,
        name: "mq_open",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 241,
        name: "mq_unlink",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 242,
        name: "mq_timedsend",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 243,
        name: "mq_timedreceive",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 244,
        name: "mq_notify",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 245,
        name: "mq_getsetattr",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 246,
        name: "kexec_load",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 247,
        name: "waitid",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 248,
        name: "add_key",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 249,
        name: "request_key",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 250,
        name: "keyctl",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 251,
        name: "ioprio_set",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 252,
        name: "ioprio_get",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 253,
        name: "inotify_init",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 254,
        name: "inotify_add_watch",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 255,
        name: "inotify_rm_watch",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 256,
        name: "migrate_pages",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 257,
        name: "openat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 258,
        name: "mkdirat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 259,
        name: "mknodat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 260,
        name: "fchownat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 261,
        name: "futimesat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 262,
        name: "newfstatat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 263,
        name: "unlinkat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 264,
        name: "renameat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 265,
        name: "linkat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 266,
        name: "symlinkat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 267,
        name: "readlinkat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 268,
        name: "fchmodat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 269,
        name: "faccessat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 270,
        name: "pselect6",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 271,
        name: "ppoll",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 272,
        name: "unshare",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 273,
        name: "set_robust_list",
        kind: Kind::ExecuteUntraced,
    },
    Syscall {
        number: 274,
        name: "get_robust_list",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 275,
        name: "splice",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 276,
        name: "tee",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 277,
        name: "sync_file_range",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 278,
        name: "vmsplice",
        kind: Kind::Unsupported("vmsplice"),
    },
    Syscall {
        number: 279,
        name: "move_pages",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 280,
        name: "utimensat",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 281,
        name: "epoll_pwait",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 282,
        name: "signalfd",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 283,
        name: "timerfd_create",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 284,
        name: "eventfd",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 285,
        name: "fallocate",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 286,
        name: "timerfd_settime",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 287,
        name: "timerfd_gettime",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 288,
        name: "accept4",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 289,
        name: "signalfd4",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 290,
        name: "eventfd2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 291,
        name: "epoll_create1",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 292,
        name: "dup3",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 293,
        name: "pipe2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 294,
        name: "inotify_init1",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 295,
        name: "preadv",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 296,
        name: "pwritev",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 297,
        name: "rt_tgsigqueueinfo",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 298,
        name: "perf_event_open",
        kind: Kind::Unsupported("performance counters"),
    },
    Syscall {
        number: 299,
        name: "recvmmsg",
        kind: Kind::Unsupported("recvmmsg"),
    },
    Syscall {
        number: 300,
        name: "fanotify_init",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 301,
        name: "fanotify_mark",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 302,
        name: "prlimit64",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 303,
        name: "name_to_handle_at",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 304,
        name: "open_by_handle_at",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 305,
        name: "clock_adjtime",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 306,
        name: "syncfs",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 307,
        name: "sendmmsg",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 308,
        name: "setns",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 309,
        name: "getcpu",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 310,
        name: "process_vm_readv",
        kind: Kind::Unsupported("cross-process memory access"),
    },
    Syscall {
        number: 311,
        name: "process_vm_writev",
        kind: Kind::Unsupported("cross-process memory access"),
    },
    Syscall {
        number: 312,
        name: "kcmp",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 313,
        name: "finit_module",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 314,
        name: "sched_setattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 315,
        name: "sched_getattr",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 316,
        name: "renameat2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 317,
        name: "seccomp",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 318,
        name: "getrandom",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 319,
        name: "memfd_create",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 320,
        name: "kexec_file_load",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 321,
        name: "bpf",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 322,
        name: "execveat",
        kind: Kind::Exec,
    },
    Syscall {
        number: 323,
        name: "userfaultfd",
        kind: Kind::Unsupported("userfaultfd"),
    },
    Syscall {
        number: 324,
        name: "membarrier",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 325,
        name: "mlock2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 326,
        name: "copy_file_range",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 327,
        name: "preadv2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 328,
        name: "pwritev2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 329,
        name: "pkey_mprotect",
        kind: Kind::Unsupported("memory protection keys"),
    },
    Syscall {
        number: 330,
        name: "pkey_alloc",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 331,
        name: "pkey_free",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 332,
        name: "statx",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 333,
        name: "io_pgetevents",
        kind: Kind::Unsupported("Linux AIO"),
    },
    Syscall {
        number: 334,
        name: "rseq",
        kind: Kind::Deny,
    },
    Syscall {
        number: 424,
        name: "pidfd_send_signal",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 425,
        name: "io_uring_setup",
        kind: Kind::Unsupported("io_uring"),
    },
    Syscall {
        number: 426,
        name: "io_uring_enter",
        kind: Kind::Unsupported("io_uring"),
    },
    Syscall {
        number: 427,
        name: "io_uring_register",
        kind: Kind::Unsupported("io_uring"),
    },
    Syscall {
        number: 428,
        name: "open_tree",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 429,
        name: "move_mount",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 430,
        name: "fsopen",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 431,
        name: "fsconfig",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 432,
        name: "fsmount",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 433,
        name: "fspick",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 434,
        name: "pidfd_open",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 435,
        name: "clone3",
        kind: Kind::Deny,
    },
    Syscall {
        number: 436,
        name: "close_range",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 437,
        name: "openat2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 438,
        name: "pidfd_getfd",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 439,
        name: "faccessat2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 440,
        name: "process_madvise",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 441,
        name: "epoll_pwait2",
        kind: Kind::Emulate,
    },
    Syscall {
        number: 442,
        name: "mount_setattr",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 443,
        name: "quotactl_fd",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 444,
        name: "landlock_create_ruleset",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 445,
        name: "landlock_add_rule",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 446,
        name: "landlock_restrict_self",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 447,
        name: "memfd_secret",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 448,
        name: "process_mrelease",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 449,
        name: "futex_waitv",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
    Syscall {
        number: 450,
        name: "set_mempolicy_home_node",
        kind: Kind::Unsupported("not yet supported by the recorder"),
    },
];

/// The row for system call `number`, if the kernel has one.
pub fn lookup(number: u64) -> Option<&'static Syscall> {
    SYSCALLS
        .binary_search_by_key(&number, |row| row.number)
        .ok()
        .map(|index| &SYSCALLS[index])
}

/// The name of system call `number`, or `syscall_<n>` when the number is unknown.
pub fn name(number: u64) -> String {
    lookup(number).map_or_else(|| format!("syscall_{number}"), |row| row.name.to_string())
}

/// Numbers the seccomp filter lets run without stopping: their kinds need no recording.
pub fn untraced_numbers() -> impl Iterator<Item = u64> {
    SYSCALLS
        .iter()
        .filter(|row| {
            matches!(
                row.kind,
                Kind::ExecuteUntraced | Kind::OwnPid | Kind::SetTidAddress
            )
        })
        .map(|row| row.number)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_names_known_calls() {
        assert!(SYSCALLS
            .windows(2)
            .all(|pair| pair[0].number < pair[1].number));
        assert_eq!(lookup(0).map(|row| row.name), Some("read"));
        assert_eq!(lookup(59).map(|row| row.kind), Some(Kind::Exec));
        assert_eq!(name(100_000), "syscall_100000");
        assert!(matches!(
            lookup(101).map(|row| row.kind),
            Some(Kind::Unsupported(_))
        ));
    }
}
