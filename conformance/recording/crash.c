//! A crash: SIGSEGV with no handler; the recording and every replay end killed by SIGSEGV.
//! status: 139
#include <stdio.h>

int main(void) {
    printf("TOKEN crash about to fault\n");
    fflush(stdout);
    *(volatile int *)8 = 42;
    return 0;
}
