//! Two processes writing to one stdout at the same time: replay prints their lines in the order
//! they reached the output when recording.
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void) {
    pid_t child = fork();
    const char *who = child == 0 ? "child" : "parent";
    for (int i = 0; i < 300; i++) {
        char line[64];
        int n = snprintf(line, sizeof line, "%s %d\n", who, i);
        if (write(1, line, n) != n) return 1;
    }
    if (child == 0) _exit(0);
    int status;
    waitpid(child, &status, 0);
    printf("TOKEN shared output ok\n");
    return 0;
}
