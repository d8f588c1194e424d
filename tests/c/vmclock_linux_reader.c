/*
 * An independent reader of the vmclock part of a wallsync page v2, written from Linux, not from
 * include/wallsync.h: the structure is Linux's struct vmclock_abi (include/uapi/linux/vmclock-abi.h,
 * copied in upstream_abi.h), the checks those of drivers/ptp/ptp_vmclock.c vmclock_probe() and
 * vmclock_ptp_register(), the read loop and the arithmetic those of vmclock_get_crosststamp() and
 * mul_u64_u64_shr_add_u64() in the same file, unsigned delta included. The only wallsync fact used
 * is where the structure sits in the page file: at byte 4096.
 *
 *   vmclock_linux_reader PAGE [READS [OFFSET_S]]
 *                                          READS (default 1 000 000) reads, each bracketed by two
 *                                          clock_gettime(CLOCK_REALTIME) (plus OFFSET_S seconds, the
 *                                          domain's offset; default 0): prints
 *                                          "linux-reader reads N worst_outside_ns W bound_violations V
 *                                          max_bound_ns B"; exit 1 when a read fails or V > 0
 *   vmclock_linux_reader at PAGE COUNTER...   the time at each TSC value, Linux arithmetic
 *   vmclock_linux_reader selftest          the arithmetic on hand-worked values
 *
 * The bound checked is the page's own (time_maxerror_nanosec + delta * maxerror rate >> shift,
 * in ns rounded up; Linux's PTP driver publishes none): a time outside [before - bound, after +
 * bound] is a violation.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "upstream_abi.h"

#define PAGE_VMCLOCK_START 4096 /* wallsync page v2: struct vmclock_abi at this byte */
#define PAGE_V2_SIZE 8192
#define PAGE_SIZE_ 4096            /* the vmclock region (Linux maps one PAGE_SIZE) */
#define NSEC_PER_SEC 1000000000ull
#define VMCLOCK_MAX_WAIT_NS 100000000ll /* ptp_vmclock.c: VMCLOCK_MAX_WAIT ms_to_ktime(100) */

__extension__ typedef unsigned __int128 u128;

/* Linux le*_to_cpu on a little-endian CPU, as READ_ONCE loads of the shared structure. */
#define READ(f) __atomic_load_n(&(f), __ATOMIC_RELAXED)
/* virt_rmb(): on x86 a compiler barrier (loads are not reordered with loads); here a C11 fence. */
#define virt_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)

/* ptp_vmclock.c mul_u64_u64_shr_add_u64(), verbatim but for the types. */
static uint64_t mul_u64_u64_shr_add_u64(uint64_t *res_hi, uint64_t delta, uint64_t period, uint8_t shift,
                                        uint64_t frac_sec) {
    u128 res = (u128)delta * period;

    res >>= shift;
    res += frac_sec;
    *res_hi = res >> 64;
    return (uint64_t)res;
}

/* include/linux/math64.h mul_u64_u64_shr(a, b, shift) with __int128. */
static uint64_t mul_u64_u64_shr(uint64_t a, uint64_t b, unsigned shift) { return (uint64_t)(((u128)a * b) >> shift); }

/* ptp_vmclock.c tai_adjust() */
static int tai_adjust(const struct vmclock_abi *clk, uint64_t *sec) {
    if (READ(clk->time_type) == VMCLOCK_TIME_UTC) return 1;
    if (READ(clk->time_type) == VMCLOCK_TIME_TAI && (READ(clk->flags) & VMCLOCK_FLAG_TAI_OFFSET_VALID)) {
        if (sec) *sec += (int16_t)READ(clk->tai_offset_sec);
        return 1;
    }
    return 0;
}

/*
 * get_cycles() on x86 is a plain rdtsc. The kernel pairs it with a ktime snapshot; here the reads
 * are bracketed by two clock_gettime calls, so the ordered form (lfence; rdtsc, Linux
 * rdtsc_ordered()) keeps the TSC read between the two brackets.
 */
static uint64_t get_cycles(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("lfence; rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

static int64_t ktime_get(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

struct timespec64 {
    uint64_t tv_sec;
    uint64_t tv_nsec;
};

enum { OK = 0, EINVAL_ = -22, ETIMEDOUT_ = -110 };

/*
 * ptp_vmclock.c vmclock_get_crosststamp() without the system-counter and PTP snapshot parts;
 * also returns the cycle value and the delta it used, and the page's bound for it.
 */
static int vmclock_get_crosststamp(const struct vmclock_abi *clk, struct timespec64 *tspec, uint64_t *cycle_out,
                                   uint64_t *bound_ns) {
    int64_t deadline = ktime_get() + VMCLOCK_MAX_WAIT_NS;
    uint64_t cycle, delta, seq, frac_sec;

    while (1) {
        seq = READ(clk->seq_count) & ~1ULL;

        /* This pairs with a write barrier in the hypervisor which populates this structure. */
        virt_rmb();

        if (READ(clk->clock_status) == VMCLOCK_STATUS_UNRELIABLE) return EINVAL_;

        cycle = get_cycles();

        delta = cycle - READ(clk->counter_value);

        frac_sec = mul_u64_u64_shr_add_u64(&tspec->tv_sec, delta, READ(clk->counter_period_frac_sec),
                                           READ(clk->counter_period_shift), READ(clk->time_frac_sec));
        tspec->tv_nsec = mul_u64_u64_shr(frac_sec, NSEC_PER_SEC, 64);
        tspec->tv_sec += READ(clk->time_sec);

        if (!tai_adjust(clk, &tspec->tv_sec)) return EINVAL_;

        /* Not in Linux: the bound the page publishes for this delta (unsigned, as above). */
        uint64_t flags = READ(clk->flags);
        uint64_t want = VMCLOCK_FLAG_TIME_MAXERROR_VALID | VMCLOCK_FLAG_PERIOD_MAXERROR_VALID;
        if ((flags & want) == want) {
            u128 grow = ((u128)delta * READ(clk->counter_period_maxerror_rate_frac_sec)) >> READ(clk->counter_period_shift);
            u128 ns = (grow >> 64) * NSEC_PER_SEC + (((u128)(uint64_t)grow * NSEC_PER_SEC + UINT64_MAX) >> 64);
            ns += READ(clk->time_maxerror_nanosec);
            *bound_ns = ns > UINT64_MAX ? UINT64_MAX : (uint64_t)ns;
        } else {
            *bound_ns = UINT64_MAX;
        }

        /* This pairs with a write barrier in the hypervisor which populates this structure. */
        virt_rmb();
        if (seq == READ(clk->seq_count)) break;

        if (ktime_get() > deadline) return ETIMEDOUT_;
    }
    *cycle_out = cycle;
    return OK;
}

/* vmclock_probe() and vmclock_ptp_register(): which structures Linux would register a PTP clock for. */
static const char *probe(const struct vmclock_abi *clk) {
    if (READ(clk->magic) != VMCLOCK_MAGIC || READ(clk->size) > PAGE_SIZE_ || READ(clk->version) != 1)
        return "vmclock magic fields invalid";
    if (READ(clk->size) < offsetof(struct vmclock_abi, time_frac_sec) + sizeof(clk->time_frac_sec))
        return "no time_frac_sec (VMCLOCK_FIELD_PRESENT)";
    if (READ(clk->counter_id) != VMCLOCK_COUNTER_X86_TSC) return "counter_id is not VMCLOCK_COUNTER_X86_TSC";
    if (!tai_adjust(clk, NULL)) return "vmclock does not provide unambiguous UTC";
    return NULL;
}

static const struct vmclock_abi *map(const char *path) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) != 0) {
        perror(path);
        return NULL;
    }
    if (st.st_size < PAGE_V2_SIZE) {
        fprintf(stderr, "%s: %lld bytes, a page v2 has %d\n", path, (long long)st.st_size, PAGE_V2_SIZE);
        close(fd);
        return NULL;
    }
    const char *p = mmap(NULL, PAGE_V2_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        perror("mmap");
        return NULL;
    }
    const struct vmclock_abi *clk = (const struct vmclock_abi *)(p + PAGE_VMCLOCK_START);
    const char *why = probe(clk);
    if (why) {
        fprintf(stderr, "%s: %s\n", path, why);
        return NULL;
    }
    return clk;
}

static int64_t realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

static int read_mode(const char *path, long reads, int64_t offset_ns) {
    const struct vmclock_abi *clk = map(path);
    if (!clk) return 1;
    int64_t worst = 0;
    uint64_t max_bound = 0;
    long violations = 0;
    for (long i = 0; i < reads; i++) {
        struct timespec64 t;
        uint64_t cycle, bound;
        int64_t before = realtime_ns() + offset_ns;
        int rc = vmclock_get_crosststamp(clk, &t, &cycle, &bound);
        int64_t after = realtime_ns() + offset_ns;
        if (rc != OK) {
            fprintf(stderr, "%s: read %ld failed: %s\n", path, i, rc == ETIMEDOUT_ ? "ETIMEDOUT" : "EINVAL");
            return 1;
        }
        int64_t ns = (int64_t)(t.tv_sec * NSEC_PER_SEC + t.tv_nsec);
        int64_t outside = ns < before ? before - ns : (ns > after ? ns - after : 0);
        if (outside > worst) worst = outside;
        if (bound > max_bound) max_bound = bound;
        if (bound != UINT64_MAX && (uint64_t)outside > bound) {
            if (violations++ < 5)
                fprintf(stderr, "violation: read %ld outside the bracket by %lld ns, bound %llu ns\n", i,
                        (long long)outside, (unsigned long long)bound);
        }
    }
    printf("linux-reader reads %ld worst_outside_ns %lld bound_violations %ld max_bound_ns %llu\n", reads,
           (long long)worst, violations, (unsigned long long)max_bound);
    return violations == 0 ? 0 : 1;
}

static int at_mode(const char *path, int n, char **counters) {
    const struct vmclock_abi *clk = map(path);
    if (!clk) return 1;
    for (int i = 0; i < n; i++) {
        uint64_t delta = strtoull(counters[i], NULL, 0) - READ(clk->counter_value);
        struct timespec64 t;
        uint64_t frac = mul_u64_u64_shr_add_u64(&t.tv_sec, delta, READ(clk->counter_period_frac_sec),
                                                READ(clk->counter_period_shift), READ(clk->time_frac_sec));
        t.tv_nsec = mul_u64_u64_shr(frac, NSEC_PER_SEC, 64);
        t.tv_sec += READ(clk->time_sec);
        printf("at %s %llu.%09llu\n", counters[i], (unsigned long long)t.tv_sec, (unsigned long long)t.tv_nsec);
    }
    return 0;
}

static int selftest(void) {
    int failed = 0, passed = 0;
#define EXPECT(c) ((c) ? passed++ : (failed++, fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #c)))
    uint64_t hi, lo;
    /* A tick of 2^-32 s (period 2^32, shift 0), .75 s + 2^31 ticks: 2^64 + 2^62 -> 1 s, .25 s. */
    lo = mul_u64_u64_shr_add_u64(&hi, 1ull << 31, 1ull << 32, 0, 3ull << 62);
    EXPECT(hi == 1 && lo == 1ull << 62 && mul_u64_u64_shr(lo, NSEC_PER_SEC, 64) == 250000000);
    /* The same 2^31 ticks *before* the reference, unsigned as Linux: delta = 2^64 - 2^31,
     * (2^64 - 2^31) * 2^32 = 2^96 - 2^63, + 2^62 = (2^32 - 1) * 2^64 + 3 * 2^62: 4_294_967_295 s
     * later and .75 s, where a signed reader gives 1 s earlier and .75 s. */
    lo = mul_u64_u64_shr_add_u64(&hi, 0 - (1ull << 31), 1ull << 32, 0, 1ull << 62);
    EXPECT(hi == 4294967295ull && lo == 3ull << 62 && mul_u64_u64_shr(lo, NSEC_PER_SEC, 64) == 750000000);
    /* 2.5 GHz, shift 31: P = floor(2^95 / 2.5e9) = 15_845_632_502_852_867_518; 2.5e9 ticks =
     * 2^95 - 1_771_975_168 units, >> 31 = 2^64 - 1; + .5 s: 1 s and 2^63 - 1 = 499_999_999 ns. */
    lo = mul_u64_u64_shr_add_u64(&hi, 2500000000ull, 15845632502852867518ull, 31, 1ull << 63);
    EXPECT(hi == 1 && lo == (1ull << 63) - 1 && mul_u64_u64_shr(lo, NSEC_PER_SEC, 64) == 499999999);
    /* shift 63, P = 2^64 - 1, 2^62 ticks: (2^126 - 2^62) >> 63 = 2^63 - 1. */
    lo = mul_u64_u64_shr_add_u64(&hi, 1ull << 62, UINT64_MAX, 63, 0);
    EXPECT(hi == 0 && lo == (1ull << 63) - 1);
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    if (argc == 2 && strcmp(argv[1], "selftest") == 0) return selftest();
    if (argc >= 4 && strcmp(argv[1], "at") == 0) return at_mode(argv[2], argc - 3, argv + 3);
    if (argc >= 2 && argc <= 4) {
        long reads = argc >= 3 ? atol(argv[2]) : 1000000;
        long offset_s = argc == 4 ? atol(argv[3]) : 0;
        if (reads <= 0) {
            fprintf(stderr, "%s: READS must be positive\n", argv[0]);
            return 2;
        }
        return read_mode(argv[1], reads, (int64_t)offset_s * 1000000000ll);
    }
    fprintf(stderr, "usage: %s PAGE [READS [OFFSET_S]] | at PAGE COUNTER... | selftest\n", argv[0]);
    return 2;
}
