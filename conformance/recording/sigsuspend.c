//! rt_sigsuspend: a signal blocked by the program's mask is delivered while the call's temporary mask
//! unblocks it (the classic race-free wait for a child's signal).
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t got;

static void handler(int signal) { got = signal; }

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigaction(SIGUSR1, &action, NULL);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGUSR1);
    sigemptyset(&empty);
    sigprocmask(SIG_BLOCK, &block, NULL);
    pid_t child = fork();
    if (child == 0) {
        usleep(10000);
        kill(getppid(), SIGUSR1);
        _exit(0);
    }
    while (!got) sigsuspend(&empty);
    sigset_t now;
    sigprocmask(SIG_SETMASK, NULL, &now);
    waitpid(child, NULL, 0);
    printf("got %d, still blocked after the handler: %d\n", got, sigismember(&now, SIGUSR1));
    printf("TOKEN sigsuspend ok\n");
    return 0;
}
