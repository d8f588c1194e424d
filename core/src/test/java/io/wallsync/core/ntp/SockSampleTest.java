package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class SockSampleTest {
    @Test
    void layoutMatchesChronysStructSockSample() {
        // system time 1_700_000_000.123456789 s, true time 1.25 s ahead, leap insert.
        byte[] b = new SockSample(1_700_000_000_123_456_789L, 1_250_000_000L, 1).encode();
        ByteBuffer le = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(b).hasSize(40);
        assertThat(le.getLong(0)).isEqualTo(1_700_000_000L);
        // tv_usec = 123_456 (truncated); the lost 789 ns move into the offset: 1.250000789 s.
        assertThat(le.getLong(8)).isEqualTo(123_456L);
        assertThat(le.getDouble(16)).isEqualTo(1.250000789);
        assertThat(le.getInt(24)).isZero();
        assertThat(le.getInt(28)).isEqualTo(1);
        // "SOCK" = 0x534f434b, stored little-endian: 4b 43 4f 53.
        assertThat(new byte[] {b[36], b[37], b[38], b[39]}).containsExactly(0x4b, 0x43, 0x4f, 0x53);
    }

    @Test
    void leapOutsideTheThreeValuesIsRefused() {
        assertThatThrownBy(() -> new SockSample(0, 0, 3)).hasMessageContaining("got 3");
    }

    @Property
    void timevalPlusOffsetIsTheTrueTimeWithinOneNanosecond(
            @ForAll @LongRange(min = 0, max = 4_000_000_000_000_000_000L) long systemNs,
            @ForAll @LongRange(min = -86_400_000_000_000L, max = 86_400_000_000_000L) long offsetNs,
            @ForAll @IntRange(min = 0, max = 2) int leap) {
        ByteBuffer le = ByteBuffer.wrap(new SockSample(systemNs, offsetNs, leap).encode())
                .order(ByteOrder.LITTLE_ENDIAN);
        long tvNs = le.getLong(0) * 1_000_000_000L + le.getLong(8) * 1_000L;
        assertThat(le.getLong(8)).isBetween(0L, 999_999L);
        long trueNs = systemNs + offsetNs;
        // |offset| < 1 day = 8.64e13 ns < 2^53: the double holds it to the nanosecond.
        assertThat(Math.round(le.getDouble(16) * 1e9) + tvNs).isEqualTo(trueNs);
        assertThat(le.getInt(36)).isEqualTo(SockSample.MAGIC);
    }
}
