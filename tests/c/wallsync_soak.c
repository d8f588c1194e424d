/*
 * Soak reader: maps a page that a writer in another process rewrites at full speed with wallclock
 * values W_k = BASE + (k mod CYCLE) * STEP (see CrossProcessSoakTest) and checks every read against
 * that invariant. The writer spins at full speed on a shared machine and can be preempted with the
 * version odd, so the reader may wait up to 5 s for it (a stuck report counts as a failure). BASE sits 1000 s below 2^32 s, so wc_sec_hi flips within every cycle and a read
 * mixing two writes is caught. Mode "seqlock" uses wallsync.h; mode "raw" reads the fields without
 * the version check (the control, which is expected to tear).
 *
 *   wallsync_soak PAGE MODE SECONDS   ->   "reads N torn M"
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "wallsync.h"

#define SOAK_BASE_NS ((int64_t)(4294967296LL - 1000) * 1000000000LL)
#define SOAK_STEP_NS 1000000007LL
#define SOAK_CYCLE 2000

static int consistent(int64_t w) {
    int64_t d = w - SOAK_BASE_NS;
    return d >= 0 && d % SOAK_STEP_NS == 0 && d / SOAK_STEP_NS < SOAK_CYCLE;
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s PAGE seqlock|raw SECONDS\n", argv[0]);
        return 2;
    }
    int raw = strcmp(argv[2], "raw") == 0;
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
