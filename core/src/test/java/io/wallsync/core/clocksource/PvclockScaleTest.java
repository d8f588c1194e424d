package io.wallsync.core.clocksource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PvclockScaleTest {
    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);
    private static final BigInteger U64_MASK = TWO_64.subtract(BigInteger.ONE);
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    private static BigInteger unsigned(long v) {
        return BigInteger.valueOf(v).and(U64_MASK);
    }

    @Test
    void oneGigahertzIsMulHalfShiftOne() {
        // tps = 1e9 is not > 1e9, so it doubles once: tps = 2e9, shift = 1.
        // mul = floor(1e9 * 2^32 / 2e9) = 2^31 = 0x80000000.
        assertThat(PvclockScale.forFrequencyHz(1_000_000_000L)).isEqualTo(new PvclockScale(0x8000_0000, 1));
    }

    @Test
    void twoGigahertzNeedsNoShift() {
        // tps = 2e9 is neither > 2e9 nor <= 1e9: shift 0, mul = floor(1e9 * 2^32 / 2e9) = 2^31.
        assertThat(PvclockScale.forFrequencyHz(2_000_000_000L)).isEqualTo(new PvclockScale(0x8000_0000, 0));
    }

    @Test
    void threeGigahertzHalvesOnceAndMultipliesByTwoThirds() {
        // 3e9 > 2e9: tps = 1.5e9, shift = -1. mul = floor(2^32 / 1.5) = floor(2^33 / 3)
        // = floor(8589934592 / 3) = 2863311530 = 0xAAAAAAAA.
        assertThat(PvclockScale.forFrequencyHz(3_000_000_000L)).isEqualTo(new PvclockScale(0xAAAA_AAAA, -1));
    }

    @Test
    void twoPointFiveGigahertzIsFourFifths() {
        // 2.5e9 > 2e9: tps = 1.25e9, shift = -1. mul = floor(2^32 * 0.8) = floor(3435973836.8)
        // = 3435973836 = 0xCCCCCCCC.
        assertThat(PvclockScale.forFrequencyHz(2_500_000_000L)).isEqualTo(new PvclockScale(0xCCCC_CCCC, -1));
    }

    @Test
    void hundredMegahertzShiftsLeftFourTimes() {
        // 1e8 -> 2e8 -> 4e8 -> 8e8 -> 1.6e9 (four doublings while <= 1e9): shift = 4.
        // mul = floor(2^32 * 1e9 / 1.6e9) = 2^32 * 0.625 = 2684354560 = 0xA0000000.
        assertThat(PvclockScale.forFrequencyHz(100_000_000L)).isEqualTo(new PvclockScale(0xA000_0000, 4));
    }

    @Test
    void oneHertzShiftsLeftThirtyTimes() {
        // 2^29 = 536870912 <= 1e9 < 2^30 = 1073741824: thirty doublings, shift = 30.
        // mul = floor(1e9 * 2^32 / 2^30) = 4e9 = 0xEE6B2800.
        assertThat(PvclockScale.forFrequencyHz(1)).isEqualTo(new PvclockScale(0xEE6B_2800, 30));
    }

    @Test
    void largestFrequencyShiftsRightThirtyThreeTimes() {
        // (2^63 - 1) >> 32 = 2^31 - 1 > 2e9; (2^63 - 1) >> 33 = 2^30 - 1 = 1073741823 <= 2e9: shift -33.
        assertThat(PvclockScale.forFrequencyHz(Long.MAX_VALUE).tscShift()).isEqualTo(-33);
    }

    @Test
    void nonPositiveFrequencyIsRejectedWithTheValue() {
        assertThatThrownBy(() -> PvclockScale.forFrequencyHz(0)).hasMessageContaining("0 Hz");
        assertThatThrownBy(() -> PvclockScale.forFrequencyHz(-5)).hasMessageContaining("-5 Hz");
    }

    @Test
    void shiftBeyondSixtyThreeIsRejected() {
        assertThatThrownBy(() -> new PvclockScale(1, 64)).hasMessageContaining("64");
        assertThatThrownBy(() -> new PvclockScale(1, -64)).hasMessageContaining("-64");
    }

    @Test
    void threeGigahertzSecondScalesToOneNanosecondShort() {
        // delta 3e9 >> 1 = 1.5e9; 1.5e9 * (2^33 - 2) / 3 = 1e9 * 2^32 - 1e9;
        // divided by 2^32: 1e9 - 1e9/2^32 = 999999999.77 -> 999999999.
        assertThat(new PvclockScale(0xAAAA_AAAA, -1).scaleDelta(3_000_000_000L)).isEqualTo(999_999_999L);
    }

    @Test
    void productNeedsMoreThanSixtyFourBits() {
        // 2^63 * (2^32 - 1) >> 32 = 2^31 * (2^32 - 1) = 2^63 - 2^31 = 9223372034707292160.
        assertThat(new PvclockScale(0xFFFF_FFFF, 0).scaleDelta(Long.MIN_VALUE)).isEqualTo(9_223_372_034_707_292_160L);
        // (2^64 - 1)(2^32 - 1) = 2^96 - 2^64 - 2^32 + 1; >> 32 = 2^64 - 2^32 - 1 = 0xFFFFFFFEFFFFFFFF.
        assertThat(new PvclockScale(0xFFFF_FFFF, 0).scaleDelta(-1L)).isEqualTo(0xFFFF_FFFE_FFFF_FFFFL);
    }

    @Property
    void scaleDeltaEqualsNinetySixBitProductOverTheWholeRange(
            @ForAll long delta, @ForAll int mul, @ForAll @IntRange(min = -63, max = 63) int shift) {
        BigInteger d = unsigned(delta);
        BigInteger shifted =
                shift < 0 ? d.shiftRight(-shift) : d.shiftLeft(shift).and(U64_MASK);
        BigInteger expected = shifted.multiply(BigInteger.valueOf(Integer.toUnsignedLong(mul)))
                .shiftRight(32)
                .and(U64_MASK);

        assertThat(unsigned(new PvclockScale(mul, shift).scaleDelta(delta))).isEqualTo(expected);
    }

    @Property
    void oneGigahertzScaleIsTheIdentityBelowTwoToTheSixtyThree(@ForAll @LongRange(min = 0) long delta) {
        // (delta << 1) * 2^31 >> 32 = delta while delta << 1 does not lose the top bit.
        assertThat(PvclockScale.forFrequencyHz(1_000_000_000L).scaleDelta(delta))
                .isEqualTo(delta);
    }

    @Property
    void derivedScaleNormalisesTicksIntoOneToTwoGigaAndTruncatesTheQuotient(@ForAll @LongRange(min = 1) long hz) {
        PvclockScale scale = PvclockScale.forFrequencyHz(hz);
        int shift = scale.tscShift();
        BigInteger tps = shift < 0
                ? BigInteger.valueOf(hz).shiftRight(-shift)
                : BigInteger.valueOf(hz).shiftLeft(shift);

        // compute_time_scale leaves tps in (1e9, 2e9] ...
        assertThat(tps).isGreaterThan(BILLION).isLessThanOrEqualTo(BILLION.shiftLeft(1));
        // ... with the smallest |shift| that does so ...
        if (shift < 0) {
            assertThat(BigInteger.valueOf(hz).shiftRight(-shift - 1)).isGreaterThan(BILLION.shiftLeft(1));
        } else if (shift > 0) {
            assertThat(BigInteger.valueOf(hz).shiftLeft(shift - 1)).isLessThanOrEqualTo(BILLION);
        }
        // ... and mul = div_frac(1e9, tps) = floor(1e9 * 2^32 / tps).
        assertThat(BigInteger.valueOf(scale.tscToSystemMulUnsigned()))
                .isEqualTo(BILLION.shiftLeft(32).divide(tps));
    }

    @Property
    void oneSecondOfTicksScalesToOneSecondWithinTwoNanoseconds(
            @ForAll @LongRange(min = 1, max = 10_000_000_000_000L) long hz) {
        long ns = PvclockScale.forFrequencyHz(hz).scaleDelta(hz);
        assertThat(ns).isBetween(999_999_998L, 1_000_000_000L);
    }
}
