//! rdtsc and rdtscp, trapped with PR_SET_TSC and answered by the recorder.
#include <stdio.h>
#include <x86intrin.h>

int main(void) {
    unsigned long long first = __rdtsc();
    unsigned aux = 12345;
    unsigned long long second = __rdtscp(&aux);
    unsigned long long third = __rdtsc();
    printf("rdtsc %llu rdtscp %llu aux %u rdtsc %llu\n", first, second, aux, third);
    printf("ordered %d\n", first <= second && second <= third);
    printf("TOKEN rdtsc ok\n");
    return 0;
}
