//! Synchronous signals: SIGSEGV, SIGFPE and SIGILL raised by instructions and caught by handlers.
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

static sigjmp_buf recover;
static volatile sig_atomic_t caught;

static void handler(int signal, siginfo_t *info, void *context) {
    (void)info;
    (void)context;
    caught = signal;
    siglongjmp(recover, 1);
}

int main(void) {
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigaction(SIGSEGV, &action, NULL);
    sigaction(SIGFPE, &action, NULL);
    sigaction(SIGILL, &action, NULL);
    if (!sigsetjmp(recover, 1)) *(volatile int *)16 = 1;
    printf("caught %d (SIGSEGV)\n", caught);
    if (!sigsetjmp(recover, 1)) {
        volatile int zero = 0;
        printf("%d\n", 1 / zero);
    }
    printf("caught %d (SIGFPE)\n", caught);
    if (!sigsetjmp(recover, 1)) __asm__ volatile("ud2");
    printf("caught %d (SIGILL)\n", caught);
    printf("TOKEN signals_sync ok\n");
    return 0;
}
