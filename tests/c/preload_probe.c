/*
 * What a program sees of the wall clock, for the tests of `wallsync run`:
 *
 *   preload_probe           prints realtime_s=N euid=N (built static, or setuid, it shows that
 *                           the preload library is not in the path)
 *   preload_probe wait S    prints "waiting", then sleeps with clock_nanosleep(CLOCK_REALTIME,
 *                           TIMER_ABSTIME) until the wall clock (as read now) + S seconds, and
 *                           prints slept_s=F, measured with CLOCK_MONOTONIC
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    if (argc == 3 && strcmp(argv[1], "wait") == 0) {
        struct timespec t0, t1;
        ts.tv_sec += atol(argv[2]);
        clock_gettime(CLOCK_MONOTONIC, &t0);
        printf("waiting\n");
        fflush(stdout);
        int r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        printf("slept_s=%.3f rc=%d\n", (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, r);
        return r;
    }
    printf("realtime_s=%lld euid=%d\n", (long long)ts.tv_sec, (int)geteuid());
    return 0;
}
