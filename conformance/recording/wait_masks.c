//! pselect6, ppoll and epoll_pwait with a temporary signal mask: SIGCHLD is blocked except while
//! the program waits (make's job server does this), so it can only arrive inside those calls.
#define _GNU_SOURCE
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile sig_atomic_t children_ended;

static void on_child(int signal) {
    (void)signal;
    children_ended++;
}

/* Starts a child that exits at once; returns its pid. */
static pid_t start_child(int code) {
    pid_t child = fork();
    if (child == 0) _exit(code);
    return child;
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = on_child;
    sigaction(SIGCHLD, &action, NULL);
    sigset_t block, empty;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, NULL);
    sigemptyset(&empty);
    int pipe_fds[2];
    if (pipe(pipe_fds) != 0) return 1;
    int epoll = epoll_create1(0);
    struct epoll_event watch = {.events = EPOLLIN, .data.fd = pipe_fds[0]};
    epoll_ctl(epoll, EPOLL_CTL_ADD, pipe_fds[0], &watch);

    for (int round = 0; round < 3; round++) {
        pid_t child = start_child(round);
        int result;
        const char *call;
        if (round == 0) {
            fd_set readable;
            FD_ZERO(&readable);
            FD_SET(pipe_fds[0], &readable);
            result = pselect(pipe_fds[0] + 1, &readable, NULL, NULL, NULL, &empty);
            call = "pselect6";
        } else if (round == 1) {
            struct pollfd poll_fd = {.fd = pipe_fds[0], .events = POLLIN};
            result = ppoll(&poll_fd, 1, NULL, &empty);
            call = "ppoll";
        } else {
            struct epoll_event event;
            result = epoll_pwait(epoll, &event, 1, -1, &empty);
            call = "epoll_pwait";
        }
        int status;
        waitpid(child, &status, 0);
        printf("%s returned %d, SIGCHLD handled %d time(s), child exit %d\n", call, result,
               (int)children_ended, WEXITSTATUS(status));
    }
    printf("TOKEN wait masks ok\n");
    return 0;
}
