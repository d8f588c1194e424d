/*
 * ntpload: a bounded closed-loop NTP load generator for loopback benchmarks.
 *
 *   ntpload PORT CLIENTS SECONDS MAX_REQUESTS
 *
 * Targets 127.0.0.1 only. CLIENTS UDP sockets each keep one NTPv4 client request (48 bytes)
 * outstanding: send, wait for the answer whose origin timestamp echoes our transmit timestamp,
 * record the round trip (CLOCK_MONOTONIC), send the next. A request unanswered for 200 ms counts as
 * lost and is replaced. Stops after SECONDS or MAX_REQUESTS requests, whichever comes first.
 * Prints one line: sent, answered, lost, requests/s, p50/p99/p99.9/max round trip in microseconds.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 256
#define LOST_NS 200000000LL

static int64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

struct client {
    int fd;
    uint64_t id;      /* transmit timestamp of the outstanding request */
    int64_t sent_ns;
};

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: ntpload PORT CLIENTS SECONDS MAX_REQUESTS (target is always 127.0.0.1)\n");
        return 2;
    }
    int port = atoi(argv[1]);
    int clients = atoi(argv[2]);
    double seconds = atof(argv[3]);
    long max_requests = atol(argv[4]);
    if (port <= 0 || port > 65535 || clients < 1 || clients > MAX_CLIENTS || seconds <= 0 || seconds > 120 ||
        max_requests < 1 || max_requests > 100000000L) {
        fprintf(stderr, "ntpload: PORT 1..65535, CLIENTS 1..%d, SECONDS (0, 120], MAX_REQUESTS 1..1e8\n", MAX_CLIENTS);
        return 2;
    }
    int64_t *rtt = malloc(sizeof(int64_t) * (size_t)max_requests);
    if (!rtt) {
        perror("malloc");
        return 1;
    }
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    struct client c[MAX_CLIENTS];
    struct pollfd pfd[MAX_CLIENTS];
    uint64_t next_id = 1;
    long sent = 0, answered = 0, lost = 0;
    unsigned char req[48], ans[512];
    memset(req, 0, sizeof req);
    req[0] = 0x23; /* LI 0, VN 4, mode 3 */

    int64_t start = now_ns();
    int64_t end = start + (int64_t)(seconds * 1e9);
    for (int i = 0; i < clients; i++) {
        c[i].fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
        if (c[i].fd < 0 || connect(c[i].fd, (struct sockaddr *)&to, sizeof to) < 0) {
            perror("socket/connect");
            return 1;
        }
        pfd[i].fd = c[i].fd;
        pfd[i].events = POLLIN;
        c[i].id = 0;
    }
#define SEND(i)                                                                 \
    do {                                                                        \
        c[i].id = next_id++;                                                    \
        for (int b = 0; b < 8; b++) req[40 + b] = (unsigned char)(c[i].id >> (56 - 8 * b)); \
        c[i].sent_ns = now_ns();                                                \
        if (send(c[i].fd, req, sizeof req, 0) == (ssize_t)sizeof req) sent++;   \
    } while (0)

    for (int i = 0; i < clients && sent < max_requests; i++) SEND(i);
    int64_t t = now_ns();
    while (t < end && (sent < max_requests || answered + lost < sent)) {
        int n = poll(pfd, (nfds_t)clients, 10);
        t = now_ns();
        if (n < 0 && errno != EINTR) {
            perror("poll");
            return 1;
        }
        for (int i = 0; i < clients; i++) {
            if (n > 0 && (pfd[i].revents & POLLIN)) {
                ssize_t len;
                while ((len = recv(c[i].fd, ans, sizeof ans, 0)) > 0) {
                    if (len < 48) continue;
                    uint64_t origin = 0;
                    for (int b = 0; b < 8; b++) origin = (origin << 8) | ans[24 + b];
                    if (c[i].id == 0 || origin != c[i].id) continue; /* late answer to a lost request */
                    int64_t done = now_ns();
                    rtt[answered++] = done - c[i].sent_ns;
                    c[i].id = 0;
                    t = done;
                    if (sent < max_requests && t < end) SEND(i);
                }
            }
            if (c[i].id != 0 && t - c[i].sent_ns > LOST_NS) {
                lost++;
                c[i].id = 0;
                if (sent < max_requests && t < end) SEND(i);
            }
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    qsort(rtt, (size_t)answered, sizeof(int64_t), cmp_i64);
#define PCT(p) (answered ? rtt[(long)((answered - 1) * (p))] / 1000.0 : 0.0)
    printf("sent=%ld answered=%ld lost=%ld seconds=%.3f rps=%.0f p50_us=%.1f p99_us=%.1f p999_us=%.1f max_us=%.1f\n",
           sent, answered, lost, elapsed, answered / elapsed, PCT(0.50), PCT(0.99), PCT(0.999), PCT(1.0));
    for (int i = 0; i < clients; i++) close(c[i].fd);
    free(rtt);
    return 0;
}
