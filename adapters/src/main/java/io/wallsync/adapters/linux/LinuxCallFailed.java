package io.wallsync.adapters.linux;

/**
 * A libc call that cannot fail on a sound Linux host returned -1: the environment is broken (a
 * seccomp filter, a kernel without timerfd, a closed descriptor). Carries the call and its errno.
 */
public final class LinuxCallFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String call;
    private final int errno;

    public LinuxCallFailed(String call, int errno) {
        super(call + " failed with errno " + errno);
        this.call = call;
        this.errno = errno;
    }

    public String call() {
        return call;
    }

    public int errno() {
        return errno;
    }
}
