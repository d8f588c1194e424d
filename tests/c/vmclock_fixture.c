/*
 * A test writer of page v2 files whose vmclock part is calibrated from real TSC / CLOCK_REALTIME
 * pairs, so that the C readers and benchmarks can run against a real counter before (and beside)
 * the daemon. Not the daemon's calibration: a small, honest one.
 *
 *   vmclock_fixture write PAGE [CAL_MS]          calibrate over CAL_MS (default 200), write, exit
 *   vmclock_fixture serve PAGE SECONDS [CAL_MS]  the same, then republish every 100 ms for SECONDS
 *                                                (heartbeat + a new reference pair, continuous)
 *   vmclock_fixture at PAGE COUNTER...           the time at each TSC value, by wallsync.h
 *                                                (wallsync_vmclock_snapshot + wallsync_vmclock_time_at)
 *
 * Calibration: a pair is the tightest of 200 brackets (rdtsc_ordered, clock_gettime(REALTIME),
 * rdtsc_ordered), taken at the bracket's middle; its uncertainty is half the bracket (in ticks)
 * plus 1 ns for clock_gettime's truncation. With the first pair A and the newest B:
 *   period = (rt_B - rt_A) / (tsc_B - tsc_A), in units of 2^-(64+shift) s, shift as large as fits;
 *   time_maxerror_nanosec = uncertainty of B;
 *   maxerror rate = period * (uncertainty A + uncertainty B) / (rt_B - rt_A) + 1 ppm of the period
 *   (the margin covers the kernel's own small corrections of its TSC multiplier);
 *   esterror and its rate: half of those. clock_status FREERUNNING, all four *_VALID flags.
 */
#include <errno.h>
#include <stdlib.h>

#include "vmclock_writer.h"

struct pair {
    uint64_t tsc;
    int64_t rt_ns;
    uint64_t uncertainty_ns;
};

static struct pair best_pair(void) {
    uint64_t best = UINT64_MAX;
    struct pair p = {0, 0, 0};
    for (int i = 0; i < 200; i++) {
        uint64_t t0 = wallsync_rdtsc_ordered();
        int64_t rt = vw_clock_ns(CLOCK_REALTIME);
        uint64_t t1 = wallsync_rdtsc_ordered();
        if (t1 - t0 < best) {
            best = t1 - t0;
            p.tsc = t0 + (t1 - t0) / 2;
            p.rt_ns = rt;
            p.uncertainty_ns = (t1 - t0 + 1) / 2; /* ticks for now: converted once the period is known */
        }
    }
    return p;
}

static uint64_t ticks_to_ns_ceil(uint64_t ticks, int64_t dns, uint64_t dtsc) {
    return (uint64_t)(((wallsync_u128_)ticks * (uint64_t)dns + dtsc - 1) / dtsc);
}

static void sleep_ms(long ms) {
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

/* Publishes the reference B with the period measured from A, under seq_count, and the heartbeat. */
static void publish(unsigned char *p, struct pair a, struct pair b, int print) {
    uint64_t dtsc = b.tsc - a.tsc;
    int64_t dns = b.rt_ns - a.rt_ns;
    uint64_t ua = ticks_to_ns_ceil(a.uncertainty_ns, dns, dtsc) + 1;
    uint64_t ub = ticks_to_ns_ceil(b.uncertainty_ns, dns, dtsc) + 1;
    /* The largest shift whose period still fits in 64 bits (dns << (64 + shift) fits in 128). */
    int shift = 63;
    wallsync_u128_ period = 0;
    for (; shift >= 0; shift--) {
        if (shift > 0 && ((uint64_t)dns >> (64 - shift)) != 0) continue;
        period = ((wallsync_u128_)(uint64_t)dns << (64 + shift)) / ((wallsync_u128_)dtsc * 1000000000u);
        if ((period >> 64) == 0) break;
    }
    uint64_t period_frac = (uint64_t)period;
    uint64_t rate_max = (uint64_t)((wallsync_u128_)period_frac * (ua + ub) / (uint64_t)dns) + period_frac / 1000000 + 1;
    uint64_t rate_est = (rate_max - period_frac / 1000000) / 2 + 1;
    uint64_t sec = (uint64_t)(b.rt_ns / 1000000000LL);
    uint64_t nsec = (uint64_t)(b.rt_ns % 1000000000LL);
    /* Rounded up, so that (frac * 1e9) >> 64 gives nsec back exactly. */
    uint64_t frac = (uint64_t)((((wallsync_u128_)nsec << 64) + 999999999u) / 1000000000u);
    vw_begin(p);
    vw_put64(p, WALLSYNC_VMCLOCK_FLAGS_OFFSET,
             WALLSYNC_VMCLOCK_FLAG_TIME_MAXERROR_VALID | WALLSYNC_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID |
                 WALLSYNC_VMCLOCK_FLAG_TIME_ESTERROR_VALID | WALLSYNC_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID);
    p[WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET] = WALLSYNC_STATUS_FREERUNNING;
    p[WALLSYNC_VMCLOCK_COUNTER_PERIOD_SHIFT_OFFSET] = (uint8_t)shift;
    vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET, b.tsc);
    vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_FRAC_SEC_OFFSET, period_frac);
    vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET, rate_est);
    vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET, rate_max);
    vw_put64(p, WALLSYNC_VMCLOCK_TIME_SEC_OFFSET, sec);
    vw_put64(p, WALLSYNC_VMCLOCK_TIME_FRAC_SEC_OFFSET, frac);
    vw_put64(p, WALLSYNC_VMCLOCK_TIME_ESTERROR_NANOSEC_OFFSET, (ub + 1) / 2);
    vw_put64(p, WALLSYNC_VMCLOCK_TIME_MAXERROR_NANOSEC_OFFSET, ub);
    vw_end(p);
    __atomic_store_n((uint64_t *)(p + WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET), (uint64_t)vw_clock_ns(CLOCK_MONOTONIC),
                     __ATOMIC_RELEASE);
    if (print) {
        printf("fixture tsc_hz %.0f shift %d period_frac %llu time_maxerror_ns %llu rate_maxerror %llu (%.3f ppm) "
               "counter_value %llu\n",
               (double)dtsc * 1e9 / (double)dns, shift, (unsigned long long)period_frac, (unsigned long long)ub,
               (unsigned long long)rate_max, (double)rate_max / (double)period_frac * 1e6, (unsigned long long)b.tsc);
        fflush(stdout);
    }
}

static int at(const char *path, int n, char **counters) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return 1;
    }
    const void *page = mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    struct wallsync_vmclock v;
    if (page == MAP_FAILED || wallsync_check_size(page, (uint64_t)st.st_size) != WALLSYNC_OK ||
        wallsync_vmclock_snapshot(page, &v, 0) != WALLSYNC_OK || wallsync_vmclock_path(&v) != WALLSYNC_PATH_COUNTER) {
        fprintf(stderr, "%s: not a page v2 with a usable vmclock counter\n", path);
        return 1;
    }
    for (int i = 0; i < n; i++) {
        struct wallsync_reading r;
        wallsync_vmclock_time_at(&v, strtoull(counters[i], NULL, 0), &r);
        printf("at %s %lld.%09ld\n", counters[i], (long long)r.time.tv_sec, r.time.tv_nsec);
    }
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && strcmp(argv[1], "at") == 0) return at(argv[2], argc - 3, argv + 3);
    int serve = argc >= 4 && strcmp(argv[1], "serve") == 0;
    if (!(serve || (argc >= 3 && strcmp(argv[1], "write") == 0))) {
        fprintf(stderr,
                "usage: %s write PAGE [CAL_MS] | serve PAGE SECONDS [CAL_MS] | at PAGE COUNTER...\n", argv[0]);
        return 2;
    }
    long seconds = serve ? atol(argv[3]) : 0;
    long cal_ms = argc > (serve ? 4 : 3) ? atol(argv[serve ? 4 : 3]) : 200;
    if (cal_ms < 10 || seconds < 0) {
        fprintf(stderr, "%s: CAL_MS must be at least 10 and SECONDS not negative\n", argv[0]);
        return 2;
    }
    unsigned char *p = vw_create_page(argv[2], serve ? 100 : 1000, WALLSYNC_STATUS_FREERUNNING);
    if (!p) return 1;
    struct pair a = best_pair();
    sleep_ms(cal_ms);
    publish(p, a, best_pair(), 1);
    int64_t end = vw_clock_ns(CLOCK_MONOTONIC) + seconds * 1000000000LL;
    while (serve && vw_clock_ns(CLOCK_MONOTONIC) < end) {
        sleep_ms(100);
        publish(p, a, best_pair(), 0);
    }
    return 0;
}
