package io.wallsync.core.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class WallclockTest {
    private static final BigInteger BILLION = BigInteger.valueOf(1_000_000_000L);

    private static BigInteger exactNanos(Wallclock w) {
        return BigInteger.valueOf(w.seconds()).multiply(BILLION).add(BigInteger.valueOf(w.nanos()));
    }

    @Test
    void negativeNanosBorrowFromTheSeconds() {
        // -1 ns after the epoch is 1969-12-31T23:59:59.999999999Z: seconds -1, nanos 999_999_999.
        assertThat(Wallclock.ofEpochNanos(-1)).isEqualTo(new Wallclock(-1, 999_999_999));
        // 1_699_999_995.123456789 + 7.5 s = 1_700_000_002.623456789
        assertThat(new Wallclock(1_699_999_995L, 123_456_789).plusNanos(7_500_000_000L))
                .isEqualTo(new Wallclock(1_700_000_002L, 623_456_789));
        // 5.1 s - 0.2 s = 4.9 s
        assertThat(new Wallclock(5, 100_000_000).plusNanos(-200_000_000)).isEqualTo(new Wallclock(4, 900_000_000));
    }

    @Test
    void nanosOutsideASecondAreRefused() {
        assertThatThrownBy(() -> new Wallclock(0, 1_000_000_000)).hasMessageContaining("1000000000");
    }

    @Test
    void epochNanosBeyond2262Overflow() {
        // 9_300_000_000 s * 1e9 > 2^63 - 1 = 9_223_372_036_854_775_807.
        assertThatThrownBy(() -> new Wallclock(9_300_000_000L, 0).toEpochNanos())
                .isInstanceOf(ArithmeticException.class);
    }

    @Property
    void ofEpochNanosRoundTrips(@ForAll long epochNanos) {
        Wallclock w = Wallclock.ofEpochNanos(epochNanos);
        assertThat(w.toEpochNanos()).isEqualTo(epochNanos);
        assertThat(exactNanos(w)).isEqualTo(BigInteger.valueOf(epochNanos));
    }

    @Property
    void plusNanosAddsExactly(
            @ForAll @LongRange(min = -10_000_000_000L, max = 10_000_000_000L) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos,
            @ForAll long delta) {
        Wallclock sum = new Wallclock(seconds, nanos).plusNanos(delta);
        assertThat(exactNanos(sum))
                .isEqualTo(exactNanos(new Wallclock(seconds, nanos)).add(BigInteger.valueOf(delta)));
        assertThat(sum.nanos()).isBetween(0, 999_999_999);
    }
}
