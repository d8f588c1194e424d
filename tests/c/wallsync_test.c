/* Unit tests of include/wallsync.h on pages built in memory. Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

/*
 * Test hooks, set up before the header is included: the counter path reads its TSC through
 * WALLSYNC_READ_COUNTER (here: a chosen value while fake_counter_on, else the real TSC), and every
 * clock_gettime in the header is counted, so a test can prove the counter path reads no clock.
 */
#include <stdint.h>
static int fake_counter_on;
static uint64_t fake_counter;
static uint64_t test_counter(void);
#define WALLSYNC_READ_COUNTER() test_counter()
static int clock_calls;
static int counting_clock_gettime(clockid_t id, struct timespec *ts) {
    clock_calls++;
    return clock_gettime(id, ts);
}
#define clock_gettime counting_clock_gettime
#include "wallsync.h"
#undef clock_gettime
static uint64_t test_counter(void) { return fake_counter_on ? fake_counter : wallsync_rdtsc_ordered(); }

static int passed, failed;

#define CHECK(cond)                                                            \
    do {                                                                       \
        if (cond) {                                                            \
            passed++;                                                          \
        } else {                                                               \
            failed++;                                                          \
            fprintf(stderr, "FAILED %s:%d: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                      \
    } while (0)

static void put32(unsigned char *p, unsigned off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put64(unsigned char *p, unsigned off, uint64_t v) { memcpy(p + off, &v, 8); }
static void put16(unsigned char *p, unsigned off, uint16_t v) { memcpy(p + off, &v, 2); }

static int64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* A zeroed page v2 (8192 bytes, layout 2) with a fresh heartbeat; its vmclock part is all zero. */
static unsigned char *new_page(void) {
    unsigned char *p = aligned_alloc(4096, WALLSYNC_PAGE_SIZE);
    memset(p, 0, WALLSYNC_PAGE_SIZE);
    put32(p, WALLSYNC_MAGIC_OFFSET, WALLSYNC_MAGIC);
    put16(p, WALLSYNC_LAYOUT_VERSION_OFFSET, WALLSYNC_LAYOUT_VERSION);
    put32(p, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET, 1000);
    put64(p, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET, (uint64_t)mono_ns());
    return p;
}

static void wc(unsigned char *p, uint32_t version, uint64_t sec, uint32_t nsec) {
    put32(p, WALLSYNC_WC_VERSION_OFFSET, version);
    put32(p, WALLSYNC_WC_SEC_OFFSET, (uint32_t)sec);
    put32(p, WALLSYNC_WC_NSEC_OFFSET, nsec);
    put32(p, WALLSYNC_WC_SEC_HI_OFFSET, (uint32_t)(sec >> 32));
}

static void test_wall_time_is_wc_plus_monotonic(void) {
    unsigned char *p = new_page();
    /* W = 1_700_000_000.5 s: wall = W + CLOCK_MONOTONIC, bracketed by two monotonic reads. */
    wc(p, 2, 1700000000ull, 500000000u);
    struct timespec ts;
    int64_t before = mono_ns();
    CHECK(wallsync_now(p, &ts, 0, 0) == WALLSYNC_OK);
    int64_t after = mono_ns();
    int64_t got = (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
    int64_t w = 1700000000LL * 1000000000LL + 500000000LL;
    CHECK(got >= w + before && got <= w + after);
    free(p);
}

static void test_wc_sec_hi_is_honoured(void) {
    unsigned char *p = new_page();
    /* hi = 1, lo = 10: W = 4_294_967_306 s (2106); a reader ignoring hi would be 136 years early. */
    wc(p, 2, (1ull << 32) + 10, 0);
    int64_t w = 0;
    CHECK(wallsync_wallclock_ns(p, &w, 0) == WALLSYNC_OK);
    CHECK(w == 4294967306LL * 1000000000LL);
    free(p);
}

static void test_odd_version_ends_in_writer_stuck(void) {
    unsigned char *p = new_page();
    wc(p, 7, 1700000000ull, 0);
    struct timespec ts;
    /* Bounded: gives up after about 1 ms (1_000_000 ns) instead of spinning forever. */
    int64_t before = mono_ns();
    CHECK(wallsync_now(p, &ts, 0, 1000000) == WALLSYNC_ERR_WRITER_STUCK);
    CHECK(mono_ns() - before < 1000000000LL);
    free(p);
}

static void test_old_heartbeat_is_stale(void) {
    unsigned char *p = new_page();
    wc(p, 2, 1700000000ull, 0);
    /* Period 1000 ms: limit 3 s. A heartbeat 4 s old is stale; 1 s old is fine. */
    put64(p, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET, (uint64_t)(mono_ns() - 4000000000LL));
    struct timespec ts;
    CHECK(wallsync_now(p, &ts, 0, 0) == WALLSYNC_ERR_STALE);
    put64(p, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET, (uint64_t)(mono_ns() - 1000000000LL));
    CHECK(wallsync_now(p, &ts, 0, 0) == WALLSYNC_OK);
    free(p);
}

static void test_magic_and_version_are_checked(void) {
    unsigned char *p = new_page();
    CHECK(wallsync_check(p) == WALLSYNC_OK);
    /* "WYNC" in file byte order. */
    CHECK(memcmp(p + WALLSYNC_MAGIC_OFFSET, "WYNC", 4) == 0);
    CHECK(wallsync_layout_version(p) == 2);
    put16(p, WALLSYNC_LAYOUT_VERSION_OFFSET, 1);
    CHECK(wallsync_check(p) == WALLSYNC_OK); /* page v1 of an older daemon */
    put16(p, WALLSYNC_LAYOUT_VERSION_OFFSET, 3);
    CHECK(wallsync_check(p) == WALLSYNC_ERR_NOT_A_PAGE);
    put32(p, WALLSYNC_MAGIC_OFFSET, 0);
    CHECK(wallsync_check(p) == WALLSYNC_ERR_NOT_A_PAGE);
    free(p);
}

static void test_status_decodes_the_extension(void) {
    unsigned char *p = new_page();
    p[WALLSYNC_CLOCK_STATUS_OFFSET] = WALLSYNC_STATUS_SYNCHRONIZED;
    p[WALLSYNC_LEAP_INDICATOR_OFFSET] = 1;
    put16(p, WALLSYNC_TAI_OFFSET_SEC_OFFSET, (uint16_t)37);
    put64(p, WALLSYNC_DISRUPTION_MARKER_OFFSET, 42);
    put32(p, WALLSYNC_TIME_OFFSET_SEC_OFFSET, (uint32_t)-3600);
    put32(p, WALLSYNC_SEQ_COUNT_OFFSET, 4);
    struct wallsync_status st;
    CHECK(wallsync_status(p, &st, 0) == WALLSYNC_OK);
    CHECK(st.clock_status == 2);
    CHECK(st.leap_indicator == 1);
    CHECK(st.tai_offset_sec == 37);
    CHECK(st.step_generation == 42);
    CHECK(st.time_offset_sec == -3600);
    put32(p, WALLSYNC_SEQ_COUNT_OFFSET, 5);
    CHECK(wallsync_status(p, &st, 1000000) == WALLSYNC_ERR_WRITER_STUCK);
    free(p);
}

/* ---- page v2: the vmclock counter path ---- */

#define TWO_POW_32 4294967296ull
#define TWO_POW_62 4611686018427387904ull
#define TWO_POW_63 9223372036854775808ull
#define MAX_FLAGS (WALLSYNC_VMCLOCK_FLAG_TIME_MAXERROR_VALID | WALLSYNC_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID)
#define EST_FLAGS (WALLSYNC_VMCLOCK_FLAG_TIME_ESTERROR_VALID | WALLSYNC_VMCLOCK_FLAG_PERIOD_ESTERROR_VALID)

/*
 * A usable vmclock as wallsync publishes it: X86_TSC, UTC, SYNCHRONIZED, seq_count 2, at
 * counter_value 1_000_000 the time 1_700_000_000 s + 0; period 2^32 with shift 0, i.e. a tick of
 * exactly 2^32 * 2^-64 s = 2^-32 s (so 2^32 ticks are exactly one second).
 */
static struct wallsync_vmclock vmclock_fields(void) {
    struct wallsync_vmclock v;
    memset(&v, 0, sizeof v);
    v.magic = 0x4b4c4356u; /* "VCLK", Linux VMCLOCK_MAGIC */
    v.size = 4096;
    v.version = 1;
    v.counter_id = 1; /* VMCLOCK_COUNTER_X86_TSC */
    v.time_type = 0;  /* VMCLOCK_TIME_UTC */
    v.seq_count = 2;
    v.clock_status = 2; /* VMCLOCK_STATUS_SYNCHRONIZED */
    v.counter_value = 1000000;
    v.counter_period_frac_sec = TWO_POW_32;
    v.time_sec = 1700000000ull;
    return v;
}

/* Writes v at byte 4096 of page p (field by field through the page offsets, not the struct). */
static void put_vmclock(unsigned char *p, const struct wallsync_vmclock *v) {
    put32(p, WALLSYNC_VMCLOCK_MAGIC_OFFSET, v->magic);
    put32(p, WALLSYNC_VMCLOCK_SIZE_OFFSET, v->size);
    put16(p, WALLSYNC_VMCLOCK_VERSION_OFFSET, v->version);
    p[WALLSYNC_VMCLOCK_COUNTER_ID_OFFSET] = v->counter_id;
    p[WALLSYNC_VMCLOCK_TIME_TYPE_OFFSET] = v->time_type;
    put32(p, WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET, v->seq_count);
    put64(p, WALLSYNC_VMCLOCK_DISRUPTION_MARKER_OFFSET, v->disruption_marker);
    put64(p, WALLSYNC_VMCLOCK_FLAGS_OFFSET, v->flags);
    p[WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET] = v->clock_status;
    p[WALLSYNC_VMCLOCK_COUNTER_PERIOD_SHIFT_OFFSET] = v->counter_period_shift;
    put64(p, WALLSYNC_VMCLOCK_COUNTER_VALUE_OFFSET, v->counter_value);
    put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_FRAC_SEC_OFFSET, v->counter_period_frac_sec);
    put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET, v->counter_period_esterror_rate_frac_sec);
    put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET, v->counter_period_maxerror_rate_frac_sec);
    put64(p, WALLSYNC_VMCLOCK_TIME_SEC_OFFSET, v->time_sec);
    put64(p, WALLSYNC_VMCLOCK_TIME_FRAC_SEC_OFFSET, v->time_frac_sec);
    put64(p, WALLSYNC_VMCLOCK_TIME_ESTERROR_NANOSEC_OFFSET, v->time_esterror_nanosec);
    put64(p, WALLSYNC_VMCLOCK_TIME_MAXERROR_NANOSEC_OFFSET, v->time_maxerror_nanosec);
}

static struct wallsync_reading time_at(const struct wallsync_vmclock *v, uint64_t counter) {
    struct wallsync_reading r;
    memset(&r, 0xa5, sizeof r);
    CHECK(wallsync_vmclock_path(v) == WALLSYNC_PATH_COUNTER);
    wallsync_vmclock_time_at(v, counter, &r);
    CHECK(r.path == WALLSYNC_PATH_COUNTER);
    return r;
}

static void test_vmclock_2_5_ghz_period_rounds_down_and_carries(void) {
    /*
     * 2.5 GHz: a tick is 0.4 ns = 2^(64+31) / 2.5e9 units of 2^-(64+31) s with shift 31.
     * P = floor(2^95 / 2_500_000_000) = 15_845_632_502_852_867_518, since
     * 2^95 = 39_614_081_257_132_168_796_771_975_168 = 2_500_000_000 * P + 1_771_975_168.
     */
    struct wallsync_vmclock v = vmclock_fields();
    v.counter_period_shift = 31;
    v.counter_period_frac_sec = 15845632502852867518ull;
    v.time_frac_sec = TWO_POW_63; /* .5 s */
    /*
     * 1 s of ticks: 2.5e9 * P = 2^95 - 1_771_975_168, >> 31 = floor(2^64 - 0.825) = 2^64 - 1.
     * total = 2^63 + 2^64 - 1: one second carries, fraction 2^63 - 1 -> floor(0.5e9 - 5e-11) ns.
     */
    struct wallsync_reading r = time_at(&v, 1000000 + 2500000000ull);
    CHECK(r.time.tv_sec == 1700000001);
    CHECK(r.time.tv_nsec == 499999999);
    /*
     * .5 s + one tick: 1_250_000_001 * P = 2^94 - 885_987_584 + P; >> 31 = 2^63 + 7_378_697_629
     * (floor((P - 885_987_584) / 2^31)). total = 2^64 + 7_378_697_629: the carry makes it
     * 1_700_000_001 s, and 7_378_697_629 * 1e9 / 2^64 = 0.39999... ns rounds down to 0.
     */
    r = time_at(&v, 1000000 + 1250000001ull);
    CHECK(r.time.tv_sec == 1700000001);
    CHECK(r.time.tv_nsec == 0);
    /* .5 s - one tick less: 2^63 - 1 after the shift (as for 1 s, halved), total 2^64 - 1. */
    r = time_at(&v, 1000000 + 1250000000ull);
    CHECK(r.time.tv_sec == 1700000000);
    CHECK(r.time.tv_nsec == 999999999);
}

static void test_vmclock_exact_period_carry_and_signed_delta(void) {
    struct wallsync_vmclock v = vmclock_fields(); /* tick 2^-32 s exactly */
    /* .75 s + 2^31 ticks (.5 s): total 3*2^62 + 2^63 = 2^64 + 2^62 -> 1_700_000_001.25 s exactly. */
    v.time_frac_sec = 3 * TWO_POW_62;
    struct wallsync_reading r = time_at(&v, 1000000 + (1ull << 31));
    CHECK(r.time.tv_sec == 1700000001);
    CHECK(r.time.tv_nsec == 250000000);
    CHECK(r.age_ns == 500000000);
    /*
     * Negative delta (a TSC read before counter_value): .25 s - 2^31 ticks = -.25 s:
     * total = 2^62 - 2^63 = -2^62 -> seconds - 1, fraction 2^64 - 2^62 = .75 s.
     * (Linux's unsigned delta would give 2^32 - 1 s later instead; vmclock_linux_reader.c.)
     */
    v.time_frac_sec = TWO_POW_62;
    r = time_at(&v, 1000000 - (1ull << 31));
    CHECK(r.time.tv_sec == 1699999999);
    CHECK(r.time.tv_nsec == 750000000);
    CHECK(r.age_ns == 500000000);
    /* One tick early, fraction 0: -2^32 units -> 1_699_999_999 s + (2^64 - 2^32) units =
     * floor(1e9 - 1e9 / 2^32) = 999_999_999 ns. */
    v.time_frac_sec = 0;
    r = time_at(&v, 1000000 - 1);
    CHECK(r.time.tv_sec == 1699999999);
    CHECK(r.time.tv_nsec == 999999999);
    /* delta 0: the reference itself. */
    r = time_at(&v, 1000000);
    CHECK(r.time.tv_sec == 1700000000 && r.time.tv_nsec == 0 && r.age_ns == 0);
}

static void test_vmclock_shift_edges_0_and_63(void) {
    struct wallsync_vmclock v = vmclock_fields();
    /* shift 0, P = 2^64 - 1 (a tick just under 1 s): 3 ticks = 3*2^64 - 3, + fraction 3 = 3 s exactly. */
    v.counter_period_shift = 0;
    v.counter_period_frac_sec = UINT64_MAX;
    v.time_frac_sec = 3;
    struct wallsync_reading r = time_at(&v, 1000000 + 3);
    CHECK(r.time.tv_sec == 1700000003);
    CHECK(r.time.tv_nsec == 0);
    /* shift 63, P = 2^64 - 1: 2^62 ticks = (2^126 - 2^62) >> 63 = floor(2^63 - 1/2) = 2^63 - 1
     * units -> floor(0.5e9 - 5e-11) = 499_999_999 ns. */
    v.counter_period_shift = 63;
    v.time_frac_sec = 0;
    r = time_at(&v, 1000000 + (1ull << 62));
    CHECK(r.time.tv_sec == 1700000000);
    CHECK(r.time.tv_nsec == 499999999);
    /* shift 64 would be a counter faster than 2^64 Hz: not a structure wallsync publishes. */
    v.counter_period_shift = 64;
    CHECK(wallsync_vmclock_path(&v) == WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK);
}

static void test_vmclock_bounds_grow_with_the_distance_from_the_reference(void) {
    struct wallsync_vmclock v = vmclock_fields(); /* tick 2^-32 s */
    v.flags = MAX_FLAGS | EST_FLAGS;
    v.time_maxerror_nanosec = 100;
    v.time_esterror_nanosec = 10;
    /* maxerror rate 2^12 units of 2^-64 s per tick: per second (2^32 ticks) 2^44 units = 2^-20 s
     * = 953.674... ns (0.95 ppm); esterror rate 2^8: 2^-24 s = 59.604... ns per second. */
    v.counter_period_maxerror_rate_frac_sec = 1ull << 12;
    v.counter_period_esterror_rate_frac_sec = 1ull << 8;
    struct wallsync_reading r = time_at(&v, 1000000);
    CHECK(r.maxerror_ns == 100 && r.esterror_ns == 10);
    r = time_at(&v, 1000000 + TWO_POW_32); /* 1 s: 100 + ceil(953.67) and 10 + ceil(59.60) */
    CHECK(r.maxerror_ns == 1054);
    CHECK(r.esterror_ns == 70);
    r = time_at(&v, 1000000 + 2 * TWO_POW_32); /* 2 s: 100 + ceil(1907.35) */
    CHECK(r.maxerror_ns == 2008);
    r = time_at(&v, 1000000 - TWO_POW_32); /* 1 s before: the bound grows with |delta| */
    CHECK(r.maxerror_ns == 1054);
    /* One valid flag of the pair is not enough: unknown. */
    v.flags = WALLSYNC_VMCLOCK_FLAG_TIME_MAXERROR_VALID | WALLSYNC_VMCLOCK_FLAG_TIME_ESTERROR_VALID;
    r = time_at(&v, 1000000 + TWO_POW_32);
    CHECK(r.maxerror_ns == UINT64_MAX && r.esterror_ns == UINT64_MAX);
    v.flags = WALLSYNC_VMCLOCK_FLAG_PERIOD_MAXERROR_VALID;
    r = time_at(&v, 1000000);
    CHECK(r.maxerror_ns == UINT64_MAX);
    /* A bound that does not fit in u64 is unknown, never a wrapped small number. */
    v.flags = MAX_FLAGS;
    v.time_maxerror_nanosec = UINT64_MAX - 10;
    r = time_at(&v, 1000000 + TWO_POW_32);
    CHECK(r.maxerror_ns == UINT64_MAX);
}

/* A page v2 with wc = 1_700_000_000.5 s, a fresh heartbeat (period 1000 ms) and the vmclock v. */
static unsigned char *v2_page(const struct wallsync_vmclock *v) {
    unsigned char *p = new_page();
    wc(p, 2, 1700000000ull, 500000000u);
    put_vmclock(p, v);
    return p;
}

static void test_vmclock_read_uses_the_counter_and_no_clock(void) {
    struct wallsync_vmclock v = vmclock_fields();
    v.time_frac_sec = 3 * TWO_POW_62; /* .75 s */
    v.flags = MAX_FLAGS;
    v.time_maxerror_nanosec = 100;
    v.counter_period_maxerror_rate_frac_sec = 1ull << 12;
    v.disruption_marker = 77;
    unsigned char *p = v2_page(&v);
    fake_counter_on = 1;
    fake_counter = 1000000 + (1ull << 31); /* .5 s after the reference */
    struct wallsync_reading r;
    clock_calls = 0;
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK);
    CHECK(clock_calls == 0);
    CHECK(r.path == WALLSYNC_PATH_COUNTER);
    CHECK(r.time.tv_sec == 1700000001 && r.time.tv_nsec == 250000000); /* .75 + .5 s */
    /* 100 + ceil(2^43 units = 2^-21 s = 476.837 ns) */
    CHECK(r.maxerror_ns == 577);
    CHECK(r.esterror_ns == UINT64_MAX);
    CHECK(r.counter == 1000000 + (1ull << 31));
    CHECK(r.disruption_marker == 77);
    struct timespec ts;
    uint64_t maxerror = 0;
    int path = 0;
    CHECK(wallsync_vmclock_now(p, &ts, &maxerror, &path, 0, 0) == WALLSYNC_OK);
    CHECK(ts.tv_sec == 1700000001 && ts.tv_nsec == 250000000 && maxerror == 577 && path == WALLSYNC_PATH_COUNTER);
    fake_counter_on = 0;
    free(p);
}

/* wallsync_vmclock_time, the lean fast path: the same times as wallsync_vmclock_read, and a slow-path
 * answer exactly where it has none. Counter 2^32 Hz, reference 1_700_000_000.75 s at 1_000_000. */
static void test_vmclock_fast_path_agrees_and_says_when_to_take_the_slow_one(void) {
    struct wallsync_vmclock v = vmclock_fields();
    v.time_frac_sec = 3 * TWO_POW_62; /* .75 s */
    unsigned char *p = v2_page(&v);
    struct timespec ts = {0, 0};
    struct wallsync_reading r;
    fake_counter_on = 1;
    clock_calls = 0;
    /* .5 s later: 1_700_000_001.25 s, as wallsync_vmclock_read says */
    fake_counter = 1000000 + (1ull << 31);
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_OK);
    CHECK(ts.tv_sec == 1700000001 && ts.tv_nsec == 250000000);
    CHECK(wallsync_vmclock_read(p, &r, 1000000000ull, 0) == WALLSYNC_OK);
    CHECK(r.time.tv_sec == ts.tv_sec && r.time.tv_nsec == ts.tv_nsec);
    /* one tick before the reference (another CPU's TSC): .75 s - 2^-32 s = 749_999_999 ns */
    fake_counter = 1000000 - 1;
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_OK);
    CHECK(ts.tv_sec == 1700000000 && ts.tv_nsec == 749999999);
    CHECK(wallsync_vmclock_read(p, &r, 1000000000ull, 0) == WALLSYNC_OK);
    CHECK(r.time.tv_sec == ts.tv_sec && r.time.tv_nsec == ts.tv_nsec);
    /* 1.5 s after the reference with a 1 s limit: the daemon stopped, no fast answer */
    fake_counter = 1000000 + 3 * (1ull << 31);
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_ERR_SLOW_PATH);
    /* exactly 1 s is still fresh */
    fake_counter = 1000000 + (1ull << 32);
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_OK);
    CHECK(ts.tv_sec == 1700000001 && ts.tv_nsec == 750000000);
    /* a writer inside (odd seq_count), INITIALIZING, no period: no fast answer */
    put32(p, WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET, 3);
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_ERR_SLOW_PATH);
    put32(p, WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET, 4);
    p[WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET] = 1;
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_ERR_SLOW_PATH);
    p[WALLSYNC_VMCLOCK_CLOCK_STATUS_OFFSET] = 3; /* FREERUNNING is usable */
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_OK);
    put64(p, WALLSYNC_VMCLOCK_COUNTER_PERIOD_FRAC_SEC_OFFSET, 0);
    CHECK(wallsync_vmclock_time(p, &ts, 1000000000ull) == WALLSYNC_ERR_SLOW_PATH);
    CHECK(clock_calls == 0);
    fake_counter_on = 0;
    free(p);
}

static void test_vmclock_read_with_the_real_tsc_lies_between_two_tsc_reads(void) {
    /* counter_value = a TSC read now; a tick of 2^-32 s (whatever the real TSC rate): for d ticks
     * after it the time is d * 2^32 units = floor(d * 1e9 / 2^32) ns past 1_700_000_000 s. */
    struct wallsync_vmclock v = vmclock_fields();
    v.counter_value = wallsync_rdtsc_ordered();
    unsigned char *p = v2_page(&v);
    struct wallsync_reading r;
    uint64_t before = wallsync_rdtsc_ordered();
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK);
    uint64_t after = wallsync_rdtsc_ordered();
    CHECK(r.path == WALLSYNC_PATH_COUNTER);
    uint64_t d0 = before - v.counter_value, d1 = after - v.counter_value;
    CHECK(d1 < TWO_POW_32); /* well under a second of page time: the sums below cannot carry */
    int64_t lo = (int64_t)((d0 * 1000000000ull) >> 32), hi = (int64_t)((d1 * 1000000000ull) >> 32);
    CHECK(r.time.tv_sec == 1700000000);
    CHECK(r.time.tv_nsec >= lo && r.time.tv_nsec <= hi);
    CHECK(r.counter >= before && r.counter <= after);
    free(p);
}

/* Reads p and checks that the time came from wc + CLOCK_MONOTONIC, with `why` as the path. */
static void check_monotonic_fallback(unsigned char *p, int why) {
    fake_counter_on = 1;
    fake_counter = 1000000;
    struct wallsync_reading r;
    int64_t before = mono_ns();
    clock_calls = 0;
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK);
    int64_t after = mono_ns();
    CHECK(clock_calls > 0);
    CHECK(r.path == why);
    CHECK(r.maxerror_ns == UINT64_MAX && r.esterror_ns == UINT64_MAX);
    int64_t got = (int64_t)r.time.tv_sec * 1000000000LL + r.time.tv_nsec;
    int64_t w = 1700000000LL * 1000000000LL + 500000000LL;
    CHECK(got >= w + before && got <= w + after);
    fake_counter_on = 0;
}

/* A page v2 carrying v must be read through wc + CLOCK_MONOTONIC, path `why`. */
static void check_fallback_for(struct wallsync_vmclock v, int why) {
    unsigned char *p = v2_page(&v);
    check_monotonic_fallback(p, why);
    free(p);
}

static void test_vmclock_unusable_falls_back_to_the_monotonic_path(void) {
    struct wallsync_vmclock v = vmclock_fields();
    v.counter_id = 0xff; /* VMCLOCK_COUNTER_INVALID: what QEMU and Firecracker publish */
    check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_NO_COUNTER);
    uint8_t statuses[] = {0, 1, 4}; /* UNKNOWN, INITIALIZING, UNRELIABLE */
    for (unsigned i = 0; i < sizeof statuses; i++) {
        v = vmclock_fields();
        v.clock_status = statuses[i];
        check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_STATUS);
    }
    v = vmclock_fields();
    v.counter_period_frac_sec = 0; /* not calibrated yet */
    check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_NO_PERIOD);
    v = vmclock_fields();
    v.magic = 0;
    check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK);
    v = vmclock_fields();
    v.time_type = 1; /* TAI */
    check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK);
    v = vmclock_fields();
    v.version = 2;
    check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK);
    v = vmclock_fields();
    v.size = 8192; /* larger than the 4096-byte region */
    check_fallback_for(v, WALLSYNC_PATH_MONOTONIC_NO_VMCLOCK);
    /* FREERUNNING is usable: the bound says how good the time is. */
    v = vmclock_fields();
    v.clock_status = 3;
    unsigned char *p = v2_page(&v);
    struct wallsync_reading r;
    fake_counter_on = 1;
    fake_counter = 1000000;
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK && r.path == WALLSYNC_PATH_COUNTER);
    fake_counter_on = 0;
    free(p);
}

static void test_layout_1_page_of_4096_bytes_is_read_without_touching_byte_4096(void) {
    /* A 4096-byte page v1 followed by an inaccessible page: any read at 4096.. would crash. */
    unsigned char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED);
    if (m == MAP_FAILED) return;
    CHECK(mprotect(m + 4096, 4096, PROT_NONE) == 0);
    put32(m, WALLSYNC_MAGIC_OFFSET, WALLSYNC_MAGIC);
    put16(m, WALLSYNC_LAYOUT_VERSION_OFFSET, 1);
    put32(m, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET, 1000);
    put64(m, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET, (uint64_t)mono_ns());
    wc(m, 2, 1700000000ull, 500000000u);
    check_monotonic_fallback(m, WALLSYNC_PATH_MONOTONIC_V1_PAGE);
    struct wallsync_vmclock v;
    CHECK(wallsync_vmclock_snapshot(m, &v, 0) == WALLSYNC_ERR_NO_VMCLOCK);
    CHECK(wallsync_check_size(m, 4096) == WALLSYNC_OK);
    munmap(m, 8192);
}

static void test_check_size_wants_8192_bytes_for_layout_2(void) {
    unsigned char *p = new_page();
    CHECK(wallsync_check_size(p, 8192) == WALLSYNC_OK);
    CHECK(wallsync_check_size(p, 4096) == WALLSYNC_ERR_NOT_A_PAGE); /* cut short: the vmclock is missing */
    CHECK(wallsync_check_size(p, 100) == WALLSYNC_ERR_NOT_A_PAGE);
    free(p);
}

static void test_vmclock_odd_seq_count_ends_in_writer_stuck(void) {
    struct wallsync_vmclock v = vmclock_fields();
    v.seq_count = 7; /* a writer killed between its two seq_count stores */
    unsigned char *p = v2_page(&v);
    struct wallsync_reading r;
    int64_t before = mono_ns();
    CHECK(wallsync_vmclock_read(p, &r, 0, 1000000) == WALLSYNC_ERR_WRITER_STUCK);
    CHECK(mono_ns() - before < 1000000000LL);
    struct wallsync_vmclock copy;
    CHECK(wallsync_vmclock_snapshot(p, &copy, 1000000) == WALLSYNC_ERR_WRITER_STUCK);
    put32(p, WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET, 8);
    CHECK(wallsync_vmclock_snapshot(p, &copy, 0) == WALLSYNC_OK);
    CHECK(copy.seq_count == 8 && copy.counter_value == 1000000 && copy.time_sec == 1700000000ull);
    free(p);
}

static void test_vmclock_reference_older_than_the_limit_is_stale(void) {
    /* The daemon republishes counter_value at every heartbeat (period 1000 ms, limit 3 s): a
     * reference 3 s + 1 tick (2^-32 s, rounded up to 1 ns) away is stale, exactly 3 s is not. */
    struct wallsync_vmclock v = vmclock_fields();
    unsigned char *p = v2_page(&v);
    struct wallsync_reading r;
    fake_counter_on = 1;
    fake_counter = 1000000 + 3 * TWO_POW_32;
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK);
    CHECK(r.age_ns == 3000000000ull);
    fake_counter = 1000000 + 3 * TWO_POW_32 + 1;
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_ERR_STALE);
    CHECK(r.age_ns == 3000000001ull);
    fake_counter = 1000000 - 4 * TWO_POW_32; /* far before the reference: just as wrong */
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_ERR_STALE);
    fake_counter = 1000000 + TWO_POW_32; /* 1 s: fine by default, stale with an explicit 0.5 s */
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK);
    CHECK(wallsync_vmclock_read(p, &r, 500000000ull, 0) == WALLSYNC_ERR_STALE);
    fake_counter_on = 0;
    free(p);
}

static void test_vmclock_fallback_keeps_the_heartbeat_check(void) {
    /* counter INVALID and a dead daemon (heartbeat 4 s old, limit 3 s): the monotonic path fails. */
    struct wallsync_vmclock v = vmclock_fields();
    v.counter_id = 0xff;
    unsigned char *p = v2_page(&v);
    put64(p, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET, (uint64_t)(mono_ns() - 4000000000LL));
    struct wallsync_reading r;
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_ERR_STALE);
    CHECK(r.path == WALLSYNC_PATH_MONOTONIC_NO_COUNTER);
    put32(p, WALLSYNC_MAGIC_OFFSET, 0);
    CHECK(wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_ERR_NOT_A_PAGE);
    CHECK(r.path == 0);
    free(p);
}

int main(void) {
    test_wall_time_is_wc_plus_monotonic();
    test_wc_sec_hi_is_honoured();
    test_odd_version_ends_in_writer_stuck();
    test_old_heartbeat_is_stale();
    test_magic_and_version_are_checked();
    test_status_decodes_the_extension();
    test_vmclock_2_5_ghz_period_rounds_down_and_carries();
    test_vmclock_exact_period_carry_and_signed_delta();
    test_vmclock_shift_edges_0_and_63();
    test_vmclock_bounds_grow_with_the_distance_from_the_reference();
    test_vmclock_read_uses_the_counter_and_no_clock();
    test_vmclock_fast_path_agrees_and_says_when_to_take_the_slow_one();
    test_vmclock_read_with_the_real_tsc_lies_between_two_tsc_reads();
    test_vmclock_unusable_falls_back_to_the_monotonic_path();
    test_layout_1_page_of_4096_bytes_is_read_without_touching_byte_4096();
    test_check_size_wants_8192_bytes_for_layout_2();
    test_vmclock_odd_seq_count_ends_in_writer_stuck();
    test_vmclock_reference_older_than_the_limit_is_stale();
    test_vmclock_fallback_keeps_the_heartbeat_check();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
