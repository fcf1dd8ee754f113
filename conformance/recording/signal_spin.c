//! A signal that arrives while the program busy-waits in user code, making no system call until it
//! comes: the recorder must deliver it there (not wait forever), and replay must find the same point.
//! (Without a performance counter the point is found by its registers; a loop whose registers change
//! every iteration, such as one counting in a register, replays at breakpoint speed.)
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>

static volatile sig_atomic_t fired;

static void handler(int signal) { fired = signal; }

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = handler;
    sigaction(SIGALRM, &action, NULL);
    struct itimerval timer = {{0, 0}, {0, 30000}};
    setitimer(ITIMER_REAL, &timer, NULL);
    while (!fired) {
    }
    printf("fired %d\n", fired);
    printf("TOKEN signal_spin ok\n");
    return 0;
}
