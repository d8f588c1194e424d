package io.wallsync.core.vmclock;

/**
 * A time read from a vmclock page: seconds since the epoch of its time_type (u64, held bit for
 * bit) and nanoseconds 0..999_999_999.
 */
public record VmclockTime(long seconds, long nanos) {
    public VmclockTime {
        if (nanos < 0 || nanos >= 1_000_000_000L) {
            throw new IllegalArgumentException("nanos " + nanos + ": expected 0..999999999");
        }
    }
}
