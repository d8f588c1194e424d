package io.wallsync.adapters.linux;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc functions the Linux adapters call, bound once through the FFM linker. Every binding
 * that can fail captures errno (Linker.Option.captureCallState), and callers read the captured
 * errno only when the call returned -1: on success errno holds whatever an earlier call left.
 *
 * <p>Constants are the Linux UAPI values, the same on x86_64 and aarch64 (include/uapi/linux/time.h,
 * include/uapi/asm-generic/errno.h, include/uapi/linux/timerfd.h, include/uapi/asm-generic/fcntl.h).
 */
@SuppressWarnings("restricted") // binding libc is the point of this class; callers need native access
final class Libc {
    static final int CLOCK_REALTIME = 0;
    static final int CLOCK_MONOTONIC = 1;
    static final int CLOCK_BOOTTIME = 7;
    static final int CLOCK_TAI = 11;

    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ECONNREFUSED = 111;
    static final int ECANCELED = 125;

    static final int TFD_TIMER_ABSTIME = 1;
    static final int TFD_TIMER_CANCEL_ON_SET = 2;
    /** TFD_CLOEXEC = O_CLOEXEC = 02000000 (octal). */
    static final int TFD_CLOEXEC = 0x80000;
    /** TFD_NONBLOCK = O_NONBLOCK = 04000 (octal). */
    static final int TFD_NONBLOCK = 0x800;

    static final short POLLIN = 0x1;

    /** struct timespec { time_t tv_sec; long tv_nsec; } on LP64: 16 bytes. */
    static final StructLayout TIMESPEC = MemoryLayout.structLayout(
            ValueLayout.JAVA_LONG.withName("tv_sec"), ValueLayout.JAVA_LONG.withName("tv_nsec"));

    /** struct itimerspec { struct timespec it_interval; struct timespec it_value; }: 32 bytes. */
    static final StructLayout ITIMERSPEC =
            MemoryLayout.structLayout(TIMESPEC.withName("it_interval"), TIMESPEC.withName("it_value"));

    /** struct pollfd { int fd; short events; short revents; }: 8 bytes. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));

    /** sizeof(struct timex) on LP64 Linux (include/uapi/linux/timex.h): 208 bytes. */
    static final long TIMEX_SIZE = 208;

    static final StructLayout CAPTURE_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    static final MethodHandle CLOCK_GETTIME;
    static final MethodHandle ADJTIMEX;
    static final MethodHandle ADJTIME;
    static final MethodHandle TIMERFD_CREATE;
    static final MethodHandle TIMERFD_SETTIME;
    static final MethodHandle READ;
    static final MethodHandle POLL;
    static final MethodHandle CLOSE;

    static {
        // clock_gettime is served by the vDSO; no errno capture on the hot path (it cannot fail for
        // the fixed clock ids we pass, and a failure is reported through its -1 return).
        CLOCK_GETTIME = LINKER.downcallHandle(
                LINKER.defaultLookup().findOrThrow("clock_gettime"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                Linker.Option.critical(false));
        ADJTIMEX = bindWithErrno("adjtimex", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
        // adjtime(delta, olddelta), only ever called with delta = NULL: a query (see Adjtimex.singleshotUs).
        ADJTIME = bindWithErrno(
                "adjtime", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.ADDRESS));
        TIMERFD_CREATE = bindWithErrno(
                "timerfd_create",
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        TIMERFD_SETTIME = bindWithErrno(
                "timerfd_settime",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS));
        READ = bindWithErrno(
                "read",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG));
        POLL = bindWithErrno(
                "poll",
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        CLOSE = bindWithErrno("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    }

    /**
     * Binds libc function {@code name} with errno captured: the handle takes a capture-state segment
     * (see {@link #captureState}) as its first argument, before the C arguments.
     */
    static MethodHandle bindWithErrno(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().findOrThrow(name), descriptor, CAPTURE_ERRNO);
    }

    private Libc() {}

    /** Allocates a capture-state buffer for one errno-capturing call. */
    static MemorySegment captureState(Arena arena) {
        return arena.allocate(CAPTURE_STATE);
    }

    /** errno captured by the last call that used this buffer; meaningful only after a -1 return. */
    static int errno(MemorySegment captureState) {
        return (int) ERRNO.get(captureState, 0L);
    }

    /**
     * close(2) of {@code fd} (its result ignored: nothing to do about a failed close), then closes
     * {@code arena}, which must hold {@code captureState}, whatever the call did.
     */
    static void closeFd(MemorySegment captureState, int fd, Arena arena) {
        try {
            int ignored = (int) CLOSE.invokeExact(captureState, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        } finally {
            arena.close();
        }
    }

    /** Rethrows what a downcall threw; the bindings above declare no checked exceptions. */
    static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException("native call failed", t);
    }
}
