//! Time: clock_gettime (several clocks), gettimeofday, time, nanosleep; with the vDSO off these are all
//! system calls the recorder sees.
#include <stdio.h>
#include <sys/time.h>
#include <time.h>

int main(void) {
    struct timespec ts;
    clockid_t clocks[] = {CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_PROCESS_CPUTIME_ID, CLOCK_BOOTTIME};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        clock_gettime(clocks[i], &ts);
        printf("clock %d: %lld.%09ld\n", (int)clocks[i], (long long)ts.tv_sec, ts.tv_nsec);
    }
    struct timeval tv;
    gettimeofday(&tv, NULL);
    printf("gettimeofday %lld.%06ld\n", (long long)tv.tv_sec, (long)tv.tv_usec);
    printf("time %lld\n", (long long)time(NULL));
    struct timespec nap = {0, 2000000}, start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    nanosleep(&nap, NULL);
    clock_gettime(CLOCK_MONOTONIC, &end);
    printf("slept %lld ns\n", (long long)(end.tv_sec - start.tv_sec) * 1000000000LL + (end.tv_nsec - start.tv_nsec));
    printf("TOKEN time ok\n");
    return 0;
}
