package io.wallsync.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class ScaledAdjustTest {
    private static final BigInteger D = BigInteger.valueOf(ScaledAdjust.FREQUENCY_DIVISOR);

    @Test
    void plus100PpmOverOneHourIsExactly360Milliseconds() {
        // 100 ppm = 100 * 2^16 = 6_553_600 scaled ppm; 3600 s * 100e-6 = 0.36 s = 360_000_000 ns.
        long correction = ScaledAdjust.frequencyCorrectionNs(3_600_000_000_000L, 6_553_600, 0);
        assertThat(correction).isEqualTo(360_000_000L);
        assertThat(ScaledAdjust.frequencyRemainder(3_600_000_000_000L, 6_553_600, 0))
                .isZero();
    }

    @Test
    void negativeFrequencyRoundsTowardMinusInfinityAndCarriesAPositiveRemainder() {
        // -1 scaled ppm over 1 ns: -1 / 65_536_000_000 -> floor = -1, remainder D - 1.
        assertThat(ScaledAdjust.frequencyCorrectionNs(1, -1, 0)).isEqualTo(-1);
        assertThat(ScaledAdjust.frequencyRemainder(1, -1, 0)).isEqualTo(65_535_999_999L);
    }

    @Test
    void slewCapacityIs500PpmOfElapsedTime() {
        // 1 s at 500 ppm = 500_000 ns; 1999 ns gives 0 ns with remainder 1999, +1 ns makes one.
        assertThat(ScaledAdjust.slewCapacityNs(1_000_000_000L, 0)).isEqualTo(500_000L);
        assertThat(ScaledAdjust.slewCapacityNs(1_999, 0)).isZero();
        assertThat(ScaledAdjust.slewRemainder(1_999, 0)).isEqualTo(1_999);
        assertThat(ScaledAdjust.slewCapacityNs(1, 1_999)).isEqualTo(1);
        assertThat(ScaledAdjust.slewAppliedNs(-300, 200)).isEqualTo(-200);
        assertThat(ScaledAdjust.slewAppliedNs(150, 200)).isEqualTo(150);
    }

    @Property(tries = 2000)
    void frequencyCorrectionIsTheExactFloorOfTheRationalProduct(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long elapsedNs,
            @ForAll @LongRange(min = -32_768_000, max = 32_768_000) long freq,
            @ForAll @LongRange(min = 0, max = 65_535_999_999L) long remainder) {
        BigInteger numerator =
                BigInteger.valueOf(elapsedNs).multiply(BigInteger.valueOf(freq)).add(BigInteger.valueOf(remainder));
        BigInteger[] qr = floorDivMod(numerator);
        assertThat(ScaledAdjust.frequencyCorrectionNs(elapsedNs, freq, remainder))
                .isEqualTo(qr[0].longValueExact());
        assertThat(ScaledAdjust.frequencyRemainder(elapsedNs, freq, remainder)).isEqualTo(qr[1].longValueExact());
    }

    @Property(tries = 1000)
    void splittingAnIntervalNeverLosesANanosecond(
            @ForAll @LongRange(min = 0, max = 400_000_000_000_000_000L) long first,
            @ForAll @LongRange(min = 0, max = 400_000_000_000_000_000L) long second,
            @ForAll @LongRange(min = -32_768_000, max = 32_768_000) long freq) {
        long r1 = ScaledAdjust.frequencyRemainder(first, freq, 0);
        long total = ScaledAdjust.frequencyCorrectionNs(first, freq, 0)
                + ScaledAdjust.frequencyCorrectionNs(second, freq, r1);
        BigInteger whole = BigInteger.valueOf(first + second).multiply(BigInteger.valueOf(freq));
        assertThat(total).isEqualTo(floorDivMod(whole)[0].longValueExact());
    }

    private static BigInteger[] floorDivMod(BigInteger numerator) {
        BigInteger[] qr = numerator.divideAndRemainder(D);
        if (qr[1].signum() < 0) {
            qr[0] = qr[0].subtract(BigInteger.ONE);
            qr[1] = qr[1].add(D);
        }
        return qr;
    }
}
