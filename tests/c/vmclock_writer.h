/*
 * Test-side writers of a page v2 (tests/c only; the daemon is the real writer): create the file,
 * and update the vmclock part with the seq_count protocol of a vmclock hypervisor (Linux
 * vmclock-abi.h: "Low bit means an update is in progress"): seq_count + 1 (odd), write barrier,
 * the fields, write barrier, seq_count + 1 (even). Used by vmclock_fixture.c and wallsync_soak.c.
 */
#ifndef VMCLOCK_WRITER_H
#define VMCLOCK_WRITER_H

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wallsync.h"

static inline void vw_put16(unsigned char *p, unsigned off, uint16_t v) { __atomic_store_n((uint16_t *)(p + off), v, __ATOMIC_RELAXED); }
static inline void vw_put32(unsigned char *p, unsigned off, uint32_t v) { __atomic_store_n((uint32_t *)(p + off), v, __ATOMIC_RELAXED); }
static inline void vw_put64(unsigned char *p, unsigned off, uint64_t v) { __atomic_store_n((uint64_t *)(p + off), v, __ATOMIC_RELAXED); }

static inline int64_t vw_clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * Creates PATH as a page v2 (8192 bytes, layout 2) written under a temporary name and renamed,
 * as the daemon does, and maps it shared for writing. The first page gets the extension (magic,
 * layout 2, heartbeat now with period_ms, writer pid), wc = CLOCK_REALTIME - CLOCK_MONOTONIC (so
 * the monotonic path tells the host's time too) and clock_status; the vmclock part its constant
 * fields (magic, size 4096, version 1, X86_TSC, UTC) and seq_count 0. NULL on failure (printed).
 */
static inline unsigned char *vw_create_page(const char *path, uint32_t period_ms, uint8_t clock_status) {
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", path, (int)getpid());
    int fd = open(tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 || ftruncate(fd, WALLSYNC_PAGE_SIZE) != 0) {
        perror(tmp);
        return NULL;
    }
    unsigned char *p = mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (p == MAP_FAILED) {
        perror("mmap");
        return NULL;
    }
    vw_put32(p, WALLSYNC_MAGIC_OFFSET, WALLSYNC_MAGIC);
    vw_put16(p, WALLSYNC_LAYOUT_VERSION_OFFSET, WALLSYNC_LAYOUT_VERSION);
    vw_put16(p, WALLSYNC_EXTENSION_SIZE_OFFSET, WALLSYNC_EXTENSION_SIZE);
    p[WALLSYNC_CLOCK_STATUS_OFFSET] = clock_status;
    vw_put32(p, WALLSYNC_HEARTBEAT_PERIOD_MS_OFFSET, period_ms);
    vw_put32(p, WALLSYNC_WRITER_PID_OFFSET, (uint32_t)getpid());
    int64_t w = vw_clock_ns(CLOCK_REALTIME) - vw_clock_ns(CLOCK_MONOTONIC);
    int64_t w_sec = w / 1000000000LL;
    vw_put32(p, WALLSYNC_WC_VERSION_OFFSET, 2);
    vw_put32(p, WALLSYNC_WC_SEC_OFFSET, (uint32_t)w_sec);
    vw_put32(p, WALLSYNC_WC_NSEC_OFFSET, (uint32_t)(w % 1000000000LL));
    vw_put32(p, WALLSYNC_WC_SEC_HI_OFFSET, (uint32_t)((uint64_t)w_sec >> 32));
    vw_put64(p, WALLSYNC_HEARTBEAT_MONOTONIC_NS_OFFSET, (uint64_t)vw_clock_ns(CLOCK_MONOTONIC));
    vw_put32(p, WALLSYNC_VMCLOCK_MAGIC_OFFSET, WALLSYNC_VMCLOCK_MAGIC);
    vw_put32(p, WALLSYNC_VMCLOCK_SIZE_OFFSET, WALLSYNC_VMCLOCK_REGION_SIZE);
    vw_put16(p, WALLSYNC_VMCLOCK_VERSION_OFFSET, WALLSYNC_VMCLOCK_VERSION);
    p[WALLSYNC_VMCLOCK_COUNTER_ID_OFFSET] = WALLSYNC_VMCLOCK_COUNTER_X86_TSC;
    p[WALLSYNC_VMCLOCK_TIME_TYPE_OFFSET] = WALLSYNC_VMCLOCK_TIME_UTC;
    if (msync(p, WALLSYNC_PAGE_SIZE, MS_SYNC) != 0 || rename(tmp, path) != 0) {
        perror(path);
        return NULL;
    }
    return p;
}

/* seq_count to odd; the fields written after this must not become visible before it. */
static inline void vw_begin(unsigned char *p) {
    uint32_t *seq = (uint32_t *)(p + WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET);
    __atomic_store_n(seq, __atomic_load_n(seq, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
    __atomic_thread_fence(__ATOMIC_RELEASE); /* smp_wmb: odd seq_count before the fields */
}

/* seq_count to the next even value, after every field store. */
static inline void vw_end(unsigned char *p) {
    uint32_t *seq = (uint32_t *)(p + WALLSYNC_VMCLOCK_SEQ_COUNT_OFFSET);
    __atomic_store_n(seq, __atomic_load_n(seq, __ATOMIC_RELAXED) + 1, __ATOMIC_RELEASE);
}

#endif
