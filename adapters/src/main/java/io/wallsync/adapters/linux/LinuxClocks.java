package io.wallsync.adapters.linux;

import io.wallsync.core.port.HostSample;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * clock_gettime(2) for the four clocks wallsync uses, in nanoseconds. Each instance owns a small
 * native buffer, so one instance is used by one thread at a time (the daemon's push thread, a test).
 *
 * <ul>
 *   <li>CLOCK_REALTIME: dom0's wall time.
 *   <li>CLOCK_MONOTONIC: the "hypervisor system time" of the real mode; page readers add it to wc.
 *   <li>CLOCK_BOOTTIME: monotonic including suspend.
 *   <li>CLOCK_TAI: REALTIME + the kernel's TAI offset.
 * </ul>
 */
public final class LinuxClocks implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment timespec = arena.allocate(Libc.TIMESPEC);

    public long realtimeNs() {
        return read(Libc.CLOCK_REALTIME);
    }

    public long monotonicNs() {
        return read(Libc.CLOCK_MONOTONIC);
    }

    public long boottimeNs() {
        return read(Libc.CLOCK_BOOTTIME);
    }

    public long taiNs() {
        return read(Libc.CLOCK_TAI);
    }

    private long read(int clockId) {
        int rc;
        try {
            rc = (int) Libc.CLOCK_GETTIME.invokeExact(clockId, timespec);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc != 0) {
            // clock_gettime fails only with EINVAL (unknown clock) or EFAULT; both are bugs here.
            throw new LinuxCallFailed("clock_gettime(" + clockId + ")", -1);
        }
        long sec = timespec.get(ValueLayout.JAVA_LONG, 0);
        long nsec = timespec.get(ValueLayout.JAVA_LONG, 8);
        return Math.addExact(Math.multiplyExact(sec, 1_000_000_000L), nsec);
    }

    /**
     * CLOCK_REALTIME paired with the CLOCK_MONOTONIC instant it was read at: three brackets
     * monotonic, realtime, monotonic; the tightest wins and its midpoint is the instant. The
     * bracket is some tens of ns wide, so the pair is that exact even if the thread was preempted
     * during one of the tries.
     */
    public HostSample sample() {
        long bestWidth = Long.MAX_VALUE;
        long bestReal = 0;
        long bestMid = 0;
        for (int i = 0; i < 3; i++) {
            long before = monotonicNs();
            long real = realtimeNs();
            long after = monotonicNs();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                bestReal = real;
                bestMid = before + (after - before) / 2;
            }
        }
        return new HostSample(bestReal, bestMid);
    }

    @Override
    public void close() {
        arena.close();
    }
}
