//! Kernel-provided facts: uname, sysinfo, getrusage, times, getrlimit, ids, sched_getaffinity.
#define _GNU_SOURCE
#include <sched.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void) {
    struct utsname u;
    uname(&u);
    printf("uname %s %s %s\n", u.sysname, u.release, u.machine);
    struct sysinfo si;
    sysinfo(&si);
    printf("sysinfo uptime %ld procs %d freeram %lu\n", si.uptime, si.procs, si.freeram);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("rusage maxrss %ld minflt %ld\n", ru.ru_maxrss, ru.ru_minflt);
    struct tms t;
    clock_t ticks = times(&t);
    printf("times %ld\n", (long)ticks);
    struct rlimit rl;
    getrlimit(RLIMIT_NOFILE, &rl);
    printf("nofile %llu\n", (unsigned long long)rl.rlim_cur);
    printf("pid %d ppid %d uid %d\n", getpid(), getppid(), getuid());
    cpu_set_t set;
    sched_getaffinity(0, sizeof set, &set);
    printf("cpus %d\n", CPU_COUNT(&set));
    printf("TOKEN system_info ok\n");
    return 0;
}
