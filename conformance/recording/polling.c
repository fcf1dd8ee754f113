//! Readiness and sockets: poll, select, epoll, socketpair with sendmsg/recvmsg.
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <unistd.h>

int main(void) {
    int p[2];
    pipe(p);
    write(p[1], "ab", 2);
    struct pollfd fds[2] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}};
    int ready = poll(fds, 2, 100);
    printf("poll %d revents %x %x\n", ready, fds[0].revents, fds[1].revents);
    fd_set set;
    FD_ZERO(&set);
    FD_SET(p[0], &set);
    struct timeval tv = {0, 1000};
    printf("select %d isset %d\n", select(p[0] + 1, &set, NULL, NULL, &tv), FD_ISSET(p[0], &set));
    int ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = 77}, out[4];
    epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
    int n = epoll_wait(ep, out, 4, 100);
    printf("epoll %d data %llu\n", n, (unsigned long long)out[0].data.u64);
    int sv[2];
    socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
    char part1[] = "scatter", part2[] = "-gather";
    struct iovec send_iov[2] = {{part1, 7}, {part2, 7}};
    struct msghdr message = {.msg_iov = send_iov, .msg_iovlen = 2};
    sendmsg(sv[0], &message, 0);
    char a[5] = {0}, b[10] = {0};
    struct iovec recv_iov[2] = {{a, 4}, {b, 9}};
    struct msghdr reply = {.msg_iov = recv_iov, .msg_iovlen = 2};
    ssize_t got = recvmsg(sv[1], &reply, 0);
    printf("recvmsg %zd '%s' '%s'\n", got, a, b);
    printf("TOKEN polling ok\n");
    return 0;
}
