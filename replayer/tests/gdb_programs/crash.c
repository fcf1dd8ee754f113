#include <stdio.h>
#include <unistd.h>

int *slot;

int main(void) {
    int value = 42;
    write(1, "about to crash\n", 15);
    value += 1;
    *slot = value;
    return 0;
}
