#include <stdlib.h>
#include <unistd.h>

/* A value corrupted by one stray write in a long loop without system calls: the store that
   writes `cells` on every other iteration writes `guard` on iteration `stray`. */
int guard;
int cells[16];

int main(int argc, char **argv) {
    long n = argc > 1 ? atol(argv[1]) : 1000;
    long stray = argc > 2 ? atol(argv[2]) : n / 2;
    write(1, "start\n", 6);
    for (long i = 0; i < n; i++) {
        int *target = i == stray ? &guard : &cells[i & 15];
        *target += 1;
    }
    write(1, "end\n", 4);
    return guard == 1 ? 0 : 1;
}
