package io.wallsync.core.ntp;

/**
 * Conversions between POSIX nanoseconds (CLOCK_REALTIME, since 1970-01-01T00:00:00Z) and the NTP
 * formats of RFC 5905 section 6.
 *
 * <pre>
 *  format                bits   layout                          unit of the low part
 *  NTP timestamp         64     seconds u32 . fraction u32      2^-32 s  (about 232.8 ps)
 *  NTP short             32     seconds u16 . fraction u16      2^-16 s  (about 15.26 us)
 *  NTP date (not sent)   128    era s32, era offset u32, frac   -
 * </pre>
 *
 * A 64-bit timestamp holds only the era offset: seconds since the start of its era, modulo 2^32.
 * Era 0 starts at 1900-01-01T00:00:00Z (POSIX -2_208_988_800 s); era 1 starts at
 * 2036-02-07T06:28:16Z (POSIX 2_085_978_496 s). Which era a timestamp is in is decided by a pivot,
 * a time known to be within 68 years of it (RFC 5905 section 6: "the era can be determined from
 * the local clock"); {@link #toUnixNanos(long, long)} picks the era that puts the result closest to
 * the pivot.
 */
public final class NtpTimestamp {
    /** Seconds from 1900-01-01T00:00:00Z (NTP era 0 start) to 1970-01-01T00:00:00Z: 70 years + 17 leap days. */
    public static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;

    /** Length of one NTP era in seconds: 2^32. */
    public static final long ERA_SECONDS = 1L << 32;

    /** POSIX second at which era 1 starts: 2^32 - 2_208_988_800 = 2_085_978_496 (2036-02-07T06:28:16Z). */
    public static final long ERA1_START_UNIX_SECONDS = ERA_SECONDS - NTP_TO_UNIX_SECONDS;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private NtpTimestamp() {}

    /**
     * The 64-bit NTP timestamp of {@code unixNanos}: era offset in the high 32 bits, the fraction
     * rounded to the nearest 2^-32 s in the low 32 bits. The era is dropped (see {@link #era}).
     */
    public static long fromUnixNanos(long unixNanos) {
        long unixSeconds = Math.floorDiv(unixNanos, NANOS_PER_SECOND);
        long nanos = Math.floorMod(unixNanos, NANOS_PER_SECOND);
        // nanos * 2^32 < 1e9 * 2^32 < 2^62: no overflow. Rounded to nearest; the largest value,
        // 999_999_999 * 2^32 / 1e9 = 4_294_967_291.7, rounds to 4_294_967_292 < 2^32, so the
        // fraction never carries into the seconds.
        long fraction = ((nanos << 32) + NANOS_PER_SECOND / 2) / NANOS_PER_SECOND;
        long eraOffset = eraOffset(unixSeconds + NTP_TO_UNIX_SECONDS);
        return (eraOffset << 32) | fraction;
    }

    /**
     * The POSIX nanoseconds of a 64-bit NTP timestamp, in the era that puts the result closest to
     * {@code pivotUnixNanos}: from 2^31 s before it to 2^31 s - 1 s after it. The fraction is rounded to the nearest
     * nanosecond, so {@code toUnixNanos(fromUnixNanos(t), p) == t} whenever p is within 68 years of t.
     *
     * @throws ArithmeticException if the result does not fit in a long (beyond 2262)
     */
    public static long toUnixNanos(long ntpTimestamp, long pivotUnixNanos) {
        long eraOffset = ntpTimestamp >>> 32;
        long fraction = ntpTimestamp & 0xFFFF_FFFFL;
        long pivotNtpSeconds = Math.floorDiv(pivotUnixNanos, NANOS_PER_SECOND) + NTP_TO_UNIX_SECONDS;
        // The signed 32-bit difference between the two era offsets is the distance modulo 2^32
        // taken into [-2^31, 2^31) by the (int) cast: the nearest era wins, and a timestamp exactly
        // 2^31 s from the pivot is taken as 2^31 s before it.
        long ntpSeconds = pivotNtpSeconds + (int) (eraOffset - pivotNtpSeconds);
        // fraction * 1e9 < 2^32 * 2^30 = 2^62: no overflow. Rounding may give 1e9 (fraction near
        // 2^32), which the addition below carries into the seconds.
        long nanos = (fraction * NANOS_PER_SECOND + (1L << 31)) >>> 32;
        return Math.addExact(Math.multiplyExact(ntpSeconds - NTP_TO_UNIX_SECONDS, NANOS_PER_SECOND), nanos);
    }

    /** RFC 5905 era number of a full NTP second count (seconds since 1900, may be negative). */
    public static long era(long ntpSeconds) {
        return Math.floorDiv(ntpSeconds, ERA_SECONDS);
    }

    /** RFC 5905 era offset (what the 32-bit seconds field holds) of a full NTP second count. */
    public static long eraOffset(long ntpSeconds) {
        return Math.floorMod(ntpSeconds, ERA_SECONDS);
    }

    /**
     * Microseconds as a 32-bit NTP short (16.16 fixed point, unsigned), rounded up so that an error
     * bound never shrinks in the conversion; saturates at 0xFFFF_FFFF (65535.99998 s).
     *
     * @throws IllegalArgumentException if {@code micros} is negative
     */
    public static int shortFromMicros(long micros) {
        if (micros < 0) {
            throw new IllegalArgumentException("NTP short holds only durations >= 0, got " + micros + " us");
        }
        long maxMicros = 65_536L * 1_000_000L;
        if (micros >= maxMicros) {
            return 0xFFFF_FFFF;
        }
        // micros * 2^16 < 6.6e10 * 2^16 < 2^53: no overflow.
        long units = ((micros << 16) + 1_000_000L - 1) / 1_000_000L;
        return (int) Math.min(units, 0xFFFF_FFFFL);
    }

    /** An NTP short (16.16 unsigned) in microseconds, rounded to nearest. */
    public static long shortToMicros(int ntpShort) {
        long units = Integer.toUnsignedLong(ntpShort);
        return (units * 1_000_000L + (1L << 15)) >>> 16;
    }
}
