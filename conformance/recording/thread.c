//! A multi-threaded program: recording refuses it with a clear message (threads are not supported yet).
//! record-fails: multi-threaded programs cannot be recorded yet
//! cflags: -pthread
#include <pthread.h>
#include <stdio.h>

static void *work(void *arg) { return arg; }

int main(void) {
    pthread_t thread;
    pthread_create(&thread, NULL, work, NULL);
    pthread_join(thread, NULL);
    printf("TOKEN thread ok\n");
    return 0;
}
