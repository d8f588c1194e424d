package io.wallsync.core.vmclock;

import static io.wallsync.core.vmclock.VmclockLayout.FLAG_PERIOD_ESTERROR_VALID;
import static io.wallsync.core.vmclock.VmclockLayout.FLAG_PERIOD_MAXERROR_VALID;
import static io.wallsync.core.vmclock.VmclockLayout.FLAG_TAI_OFFSET_VALID;
import static io.wallsync.core.vmclock.VmclockLayout.FLAG_TIME_ESTERROR_VALID;
import static io.wallsync.core.vmclock.VmclockLayout.FLAG_TIME_MAXERROR_VALID;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import java.util.OptionalInt;

/**
 * The fields of {@code struct vmclock_abi} under {@code seq_count} (bytes 16..111, {@link
 * VmclockLayout}), exactly as stored: what {@link Vmclock#publish} writes and {@link Vmclock#read}
 * returns. Unsigned fields are held in Java longs bit for bit. The arithmetic is Linux
 * drivers/ptp/ptp_vmclock.c ({@code mul_u64_u64_shr_add_u64}), except that the counter delta is
 * signed here: a counter read on another CPU a few ticks before {@code counter_value} gives a time
 * a little before the reference, not 2^64 ticks after it.
 *
 * @param disruptionMarker changes on every counter disruption
 * @param flags VMCLOCK_FLAG_* bits
 * @param clockStatus VMCLOCK_STATUS_* code ({@link ClockStatus})
 * @param leapSecondSmearingHint VMCLOCK_SMEARING_* code
 * @param taiOffsetSec TAI - UTC (s16)
 * @param leapIndicator VMCLOCK_LEAP_* code ({@link PageLeapIndicator})
 * @param counterPeriodShift extra bits of the period: 0..63 for a usable page (a larger u8 makes
 *     {@link #counterUsable()} false)
 * @param counterValue the counter at time_sec.time_frac_sec (u64)
 * @param counterPeriodFracSec seconds per tick in units of 2^-(64 + shift) s (u64)
 * @param counterPeriodEsterrorRateFracSec estimated error of the period, same unit (u64)
 * @param counterPeriodMaxerrorRateFracSec maximum error of the period, same unit (u64)
 * @param timeSec seconds since the epoch of time_type at counter_value (u64)
 * @param timeFracSec fraction of a second, 2^-64 s (u64)
 * @param timeEsterrorNanosec estimated error at counter_value, ns (u64)
 * @param timeMaxerrorNanosec maximum error at counter_value, ns (u64)
 * @param vmGenerationCounter changes when a VM is restored from a snapshot (u64)
 */
public record VmclockFields(
        long disruptionMarker,
        long flags,
        int clockStatus,
        int leapSecondSmearingHint,
        short taiOffsetSec,
        int leapIndicator,
        int counterPeriodShift,
        long counterValue,
        long counterPeriodFracSec,
        long counterPeriodEsterrorRateFracSec,
        long counterPeriodMaxerrorRateFracSec,
        long timeSec,
        long timeFracSec,
        long timeEsterrorNanosec,
        long timeMaxerrorNanosec,
        long vmGenerationCounter) {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** clock_status decoded. */
    public ClockStatus status() {
        return ClockStatus.ofCode(clockStatus);
    }

    /** leap_indicator decoded. */
    public PageLeapIndicator leap() {
        return PageLeapIndicator.ofCode(leapIndicator);
    }

    /** TAI - UTC when TAI_OFFSET_VALID is set. */
    public OptionalInt taiOffset() {
        return (flags & FLAG_TAI_OFFSET_VALID) != 0 ? OptionalInt.of(taiOffsetSec) : OptionalInt.empty();
    }

    /**
     * Whether a reader may extrapolate from the counter: a period is published and the clock is
     * neither unreliable nor still initialising (nor of a status this version does not know).
     */
    public boolean counterUsable() {
        return counterUsable(clockStatus, counterPeriodFracSec, counterPeriodShift);
    }

    /** The period in ns per tick (for logs, metrics and {@code read}), from the stored u64 and shift. */
    public double nsPerTick() {
        return nsPerTick(counterPeriodFracSec, counterPeriodShift);
    }

    /** {@link #nsPerTick()} on loose fields: period * 2^-(64 + shift) s, in ns. */
    public static double nsPerTick(long periodFracSec, int shift) {
        return periodFracSec / Math.pow(2, 64 + shift) * 1e9;
    }

    /** {@link #counterUsable()} on loose fields, for a reader that loaded only these (the fast path). */
    public static boolean counterUsable(int clockStatus, long periodFracSec, int shift) {
        return periodFracSec != 0
                && shift >= 0
                && shift <= 63
                && (clockStatus == ClockStatus.SYNCHRONIZED.code() || clockStatus == ClockStatus.FREERUNNING.code());
    }

    /**
     * The time at {@code counter}, in seconds and nanoseconds of time_type's epoch. Meaningful when
     * {@link #counterUsable()}.
     */
    public VmclockTime timeAt(long counter) {
        long delta = counter - counterValue;
        long magnitude = delta >= 0 ? delta : -delta; // 2^63 for Long.MIN_VALUE, read unsigned: still right
        long pLo = magnitude * counterPeriodFracSec;
        long pHi = Math.unsignedMultiplyHigh(magnitude, counterPeriodFracSec);
        long sLo = shiftRightLo(pHi, pLo, counterPeriodShift);
        long sHi = pHi >>> counterPeriodShift;
        long lo;
        long sec;
        if (delta >= 0) {
            lo = sLo + timeFracSec;
            sec = timeSec + sHi + (Long.compareUnsigned(lo, sLo) < 0 ? 1 : 0);
        } else {
            lo = timeFracSec - sLo;
            sec = timeSec - sHi - (Long.compareUnsigned(timeFracSec, sLo) < 0 ? 1 : 0);
        }
        return new VmclockTime(sec, Math.unsignedMultiplyHigh(lo, NANOS_PER_SECOND));
    }

    /**
     * The time at {@code counter} in ns since the epoch, without allocating: the readers' fast path.
     * Valid while time_sec is below 2^63 ns (the year 2262), like every {@code long} epoch-ns clock.
     */
    public long epochNanosAt(long counter) {
        return epochNanosAt(counter, Long.MAX_VALUE);
    }

    /**
     * {@link #epochNanosAt(long)}, or {@link Vmclock#NO_TIME} when {@code counter} is more than
     * {@code maxAgeNs} past the reference (see {@link #epochNanos}).
     */
    public long epochNanosAt(long counter, long maxAgeNs) {
        return epochNanos(
                counter, counterValue, counterPeriodFracSec, counterPeriodShift, timeSec, timeFracSec, maxAgeNs);
    }

    /**
     * {@link #epochNanosAt} on loose fields, for a reader that loaded only these (the fast path of
     * {@link Vmclock#epochNanos}): the long-ns twin of {@link #timeAt}, which keeps u64 seconds.
     *
     * @param maxAgeNs a counter more than this past the reference gives {@link Vmclock#NO_TIME}
     *     (the writer republishes the reference at every heartbeat); {@link Long#MAX_VALUE} for none
     */
    public static long epochNanos(
            long counter,
            long counterValue,
            long periodFracSec,
            int shift,
            long timeSec,
            long timeFracSec,
            long maxAgeNs) {
        // One 128-bit product serves both the reference's age and the time.
        long delta = counter - counterValue;
        long magnitude = delta >= 0 ? delta : -delta;
        long pHi = Math.unsignedMultiplyHigh(magnitude, periodFracSec);
        long sLo = shiftRightLo(pHi, magnitude * periodFracSec, shift);
        long sHi = pHi >>> shift;
        long lo;
        long sec;
        if (delta >= 0) {
            long maxSec = maxAgeNs / NANOS_PER_SECOND;
            if (sHi > maxSec
                    || (sHi == maxSec
                            && Math.unsignedMultiplyHigh(sLo, NANOS_PER_SECOND)
                                    > maxAgeNs - maxSec * NANOS_PER_SECOND)) {
                return Vmclock.NO_TIME;
            }
            lo = sLo + timeFracSec;
            sec = timeSec + sHi + (Long.compareUnsigned(lo, sLo) < 0 ? 1 : 0);
        } else {
            lo = timeFracSec - sLo;
            sec = timeSec - sHi - (Long.compareUnsigned(timeFracSec, sLo) < 0 ? 1 : 0);
        }
        return sec * NANOS_PER_SECOND + Math.unsignedMultiplyHigh(lo, NANOS_PER_SECOND);
    }

    /**
     * time_frac_sec for {@code nanos} (0..999_999_999): ceil(nanos * 2^64 / 10^9), so that a reader's
     * (frac * 10^9) >> 64 gives back exactly {@code nanos}. 2^64 / 10^9 = 18_446_744_073.709551616:
     * the integer part times nanos (below 2^64, held unsigned) plus the rounded-up rest.
     */
    public static long fracOfNanos(long nanos) {
        if (nanos < 0 || nanos >= NANOS_PER_SECOND) {
            throw new IllegalArgumentException("nanos " + nanos + ": expected 0..999999999");
        }
        long rest = nanos * 709_551_616L; // < 7.1e17
        return nanos * 18_446_744_073L + (rest + NANOS_PER_SECOND - 1) / NANOS_PER_SECOND;
    }

    /** Bits 0..63 of the 128-bit value hi:lo shifted right by 0..63. */
    public static long shiftRightLo(long hi, long lo, int shift) {
        return shift == 0 ? lo : (lo >>> shift) | (hi << (64 - shift));
    }

    /**
     * The maximum error of {@link #timeAt(long)} at {@code counter}: time_maxerror_nanosec plus
     * |delta| times the period's maximum error, rounded up; -1 when TIME_MAXERROR_VALID or
     * PERIOD_MAXERROR_VALID is clear; {@link Long#MAX_VALUE} when it does not fit.
     */
    public long maxErrorNsAt(long counter) {
        if ((flags & (FLAG_TIME_MAXERROR_VALID | FLAG_PERIOD_MAXERROR_VALID))
                != (FLAG_TIME_MAXERROR_VALID | FLAG_PERIOD_MAXERROR_VALID)) {
            return -1;
        }
        return errorNs(counter, timeMaxerrorNanosec, counterPeriodMaxerrorRateFracSec);
    }

    /** The estimated error at {@code counter}, like {@link #maxErrorNsAt}; -1 when its flags are clear. */
    public long estErrorNsAt(long counter) {
        if ((flags & (FLAG_TIME_ESTERROR_VALID | FLAG_PERIOD_ESTERROR_VALID))
                != (FLAG_TIME_ESTERROR_VALID | FLAG_PERIOD_ESTERROR_VALID)) {
            return -1;
        }
        return errorNs(counter, timeEsterrorNanosec, counterPeriodEsterrorRateFracSec);
    }

    private long errorNs(long counter, long atReferenceNs, long ratePerTick) {
        long delta = counter - counterValue;
        long magnitude = delta >= 0 ? delta : -delta;
        long pLo = magnitude * ratePerTick;
        long pHi = Math.unsignedMultiplyHigh(magnitude, ratePerTick);
        long fracLo = shiftRightLo(pHi, pLo, counterPeriodShift);
        long seconds = pHi >>> counterPeriodShift;
        // ceil(frac * 1e9 / 2^64): the high word of the product, plus one if the low word is not zero.
        long fracNs = Math.unsignedMultiplyHigh(fracLo, NANOS_PER_SECOND) + (fracLo * NANOS_PER_SECOND != 0 ? 1 : 0);
        if (atReferenceNs < 0 || seconds >= Long.MAX_VALUE / NANOS_PER_SECOND) {
            return Long.MAX_VALUE;
        }
        long growth = seconds * NANOS_PER_SECOND + fracNs;
        long sum = atReferenceNs + growth;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }
}
