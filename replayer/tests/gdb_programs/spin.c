#include <unistd.h>

volatile int sink;

int main(void) {
    write(1, "start\n", 6);
    for (int i = 0; i < 5000; i++)
        sink += i;
    write(1, "end\n", 4);
    return 0;
}
