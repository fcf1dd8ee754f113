//! fchdir: the descriptor exists only in the recording, yet a relative exec after it must find the
//! same program in replay (find -execdir, vim and shells change directory this way).
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    int usr = open("/usr", O_RDONLY | O_DIRECTORY);
    if (usr < 0 || fchdir(usr) != 0) return 1;
    char cwd[256];
    if (!getcwd(cwd, sizeof cwd)) return 2;
    printf("cwd %s\n", cwd);
    fflush(stdout);
    // Relative to the directory fchdir entered: /usr/bin/echo.
    execl("bin/echo", "echo", "TOKEN fchdir ok", (char *)0);
    return 3;
}
