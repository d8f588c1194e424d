/*
 * Example: map a wallsync page read-only and print its wall time next to CLOCK_REALTIME.
 *
 *   cc -O2 -I include examples/c/wallsync_example.c -o wallsync_example
 *   ./wallsync_example /run/wallsync/host.page            one reading
 *   ./wallsync_example /run/wallsync/host.page 100000     also the worst |page - CLOCK_REALTIME|
 *
 * One reading is printed twice: wallsync_now (wc + CLOCK_MONOTONIC) and wallsync_vmclock_now (the
 * page v2 counter path where it is usable, with its error bound; the path says which was used).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wallsync.h"

static const char *error_text(int rc) {
    switch (rc) {
    case WALLSYNC_ERR_NOT_A_PAGE: return "not a wallsync page";
    case WALLSYNC_ERR_WRITER_STUCK: return "writer stuck mid-update (restart wallsync serve)";
    case WALLSYNC_ERR_STALE: return "stale: daemon heartbeat too old (is wallsync serve running?)";
    case WALLSYNC_ERR_CLOCK: return "clock_gettime failed";
    case WALLSYNC_ERR_NO_VMCLOCK: return "a page v1: no vmclock part";
    default: return "unknown error";
    }
}

static int64_t realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s PAGE [COMPARE_READS]\n", argv[0]);
        return 2;
    }
    int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        perror(argv[1]);
        return 1;
    }
    struct stat fst;
    const void *page = fstat(fd, &fst) == 0 ? mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0) : MAP_FAILED;
    close(fd);
    if (page == MAP_FAILED) {
        perror("mmap");
        return 1;
    }
    /* A layout-2 page needs 8192 bytes; wallsync_check_size refuses a file cut short. */
    int rc = wallsync_check_size(page, (uint64_t)fst.st_size);
    struct timespec now;
    struct wallsync_status st;
    if (rc == WALLSYNC_OK) rc = wallsync_now(page, &now, 0, 0);
    if (rc == WALLSYNC_OK) rc = wallsync_status(page, &st, 0);
    if (rc != WALLSYNC_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], error_text(rc));
        return 1;
    }
    printf("wall %lld.%09ld generation %llu status %u offset %d\n", (long long)now.tv_sec, now.tv_nsec,
           (unsigned long long)st.step_generation, st.clock_status, st.time_offset_sec);
    uint64_t maxerror_ns;
    int path;
    rc = wallsync_vmclock_now(page, &now, &maxerror_ns, &path, 0, 0);
    if (rc != WALLSYNC_OK) {
        fprintf(stderr, "%s: %s (path: %s)\n", argv[1], error_text(rc), wallsync_path_name(path));
        return 1;
    }
    if (maxerror_ns == UINT64_MAX)
        printf("vmclock %lld.%09ld maxerror unknown path %s\n", (long long)now.tv_sec, now.tv_nsec,
               wallsync_path_name(path));
    else
        printf("vmclock %lld.%09ld maxerror %llu ns path %s\n", (long long)now.tv_sec, now.tv_nsec,
               (unsigned long long)maxerror_ns, wallsync_path_name(path));
    if (argc > 2) {
        long reads = atol(argv[2]);
        int64_t worst = 0;
        for (long i = 0; i < reads; i++) {
            int64_t before = realtime_ns();
            if (wallsync_now(page, &now, 0, 0) != WALLSYNC_OK) {
                fprintf(stderr, "read %ld failed\n", i);
                return 1;
            }
            int64_t after = realtime_ns();
            int64_t t = (int64_t)now.tv_sec * 1000000000LL + now.tv_nsec;
            int64_t off = t < before ? before - t : (t > after ? t - after : 0);
            if (off > worst) worst = off;
        }
        printf("compare reads %ld worst_ns %lld\n", reads, (long long)worst);
    }
    return 0;
}
