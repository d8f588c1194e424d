package io.wallsync.core.xen;

/**
 * A wall time as the Xen wallclock stores it: whole seconds since 1970-01-01T00:00:00Z (64-bit, so
 * dates after 2038 and 2106 are plain values) plus nanoseconds in 0..999_999_999. As the
 * hypervisor's W it is "the date at system time 0"; as a guest's belief it is a date.
 *
 * @param seconds seconds since the Unix epoch (signed 64-bit)
 * @param nanos nanoseconds within the second, 0..999_999_999
 */
public record Wallclock(long seconds, int nanos) {
    /** Nanoseconds per second. */
    public static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** 1970-01-01T00:00:00Z. */
    public static final Wallclock EPOCH = new Wallclock(0, 0);

    public Wallclock {
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new IllegalArgumentException("nanos " + nanos + " out of range: expected 0..999999999");
        }
    }

    /** The wall time {@code nanos} nanoseconds after the epoch (negative: before it). */
    public static Wallclock ofEpochNanos(long epochNanos) {
        return new Wallclock(
                Math.floorDiv(epochNanos, NANOS_PER_SECOND), (int) Math.floorMod(epochNanos, NANOS_PER_SECOND));
    }

    /**
     * Nanoseconds since the epoch.
     *
     * @throws ArithmeticException beyond the range of a signed 64-bit nanosecond count (the years
     *     1677..2262)
     */
    public long toEpochNanos() {
        if (seconds < 0 && nanos > 0) {
            // Near Long.MIN_VALUE, seconds * 1e9 alone underflows although the sum fits: borrow one
            // second first so both partial results stay in range.
            return Math.addExact(Math.multiplyExact(seconds + 1, NANOS_PER_SECOND), nanos - NANOS_PER_SECOND);
        }
        return Math.addExact(Math.multiplyExact(seconds, NANOS_PER_SECOND), nanos);
    }

    /** This wall time plus {@code nanos} nanoseconds (which may be negative). */
    public Wallclock plusNanos(long nanos) {
        long carrySeconds = Math.floorDiv(nanos, NANOS_PER_SECOND);
        long sumNanos = this.nanos + Math.floorMod(nanos, NANOS_PER_SECOND);
        return new Wallclock(seconds + carrySeconds + sumNanos / NANOS_PER_SECOND, (int) (sumNanos % NANOS_PER_SECOND));
    }

    /** This wall time plus whole seconds (which may be negative); wraps like Xen's int64 add. */
    public Wallclock plusSeconds(long deltaSeconds) {
        return new Wallclock(seconds + deltaSeconds, nanos);
    }

    @Override
    public String toString() {
        return seconds + "." + String.format("%09d", nanos);
    }
}
