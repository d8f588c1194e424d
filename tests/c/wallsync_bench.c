/*
 * C readers vs clock_gettime(CLOCK_REALTIME), measured in the same run, and the counter path's
 * accuracy against CLOCK_REALTIME.
 *
 *   wallsync_bench PAGE [ROUNDS] [CALLS_PER_ROUND]
 *       Rounds alternate between four loops: wallsync_vmclock_now (the page v2 counter path: TSC +
 *       vmclock, no clock call), clock_gettime(CLOCK_REALTIME), wallsync_now (wc +
 *       CLOCK_MONOTONIC) and the counter path's TSC read alone (WALLSYNC_READ_COUNTER(): the floor
 *       of any counter-path reader). Prints the median ns per call of each and the ratios to
 *       clock_gettime(CLOCK_REALTIME). On a page without a usable counter the first loop is
 *       wallsync_vmclock_now's fallback, and the path printed says so. Build with
 *       -D'WALLSYNC_READ_COUNTER()=wallsync_rdtscp()' (or wallsync_rdtsc_unordered()) to measure
 *       the other TSC reads.
 *
 *   wallsync_bench accuracy PAGE [READS]
 *       READS (default 10 000 000) reads of (clock_gettime(CLOCK_REALTIME), wallsync_vmclock_read,
 *       clock_gettime(CLOCK_REALTIME)). For each read: "outside" = how far the time lies outside
 *       the [before, after] bracket (0 inside; a lower bound on the true error), "width" = after -
 *       before (outside + width bounds the true error from above). Prints the worst of both, the
 *       widths below which 50 % and 99 % of the brackets lie, how many reads lay outside at all,
 *       and the violations: outside > the published maxerror_ns (must be 0). The domain's offset
 *       (time_offset_sec, read once at the start) is taken off the page's time first. Exit 1 on a failed read, on a violation, or when not on the counter path.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
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

static const void *map_page(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return NULL;
    }
    const void *page = mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED || wallsync_check_size(page, (uint64_t)st.st_size) != WALLSYNC_OK) {
        fprintf(stderr, "%s: not a wallsync page\n", path);
        return NULL;
    }
    return page;
}

static int64_t realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int accuracy(const char *path, long reads) {
    const void *page = map_page(path);
    if (!page) return 1;
    struct wallsync_status st;
    if (wallsync_status(page, &st, 0) != WALLSYNC_OK) {
        fprintf(stderr, "%s: the extension cannot be read\n", path);
        return 1;
    }
    int64_t offset_ns = (int64_t)st.time_offset_sec * 1000000000LL;
    int64_t worst_outside = 0, worst_width = 0;
    uint64_t min_bound = UINT64_MAX, max_bound = 0;
    long outside_count = 0, violations = 0;
    double sum_outside = 0;
    long width_log2[64] = {0}; /* brackets by width: [2^i, 2^(i+1)) ns */
    for (long i = 0; i < reads; i++) {
        struct wallsync_reading r;
        int64_t before = realtime_ns();
        int rc = wallsync_vmclock_read(page, &r, 0, 0);
        int64_t after = realtime_ns();
        if (rc != WALLSYNC_OK || r.path != WALLSYNC_PATH_COUNTER) {
            fprintf(stderr, "%s: read %ld: rc %d, path %s\n", path, i, rc, wallsync_path_name(r.path));
            return 1;
        }
        int64_t t = (int64_t)r.time.tv_sec * 1000000000LL + r.time.tv_nsec - offset_ns;
        int64_t outside = t < before ? before - t : (t > after ? t - after : 0);
        if (outside > 0) outside_count++;
        sum_outside += (double)outside;
        if (outside > worst_outside) worst_outside = outside;
        if (after - before > worst_width) worst_width = after - before;
        width_log2[after - before > 0 ? 63 - __builtin_clzll((uint64_t)(after - before)) : 0]++;
        if (r.maxerror_ns < min_bound) min_bound = r.maxerror_ns;
        if (r.maxerror_ns > max_bound) max_bound = r.maxerror_ns;
        if ((uint64_t)outside > r.maxerror_ns && violations++ < 5)
            fprintf(stderr, "violation: read %ld %lld ns outside [%lld, %lld], bound %llu ns\n", i, (long long)outside,
                    (long long)before, (long long)after, (unsigned long long)r.maxerror_ns);
    }
    /* Bracket widths below which half and 99 % of the reads lie (powers of two). */
    long seen = 0, p50 = 0, p99 = 0;
    for (int i = 0; i < 64; i++) {
        seen += width_log2[i];
        if (!p50 && seen * 2 >= reads) p50 = 2L << i;
        if (!p99 && seen * 100 >= reads * 99) p99 = 2L << i;
    }
    printf("accuracy offset_s %d reads %ld worst_outside_ns %lld mean_outside_ns %.2f outside_reads %ld worst_bracket_ns %lld "
           "bracket_p50_below_ns %ld bracket_p99_below_ns %ld bound_ns %llu..%llu violations %ld\n",
           st.time_offset_sec, reads, (long long)worst_outside, sum_outside / (double)reads, outside_count, (long long)worst_width, p50, p99,
           (unsigned long long)min_bound, (unsigned long long)max_bound, violations);
    return violations == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "accuracy") == 0) {
        long reads = argc > 3 ? atol(argv[3]) : 10000000;
        if (reads <= 0) {
            fprintf(stderr, "%s: READS must be positive\n", argv[0]);
            return 2;
        }
        return accuracy(argv[2], reads);
    }
    if (argc < 2) {
        fprintf(stderr, "usage: %s PAGE [ROUNDS] [CALLS_PER_ROUND] | accuracy PAGE [READS]\n", argv[0]);
        return 2;
    }
    int rounds = argc > 2 ? atoi(argv[2]) : 11;
    long calls = argc > 3 ? atol(argv[3]) : 5000000;
    if (rounds < 1 || calls < 1) {
        fprintf(stderr, "%s: ROUNDS and CALLS_PER_ROUND must be positive\n", argv[0]);
        return 2;
    }
    const void *page = map_page(argv[1]);
    if (!page) return 1;
    double vmclock_ns[64], clock_ns[64], page_ns[64], tsc_ns[64], fast_ns[64];
    if (rounds > 64) rounds = 64;
    volatile long sink = 0;
    int path = 0;
    for (int r = 0; r < rounds; r++) {
        struct timespec ts;
        uint64_t maxerror;
        double t0 = now_s();
        for (long i = 0; i < calls; i++) {
            /* Huge stale limit: the benchmark must not depend on a writer's heartbeats. */
            if (wallsync_vmclock_now(page, &ts, &maxerror, &path, UINT64_MAX / 2, 0) != WALLSYNC_OK) return 1;
            sink += ts.tv_nsec + (long)maxerror;
        }
        double t1 = now_s();
        for (long i = 0; i < calls; i++) {
            clock_gettime(CLOCK_REALTIME, &ts);
            sink += ts.tv_nsec;
        }
        double t2 = now_s();
        for (long i = 0; i < calls; i++) {
            if (wallsync_now(page, &ts, UINT64_MAX / 2, 0) != WALLSYNC_OK) return 1;
            sink += ts.tv_nsec;
        }
        double t3 = now_s();
#if WALLSYNC_HAVE_COUNTER_PATH
        for (long i = 0; i < calls; i++) sink += (long)WALLSYNC_READ_COUNTER();
#endif
        double t4 = now_s();
#if WALLSYNC_HAVE_COUNTER_PATH && defined(__SIZEOF_INT128__)
        if (path == WALLSYNC_PATH_COUNTER) {
            for (long i = 0; i < calls; i++) {
                /* The fast answer, with the full reader behind it as a real caller would have. */
                if (wallsync_vmclock_time(page, &ts, UINT64_MAX / 2) != WALLSYNC_OK &&
                    wallsync_vmclock_now(page, &ts, &maxerror, &path, UINT64_MAX / 2, 0) != WALLSYNC_OK)
                    return 1;
                sink += ts.tv_nsec;
            }
        }
#endif
        double t5 = now_s();
        fast_ns[r] = (t5 - t4) * 1e9 / calls;
        vmclock_ns[r] = (t1 - t0) * 1e9 / calls;
        clock_ns[r] = (t2 - t1) * 1e9 / calls;
        page_ns[r] = (t3 - t2) * 1e9 / calls;
        tsc_ns[r] = (t4 - t3) * 1e9 / calls;
    }
    qsort(vmclock_ns, rounds, sizeof(double), cmp);
    qsort(clock_ns, rounds, sizeof(double), cmp);
    qsort(page_ns, rounds, sizeof(double), cmp);
    qsort(tsc_ns, rounds, sizeof(double), cmp);
    qsort(fast_ns, rounds, sizeof(double), cmp);
    double v = vmclock_ns[rounds / 2], c = clock_ns[rounds / 2], p = page_ns[rounds / 2], t = tsc_ns[rounds / 2];
    double f = fast_ns[rounds / 2];
    printf("wallsync_vmclock_now %.2f ns/call (path: %s), clock_gettime(CLOCK_REALTIME) %.2f ns/call, "
           "wallsync_now %.2f ns/call, TSC read alone %.2f ns, wallsync_vmclock_time %.2f ns/call; ratio vmclock %.3f, "
           "ratio wallsync_now %.3f, ratio TSC read %.3f, ratio vmclock_time %.3f\n",
           v, wallsync_path_name(path), c, p, t, f, v / c, p / c, t / c, f / c);
    return sink == 42 ? 3 : 0;
}
