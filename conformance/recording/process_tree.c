//! A process tree: fork, vfork, exec, pipes between recorded processes, wait with statuses.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    int up[2];
    pipe(up);
    pid_t children[3];
    for (int i = 0; i < 3; i++) {
        children[i] = fork();
        if (children[i] == 0) {
            char line[64];
            int n = snprintf(line, sizeof line, "child %d pid-parity %d\n", i, getpid() % 2);
            write(up[1], line, n);
            _exit(10 + i);
        }
    }
    close(up[1]);
    char buffer[512];
    ssize_t total = 0, n;
    while ((n = read(up[0], buffer + total, sizeof buffer - 1 - total)) > 0) total += n;
    buffer[total] = 0;
    int lines = 0;
    for (char *p = buffer; *p; p++) lines += *p == '\n';
    printf("children wrote %d lines\n", lines);
    for (int i = 0; i < 3; i++) {
        int status;
        waitpid(children[i], &status, 0);
        printf("child %d exit %d\n", i, WEXITSTATUS(status));
    }
    fflush(stdout);
    pid_t v = vfork();
    if (v == 0) {
        execl("/bin/echo", "echo", "exec from vfork child", (char *)NULL);
        _exit(127);
    }
    int status;
    waitpid(v, &status, 0);
    pid_t e = fork();
    if (e == 0) {
        execlp("sh", "sh", "-c", "echo grandchild $((6 * 7)) | cat", (char *)NULL);
        _exit(127);
    }
    waitpid(e, &status, 0);
    printf("exec children done %d\n", WEXITSTATUS(status));
    printf("TOKEN process_tree ok\n");
    return 0;
}
