/*
 * Prints what a program sees of the wall clock, for the documented limits of `wallsync run`
 * (built static, or setuid, it shows that the preload library is not in the path):
 *
 *   realtime_s=N euid=N
 */
#include <stdio.h>
#include <time.h>
#include <unistd.h>

int main(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    printf("realtime_s=%lld euid=%d\n", (long long)ts.tv_sec, (int)geteuid());
    return 0;
}
