package io.wallsync.core.ntp;

import io.wallsync.core.port.SyncState;

/**
 * Estimates when the host's NTP daemon last adjusted the kernel clock, for the reference timestamp.
 * Linux does not record that time, but its maxerror tells it: between adjtimex calls the kernel
 * adds 500 us to maxerror every second (kernel/time/ntp.c second_overflow: {@code time_maxerror +=
 * MAXFREQ / NSEC_PER_USEC}, MAXFREQ = 500_000 ns/s), and a daemon that adjusts the clock sets
 * maxerror afresh (chrony: its root distance), which makes it drop.
 *
 * <ul>
 *   <li>A drop of maxerror between two observations means an adjustment happened in between: the
 *       later observation time is used (late by at most the observation interval).
 *   <li>Before the first drop, the adjustment happened at least maxerror / 500 us seconds ago
 *       (maxerror started at some value >= 0): {@code now - maxerror * 2 ms/us} is the earliest
 *       possible time; it is used as the (conservative, old) estimate.
 * </ul>
 *
 * Not thread-safe; time comes in as wall nanoseconds with each observation.
 */
public final class ReferenceTime {
    /** Kernel growth of maxerror: 500 us per second, so 1 us of maxerror is 1/500 s = 2 ms of age. */
    public static final long NS_PER_MAXERROR_US = 2_000_000L;

    private long lastMaxErrorUs = -1;
    private long estimateUnixNanos;

    /** Takes one reading of the sync state at wall time {@code nowUnixNanos}; returns the estimate. */
    public long observe(SyncState state, long nowUnixNanos) {
        long maxErrorUs = state.maxErrorUs();
        if (lastMaxErrorUs < 0) {
            estimateUnixNanos =
                    nowUnixNanos - Math.min(maxErrorUs, Long.MAX_VALUE / NS_PER_MAXERROR_US) * NS_PER_MAXERROR_US;
        } else if (maxErrorUs < lastMaxErrorUs) {
            estimateUnixNanos = nowUnixNanos;
        }
        lastMaxErrorUs = maxErrorUs;
        return estimateUnixNanos;
    }

    /** The current estimate (0 before the first observation). */
    public long estimateUnixNanos() {
        return estimateUnixNanos;
    }
}
