/*
 * Soak reader: maps a page that a writer in another process rewrites at full speed with wallclock
 * values W_k = BASE + (k mod CYCLE) * STEP (see CrossProcessSoakTest) and checks every read against
 * that invariant. The writer spins at full speed on a shared machine and can be preempted with the
 * version odd, so the reader may wait up to 5 s for it (a stuck report counts as a failure). BASE sits 1000 s below 2^32 s, so wc_sec_hi flips within every cycle and a read
 * mixing two writes is caught. Mode "seqlock" uses wallsync.h; mode "raw" reads the fields without
 * the version check (the control, which is expected to tear).
 *
 * The vmclock part of a page v2 the same way: mode "vmclock-writer" creates PAGE as a page v2 and
 * rewrites its vmclock fields at full speed under seq_count, every field a function of the write
 * number k (vmclock_value below), until its standard input closes; mode "vmclock" reads them with
 * wallsync_vmclock_snapshot, "vmclock-raw" without seq_count (the control). A read is torn when its
 * fields are not all the functions of one k.
 *
 *   wallsync_soak PAGE seqlock|raw|vmclock|vmclock-raw SECONDS   ->   "reads N torn M stuck S"
 *   wallsync_soak PAGE vmclock-writer                            ->   "ready", then "writes N"
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmclock_writer.h"

#define SOAK_BASE_NS ((int64_t)(4294967296LL - 1000) * 1000000000LL)
#define SOAK_STEP_NS 1000000007LL
#define SOAK_CYCLE 2000

static int consistent(int64_t w) {
    int64_t d = w - SOAK_BASE_NS;
    return d >= 0 && d % SOAK_STEP_NS == 0 && d / SOAK_STEP_NS < SOAK_CYCLE;
}

/* Write k: every seqlocked vmclock field a different function of k (time_sec crosses 2^32 s). */
static void vmclock_value(uint64_t k, struct wallsync_vmclock *v) {
    v->disruption_marker = k;
    v->flags = k * 0x9e3779b97f4a7c15ull;
    v->clock_status = (uint8_t)(k % 5);
    v->tai_offset_sec = (int16_t)(k * 7);
    v->leap_indicator = (uint8_t)(k % 6);
    v->counter_period_shift = (uint8_t)(k % 64);
    v->counter_value = ~k;
    v->counter_period_frac_sec = k ^ 0x5555555555555555ull;
    v->counter_period_esterror_rate_frac_sec = k + 1;
    v->counter_period_maxerror_rate_frac_sec = k + 2;
    v->time_sec = 4294967296ull - 1000 + k % 2000;
    v->time_frac_sec = k << 20;
    v->time_esterror_nanosec = k * 3;
    v->time_maxerror_nanosec = k * 5;
}

static int vmclock_consistent(const struct wallsync_vmclock *got) {
    struct wallsync_vmclock want = *got;
    vmclock_value(got->disruption_marker, &want);
    return memcmp(&want, got, sizeof want) == 0;
}

static int vmclock_writer(const char *path) {
    unsigned char *p = vw_create_page(path, 1000, WALLSYNC_STATUS_SYNCHRONIZED);
    if (!p) return 1;
    printf("ready\n");
    fflush(stdout);
    struct pollfd in = {STDIN_FILENO, POLLIN, 0};
    uint64_t k = 0;
    for (;;) {
        for (int i = 0; i < 4096; i++, k++) {
            struct wallsync_vmclock v;
            vmclock_value(k, &v);
            vw_begin(p);
            vw_put64(p, WALLSYNC_VMCLOCK_DISRUPTION_MARKER_OFFSET, v.disruption_marker);
            vw_put64(p, WALLSYNC_VMCLOCK_FLAGS_OFFSET, v.flags);
            p[WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET] = v.clock_status;
            vw_put16(p, WALLSYNC_VMCLOCK_TAI_OFFSET_SEC_OFFSET, (uint16_t)v.tai_offset_sec);
            p[WALLSYNC_VMCLOCK_LEAP_INDICATOR_OFFSET] = v.leap_indicator;
            p[WALLSYNC_VMCLOCK_COUNTER_PERIOD_SHIFT_OFFSET] = v.counter_period_shift;
            vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET, v.counter_value);
            vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_FRAC_SEC_OFFSET, v.counter_period_frac_sec);
            vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET, v.counter_period_esterror_rate_frac_sec);
            vw_put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET, v.counter_period_maxerror_rate_frac_sec);
            vw_put64(p, WALLSYNC_VMCLOCK_TIME_SEC_OFFSET, v.time_sec);
            vw_put64(p, WALLSYNC_VMCLOCK_TIME_FRAC_SEC_OFFSET, v.time_frac_sec);
            vw_put64(p, WALLSYNC_VMCLOCK_TIME_ESTERROR_NANOSEC_OFFSET, v.time_esterror_nanosec);
            vw_put64(p, WALLSYNC_VMCLOCK_TIME_MAXERROR_NANOSEC_OFFSET, v.time_maxerror_nanosec);
            vw_end(p);
        }
        /* Standard input closed (or readable: anything ends the run): print the count and stop. */
        if (poll(&in, 1, 0) != 0) break;
    }
    printf("writes %llu\n", (unsigned long long)k);
    return 0;
}

/* The control: the same fields, without seq_count. */
static void vmclock_raw(const unsigned char *page, struct wallsync_vmclock *v) {
    const struct wallsync_vmclock *c = (const struct wallsync_vmclock *)(page + WALLSYNC_VMCLOCK_START);
    *v = (struct wallsync_vmclock){0};
    v->magic = c->magic;
    v->size = c->size;
    v->version = c->version;
    v->counter_id = c->counter_id;
    v->time_type = c->time_type;
    v->disruption_marker = __atomic_load_n(&c->disruption_marker, __ATOMIC_RELAXED);
    v->flags = __atomic_load_n(&c->flags, __ATOMIC_RELAXED);
    v->clock_status = __atomic_load_n(&c->clock_status, __ATOMIC_RELAXED);
    v->tai_offset_sec = __atomic_load_n(&c->tai_offset_sec, __ATOMIC_RELAXED);
    v->leap_indicator = __atomic_load_n(&c->leap_indicator, __ATOMIC_RELAXED);
    v->counter_period_shift = __atomic_load_n(&c->counter_period_shift, __ATOMIC_RELAXED);
    v->counter_value = __atomic_load_n(&c->counter_value, __ATOMIC_RELAXED);
    v->counter_period_frac_sec = __atomic_load_n(&c->counter_period_frac_sec, __ATOMIC_RELAXED);
    v->counter_period_esterror_rate_frac_sec = __atomic_load_n(&c->counter_period_esterror_rate_frac_sec, __ATOMIC_RELAXED);
    v->counter_period_maxerror_rate_frac_sec = __atomic_load_n(&c->counter_period_maxerror_rate_frac_sec, __ATOMIC_RELAXED);
    v->time_sec = __atomic_load_n(&c->time_sec, __ATOMIC_RELAXED);
    v->time_frac_sec = __atomic_load_n(&c->time_frac_sec, __ATOMIC_RELAXED);
    v->time_esterror_nanosec = __atomic_load_n(&c->time_esterror_nanosec, __ATOMIC_RELAXED);
    v->time_maxerror_nanosec = __atomic_load_n(&c->time_maxerror_nanosec, __ATOMIC_RELAXED);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[2], "vmclock-writer") == 0) return vmclock_writer(argv[1]);
    if (argc != 4) {
        fprintf(stderr, "usage: %s PAGE seqlock|raw|vmclock|vmclock-raw SECONDS | PAGE vmclock-writer\n", argv[0]);
        return 2;
    }
    int raw = strcmp(argv[2], "raw") == 0;
    int vmclock = strncmp(argv[2], "vmclock", 7) == 0;
    int vmclock_raw_mode = strcmp(argv[2], "vmclock-raw") == 0;
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    const unsigned char *page = mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (page == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long long reads = 0, torn = 0, stuck = 0;
    do {
        for (int i = 0; i < 4096; i++) {
            int64_t w;
            if (vmclock) {
                struct wallsync_vmclock v;
                if (vmclock_raw_mode) {
                    vmclock_raw(page, &v);
                } else if (wallsync_vmclock_snapshot(page, &v, 5000000000ull) != WALLSYNC_OK) {
                    stuck++;
                    continue;
                }
                reads++;
                if (!vmclock_consistent(&v)) torn++;
                continue;
            }
            if (raw) {
                uint32_t lo = wallsync_u32_(page, WALLSYNC_WC_SEC_OFFSET);
                uint32_t ns = wallsync_u32_(page, WALLSYNC_WC_NSEC_OFFSET);
                uint32_t hi = wallsync_u32_(page, WALLSYNC_WC_SEC_HI_OFFSET);
                w = (int64_t)(((uint64_t)hi << 32) | lo) * 1000000000LL + ns;
            } else if (wallsync_wallclock_ns(page, &w, 5000000000ull) != WALLSYNC_OK) {
                stuck++;
                continue;
            }
            reads++;
            if (!consistent(w)) torn++;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
    } while (now.tv_sec - start.tv_sec < atoi(argv[3]));
    printf("reads %lld torn %lld stuck %lld\n", reads, torn, stuck);
    return 0;
}
