/* Unit tests of include/wallsync.h on pages built in memory. Prints "N passed, N failed". */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wallsync.h"

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
    int64_t w;
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
    put16(p, WALLSYNC_LAYOUT_VERSION_OFFSET, 2);
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

int main(void) {
    test_wall_time_is_wc_plus_monotonic();
    test_wc_sec_hi_is_honoured();
    test_odd_version_ends_in_writer_stuck();
    test_old_heartbeat_is_stale();
    test_magic_and_version_are_checked();
    test_status_decodes_the_extension();
    printf("%d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
