/*
 * wallsync.h - read a wallsync page (the host wallclock published by `wallsync serve`).
 *
 * Header only, C99 + GCC/Clang __atomic builtins, Linux. The reader (wallsync_now) allocates
 * nothing and makes no system call beyond clock_gettime(CLOCK_MONOTONIC) (a vDSO call).
 *
 * Page layout (4096 bytes, little-endian). Bytes 0..3135 are the Xen x86_64 struct shared_info,
 * so a reader written for Xen's wallclock works unchanged; the wallsync extension follows.
 *
 *  offset  size  field                   meaning
 *  3072    u32   wc_version              Xen seqlock: odd while the daemon writes wc_*
 *  3076    u32   wc_sec                  low 32 bits of wall seconds at CLOCK_MONOTONIC = 0
 *  3080    u32   wc_nsec                 nanoseconds
 *  3084    u32   wc_sec_hi               high 32 bits of wall seconds
 *  3136    u32   magic                   0x434e5957 ("WYNC")
 *  3140    u16   layout_version          1
 *  3142    u16   extension_size          96
 *  3144    u32   seq_count               extension seqlock (vmclock seq_count)
 *  3148    u8    clock_status            vmclock VMCLOCK_STATUS_*
 *  3149    u8    leap_indicator          vmclock VMCLOCK_LEAP_*
 *  3150    s16   tai_offset_sec
 *  3152    u64   disruption_marker       step generation: changes on every step
 *  3160    u64   flags                   vmclock VMCLOCK_FLAG_* (bits 0, 5, 6)
 *  3168    u64   time_esterror_nanosec
 *  3176    u64   time_maxerror_nanosec
 *  3184    s64   last_push_monotonic_ns
 *  3192    u32   last_push_reason        1 start, 2 step, 3 periodic, 4 offset change, 5 repair, 6 retry
 *  3196    s32   time_offset_sec         seconds, -2^31..2^31-1, already included in wc_*
 *  3200    s64   heartbeat_monotonic_ns  outside the seqlocks: one aligned 64-bit store
 *  3208    u32   heartbeat_period_ms
 *  3212    u32   writer_pid
 *  3216    u64[2] reserved               zero; the extension ends at 3136 + 96 = 3232
 *
 * wall time = (wc_sec_hi:wc_sec) s + wc_nsec ns + CLOCK_MONOTONIC.
 * The same layout as a C struct is struct wallsync_page below (checked against the macros at
 * compile time). The Java descriptors are io.wallsync.core.xen.SharedInfoLayout and
 * io.wallsync.core.page.PageExtensionLayout; a test (PageAbiConsistencyTest) compiles this header
 * and compares offsetof() with them.
 */
#ifndef WALLSYNC_H
#define WALLSYNC_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define WALLSYNC_PAGE_SIZE 4096
#define WALLSYNC_WC_VERSION_OFFSET 3072
#define WALLSYNC_WC_SEC_OFFSET 3076
#define WALLSYNC_WC_NSEC_OFFSET 3080
#define WALLSYNC_WC_SEC_HI_OFFSET 3084
#define WALLSYNC_MAGIC_OFFSET 3136
#define WALLSYNC_LAYOUT_VERSION_OFFSET 3140
#define WALLSYNC_EXTENSION_SIZE_OFFSET 3142
#define WALLSYNC_SEQ_COUNT_OFFSET 3144
#define WALLSYNC_CLOCK_STATUS_OFFSET 3148
#define WALLSYNC_LEAP_INDICATOR_OFFSET 3149
#define WALLSYNC_TAI_OFFSET_SEC_OFFSET 3150
#define WALLSYNC_DISRUPTION_MARKER_OFFSET 3152
#define WALLSYNC_FLAGS_OFFSET 3160
#define WALLSYNC_TIME_ESTERROR_NANOSEC_OFFSET 3168
#define WALLSYNC_TIME_MAXERROR_NANOSEC_OFFSET 3176
#define WALLSYNC_LAST_PUSH_MONOTONIC_NS_OFFSET 3184
#define WALLSYNC_LAST_PUSH_REASON_OFFSET 3192
#define WALLSYNC_TIME_OFFSET_SEC_OFFSET 3196
#define WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET 3200
#define WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET 3208
#define WALLSYNC_WRITER_PID_OFFSET 3212
#define WALLSYNC_RESERVED_OFFSET 3216
#define WALLSYNC_EXTENSION_SIZE 96

/*
 * The page as a C struct (natural alignment gives the offsets above: no padding anywhere).
 * Bytes 0..3071 (vcpu_info, event channels) and 3088..3135 (arch_shared_info) are Xen's and kept
 * opaque; readers use the seqlocked functions below, not plain loads of these members.
 */
struct wallsync_extension {
    uint32_t magic;
    uint16_t layout_version;
    uint16_t extension_size;
    uint32_t seq_count;
    uint8_t clock_status;
    uint8_t leap_indicator;
    int16_t tai_offset_sec;
    uint64_t disruption_marker;
    uint64_t flags;
    uint64_t time_esterror_nanosec;
    uint64_t time_maxerror_nanosec;
    int64_t last_push_monotonic_ns;
    uint32_t last_push_reason;
    int32_t time_offset_sec;
    int64_t heartbeat_monotonic_ns;
    uint32_t heartbeat_period_ms;
    uint32_t writer_pid;
    uint64_t reserved[2];
};

struct wallsync_page {
    uint8_t xen_vcpu_info_and_evtchn[WALLSYNC_WC_VERSION_OFFSET];
    uint32_t wc_version;
    uint32_t wc_sec;
    uint32_t wc_nsec;
    uint32_t wc_sec_hi;
    uint8_t xen_arch_shared_info[48];
    struct wallsync_extension ext;
    uint8_t unused[WALLSYNC_PAGE_SIZE - WALLSYNC_MAGIC_OFFSET - WALLSYNC_EXTENSION_SIZE];
};

/* C99 compile-time checks (a negative array size fails the build): struct and macros agree. */
#define WALLSYNC_ASSERT_AT_(member, offset) \
    typedef char wallsync_layout_check_##offset##_[offsetof(struct wallsync_page, member) == (offset) ? 1 : -1]
WALLSYNC_ASSERT_AT_(wc_version, WALLSYNC_WC_VERSION_OFFSET);
WALLSYNC_ASSERT_AT_(wc_sec, WALLSYNC_WC_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(wc_nsec, WALLSYNC_WC_NSEC_OFFSET);
WALLSYNC_ASSERT_AT_(wc_sec_hi, WALLSYNC_WC_SEC_HI_OFFSET);
WALLSYNC_ASSERT_AT_(ext.magic, WALLSYNC_MAGIC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.layout_version, WALLSYNC_LAYOUT_VERSION_OFFSET);
WALLSYNC_ASSERT_AT_(ext.extension_size, WALLSYNC_EXTENSION_SIZE_OFFSET);
WALLSYNC_ASSERT_AT_(ext.seq_count, WALLSYNC_SEQ_COUNT_OFFSET);
WALLSYNC_ASSERT_AT_(ext.clock_status, WALLSYNC_CLOCK_STATUS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.leap_indicator, WALLSYNC_LEAP_INDICATOR_OFFSET);
WALLSYNC_ASSERT_AT_(ext.tai_offset_sec, WALLSYNC_TAI_OFFSET_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.disruption_marker, WALLSYNC_DISRUPTION_MARKER_OFFSET);
WALLSYNC_ASSERT_AT_(ext.flags, WALLSYNC_FLAGS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.time_esterror_nanosec, WALLSYNC_TIME_ESTERROR_NANOSEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.time_maxerror_nanosec, WALLSYNC_TIME_MAXERROR_NANOSEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.last_push_monotonic_ns, WALLSYNC_LAST_PUSH_MONOTONIC_NS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.last_push_reason, WALLSYNC_LAST_PUSH_REASON_OFFSET);
WALLSYNC_ASSERT_AT_(ext.time_offset_sec, WALLSYNC_TIME_OFFSET_SEC_OFFSET);
WALLSYNC_ASSERT_AT_(ext.heartbeat_monotonic_ns, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.heartbeat_period_ms, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET);
WALLSYNC_ASSERT_AT_(ext.writer_pid, WALLSYNC_WRITER_PID_OFFSET);
WALLSYNC_ASSERT_AT_(ext.reserved, WALLSYNC_RESERVED_OFFSET);
typedef char wallsync_layout_check_size_[sizeof(struct wallsync_page) == WALLSYNC_PAGE_SIZE ? 1 : -1];
typedef char wallsync_layout_check_ext_size_[sizeof(struct wallsync_extension) == WALLSYNC_EXTENSION_SIZE ? 1 : -1];
#undef WALLSYNC_ASSERT_AT_

#define WALLSYNC_MAGIC 0x434e5957u
#define WALLSYNC_LAYOUT_VERSION 1

#define WALLSYNC_FLAG_TAI_OFFSET_VALID (1ull << 0)
#define WALLSYNC_FLAG_TIME_ESTERROR_VALID (1ull << 5)
#define WALLSYNC_FLAG_TIME_MAXERROR_VALID (1ull << 6)

#define WALLSYNC_STATUS_UNKNOWN 0
#define WALLSYNC_STATUS_INITIALIZING 1
#define WALLSYNC_STATUS_SYNCHRONIZED 2
#define WALLSYNC_STATUS_FREERUNNING 3
#define WALLSYNC_STATUS_UNRELIABLE 4

/* Results. Negative values are failures; the time is not valid then. */
#define WALLSYNC_OK 0
#define WALLSYNC_ERR_NOT_A_PAGE (-1)    /* bad magic or layout version */
#define WALLSYNC_ERR_WRITER_STUCK (-2)  /* a seqlock stayed odd (or kept changing) past max_wait_ns */
#define WALLSYNC_ERR_STALE (-3)         /* daemon heartbeat older than the limit */
#define WALLSYNC_ERR_CLOCK (-4)         /* clock_gettime(CLOCK_MONOTONIC) failed */

/*
 * Default bound on waiting for a writer: a write takes tens of ns, but a writer preempted between
 * its two version stores can hold the seqlock odd for a scheduler time slice or more on a loaded
 * host. 100 ms is far beyond that and far below a hang. Waiting is timed with CLOCK_MONOTONIC,
 * looked at once every 1024 spins.
 */
#define WALLSYNC_DEFAULT_MAX_WAIT_NS 100000000ull

#if defined(__x86_64__) || defined(__i386__)
#define WALLSYNC_CPU_RELAX() __builtin_ia32_pause()
#elif defined(__aarch64__)
#define WALLSYNC_CPU_RELAX() __asm__ __volatile__("yield" ::: "memory")
#else
#define WALLSYNC_CPU_RELAX() ((void)0)
#endif

static inline uint32_t wallsync_u32_(const volatile void *page, unsigned off) {
    return __atomic_load_n((const uint32_t *)((const char *)page + off), __ATOMIC_RELAXED);
}

static inline uint64_t wallsync_u64_(const volatile void *page, unsigned off) {
    return __atomic_load_n((const uint64_t *)((const char *)page + off), __ATOMIC_RELAXED);
}

static inline int64_t wallsync_monotonic_ns_(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return -1;
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Called after each failed try; nonzero once the wait exceeded max_wait_ns (0: the default). */
static inline int wallsync_waited_too_long_(uint32_t tries, int64_t *start_ns, uint64_t max_wait_ns) {
    WALLSYNC_CPU_RELAX();
    if ((tries & 1023u) != 1023u) return 0;
    int64_t now = wallsync_monotonic_ns_();
    if (now < 0) return 1;
    if (*start_ns == 0) {
        *start_ns = now;
        return 0;
    }
    return (uint64_t)(now - *start_ns) > (max_wait_ns ? max_wait_ns : WALLSYNC_DEFAULT_MAX_WAIT_NS);
}

/* 0 when `page` carries the wallsync magic and a layout version this header knows. */
static inline int wallsync_check(const void *page) {
    if (wallsync_u32_(page, WALLSYNC_MAGIC_OFFSET) != WALLSYNC_MAGIC) return WALLSYNC_ERR_NOT_A_PAGE;
    uint16_t v = *(const uint16_t *)((const char *)page + WALLSYNC_LAYOUT_VERSION_OFFSET);
    return v == WALLSYNC_LAYOUT_VERSION ? WALLSYNC_OK : WALLSYNC_ERR_NOT_A_PAGE;
}

/*
 * Reads the wallclock W (wall time at CLOCK_MONOTONIC = 0) with Xen's seqlock protocol:
 * version (acquire, retry while odd), fields, acquire fence, version again (retry if changed).
 * W is returned in nanoseconds since the epoch.
 */
static inline int wallsync_wallclock_ns(const void *page, int64_t *wallclock_ns, uint64_t max_wait_ns) {
    int64_t start_ns = 0;
    for (uint32_t i = 0;; i++) {
        uint32_t v = __atomic_load_n((const uint32_t *)((const char *)page + WALLSYNC_WC_VERSION_OFFSET),
                                     __ATOMIC_ACQUIRE);
        if ((v & 1u) == 0) {
            uint32_t lo = wallsync_u32_(page, WALLSYNC_WC_SEC_OFFSET);
            uint32_t ns = wallsync_u32_(page, WALLSYNC_WC_NSEC_OFFSET);
            uint32_t hi = wallsync_u32_(page, WALLSYNC_WC_SEC_HI_OFFSET);
            /* The field loads above must complete before the version is read again. */
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            if (wallsync_u32_(page, WALLSYNC_WC_VERSION_OFFSET) == v) {
                int64_t sec = (int64_t)(((uint64_t)hi << 32) | lo);
                *wallclock_ns = sec * 1000000000LL + (int64_t)ns;
                return WALLSYNC_OK;
            }
        }
        if (wallsync_waited_too_long_(i, &start_ns, max_wait_ns)) return WALLSYNC_ERR_WRITER_STUCK;
    }
}

/*
 * The reader: wall time now, from the mapped page. Fails with WALLSYNC_ERR_STALE when the daemon's
 * heartbeat is older than stale_after_ns (0: three heartbeat periods, at least one second), with
 * WALLSYNC_ERR_WRITER_STUCK when the version stays odd longer than max_wait_ns (0: 100 ms).
 */
static inline int wallsync_now(const void *page, struct timespec *out, uint64_t stale_after_ns, uint64_t max_wait_ns) {
    int64_t wc;
    int rc = wallsync_wallclock_ns(page, &wc, max_wait_ns);
    if (rc != WALLSYNC_OK) return rc;
    struct timespec mono;
    if (clock_gettime(CLOCK_MONOTONIC, &mono) != 0) return WALLSYNC_ERR_CLOCK;
    int64_t mono_ns = (int64_t)mono.tv_sec * 1000000000LL + mono.tv_nsec;
    int64_t heartbeat =
        (int64_t)__atomic_load_n((const uint64_t *)((const char *)page + WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET),
                                 __ATOMIC_ACQUIRE);
    if (stale_after_ns == 0) {
        uint64_t period_ms = wallsync_u32_(page, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET);
        stale_after_ns = period_ms * 3000000ull;
        if (stale_after_ns < 1000000000ull) stale_after_ns = 1000000000ull;
    }
    if (mono_ns - heartbeat > (int64_t)stale_after_ns) return WALLSYNC_ERR_STALE;
    int64_t wall = wc + mono_ns;
    int64_t sec = wall / 1000000000LL;
    int64_t nsec = wall % 1000000000LL;
    if (nsec < 0) {
        nsec += 1000000000LL;
        sec -= 1;
    }
    out->tv_sec = (time_t)sec;
    out->tv_nsec = (long)nsec;
    return WALLSYNC_OK;
}

/* The extension, read under its seq_count. */
struct wallsync_status {
    uint8_t clock_status;
    uint8_t leap_indicator;
    int16_t tai_offset_sec;
    uint64_t step_generation;
    uint64_t flags;
    uint64_t esterror_ns;
    uint64_t maxerror_ns;
    int64_t last_push_monotonic_ns;
    uint32_t last_push_reason;
    int32_t time_offset_sec;
};

static inline int wallsync_status(const void *page, struct wallsync_status *st, uint64_t max_wait_ns) {
    const char *p = (const char *)page;
    int64_t start_ns = 0;
    for (uint32_t i = 0;; i++) {
        uint32_t seq = __atomic_load_n((const uint32_t *)(p + WALLSYNC_SEQ_COUNT_OFFSET), __ATOMIC_ACQUIRE);
        if ((seq & 1u) == 0) {
            st->clock_status = __atomic_load_n((const uint8_t *)(p + WALLSYNC_CLOCK_STATUS_OFFSET), __ATOMIC_RELAXED);
            st->leap_indicator =
                __atomic_load_n((const uint8_t *)(p + WALLSYNC_LEAP_INDICATOR_OFFSET), __ATOMIC_RELAXED);
            st->tai_offset_sec =
                (int16_t)__atomic_load_n((const uint16_t *)(p + WALLSYNC_TAI_OFFSET_SEC_OFFSET), __ATOMIC_RELAXED);
            st->step_generation = wallsync_u64_(page, WALLSYNC_DISRUPTION_MARKER_OFFSET);
            st->flags = wallsync_u64_(page, WALLSYNC_FLAGS_OFFSET);
            st->esterror_ns = wallsync_u64_(page, WALLSYNC_TIME_ESTERROR_NANOSEC_OFFSET);
            st->maxerror_ns = wallsync_u64_(page, WALLSYNC_TIME_MAXERROR_NANOSEC_OFFSET);
            st->last_push_monotonic_ns = (int64_t)wallsync_u64_(page, WALLSYNC_LAST_PUSH_MONOTONIC_NS_OFFSET);
            st->last_push_reason = wallsync_u32_(page, WALLSYNC_LAST_PUSH_REASON_OFFSET);
            st->time_offset_sec = (int32_t)wallsync_u32_(page, WALLSYNC_TIME_OFFSET_SEC_OFFSET);
            __atomic_thread_fence(__ATOMIC_ACQUIRE);
            if (wallsync_u32_(page, WALLSYNC_SEQ_COUNT_OFFSET) == seq) return WALLSYNC_OK;
        }
        if (wallsync_waited_too_long_(i, &start_ns, max_wait_ns)) return WALLSYNC_ERR_WRITER_STUCK;
    }
}

#endif /* WALLSYNC_H */
