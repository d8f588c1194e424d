/*
 * C reader vs clock_gettime(CLOCK_REALTIME), measured in the same run: rounds alternate between the
 * two loops and the median ns per call of each is reported with their ratio.
 *
 *   wallsync_bench PAGE [ROUNDS] [CALLS_PER_ROUND]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wallsync.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PAGE [ROUNDS] [CALLS_PER_ROUND]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 11;
    long calls = argc > 3 ? atol(argv[3]) : 5000000;
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    const void *page = mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED || wallsync_check(page) != WALLSYNC_OK) {
        fprintf(stderr, "%s: not a wallsync page\n", argv[1]);
        return 1;
    }
    double page_ns[64], clock_ns[64];
    if (rounds > 64) rounds = 64;
    volatile long sink = 0;
    for (int r = 0; r < rounds; r++) {
        struct timespec ts;
        double t0 = now_s();
        for (long i = 0; i < calls; i++) {
            /* Huge stale limit: no daemon heartbeats during the benchmark, the check still runs. */
            if (wallsync_now(page, &ts, UINT64_MAX / 2, 0) != WALLSYNC_OK) return 1;
            sink += ts.tv_nsec;
        }
        double t1 = now_s();
        for (long i = 0; i < calls; i++) {
            clock_gettime(CLOCK_REALTIME, &ts);
            sink += ts.tv_nsec;
        }
        double t2 = now_s();
        page_ns[r] = (t1 - t0) * 1e9 / calls;
        clock_ns[r] = (t2 - t1) * 1e9 / calls;
    }
    qsort(page_ns, rounds, sizeof(double), cmp);
    qsort(clock_ns, rounds, sizeof(double), cmp);
    double p = page_ns[rounds / 2], c = clock_ns[rounds / 2];
    printf("wallsync_now %.2f ns/call, clock_gettime(CLOCK_REALTIME) %.2f ns/call, ratio %.3f\n", p, c, p / c);
    return sink == 42 ? 3 : 0;
}
