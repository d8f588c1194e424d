/*
 * An unprivileged local attacker of the control socket: opens N connections to SOCKET and holds
 * them (with "partial", each sends half a request line and never the newline), prints
 * "held N_CONNECTED" (stopping at the first connect that fails) and waits to be killed. Raises its RLIMIT_NOFILE soft limit to the hard limit
 * first. Bounded: every connect times out after 2 s (SO_SNDTIMEO bounds a connect to a full
 * backlog), and alarm() ends the process after LIFETIME_S seconds even if nobody kills it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s SOCKET N LIFETIME_S [partial]\n", argv[0]);
        return 2;
    }
    long n = strtol(argv[2], NULL, 10);
    alarm((unsigned)strtoul(argv[3], NULL, 10));
    int partial = argc > 4 && strcmp(argv[4], "partial") == 0;
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
    }
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    strncpy(addr.sun_path, argv[1], sizeof addr.sun_path - 1);
    struct timeval timeout = {.tv_sec = 2};
    long held = 0;
    int last_errno = 0;
    for (long i = 0; i < n; i++) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) {
            last_errno = errno;
            break;
        }
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
        if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
            last_errno = errno; /* a backlog full for 2 s: the daemon stopped accepting */
            close(fd);
            break;
        }
        if (partial && send(fd, "li", 2, MSG_NOSIGNAL) != 2) {
            last_errno = errno;
        }
        held++;
    }
    printf("held %ld%s%s\n", held, last_errno ? " last error: " : "", last_errno ? strerror(last_errno) : "");
    fflush(stdout);
    for (;;) pause();
}
