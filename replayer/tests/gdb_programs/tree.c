#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int total;

int work(int step) {
    total += step * 10;
    return total;
}

int main(void) {
    pid_t child = fork();
    if (child == 0) {
        for (int step = 1; step <= 3; step++) {
            work(step);
            char line[32];
            int n = snprintf(line, sizeof line, "child %d\n", total);
            write(1, line, n);
        }
        _exit(0);
    }
    int status;
    waitpid(child, &status, 0);
    work(100);
    printf("parent %d\n", total);
    return 0;
}
