/*
 * Cost of the time reads a program makes, under whatever library is preloaded (none, wallsync's,
 * libfaketime): ns per call of clock_gettime(CLOCK_REALTIME) and of gettimeofday, timed with the raw
 * CLOCK_MONOTONIC system call (which no preload library sees), and the wall seconds it read, so the
 * caller can check that the library really was in the path.
 *
 *   preload_bench CALLS   ->   clock_gettime_ns=F gettimeofday_ns=F realtime_s=N
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static double mono_ns(void) {
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

int main(int argc, char **argv) {
    long calls = argc > 1 ? atol(argv[1]) : 2000000;
    volatile long sink = 0;
    struct timespec ts;
    struct timeval tv;
    for (long i = 0; i < calls / 10; i++) { /* warm up: resolve symbols, fault in the page */
        clock_gettime(CLOCK_REALTIME, &ts);
        gettimeofday(&tv, NULL);
    }
    double t0 = mono_ns();
    for (long i = 0; i < calls; i++) {
        clock_gettime(CLOCK_REALTIME, &ts);
        sink += ts.tv_nsec;
    }
    double t1 = mono_ns();
    for (long i = 0; i < calls; i++) {
        gettimeofday(&tv, NULL);
        sink += tv.tv_usec;
    }
    double t2 = mono_ns();
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("clock_gettime_ns=%.2f gettimeofday_ns=%.2f realtime_s=%lld\n", (t1 - t0) / calls, (t2 - t1) / calls,
           (long long)ts.tv_sec);
    return sink == 42 ? 3 : 0;
}
