package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class NtpTimestampTest {
    private static final long NS = 1_000_000_000L;
    private static final BigInteger BILLION = BigInteger.valueOf(NS);
    private static final BigInteger TWO_32 = BigInteger.ONE.shiftLeft(32);

    @Test
    void unixEpochIsNtpSeconds2208988800() {
        // 70 years * 365 days + 17 leap days = 25_567 days * 86_400 s = 2_208_988_800 s = 0x83AA7E80.
        assertThat(NtpTimestamp.fromUnixNanos(0)).isEqualTo(0x83AA7E80_00000000L);
        assertThat(NtpTimestamp.toUnixNanos(0x83AA7E80_00000000L, 0)).isZero();
    }

    @Test
    void fractionIsRoundedToTheNearest2ToTheMinus32() {
        // 0.5 s = 2^31 units.
        assertThat(NtpTimestamp.fromUnixNanos(NS / 2) & 0xFFFF_FFFFL).isEqualTo(0x8000_0000L);
        // 1 ns * 2^32 / 1e9 = 4.295 -> 4.
        assertThat(NtpTimestamp.fromUnixNanos(1) & 0xFFFF_FFFFL).isEqualTo(4);
        // 999_999_999 ns -> 4_294_967_291.705 -> 4_294_967_292 = 0xFFFFFFFC: no carry into seconds.
        assertThat(NtpTimestamp.fromUnixNanos(NS - 1)).isEqualTo(0x83AA7E80_FFFFFFFCL);
    }

    @Test
    void fractionNearOneSecondCarriesIntoTheSeconds() {
        // 0xFFFFFFFF * 1e9 / 2^32 = 999_999_999.767 ns -> rounds to 1e9: the next second exactly.
        assertThat(NtpTimestamp.toUnixNanos(0x83AA7E80_FFFFFFFFL, 0)).isEqualTo(NS);
    }

    @Test
    void era1StartsOn2036February7At062816() {
        // 2^32 - 2_208_988_800 = 2_085_978_496 s after 1970 = 2036-02-07T06:28:16Z.
        assertThat(NtpTimestamp.ERA1_START_UNIX_SECONDS).isEqualTo(2_085_978_496L);
        assertThat(java.time.Instant.ofEpochSecond(NtpTimestamp.ERA1_START_UNIX_SECONDS))
                .hasToString("2036-02-07T06:28:16Z");
        long era1Start = 2_085_978_496L * NS;
        // The first instant of era 1 has era offset 0: the all-zero timestamp.
        assertThat(NtpTimestamp.fromUnixNanos(era1Start)).isZero();
        // One second earlier is the last second of era 0: 0xFFFFFFFF.
        assertThat(NtpTimestamp.fromUnixNanos(era1Start - NS)).isEqualTo(0xFFFF_FFFF_00000000L);
        // The zero timestamp read near 2036 is era 1. Read in 1970 it is era 1 too: 2036 is 66 years
        // away, 1900 is 70. Read in 1938 (POSIX -1e9 s) it is era 0: 1900-01-01T00:00:00Z.
        assertThat(NtpTimestamp.toUnixNanos(0, era1Start + 3600 * NS)).isEqualTo(era1Start);
        assertThat(NtpTimestamp.toUnixNanos(0, 0)).isEqualTo(era1Start);
        assertThat(NtpTimestamp.toUnixNanos(0, -1_000_000_000L * NS)).isEqualTo(-2_208_988_800L * NS);
        // 10 s into era 1, read with a pivot still in era 0 (one hour before): era 1.
        assertThat(NtpTimestamp.toUnixNanos(10L << 32, era1Start - 3600 * NS)).isEqualTo(era1Start + 10 * NS);
        assertThat(NtpTimestamp.era(2_085_978_496L + NtpTimestamp.NTP_TO_UNIX_SECONDS))
                .isEqualTo(1);
        assertThat(NtpTimestamp.era(-1)).isEqualTo(-1);
        assertThat(NtpTimestamp.eraOffset(-1)).isEqualTo(0xFFFF_FFFFL);
    }

    @Test
    void aTimestampExactly2To31SecondsFromThePivotIsTakenAsBeforeIt() {
        // Java's (int) narrowing keeps the low 32 bits (JLS 5.1.3), so (int) (d mod 2^32) lies in
        // [-2^31, 2^31): +2^31 becomes -2^31. Pivot: POSIX 0 = NTP 2_208_988_800 s. Era offset
        // 2_208_988_800 + 2^31 - 2^32 = 61_505_152 is 2^31 s from it either way; the result is
        // POSIX -2^31 s (1901-12-13T20:45:52Z), not +2^31 s (2038-01-19T03:14:08Z).
        assertThat(NtpTimestamp.toUnixNanos(61_505_152L << 32, 0)).isEqualTo(-2_147_483_648L * NS);
        // One second less is after the pivot: 2^31 - 1 s.
        assertThat(NtpTimestamp.toUnixNanos(61_505_151L << 32, 0)).isEqualTo(2_147_483_647L * NS);
    }

    @Test
    void ntpShortRoundsErrorBoundsUpAndSaturates() {
        // 1 s = 0x0001.0000.
        assertThat(NtpTimestamp.shortFromMicros(1_000_000)).isEqualTo(0x0001_0000);
        // 1 us = 0.0655 units -> 1; 16 us = 1.049 units -> 2 (rounded up, never down).
        assertThat(NtpTimestamp.shortFromMicros(1)).isEqualTo(1);
        assertThat(NtpTimestamp.shortFromMicros(16)).isEqualTo(2);
        assertThat(NtpTimestamp.shortFromMicros(0)).isZero();
        // 65536 s does not fit in 16.16: saturate at 0xFFFFFFFF.
        assertThat(NtpTimestamp.shortFromMicros(65_536_000_000L)).isEqualTo(0xFFFF_FFFF);
        assertThat(NtpTimestamp.shortToMicros(0x0000_8000)).isEqualTo(500_000);
        assertThat(NtpTimestamp.shortToMicros(0xFFFF_FFFF)).isEqualTo(65_535_999_985L);
        assertThatThrownBy(() -> NtpTimestamp.shortFromMicros(-1)).hasMessageContaining("-1 us");
    }

    @Property
    void fromUnixNanosMatchesExactArithmetic(@ForAll long unixNanos) {
        BigInteger t = BigInteger.valueOf(unixNanos);
        BigInteger[] secAndNanos = floorDivMod(t, BILLION);
        BigInteger ntpSeconds = secAndNanos[0].add(BigInteger.valueOf(NtpTimestamp.NTP_TO_UNIX_SECONDS));
        BigInteger fraction = new BigDecimal(secAndNanos[1].shiftLeft(32))
                .divide(new BigDecimal(BILLION), 0, RoundingMode.HALF_UP)
                .toBigInteger();
        long expected = ntpSeconds.mod(TWO_32).shiftLeft(32).or(fraction).longValue();
        assertThat(NtpTimestamp.fromUnixNanos(unixNanos)).isEqualTo(expected);
    }

    @Property
    void roundTripIsExactWithinSixtyEightYearsOfThePivot(
            @ForAll @LongRange(min = -7_000_000_000_000_000_000L, max = 7_000_000_000_000_000_000L) long unixNanos,
            @ForAll @LongRange(min = -2_147_483_000L, max = 2_147_483_000L) long pivotDistanceSeconds) {
        long pivot = unixNanos + pivotDistanceSeconds * NS;
        assertThat(NtpTimestamp.toUnixNanos(NtpTimestamp.fromUnixNanos(unixNanos), pivot))
                .isEqualTo(unixNanos);
    }

    @Property
    void roundTripAcrossThe2036EraBoundary(
            @ForAll @LongRange(min = -1_000_000_000_000_000L, max = 1_000_000_000_000_000L) long offsetFromEra1Ns,
            @ForAll @LongRange(min = -100_000_000L, max = 100_000_000L) long pivotDistanceSeconds) {
        long t = NtpTimestamp.ERA1_START_UNIX_SECONDS * NS + offsetFromEra1Ns;
        long ntp = NtpTimestamp.fromUnixNanos(t);
        // Era offset in the timestamp is the full NTP second count modulo 2^32.
        long fullNtpSeconds = Math.floorDiv(t, NS) + NtpTimestamp.NTP_TO_UNIX_SECONDS;
        assertThat(ntp >>> 32).isEqualTo(NtpTimestamp.eraOffset(fullNtpSeconds));
        assertThat(NtpTimestamp.era(fullNtpSeconds)).isEqualTo(offsetFromEra1Ns >= 0 ? 1 : 0);
        assertThat(NtpTimestamp.toUnixNanos(ntp, t + pivotDistanceSeconds * NS)).isEqualTo(t);
    }

    @Property
    void toUnixNanosMatchesExactArithmetic(
            @ForAll long ntpTimestamp,
            @ForAll @LongRange(min = -4_000_000_000_000_000_000L, max = 4_000_000_000_000_000_000L) long pivot) {
        // Expected: the candidate era whose value is nearest to the pivot, computed in BigInteger.
        BigInteger offset = BigInteger.valueOf(ntpTimestamp >>> 32);
        BigInteger fraction = BigInteger.valueOf(ntpTimestamp & 0xFFFF_FFFFL);
        BigInteger pivotNtpSeconds = floorDivMod(BigInteger.valueOf(pivot), BILLION)[0].add(
                BigInteger.valueOf(NtpTimestamp.NTP_TO_UNIX_SECONDS));
        BigInteger diff = offset.subtract(pivotNtpSeconds).mod(TWO_32);
        if (diff.compareTo(BigInteger.ONE.shiftLeft(31)) >= 0) {
            diff = diff.subtract(TWO_32);
        }
        BigInteger seconds = pivotNtpSeconds.add(diff).subtract(BigInteger.valueOf(NtpTimestamp.NTP_TO_UNIX_SECONDS));
        BigInteger nanos = new BigDecimal(fraction.multiply(BILLION))
                .divide(new BigDecimal(TWO_32), 0, RoundingMode.HALF_UP)
                .toBigInteger();
        BigInteger expected = seconds.multiply(BILLION).add(nanos);
        assertThat(BigInteger.valueOf(NtpTimestamp.toUnixNanos(ntpTimestamp, pivot)))
                .isEqualTo(expected);
    }

    @Property
    void ntpShortNeverUnderstatesAndIsWithinOneUnit(@ForAll @LongRange(min = 0, max = 65_535_999_000L) long micros) {
        int s = NtpTimestamp.shortFromMicros(micros);
        // exact: units >= micros * 65536 / 1e6 > units - 1
        BigInteger scaled = BigInteger.valueOf(micros).shiftLeft(16);
        BigInteger units = BigInteger.valueOf(Integer.toUnsignedLong(s));
        assertThat(units.multiply(BigInteger.valueOf(1_000_000))).isGreaterThanOrEqualTo(scaled);
        assertThat(units.subtract(BigInteger.ONE).multiply(BigInteger.valueOf(1_000_000)))
                .isLessThan(scaled);
        assertThat(NtpTimestamp.shortToMicros(s)).isBetween(micros, micros + 16);
    }

    @Property
    void precisionIsTheSmallestPowerOfTwoThatHoldsTheReadCost(@ForAll @IntRange(min = 1, max = 999_999_999) int ns) {
        int p = ServerPolicy.precisionLog2FromReadCost(ns);
        // 2^p s >= ns, and 2^(p-1) s < ns (unless p is the floor -32).
        BigInteger cost = BigInteger.valueOf(ns).shiftLeft(-p);
        assertThat(cost).isLessThanOrEqualTo(BILLION);
        assertThat(BigInteger.valueOf(ns).shiftLeft(-p + 1)).isGreaterThan(BILLION);
    }

    private static BigInteger[] floorDivMod(BigInteger a, BigInteger b) {
        BigInteger[] qr = a.divideAndRemainder(b);
        if (qr[1].signum() < 0) {
            qr[0] = qr[0].subtract(BigInteger.ONE);
            qr[1] = qr[1].add(b);
        }
        return qr;
    }
}
