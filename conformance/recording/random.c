//! Randomness from the OS: getrandom, /dev/urandom, and AT_RANDOM (the kernel's per-exec bytes).
#include <fcntl.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/random.h>
#include <unistd.h>

static void hex(const char *label, const unsigned char *bytes, int n) {
    printf("%s ", label);
    for (int i = 0; i < n; i++) printf("%02x", bytes[i]);
    printf("\n");
}

int main(void) {
    unsigned char bytes[16];
    getrandom(bytes, sizeof bytes, 0);
    hex("getrandom", bytes, 16);
    int fd = open("/dev/urandom", O_RDONLY);
    read(fd, bytes, sizeof bytes);
    close(fd);
    hex("urandom", bytes, 16);
    hex("at_random", (const unsigned char *)getauxval(AT_RANDOM), 16);
    printf("TOKEN random ok\n");
    return 0;
}
