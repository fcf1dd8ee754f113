//! Maps a file (argv[1]) that the harness rewrites in place after recording: replay must map the bytes
//! the recording saw, from the trace's preserved copy. Also anonymous and shared anonymous mappings.
//! data-file
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 2) return 2;
    int fd = open(argv[1], O_RDONLY);
    struct stat st;
    fstat(fd, &st);
    const unsigned char *data = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);
    unsigned long sum = 0;
    for (off_t i = 0; i < st.st_size; i++) sum = sum * 31 + data[i];
    printf("mapped %lld bytes, first line: %.*s", (long long)st.st_size, (int)(strchr((const char *)data, '\n') - (const char *)data + 1), data);
    printf("checksum %lu\n", sum);
    munmap((void *)data, st.st_size);
    char *anon = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(anon, 7, 1 << 20);
    mprotect(anon, 4096, PROT_READ);
    printf("anon %d\n", anon[12345]);
    printf("TOKEN mmap_file ok\n");
    return 0;
}
