package io.wallsync.core.port;

/**
 * A source of nanoseconds that never goes backwards. The simulator and the Linux adapter both
 * provide one; the core never reads time any other way.
 */
@FunctionalInterface
public interface MonotonicClock {
    /** Nanoseconds since an arbitrary, fixed origin; never decreases. */
    long nanos();
}
