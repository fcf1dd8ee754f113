#include <unistd.h>

int word;

int main(void) {
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0)
        return 1;
    int sent = 0x64636261;
    write(pipe_ends[1], &sent, sizeof sent);
    read(pipe_ends[0], &word, sizeof word);
    word += 1;
    return word == 0x64636262 ? 0 : 2;
}
