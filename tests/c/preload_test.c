/*
 * Test of every call libwallsync-preload.so interposes, run under `wallsync run` (so with the
 * library preloaded and WALLSYNC_PAGE set):
 *
 *   preload_test OFFSET_S
 *
 * OFFSET_S is the domain's offset from the host clock. The host's own clocks are read with the raw
 * system call (syscall(SYS_clock_gettime)), which no preload library can change; the domain's
 * expected time is read from the page with include/wallsync.h. Prints "ok NAME" per check and exits
 * 0 only when all passed; an alarm ends a wait that was not translated (it would last OFFSET_S).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "wallsync.h"

#define NS 1000000000LL
static int failures;
static const void *page;
static long long offset_ns;

static long long ns_of(const struct timespec *ts) { return (long long)ts->tv_sec * NS + ts->tv_nsec; }

static long long host_ns(clockid_t id) {
    struct timespec ts;
    syscall(SYS_clock_gettime, id, &ts);
    return ns_of(&ts);
}

static long long page_ns(void) {
    struct timespec ts;
    if (wallsync_now(page, &ts, 0, 0) != WALLSYNC_OK) {
        fprintf(stderr, "cannot read the page\n");
        exit(1);
    }
    return ns_of(&ts);
}

static void check(int ok, const char *name, const char *detail) {
    printf("%s %s%s%s\n", ok ? "ok" : "FAIL", name, detail[0] ? ": " : "", detail);
    if (!ok) failures++;
}

/* Interposed value vs the page and vs host + offset, within 250 ms and 1 s: generous, since this
 * process may be preempted between the two reads on a loaded machine; a missed offset is hours. */
static void check_domain_time(const char *name, long long got_ns, long long resolution_ns) {
    char d[160];
    long long from_page = got_ns - page_ns();
    long long from_host = got_ns - (host_ns(CLOCK_REALTIME) + offset_ns);
    snprintf(d, sizeof d, "minus page %lld ns, minus host+offset %lld ns", from_page, from_host);
    check(llabs(from_page) < 250000000LL + resolution_ns && llabs(from_host) < NS + resolution_ns, name, d);
}

/* Elapsed monotonic time of a wait for "domain now + 1 s": about 1 s, never 0 or OFFSET_S. */
static void check_one_second(const char *name, long long t0, int rc, int expected_rc) {
    char d[120];
    long long el = host_ns(CLOCK_MONOTONIC) - t0;
    snprintf(d, sizeof d, "returned %d after %.3f s", rc, el / 1e9);
    check(rc == expected_rc && el >= 900000000LL && el < 5 * NS, name, d);
}

/* From the page, not from the interposed clock: without translation the wait would be off by OFFSET_S. */
static struct timespec domain_deadline(long long from_now_ns) {
    struct timespec d;
    long long t = page_ns() + from_now_ns;
    d.tv_sec = t / NS;
    d.tv_nsec = t % NS;
    return d;
}

static pthread_mutex_t held = PTHREAD_MUTEX_INITIALIZER;
static sem_t locked_sem, release_holder;

static void *holder(void *arg) {
    (void)arg;
    pthread_mutex_lock(&held);
    sem_post(&locked_sem);
    sem_wait(&release_holder);
    pthread_mutex_unlock(&held);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 2 || getenv("WALLSYNC_PAGE") == NULL) {
        fprintf(stderr, "usage: WALLSYNC_PAGE=PAGE LD_PRELOAD=libwallsync-preload.so %s OFFSET_S\n", argv[0]);
        return 2;
    }
    offset_ns = atoll(argv[1]) * NS;
    int fd = open(getenv("WALLSYNC_PAGE"), O_RDONLY | O_CLOEXEC);
    page = fd < 0 ? MAP_FAILED : mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
    if (page == MAP_FAILED || wallsync_check(page) != WALLSYNC_OK) {
        fprintf(stderr, "%s: not a wallsync page\n", getenv("WALLSYNC_PAGE"));
        return 1;
    }
    close(fd);
    alarm(60);
    struct timespec ts;
    char d[160];

    /* ---- reads */
    clock_gettime(CLOCK_REALTIME, &ts);
    check_domain_time("clock_gettime(CLOCK_REALTIME)", ns_of(&ts), 0);
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    check_domain_time("clock_gettime(CLOCK_REALTIME_COARSE)", ns_of(&ts), 10000000LL);
    struct timeval tv;
    gettimeofday(&tv, NULL);
    check_domain_time("gettimeofday", (long long)tv.tv_sec * NS + tv.tv_usec * 1000LL, 1000);
    check_domain_time("time", (long long)time(NULL) * NS, NS);
    time_t t_out = 0;
    time(&t_out);
    check_domain_time("time(&t)", (long long)t_out * NS, NS);
    check(timespec_get(&ts, TIME_UTC) == TIME_UTC, "timespec_get returns TIME_UTC", "");
    check_domain_time("timespec_get(TIME_UTC)", ns_of(&ts), 0);

    /* TAI - UTC as the page says when it carries it, else as the host kernel says. */
    struct timespec tai, utc;
    clock_gettime(CLOCK_TAI, &tai);
    clock_gettime(CLOCK_REALTIME, &utc);
    struct wallsync_status st = {0};
    if (wallsync_status(page, &st, 0) != WALLSYNC_OK) check(0, "page status readable", "");
    long long want_tai = (st.flags & WALLSYNC_FLAG_TAI_OFFSET_VALID)
                             ? st.tai_offset_sec
                             : (host_ns(CLOCK_TAI) - host_ns(CLOCK_REALTIME) + NS / 2) / NS;
    long long got_tai = (ns_of(&tai) - ns_of(&utc) + NS / 2) / NS;
    snprintf(d, sizeof d, "TAI - UTC = %lld s, expected %lld s", got_tai, want_tai);
    check(got_tai == want_tai, "clock_gettime(CLOCK_TAI)", d);

    /* ---- untouched clocks */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    snprintf(d, sizeof d, "minus host %lld ns", ns_of(&ts) - host_ns(CLOCK_MONOTONIC));
    check(llabs(ns_of(&ts) - host_ns(CLOCK_MONOTONIC)) < 250000000LL, "clock_gettime(CLOCK_MONOTONIC) untouched", d);
    clock_gettime(CLOCK_BOOTTIME, &ts);
    check(llabs(ns_of(&ts) - host_ns(CLOCK_BOOTTIME)) < 250000000LL, "clock_gettime(CLOCK_BOOTTIME) untouched", "");

    /* ---- sets: invalid tv_nsec / tv_usec, so that the kernel would answer EINVAL and change
     * nothing if the call were not interposed; the library answers EPERM before looking. */
    struct timespec bad = {.tv_sec = 0, .tv_nsec = -1};
    errno = 0;
    int r = clock_settime(CLOCK_REALTIME, &bad);
    snprintf(d, sizeof d, "returned %d errno %d (%s)", r, errno, strerror(errno));
    check(r == -1 && errno == EPERM, "clock_settime(CLOCK_REALTIME) is EPERM", d);
    struct timeval badtv = {.tv_sec = 0, .tv_usec = -1};
    errno = 0;
    r = settimeofday(&badtv, NULL);
    snprintf(d, sizeof d, "returned %d errno %d (%s)", r, errno, strerror(errno));
    check(r == -1 && errno == EPERM, "settimeofday is EPERM", d);

    /* ---- absolute waits until "domain now + 1 s" */
    struct timespec dl = domain_deadline(NS);
    long long t0 = host_ns(CLOCK_MONOTONIC);
    r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL);
    check_one_second("clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME)", t0, r, 0);

    int tfd = timerfd_create(CLOCK_REALTIME, TFD_CLOEXEC);
    struct itimerspec its = {.it_interval = {0, 0}, .it_value = domain_deadline(NS)};
    t0 = host_ns(CLOCK_MONOTONIC);
    r = timerfd_settime(tfd, TFD_TIMER_ABSTIME, &its, NULL);
    uint64_t expirations = 0;
    ssize_t n = read(tfd, &expirations, sizeof expirations);
    check_one_second("timerfd_settime(REALTIME, TFD_TIMER_ABSTIME)", t0, r == 0 && n == 8 && expirations == 1 ? 0 : -1,
                     0);
    close(tfd);

    pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
    pthread_cond_t c = PTHREAD_COND_INITIALIZER;
    pthread_mutex_lock(&m);
    dl = domain_deadline(NS);
    t0 = host_ns(CLOCK_MONOTONIC);
    do r = pthread_cond_timedwait(&c, &m, &dl); /* 0 is a (permitted) spurious wake-up */
    while (r == 0);
    pthread_mutex_unlock(&m);
    check_one_second("pthread_cond_timedwait (default clock)", t0, r, ETIMEDOUT);

    /* A CLOCK_MONOTONIC condvar is not translated: its deadline is a monotonic time. */
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_t cm;
    pthread_cond_init(&cm, &ca);
    pthread_mutex_lock(&m);
    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += 1;
    t0 = host_ns(CLOCK_MONOTONIC);
    do r = pthread_cond_timedwait(&cm, &m, &ts);
    while (r == 0);
    pthread_mutex_unlock(&m);
    check_one_second("pthread_cond_timedwait (CLOCK_MONOTONIC condattr) untouched", t0, r, ETIMEDOUT);

    sem_t s;
    sem_init(&s, 0, 0);
    dl = domain_deadline(NS);
    t0 = host_ns(CLOCK_MONOTONIC);
    r = sem_timedwait(&s, &dl);
    check_one_second("sem_timedwait", t0, r == -1 && errno == ETIMEDOUT ? ETIMEDOUT : r, ETIMEDOUT);

    sem_init(&locked_sem, 0, 0);
    sem_init(&release_holder, 0, 0);
    pthread_t th;
    pthread_create(&th, NULL, holder, NULL);
    sem_wait(&locked_sem);
    dl = domain_deadline(NS);
    t0 = host_ns(CLOCK_MONOTONIC);
    r = pthread_mutex_timedlock(&held, &dl);
    check_one_second("pthread_mutex_timedlock", t0, r, ETIMEDOUT);
    sem_post(&release_holder);
    pthread_join(th, NULL);

    /* A deadline one second in the domain's past returns at once. */
    dl = domain_deadline(-NS);
    t0 = host_ns(CLOCK_MONOTONIC);
    r = clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &dl, NULL);
    long long el = host_ns(CLOCK_MONOTONIC) - t0;
    snprintf(d, sizeof d, "returned %d after %.3f s", r, el / 1e9);
    check(r == 0 && el < NS / 2, "clock_nanosleep until the domain's past returns at once", d);

    /* ---- relative waits untouched */
    struct timespec rel = {.tv_sec = 1, .tv_nsec = 0};
    t0 = host_ns(CLOCK_MONOTONIC);
    r = clock_nanosleep(CLOCK_REALTIME, 0, &rel, NULL);
    check_one_second("clock_nanosleep(CLOCK_REALTIME, relative) untouched", t0, r, 0);
    t0 = host_ns(CLOCK_MONOTONIC);
    r = nanosleep(&rel, NULL);
    check_one_second("nanosleep untouched", t0, r, 0);

    printf("%d failure(s)\n", failures);
    return failures == 0 ? 0 : 1;
}
