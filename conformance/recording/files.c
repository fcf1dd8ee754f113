//! Files: open, read, pread, readv, lseek, stat family, getdents, readlink, getcwd, statx.
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

int main(void) {
    char dir[] = "/tmp/retrace-files-XXXXXX";
    if (!mkdtemp(dir)) return 1;
    char path[256];
    snprintf(path, sizeof path, "%s/data", dir);
    int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    const char text[] = "hello from the recorded world\n";
    if (write(fd, text, sizeof text - 1) != (ssize_t)(sizeof text - 1)) return 2;
    lseek(fd, 0, SEEK_SET);
    char buffer[64] = {0};
    ssize_t n = read(fd, buffer, 5);
    printf("read %zd '%s'\n", n, buffer);
    memset(buffer, 0, sizeof buffer);
    n = pread(fd, buffer, 6, 11);
    printf("pread %zd '%s'\n", n, buffer);
    char a[4] = {0}, b[8] = {0};
    struct iovec iov[2] = {{a, 3}, {b, 7}};
    lseek(fd, 0, SEEK_SET);
    n = readv(fd, iov, 2);
    printf("readv %zd '%s' '%s'\n", n, a, b);
    struct stat st;
    fstat(fd, &st);
    printf("fstat size %lld ino %llu mtime %lld\n", (long long)st.st_size, (unsigned long long)st.st_ino, (long long)st.st_mtime);
    stat("/", &st);
    printf("stat / ino %llu nlink %llu\n", (unsigned long long)st.st_ino, (unsigned long long)st.st_nlink);
    struct statx sx;
    if (statx(AT_FDCWD, path, 0, STATX_ALL, &sx) == 0) printf("statx btime %lld\n", (long long)sx.stx_btime.tv_sec);
    close(fd);
    char link[256];
    snprintf(link, sizeof link, "%s/link", dir);
    symlink(path, link);
    char target[256] = {0};
    n = readlink(link, target, sizeof target - 1);
    printf("readlink %zd %s\n", n, target);
    DIR *d = opendir(dir);
    int entries = 0;
    for (struct dirent *e; (e = readdir(d)) != NULL;) entries++;
    closedir(d);
    printf("entries %d\n", entries);
    char cwd[512];
    printf("cwd %s\n", getcwd(cwd, sizeof cwd));
    unlink(link);
    unlink(path);
    rmdir(dir);
    printf("TOKEN files ok\n");
    return 0;
}
