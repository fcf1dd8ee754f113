//! A plain non-zero exit status and output on both streams.
//! status: 7
#include <stdio.h>

int main(void) {
    fprintf(stderr, "to stderr\n");
    printf("TOKEN exit_status 7\n");
    return 7;
}
