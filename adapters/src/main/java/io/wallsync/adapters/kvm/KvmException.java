package io.wallsync.adapters.kvm;

import java.io.IOException;

/** A KVM or libc call failed: the call, and the errno by name and number. */
public final class KvmException extends IOException {
    private final int errno;

    public KvmException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.errno = errno;
    }

    public KvmException(String message) {
        super(message);
        this.errno = 0;
    }

    /** The errno the call left, 0 when the failure was not a system call's. */
    public int errno() {
        return errno;
    }

    /** The errno's name ({@code EINTR}, ...), or {@code "-"} when there is none. */
    public String errnoName() {
        return errno == 0 ? "-" : Errno.name(errno);
    }
}
