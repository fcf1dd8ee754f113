//! Prints a line every 10 ms for a long time: the harness kills it (or the recorder) mid-run.
//! helper
#include <stdio.h>
#include <time.h>

int main(void) {
    for (int i = 0; i < 100000; i++) {
        printf("tick %d\n", i);
        fflush(stdout);
        struct timespec nap = {0, 10000000};
        nanosleep(&nap, NULL);
    }
    return 0;
}
