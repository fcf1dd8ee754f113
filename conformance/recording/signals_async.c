//! Asynchronous signals: alarm interrupting pause, a signal a child sends while the parent blocks in
//! read, self-sent signals, a blocked-then-unblocked signal, and SIGCHLD.
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t count[65];

static void handler(int signal, siginfo_t *info, void *context) {
    (void)context;
    count[signal]++;
    if (signal == SIGUSR2) {
        char line[64];
        int n = snprintf(line, sizeof line, "SIGUSR2 code %d\n", info->si_code);
        write(1, line, n);
    }
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO;
    int signals[] = {SIGALRM, SIGUSR1, SIGUSR2, SIGCHLD, SIGTERM};
    for (unsigned i = 0; i < sizeof signals / sizeof signals[0]; i++) sigaction(signals[i], &action, NULL);

    alarm(1);
    pause();
    printf("alarm %d\n", count[SIGALRM]);

    raise(SIGUSR1);
    kill(getpid(), SIGUSR1);
    printf("usr1 %d\n", count[SIGUSR1]);

    sigset_t block, old;
    sigemptyset(&block);
    sigaddset(&block, SIGTERM);
    sigprocmask(SIG_BLOCK, &block, &old);
    raise(SIGTERM);
    printf("term while blocked %d\n", count[SIGTERM]);
    sigprocmask(SIG_SETMASK, &old, NULL);
    printf("term after unblock %d\n", count[SIGTERM]);

    int pipefd[2];
    pipe(pipefd);
    pid_t child = fork();
    if (child == 0) {
        usleep(20000);
        kill(getppid(), SIGUSR2);
        usleep(20000);
        write(pipefd[1], "x", 1);
        _exit(3);
    }
    char byte;
    ssize_t n;
    do n = read(pipefd[0], &byte, 1);
    while (n < 0);
    int status;
    while (waitpid(child, &status, 0) < 0) {}
    printf("child status %d usr2 %d chld %d\n", WEXITSTATUS(status), count[SIGUSR2], count[SIGCHLD] > 0);
    printf("TOKEN signals_async ok\n");
    return 0;
}
