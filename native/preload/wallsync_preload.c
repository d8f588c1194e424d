/*
 * libwallsync-preload.so - unmodified dynamically linked programs live in a wallsync domain's wall
 * time. `wallsync run` preloads it (LD_PRELOAD) and names the domain's page (WALLSYNC_PAGE).
 *
 * Interposed (everything else, including every monotonic clock and every relative wait, is the
 * C library's own code, untouched):
 *
 *   reads  clock_gettime(CLOCK_REALTIME | CLOCK_REALTIME_COARSE | CLOCK_TAI), gettimeofday, time,
 *          timespec_get(TIME_UTC)
 *   waits  clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME), timerfd_settime(REALTIME timerfd,
 *          TFD_TIMER_ABSTIME), pthread_cond_timedwait (condvar on the default CLOCK_REALTIME),
 *          sem_timedwait, pthread_mutex_timedlock: the absolute domain deadline becomes a host
 *          CLOCK_REALTIME deadline, so a host clock step moves the wait exactly as the kernel moves
 *          a real one; a domain offset change is seen within WAIT_SLICE_NS (the wait is sliced).
 *   sets   clock_settime(CLOCK_REALTIME | CLOCK_TAI), settimeofday(tv != NULL): EPERM, the host
 *          clock is never touched.
 *
 * The page is read with include/wallsync.h (seqlock, heartbeat): no copy of its logic here. Its
 * CLOCK_MONOTONIC reads go straight to the C library's clock_gettime, not through this file's.
 *
 * Environment:
 *   WALLSYNC_PAGE      path of the domain's page file (unset: the library passes everything through)
 *   WALLSYNC_ON_STALE  keep (default): when the page is stale, corrupt or cannot be read, follow the
 *                      host CLOCK_REALTIME plus the domain's last known offset, and say so once on
 *                      stderr; fail: the call fails (clock_gettime/gettimeofday -1 with errno
 *                      ESTALE for a stale heartbeat, EIO otherwise; time() (time_t)-1;
 *                      timespec_get 0; waits return that errno), also said once on stderr.
 *
 * Bootstrapping: the real functions are looked up lazily with dlsym/dlvsym(RTLD_NEXT); a call that
 * arrives while the lookup itself runs (an allocator that reads the clock inside dlsym) is served
 * by the raw system call, so it can never recurse.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#define EXPORT __attribute__((visibility("default")))
#define NS_PER_S 1000000000LL
/* Longest single host wait: a domain offset change is noticed at most this late by a waiter. */
#define WAIT_SLICE_NS 1000000000LL
/* A page that went missing or was replaced is looked for again at most this often. */
#define REOPEN_INTERVAL_NS 1000000000LL

typedef int (*clock_gettime_fn)(clockid_t, struct timespec *);
typedef int (*clock_nanosleep_fn)(clockid_t, int, const struct timespec *, struct timespec *);
typedef int (*timerfd_settime_fn)(int, int, const struct itimerspec *, struct itimerspec *);
typedef int (*cond_timedwait_fn)(pthread_cond_t *, pthread_mutex_t *, const struct timespec *);
typedef int (*sem_timedwait_fn)(sem_t *, const struct timespec *);
typedef int (*mutex_timedlock_fn)(pthread_mutex_t *, const struct timespec *);
typedef int (*timespec_get_fn)(struct timespec *, int);

static clock_gettime_fn real_clock_gettime; /* the C library's: every pass-through call */
static clock_gettime_fn fast_clock_gettime; /* the vDSO's, else the C library's: our own reads */
static clock_nanosleep_fn real_clock_nanosleep;
static timerfd_settime_fn real_timerfd_settime;
static cond_timedwait_fn real_cond_timedwait;
static sem_timedwait_fn real_sem_timedwait;
static mutex_timedlock_fn real_mutex_timedlock;
static timespec_get_fn real_timespec_get;

static void ensure_init(void);

/*
 * This library's own reads of the host clocks (CLOCK_MONOTONIC for the page, CLOCK_REALTIME and
 * CLOCK_TAI when translating), which cannot fail for these ids: the vDSO entry, which returns
 * -errno instead of setting errno and so is never handed a caller's clock id. While the lookup
 * runs, the system call.
 */
static int host_clock_gettime(clockid_t id, struct timespec *ts) {
    clock_gettime_fn f = __atomic_load_n(&fast_clock_gettime, __ATOMIC_ACQUIRE);
    if (__builtin_expect(f != NULL, 1)) return f(id, ts);
    ensure_init();
    f = __atomic_load_n(&fast_clock_gettime, __ATOMIC_ACQUIRE);
    return f ? f(id, ts) : (int)syscall(SYS_clock_gettime, id, ts);
}

/* wallsync.h reads CLOCK_MONOTONIC with clock_gettime: make that the host's, not ours. */
#define clock_gettime host_clock_gettime
#include "wallsync.h"
#undef clock_gettime

enum on_stale { ON_STALE_KEEP, ON_STALE_FAIL };

static const char *page_path;              /* NULL: not in a domain, pass everything through */
static const void *volatile page;          /* current mapping (never unmapped: readers may hold it) */
/* The same mapping when it is a whole page v2 whose counter path works (TSC + vmclock, no system
 * call: wallsync_vmclock_time), else NULL; and the age beyond which its reference is stale. */
static const void *volatile fast_page;
static uint64_t fast_max_age_ns;
static enum on_stale on_stale = ON_STALE_KEEP;
static int32_t last_offset_sec;            /* the domain's time_offset_sec when last read */
static int warned;                         /* stderr message given (once per process) */
static int ever_mapped;                    /* a good page was seen: last_offset_sec is the domain's */
static int64_t last_reopen_ns;
static pthread_once_t init_once = PTHREAD_ONCE_INIT;
static int ready;
static __thread int resolving;

static void *next_symbol(const char *name, const char *version) {
    void *f = version ? dlvsym(RTLD_NEXT, name, version) : NULL;
    return f ? f : dlsym(RTLD_NEXT, name);
}

static void say_once(const char *what, int rc) {
    if (__atomic_exchange_n(&warned, 1, __ATOMIC_ACQ_REL)) return;
    const char *why = rc == WALLSYNC_ERR_STALE          ? "heartbeat is stale (is wallsync serve running?)"
                      : rc == WALLSYNC_ERR_WRITER_STUCK ? "seqlock stayed odd (writer stuck)"
                      : rc == WALLSYNC_ERR_NOT_A_PAGE   ? "is not a wallsync page"
                                                        : "cannot be read";
    char msg[512];
    int n;
    if (on_stale == ON_STALE_KEEP && !ever_mapped) {
        n = snprintf(msg, sizeof msg,
                     "wallsync-preload: page %s %s; %s: no domain offset known, following the host clock "
                     "unchanged until the page can be read\n",
                     page_path, why, what);
    } else if (on_stale == ON_STALE_KEEP) {
        n = snprintf(msg, sizeof msg,
                     "wallsync-preload: page %s %s; %s: following the host clock %+d s (last known domain "
                     "offset) until the page is good again\n",
                     page_path, why, what, (int)last_offset_sec);
    } else {
        n = snprintf(msg, sizeof msg, "wallsync-preload: page %s %s; %s: failing time calls (WALLSYNC_ON_STALE=fail)\n",
                     page_path, why, what);
    }
    if (n > 0) {
        ssize_t ignored = write(STDERR_FILENO, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
        (void)ignored;
    }
}

/* Maps the page at page_path; NULL when it cannot be opened or is not a page. */
static const void *map_page(struct stat *st) {
    int fd = open(page_path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return NULL;
    const void *p = NULL;
    if (fstat(fd, st) == 0 && st->st_size >= WALLSYNC_PAGE_V1_SIZE) { /* wallsync_now reads bytes 0..4095 only */
        p = mmap(NULL, WALLSYNC_PAGE_SIZE, PROT_READ, MAP_SHARED, fd, 0);
        if (p == MAP_FAILED || wallsync_check(p) != WALLSYNC_OK) {
            if (p != MAP_FAILED) munmap((void *)p, WALLSYNC_PAGE_SIZE);
            p = NULL;
        }
    }
    close(fd);
    return p;
}

/* Makes p the current page; its counter path too when p is a whole page v2 the counter path accepts. */
static void adopt(const void *p, const struct stat *st) {
    const void *fast = NULL;
#if WALLSYNC_HAVE_COUNTER_PATH && defined(__SIZEOF_INT128__)
    struct wallsync_reading r;
    if (st->st_size >= WALLSYNC_PAGE_SIZE && wallsync_layout_version(p) == WALLSYNC_LAYOUT_VERSION &&
        wallsync_vmclock_read(p, &r, 0, 0) == WALLSYNC_OK && r.path == WALLSYNC_PATH_COUNTER) {
        __atomic_store_n(&fast_max_age_ns, wallsync_stale_limit_ns_(p, 0), __ATOMIC_RELAXED);
        fast = p;
    }
#else
    (void)st;
#endif
    page = p;
    fast_page = fast;
}

static void remember_offset(const void *p) {
    struct wallsync_status st;
    if (wallsync_status(p, &st, 0) == WALLSYNC_OK) {
        __atomic_store_n(&last_offset_sec, st.time_offset_sec, __ATOMIC_RELAXED);
        __atomic_store_n(&ever_mapped, 1, __ATOMIC_RELEASE);
    }
}

/* The vDSO's clock_gettime (glibc's dlopen finds the vDSO by its soname), or NULL. */
static clock_gettime_fn vdso_clock_gettime(void) {
    void *vdso = dlopen("linux-vdso.so.1", RTLD_LAZY | RTLD_NOLOAD);
    return vdso ? (clock_gettime_fn)dlvsym(vdso, "__vdso_clock_gettime", "LINUX_2.6") : NULL;
}

static void init(void) {
    resolving = 1;
    clock_gettime_fn libc_cgt = (clock_gettime_fn)next_symbol("clock_gettime", NULL);
    clock_gettime_fn vdso_cgt = vdso_clock_gettime();
    __atomic_store_n(&real_clock_gettime, libc_cgt, __ATOMIC_RELEASE);
    __atomic_store_n(&fast_clock_gettime, vdso_cgt ? vdso_cgt : libc_cgt, __ATOMIC_RELEASE);
    real_clock_nanosleep = (clock_nanosleep_fn)next_symbol("clock_nanosleep", NULL);
    real_timerfd_settime = (timerfd_settime_fn)next_symbol("timerfd_settime", NULL);
    /* x86_64 glibc has two: @GLIBC_2.2.5 (old condvar ABI) and @@GLIBC_2.3.2; programs use the new. */
    real_cond_timedwait = (cond_timedwait_fn)next_symbol("pthread_cond_timedwait", "GLIBC_2.3.2");
    real_sem_timedwait = (sem_timedwait_fn)next_symbol("sem_timedwait", NULL);
    real_mutex_timedlock = (mutex_timedlock_fn)next_symbol("pthread_mutex_timedlock", NULL);
    real_timespec_get = (timespec_get_fn)next_symbol("timespec_get", NULL);
    resolving = 0;

    const char *path = getenv("WALLSYNC_PAGE");
    const char *mode = getenv("WALLSYNC_ON_STALE");
    if (mode && strcmp(mode, "fail") == 0) on_stale = ON_STALE_FAIL;
    if (path && *path) {
        page_path = strdup(path);
        if (page_path) {
            struct stat st;
            const void *p = map_page(&st);
            if (p) {
                remember_offset(p);
                adopt(p, &st);
            } else {
                say_once("at start", WALLSYNC_ERR_CLOCK);
            }
        }
    }
    __atomic_store_n(&ready, 1, __ATOMIC_RELEASE);
}

/* Runs init once, unless this thread is inside init's own dlsym (then the callers use syscalls). */
static void ensure_init(void) {
    if (!resolving) pthread_once(&init_once, init);
}

/* The library initialises itself in its constructor, or at the first call that comes earlier. */
__attribute__((constructor)) static void wallsync_preload_init(void) { ensure_init(); }

/* Whether this process lives in a domain; resolves the real functions on first use. */
static inline int in_domain(void) {
    if (__builtin_expect(!__atomic_load_n(&ready, __ATOMIC_ACQUIRE), 0)) {
        ensure_init();
        if (!__atomic_load_n(&ready, __ATOMIC_ACQUIRE)) return 0; /* inside dlsym: the host clock */
    }
    return page_path != NULL;
}

static inline int64_t ts_ns(const struct timespec *ts) { return (int64_t)ts->tv_sec * NS_PER_S + ts->tv_nsec; }

static inline void ns_ts(int64_t ns, struct timespec *ts) {
    int64_t sec = ns / NS_PER_S, nsec = ns % NS_PER_S;
    if (nsec < 0) {
        nsec += NS_PER_S;
        sec--;
    }
    ts->tv_sec = (time_t)sec;
    ts->tv_nsec = (long)nsec;
}

/*
 * The page failed with rc: if it was replaced or reappeared (daemon restarted), map the new one;
 * otherwise apply the policy. Returns 0 with *out set (keep), or an errno (fail).
 */
static int degraded_now(int rc, struct timespec *out) {
    struct timespec mono;
    host_clock_gettime(CLOCK_MONOTONIC, &mono);
    int64_t now = ts_ns(&mono), last = __atomic_load_n(&last_reopen_ns, __ATOMIC_RELAXED);
    if (now - last >= REOPEN_INTERVAL_NS && __atomic_compare_exchange_n(&last_reopen_ns, &last, now, 0,
                                                                        __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
        struct stat st;
        const void *p = map_page(&st);
        if (p) {
            if (wallsync_now(p, out, 0, 0) == WALLSYNC_OK) {
                remember_offset(p);
                adopt(p, &st); /* the old mapping stays: another thread may still be reading it */
                __atomic_store_n(&warned, 0, __ATOMIC_RELEASE);
                return 0;
            }
            munmap((void *)p, WALLSYNC_PAGE_SIZE);
        }
    }
    /* The page the daemon left behind still says the offset it last published (a set-offset
     * since start included), unless the page itself is what went bad. */
    const void *cur = page;
    if (cur && wallsync_check(cur) == WALLSYNC_OK) remember_offset(cur);
    say_once(on_stale == ON_STALE_KEEP ? "keeping the offset" : "failing", rc);
    if (on_stale == ON_STALE_FAIL) return rc == WALLSYNC_ERR_STALE ? ESTALE : EIO;
    struct timespec host;
    host_clock_gettime(CLOCK_REALTIME, &host);
    ns_ts(ts_ns(&host) + (int64_t)__atomic_load_n(&last_offset_sec, __ATOMIC_RELAXED) * NS_PER_S, out);
    return 0;
}

/* The domain's CLOCK_REALTIME. 0 or an errno (only with WALLSYNC_ON_STALE=fail). */
static inline int domain_now(struct timespec *out) {
#if WALLSYNC_HAVE_COUNTER_PATH && defined(__SIZEOF_INT128__)
    /* The counter path first: no system call. Anything it cannot answer goes the wc path below. */
    const void *f = fast_page;
    if (__builtin_expect(f != NULL, 1) &&
        wallsync_vmclock_time(f, out, __atomic_load_n(&fast_max_age_ns, __ATOMIC_RELAXED)) == WALLSYNC_OK)
        return 0;
#endif
    const void *p = page;
    int rc = p ? wallsync_now(p, out, 0, 0) : WALLSYNC_ERR_CLOCK;
    if (__builtin_expect(rc == WALLSYNC_OK, 1)) return 0;
    return degraded_now(rc, out);
}

/* TAI - UTC: the page's when it carries one, else the host kernel's. */
static int tai_offset_sec(void) {
    struct wallsync_status st;
    const void *p = page;
    if (p && wallsync_status(p, &st, 0) == WALLSYNC_OK && (st.flags & WALLSYNC_FLAG_TAI_OFFSET_VALID))
        return st.tai_offset_sec;
    struct timespec utc, tai;
    host_clock_gettime(CLOCK_REALTIME, &utc);
    host_clock_gettime(CLOCK_TAI, &tai);
    return (int)((ts_ns(&tai) - ts_ns(&utc) + NS_PER_S / 2) / NS_PER_S);
}

/* ---------------------------------------------------------------- reads */

EXPORT int clock_gettime(clockid_t id, struct timespec *ts) {
    if ((id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE || id == CLOCK_TAI) && in_domain()) {
        int err = domain_now(ts);
        if (__builtin_expect(err != 0, 0)) {
            errno = err;
            return -1;
        }
        if (id == CLOCK_TAI) ts->tv_sec += tai_offset_sec();
        return 0;
    }
    clock_gettime_fn f = __atomic_load_n(&real_clock_gettime, __ATOMIC_ACQUIRE);
    if (__builtin_expect(f == NULL, 0)) {
        ensure_init();
        f = __atomic_load_n(&real_clock_gettime, __ATOMIC_ACQUIRE);
        if (f == NULL) return (int)syscall(SYS_clock_gettime, id, ts); /* called from inside dlsym */
    }
    return f(id, ts);
}

/* glibc declares tv nonnull, yet callers pass NULL (the kernel accepts it): check anyway. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnonnull-compare"
EXPORT int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    struct timespec ts;
    if (!in_domain()) {
        int r = host_clock_gettime(CLOCK_REALTIME, &ts);
        if (r != 0) return r;
    } else {
        int err = domain_now(&ts);
        if (err != 0) {
            errno = err;
            return -1;
        }
    }
    if (tv) {
        tv->tv_sec = ts.tv_sec;
        tv->tv_usec = ts.tv_nsec / 1000;
    }
    if (tz) memset(tz, 0, sizeof(struct timezone)); /* as glibc: the kernel's timezone is obsolete */
    return 0;
}
#pragma GCC diagnostic pop

EXPORT time_t time(time_t *t) {
    struct timespec ts;
    if (!in_domain()) {
        host_clock_gettime(CLOCK_REALTIME, &ts);
    } else {
        int err = domain_now(&ts);
        if (err != 0) {
            errno = err;
            return (time_t)-1;
        }
    }
    if (t) *t = ts.tv_sec;
    return ts.tv_sec;
}

EXPORT int timespec_get(struct timespec *ts, int base) {
    int domain = in_domain();
    if (base != TIME_UTC || !domain) /* C23 TIME_MONOTONIC and friends (glibc 2.36) untouched */
        return real_timespec_get ? real_timespec_get(ts, base) : 0;
    return domain_now(ts) == 0 ? base : 0;
}

/* ---------------------------------------------------------------- sets */

EXPORT int clock_settime(clockid_t id, const struct timespec *ts) {
    if ((id == CLOCK_REALTIME || id == CLOCK_TAI) && in_domain()) {
        errno = EPERM; /* a domain never sets the host clock */
        return -1;
    }
    return (int)syscall(SYS_clock_settime, id, ts);
}

EXPORT int settimeofday(const struct timeval *tv, const struct timezone *tz) {
    if (tv != NULL && in_domain()) {
        errno = EPERM;
        return -1;
    }
    return (int)syscall(SYS_settimeofday, tv, tz);
}

/* ---------------------------------------------------------------- absolute waits */

/*
 * One slice of a wait until domain deadline `deadline`: the host CLOCK_REALTIME deadline to wait
 * for, never more than WAIT_SLICE_NS away, and whether it is the whole wait (*last). 0 or errno.
 */
static int host_deadline(const struct timespec *deadline, struct timespec *host_out, int *last) {
    struct timespec dom, host;
    int err = domain_now(&dom);
    if (err != 0) return err;
    host_clock_gettime(CLOCK_REALTIME, &host);
    int64_t remaining = ts_ns(deadline) - ts_ns(&dom);
    *last = remaining <= WAIT_SLICE_NS;
    ns_ts(ts_ns(&host) + (*last ? remaining : WAIT_SLICE_NS), host_out);
    return 0;
}

static int valid_timespec(const struct timespec *ts) { return ts->tv_nsec >= 0 && ts->tv_nsec < NS_PER_S; }

/* Domain deadline reached? (after a slice timed out) */
static int deadline_passed(const struct timespec *deadline) {
    struct timespec dom;
    return domain_now(&dom) != 0 || ts_ns(&dom) >= ts_ns(deadline);
}

/*
 * Waits with wait_slice (0, ETIMEDOUT or another errno) in host slices until it ends for another
 * reason than a timeout, or the domain's clock reached `deadline`. Returns what the last slice
 * returned, or the errno of a failed domain read.
 */
static int sliced_wait(const struct timespec *deadline, int (*wait_slice)(void *, const struct timespec *),
                       void *object) {
    for (;;) {
        struct timespec host;
        int last, err = host_deadline(deadline, &host, &last);
        if (err != 0) return err;
        int r = wait_slice(object, &host);
        if (r != ETIMEDOUT || last || deadline_passed(deadline)) return r;
    }
}

/* clock_nanosleep reports a completed sleep as 0: ETIMEDOUT here, so that sliced_wait goes on. */
static int nanosleep_slice(void *unused, const struct timespec *host) {
    (void)unused;
    int r = real_clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, host, NULL);
    return r == 0 ? ETIMEDOUT : r;
}

static int sem_slice(void *sem, const struct timespec *host) {
    return real_sem_timedwait(sem, host) == 0 ? 0 : errno;
}

static int mutex_slice(void *mutex, const struct timespec *host) { return real_mutex_timedlock(mutex, host); }

EXPORT int clock_nanosleep(clockid_t id, int flags, const struct timespec *req, struct timespec *rem) {
    int domain = in_domain();
    if (__builtin_expect(real_clock_nanosleep == NULL, 0)) { /* called from inside dlsym */
        int r = (int)syscall(SYS_clock_nanosleep, id, flags, req, rem);
        return r == 0 ? 0 : errno;
    }
    if (!(id == CLOCK_REALTIME && (flags & TIMER_ABSTIME)) || !domain || !valid_timespec(req))
        return real_clock_nanosleep(id, flags, req, rem);
    int r = sliced_wait(req, nanosleep_slice, NULL);
    return r == ETIMEDOUT ? 0 : r;
}

EXPORT int pthread_cond_timedwait(pthread_cond_t *restrict cond, pthread_mutex_t *restrict mutex,
                                  const struct timespec *restrict abstime) {
    /* glibc >= 2.25: bit 1 of __wrefs is the condvar's clock (set by pthread_cond_init for
     * CLOCK_MONOTONIC, nptl/pthread_cond_common.c); such a condvar is left alone. */
    int domain = in_domain();
    unsigned wrefs = __atomic_load_n(&cond->__data.__wrefs, __ATOMIC_RELAXED);
    if ((wrefs & 2u) || !domain || !valid_timespec(abstime))
        return real_cond_timedwait(cond, mutex, abstime);
    struct timespec host;
    int last, err = host_deadline(abstime, &host, &last);
    if (err != 0) return err;
    int r = real_cond_timedwait(cond, mutex, &host);
    /* A slice that ends before the domain deadline is a spurious wake-up, which POSIX allows: the
     * caller re-checks its predicate and waits again, against the then current domain offset. */
    if (r == ETIMEDOUT && !last && !deadline_passed(abstime)) return 0;
    return r;
}

EXPORT int sem_timedwait(sem_t *restrict sem, const struct timespec *restrict abstime) {
    int domain = in_domain();
    if (!domain || !valid_timespec(abstime)) return real_sem_timedwait(sem, abstime);
    int r = sliced_wait(abstime, sem_slice, sem);
    if (r == 0) return 0;
    errno = r;
    return -1;
}

EXPORT int pthread_mutex_timedlock(pthread_mutex_t *restrict mutex, const struct timespec *restrict abstime) {
    int domain = in_domain();
    if (!domain || !valid_timespec(abstime)) return real_mutex_timedlock(mutex, abstime);
    return sliced_wait(abstime, mutex_slice, mutex);
}

/* clockid of a timerfd, from /proc/self/fdinfo (follows dup, fork and exec); -1 if unknown. */
static int timerfd_clockid(int fd) {
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0) return -1;
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n <= 0) return -1;
    buf[n] = '\0';
    const char *c = strstr(buf, "clockid:");
    return c ? atoi(c + 8) : -1;
}

EXPORT int timerfd_settime(int fd, int flags, const struct itimerspec *new_value, struct itimerspec *old_value) {
    int domain = in_domain();
    if (!(flags & TFD_TIMER_ABSTIME) || new_value == NULL || !domain || !valid_timespec(&new_value->it_value) ||
        (new_value->it_value.tv_sec == 0 && new_value->it_value.tv_nsec == 0))
        return real_timerfd_settime(fd, flags, new_value, old_value);
    int clockid = timerfd_clockid(fd);
    if (clockid != CLOCK_REALTIME && clockid != CLOCK_REALTIME_ALARM)
        return real_timerfd_settime(fd, flags, new_value, old_value);
    /* Armed once on the host clock: a host step moves it (and cancels it with
     * TFD_TIMER_CANCEL_ON_SET), a later domain offset change does not (docs/run.md). */
    struct timespec dom, host;
    int err = domain_now(&dom);
    if (err != 0) {
        errno = err;
        return -1;
    }
    host_clock_gettime(CLOCK_REALTIME, &host);
    struct itimerspec translated = *new_value;
    ns_ts(ts_ns(&new_value->it_value) - ts_ns(&dom) + ts_ns(&host), &translated.it_value);
    if (translated.it_value.tv_sec == 0 && translated.it_value.tv_nsec == 0) translated.it_value.tv_nsec = 1;
    return real_timerfd_settime(fd, flags, &translated, old_value);
}
