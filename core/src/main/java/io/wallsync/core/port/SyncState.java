package io.wallsync.core.port;

import java.util.Objects;

/**
 * How far a host's CLOCK_REALTIME can be trusted, in the vocabulary of adjtimex(2): what a dom0
 * sync agent publishes next to the wallclock so that a guest knows whether its date is good.
 *
 * @param synchronised false while STA_UNSYNC is set (adjtimex then returns TIME_ERROR)
 * @param maxErrorUs {@code maxerror}: upper bound of the clock error in microseconds
 * @param estErrorUs {@code esterror}: estimated clock error in microseconds
 * @param taiOffsetSeconds TAI - UTC in seconds ({@code tai})
 * @param leap leap second pending at the end of the current UTC day
 */
public record SyncState(
        boolean synchronised, long maxErrorUs, long estErrorUs, int taiOffsetSeconds, LeapIndicator leap) {
    public SyncState {
        Objects.requireNonNull(leap, "leap");
        if (maxErrorUs < 0) {
            throw new IllegalArgumentException("maxErrorUs must be >= 0 microseconds, got " + maxErrorUs);
        }
        if (estErrorUs < 0) {
            throw new IllegalArgumentException("estErrorUs must be >= 0 microseconds, got " + estErrorUs);
        }
    }
}
