/*
 * libwallsync-counter.so: the x86 time stamp counter for Java, which has no rdtsc of its own.
 * Loaded through FFM by io.wallsync.client.TscCounter (docs/counter.md). Three functions:
 *
 *   uint64_t wallsync_counter_read(void)         ordered TSC read, no system call
 *   int      wallsync_counter_pair(int, u64[5])  tightest of `tries` bracketed readings
 *   int      wallsync_counter_invariant(void)    CPUID 0x80000007 EDX bit 8 (invariant TSC)
 *
 * On other architectures the library builds as well, and every function reports that there is no
 * counter (-EOPNOTSUPP, or 0 from the read); the Java side refuses before loading it anyway.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdint.h>
#include <time.h>

/* WALLSYNC_COUNTER_UNSUPPORTED builds the variant of other architectures on x86_64 too (tests). */
#if defined(__x86_64__) && !defined(WALLSYNC_COUNTER_UNSUPPORTED)
#define WALLSYNC_COUNTER_X86 1
#include <cpuid.h>
#endif

#define WALLSYNC_EXPORT __attribute__((visibility("default")))

/* The largest burst wallsync_counter_pair accepts: 1000 readings of ~140 ns here, about 0.14 ms. */
#define WALLSYNC_COUNTER_MAX_TRIES 1000

/* Indices of the out[5] array, in the order the readings are taken (CounterPairing in Java). */
enum {
    PAIR_COUNTER_BEFORE = 0, /* rdtsc before CLOCK_REALTIME */
    PAIR_REALTIME_NS = 1,    /* CLOCK_REALTIME in ns since the epoch (a signed value) */
    PAIR_COUNTER_MIDDLE = 2, /* rdtsc after CLOCK_REALTIME, before CLOCK_MONOTONIC */
    PAIR_MONOTONIC_NS = 3,   /* CLOCK_MONOTONIC in ns */
    PAIR_COUNTER_AFTER = 4,  /* rdtsc after CLOCK_MONOTONIC */
    PAIR_FIELDS = 5
};

#if defined(WALLSYNC_COUNTER_X86)

/*
 * rdtsc is not ordered with the instructions around it: the CPU may execute it before earlier
 * loads complete, so a bracket [rdtsc, clock_gettime, rdtsc] could be read out of order. Linux's
 * rdtsc_ordered() (arch/x86/include/asm/msr.h; asm/tsc.h in newer trees), which the vDSO's own
 * clock_gettime uses, is ALTERNATIVE_2("rdtsc", "lfence; rdtsc", X86_FEATURE_LFENCE_RDTSC,
 * "rdtscp", X86_FEATURE_RDTSCP). This is its "lfence; rdtsc" form: LFENCE serialises dispatch on
 * Intel, and on AMD once DE_CFG[1] is set, which Linux does on every family with SSE2 and then
 * sets X86_FEATURE_LFENCE_RDTSC (arch/x86/kernel/cpu/amd.c), so the counter is read only after
 * every earlier instruction has completed locally. The memory clobber keeps the compiler from
 * moving loads and stores across it as well.
 */
static inline uint64_t rdtsc_ordered(void) {
    uint32_t lo, hi;
    __asm__ __volatile__("lfence\n\trdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return ((uint64_t)hi << 32) | lo;
}

WALLSYNC_EXPORT uint64_t wallsync_counter_read(void) {
    return rdtsc_ordered();
}

static inline int64_t timespec_ns(const struct timespec *ts) {
    return (int64_t)ts->tv_sec * 1000000000LL + ts->tv_nsec;
}

/*
 * `tries` readings of counter, CLOCK_REALTIME, counter, CLOCK_MONOTONIC, counter; the one whose
 * outer bracket (after - before) is narrowest is written to out. A reading interrupted by
 * preemption, an interrupt or an SMI has a wide bracket and loses. A reading whose counter went
 * backwards (a migration between CPUs whose TSCs disagree) is never chosen; if every reading did,
 * -EAGAIN. clock_gettime runs in the vDSO for both clocks: no system call while the kernel's
 * clocksource is the TSC. Returns 0, -EINVAL for tries outside 1..1000 or a NULL out, or
 * -errno of a failed clock_gettime (-EIO should it leave errno 0).
 */
WALLSYNC_EXPORT int wallsync_counter_pair(int tries, uint64_t out[PAIR_FIELDS]) {
    if (tries <= 0 || tries > WALLSYNC_COUNTER_MAX_TRIES || out == NULL) {
        return -EINVAL;
    }
    uint64_t best_width = UINT64_MAX;
    for (int i = 0; i < tries; i++) {
        struct timespec rt, mono;
        uint64_t c0 = rdtsc_ordered();
        int r0 = clock_gettime(CLOCK_REALTIME, &rt);
        uint64_t c1 = rdtsc_ordered();
        int r1 = clock_gettime(CLOCK_MONOTONIC, &mono);
        uint64_t c2 = rdtsc_ordered();
        if (r0 != 0 || r1 != 0) {
            return errno != 0 ? -errno : -EIO;
        }
        uint64_t first = c1 - c0;
        uint64_t second = c2 - c1;
        /* Both halves must be forward steps (below 2^63 as unsigned differences, i.e. modulo 2^64). */
        if ((first >> 63) != 0 || (second >> 63) != 0) {
            continue;
        }
        uint64_t width = first + second;
        if (width < best_width) {
            best_width = width;
            out[PAIR_COUNTER_BEFORE] = c0;
            out[PAIR_REALTIME_NS] = (uint64_t)timespec_ns(&rt);
            out[PAIR_COUNTER_MIDDLE] = c1;
            out[PAIR_MONOTONIC_NS] = (uint64_t)timespec_ns(&mono);
            out[PAIR_COUNTER_AFTER] = c2;
        }
    }
    return best_width == UINT64_MAX ? -EAGAIN : 0;
}

/*
 * 1 if CPUID leaf 0x80000007 EDX bit 8 ("Invariant TSC": the TSC runs at a constant rate in all
 * ACPI P-, C- and T-states; Intel SDM vol. 3B 17.17.1, AMD APM vol. 3 CPUID Fn8000_0007_EDX[8]
 * TscInvariant) is set, 0 if it is clear or the leaf does not exist. Linux sets both constant_tsc
 * and nonstop_tsc from this bit (arch/x86/kernel/cpu/intel.c, amd.c).
 */
WALLSYNC_EXPORT int wallsync_counter_invariant(void) {
    unsigned int eax, ebx, ecx, edx;
    if (__get_cpuid(0x80000007u, &eax, &ebx, &ecx, &edx) == 0) {
        return 0; /* the highest extended leaf is below 0x80000007 */
    }
    return (edx >> 8) & 1u;
}

#else /* not x86_64: no TSC; every function says so */

WALLSYNC_EXPORT uint64_t wallsync_counter_read(void) {
    return 0;
}

WALLSYNC_EXPORT int wallsync_counter_pair(int tries, uint64_t out[PAIR_FIELDS]) {
    (void)tries;
    (void)out;
    return -EOPNOTSUPP;
}

WALLSYNC_EXPORT int wallsync_counter_invariant(void) {
    return -EOPNOTSUPP;
}

#endif
