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

    static final int EINTR = 4;
    static final int EAGAIN = 11;
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

    static final MethodHandle CLOCK_GETTIME;
    static final MethodHandle ADJTIMEX;
    static final MethodHandle TIMERFD_CREATE;
    static final MethodHandle TIMERFD_SETTIME;
    static final MethodHandle READ;
    static final MethodHandle POLL;
    static final MethodHandle CLOSE;

    static {
        Linker linker = Linker.nativeLinker();
        Linker.Option errno = Linker.Option.captureCallState("errno");
        // clock_gettime is served by the vDSO; no errno capture on the hot path (it cannot fail for
        // the fixed clock ids we pass, and a failure is reported through its -1 return).
        CLOCK_GETTIME = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("clock_gettime"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                Linker.Option.critical(false));
        ADJTIMEX = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("adjtimex"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS),
                errno);
        TIMERFD_CREATE = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("timerfd_create"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                errno);
        TIMERFD_SETTIME = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("timerfd_settime"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.JAVA_INT,
                        ValueLayout.ADDRESS,
                        ValueLayout.ADDRESS),
                errno);
        READ = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("read"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG),
                errno);
        POLL = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("poll"),
                FunctionDescriptor.of(
                        ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT),
                errno);
        CLOSE = linker.downcallHandle(
                linker.defaultLookup().findOrThrow("close"),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
                errno);
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
