//! abort(): SIGABRT raised by the program itself, delivered at the tgkill boundary.
//! status: 134
#include <stdio.h>
#include <stdlib.h>

int main(void) {
    printf("TOKEN abort about to abort\n");
    fflush(stdout);
    abort();
}
