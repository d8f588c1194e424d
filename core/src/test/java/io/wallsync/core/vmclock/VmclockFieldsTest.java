package io.wallsync.core.vmclock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.page.ClockStatus;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The reader arithmetic of Linux drivers/ptp/ptp_vmclock.c (mul_u64_u64_shr_add_u64: 128-bit
 * product, shift, add the fraction, carry into the seconds), with values worked out by hand on a
 * counter of exactly 2^32 Hz, whose period is 2^-32 s: counter_period_frac_sec = 2^(32 + shift).
 */
class VmclockFieldsTest {
    private static final long T = 1_700_000_000L;

    private static VmclockFields at(long counterValue, long period, int shift, long sec, long frac) {
        return new VmclockFields(
                7,
                VmclockLayout.FLAG_TIME_MAXERROR_VALID | VmclockLayout.FLAG_PERIOD_MAXERROR_VALID,
                ClockStatus.SYNCHRONIZED.code(),
                0,
                (short) 37,
                0,
                shift,
                counterValue,
                period,
                0,
                1L << 12,
                sec,
                frac,
                10,
                100,
                0);
    }

    @Test
    void halfASecondOfTicksCarriesThreeQuartersIntoTheNextSecond() {
        // frac 0.75 s = 0xC000...; delta 2^31 ticks * 2^-32 s = 0.5 s  =>  T + 1.25 s
        VmclockFields f = at(1_000, 1L << 32, 0, T, 0xC000_0000_0000_0000L);
        assertThat(f.timeAt(1_000 + (1L << 31))).isEqualTo(new VmclockTime(T + 1, 250_000_000));
    }

    @Test
    void theShiftOnlyScalesThePeriodsUnit() {
        // shift 8: period 2^40 in units of 2^-72 s is still 2^-32 s per tick; 3 * 2^31 ticks = 1.5 s
        VmclockFields f = at(0, 1L << 40, 8, T, 0);
        assertThat(f.timeAt(3L << 31)).isEqualTo(new VmclockTime(T + 1, 500_000_000));
    }

    @Test
    void aCounterReadJustBeforeTheReferenceGivesATimeJustBeforeIt() {
        // 0.25 s - 0.5 s = -0.25 s: T - 1 + 0.75 s (Linux's unsigned delta would be 2^64 - 2^31 ticks later)
        VmclockFields f = at(1L << 40, 1L << 32, 0, T, 0x4000_0000_0000_0000L);
        assertThat(f.timeAt((1L << 40) - (1L << 31))).isEqualTo(new VmclockTime(T - 1, 750_000_000));
    }

    @Test
    void epochNanosIsTheSameTimeWithoutAllocating() {
        // 123_456_789 ns + 1.5 s
        VmclockFields f = at(5, 1L << 32, 0, T, VmclockFields.fracOfNanos(123_456_789));
        assertThat(f.epochNanosAt(5 + (3L << 31))).isEqualTo((T + 1) * 1_000_000_000L + 623_456_789);
    }

    @Test
    void fracOfNanosRoundsUpSoThatReadersGetTheNanosBack() {
        assertThat(VmclockFields.fracOfNanos(500_000_000)).isEqualTo(1L << 63); // exactly half of 2^64
        // ceil(2^64 / 1e9) = ceil(18_446_744_073.709551616)
        assertThat(VmclockFields.fracOfNanos(1)).isEqualTo(18_446_744_074L);
        assertThatThrownBy(() -> VmclockFields.fracOfNanos(1_000_000_000))
                .hasMessageContaining("expected 0..999999999");
    }

    @Property
    void everyNanosecondSurvivesTheRoundTrip(@ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        VmclockFields f = at(0, 1L << 32, 0, T, VmclockFields.fracOfNanos(nanos));
        assertThat(f.timeAt(0)).isEqualTo(new VmclockTime(T, nanos));
    }

    @Test
    void theMaximumErrorGrowsByTheRateTimesTheTicks() {
        // rate 2^12 * 2^-64 s = 2^-52 s per tick; 2^32 ticks -> 2^-20 s = 953.674316... ns, rounded up: 954
        VmclockFields f = at(0, 1L << 32, 0, T, 0);
        assertThat(f.maxErrorNsAt(1L << 32)).isEqualTo(100 + 954);
        assertThat(f.maxErrorNsAt(-(1L << 32))).isEqualTo(100 + 954);
        assertThat(f.maxErrorNsAt(0)).isEqualTo(100);
    }

    @Test
    void anUnpublishedBoundIsMinusOne() {
        VmclockFields f = new VmclockFields(
                0, VmclockLayout.FLAG_TIME_MAXERROR_VALID, 2, 0, (short) 0, 0, 0, 0, 1L << 32, 0, 0, T, 0, 0, 5, 0);
        assertThat(f.maxErrorNsAt(1)).isEqualTo(-1);
        assertThat(f.estErrorNsAt(1)).isEqualTo(-1);
    }

    @Test
    void onlyASynchronizedOrFreerunningClockWithAPeriodIsUsable() {
        assertThat(at(0, 1L << 32, 0, T, 0).counterUsable()).isTrue();
        assertThat(at(0, 0, 0, T, 0).counterUsable()).isFalse();
        for (ClockStatus s :
                new ClockStatus[] {ClockStatus.UNKNOWN, ClockStatus.INITIALIZING, ClockStatus.UNRELIABLE}) {
            VmclockFields f = new VmclockFields(0, 0, s.code(), 0, (short) 0, 0, 0, 0, 1L << 32, 0, 0, T, 0, 0, 0, 0);
            assertThat(f.counterUsable()).as(s.name()).isFalse();
        }
        VmclockFields badShift = new VmclockFields(0, 0, 2, 0, (short) 0, 0, 64, 0, 1L << 32, 0, 0, T, 0, 0, 0, 0);
        assertThat(badShift.counterUsable()).isFalse();
    }

    /** Against exact BigInteger arithmetic over the whole range of deltas, periods and shifts. */
    @Property
    void agreesWithExactArithmetic(
            @ForAll @LongRange(min = -(1L << 40), max = 1L << 40) long delta,
            @ForAll @LongRange(min = 1, max = Long.MAX_VALUE) long period,
            @ForAll @IntRange(min = 0, max = 63) int shift,
            @ForAll long frac) {
        long sec = 1L << 40;
        VmclockFields f = at(1L << 50, period, shift, sec, frac);
        VmclockTime t = f.timeAt((1L << 50) + delta);
        BigInteger two64 = BigInteger.ONE.shiftLeft(64);
        BigInteger fracU = new BigInteger(Long.toUnsignedString(frac));
        BigInteger step = BigInteger.valueOf(delta)
                .abs()
                .multiply(BigInteger.valueOf(period))
                .shiftRight(shift);
        BigInteger total = BigInteger.valueOf(sec).multiply(two64).add(fracU);
        total = delta >= 0 ? total.add(step) : total.subtract(step);
        BigInteger[] qr = total.divideAndRemainder(two64);
        assertThat(t.seconds()).isEqualTo(qr[0].longValue());
        assertThat(t.nanos())
                .isEqualTo(qr[1].multiply(BigInteger.valueOf(1_000_000_000L))
                        .shiftRight(64)
                        .longValue());
    }
}
