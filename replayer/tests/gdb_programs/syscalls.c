#include <stdlib.h>
#include <unistd.h>

int marker;

void mark(int at) {
    marker = at;
}

int main(int argc, char **argv) {
    int count = argc > 1 ? atoi(argv[1]) : 3000;
    int every = argc > 2 ? atoi(argv[2]) : 500;
    for (int i = 0; i < count; i++) {
        getppid();
        if (i % every == 0)
            mark(i);
    }
    write(1, "done\n", 5);
    return 0;
}
