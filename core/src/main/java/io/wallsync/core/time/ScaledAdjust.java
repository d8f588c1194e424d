package io.wallsync.core.time;

/**
 * Exact integer arithmetic for the two rate corrections the {@link Timekeeper} applies to elapsed
 * clocksource time. No floating point: every nanosecond is accounted for, the fractions that do
 * not make a whole nanosecond are carried in a remainder.
 *
 * <h2>Frequency</h2>
 *
 * A frequency of {@code f} scaled ppm (2<sup>-16</sup> ppm, the unit of {@code struct timex.freq})
 * adds {@code d * f / (2^16 * 10^6)} ns to {@code d} ns of clocksource time. With a remainder
 * {@code r} in units of {@code 1 / FREQUENCY_DIVISOR} ns, {@code 0 <= r < FREQUENCY_DIVISOR}:
 *
 * <pre>
 *   correction = floor((d * f + r) / D)        D = 65_536_000_000
 *   r'         = (d * f + r) mod D
 * </pre>
 *
 * so that the sum of corrections over any split of an interval equals {@code floor(total * f / D)}
 * exactly. {@code d * f} does not fit in 64 bits for long intervals (d up to 2<sup>63</sup>, |f| up
 * to 2<sup>25</sup>), so {@code d} is split as {@code q * D + s}: {@code q * f} and {@code s * f}
 * each fit (|q * f| &lt; 2<sup>53</sup>, |s * f| &lt; 2<sup>61</sup>).
 *
 * <h2>Offset slew</h2>
 *
 * A pending phase offset is slewed at {@link #SLEW_PPM} = 500 ppm (NTP's MAXFREQ; also the
 * 500 us/s of Linux's MAX_TICKADJ for adjtime()): {@code d} ns of clocksource time may remove up to
 * {@code floor((d + r) / 2000)} ns of offset, with remainder {@code r} in units of 1/2000 ns.
 */
final class ScaledAdjust {
    /** 2^16 (scaled-ppm unit) * 10^6 (ppm): scaled ppm -> fraction. */
    static final long FREQUENCY_DIVISOR = 65_536L * 1_000_000L;

    /** The offset slew rate: 500 ppm, MAXFREQ in kernel/time/ntp_internal.h (500000 ns/s). */
    static final long SLEW_PPM = 500;

    /** 10^6 / SLEW_PPM: clocksource ns per ns of slew. */
    static final long SLEW_DIVISOR = 1_000_000L / SLEW_PPM;

    private ScaledAdjust() {}

    /** {@code floor((elapsedNs * freqScaledPpm + remainder) / FREQUENCY_DIVISOR)}. */
    static long frequencyCorrectionNs(long elapsedNs, long freqScaledPpm, long remainder) {
        checkElapsed(elapsedNs);
        long q = elapsedNs / FREQUENCY_DIVISOR;
        long s = elapsedNs % FREQUENCY_DIVISOR;
        // q*f is whole nanoseconds: (q*D)*f / D = q*f.
        return q * freqScaledPpm + Math.floorDiv(s * freqScaledPpm + remainder, FREQUENCY_DIVISOR);
    }

    /** The new remainder, {@code (elapsedNs * freqScaledPpm + remainder) mod FREQUENCY_DIVISOR}. */
    static long frequencyRemainder(long elapsedNs, long freqScaledPpm, long remainder) {
        checkElapsed(elapsedNs);
        long s = elapsedNs % FREQUENCY_DIVISOR;
        return Math.floorMod(s * freqScaledPpm + remainder, FREQUENCY_DIVISOR);
    }

    /** Most slew (ns, >= 0) that {@code elapsedNs} of clocksource time allows with {@code remainder}. */
    static long slewCapacityNs(long elapsedNs, long remainder) {
        checkElapsed(elapsedNs);
        // elapsedNs/2000 + (elapsedNs%2000 + remainder)/2000 avoids overflow near Long.MAX_VALUE.
        return elapsedNs / SLEW_DIVISOR + (elapsedNs % SLEW_DIVISOR + remainder) / SLEW_DIVISOR;
    }

    /** The slew remainder after {@code elapsedNs}, in 1/2000 ns. */
    static long slewRemainder(long elapsedNs, long remainder) {
        checkElapsed(elapsedNs);
        return (elapsedNs % SLEW_DIVISOR + remainder) % SLEW_DIVISOR;
    }

    /** The part of {@code pendingOffsetNs} that is slewed in, signed, bounded by {@code capacityNs}. */
    static long slewAppliedNs(long pendingOffsetNs, long capacityNs) {
        if (pendingOffsetNs >= 0) {
            return Math.min(pendingOffsetNs, capacityNs);
        }
        return -Math.min(-pendingOffsetNs, capacityNs);
    }

    private static void checkElapsed(long elapsedNs) {
        if (elapsedNs < 0) {
            throw new IllegalArgumentException("elapsed clocksource time must be >= 0 ns, got " + elapsedNs);
        }
    }
}
