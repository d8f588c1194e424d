package io.wallsync.core.xen;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.clocksource.PvclockScale;
import org.junit.jupiter.api.Test;

class VcpuTimeInfoTest {

    @Test
    void vcpuThreeLivesAtTwoHundredTwentyFourAndRoundTrips() {
        SharedInfo page = SharedInfo.allocate();
        VcpuTimeInfo info = page.vcpuTimeInfo(3);
        // 3 GHz: mul 0xAAAAAAAA, shift -1 (see PvclockScaleTest).
        info.publish(0x0102_0304_0506_0708L, 5_000_000_000L, new PvclockScale(0xAAAA_AAAA, -1), 1);

        byte[] bytes = page.toByteArray();
        int base = 3 * 64 + 32; // 224
        assertThat(bytes[base]).isEqualTo((byte) 2); // version 0 -> 1 -> 2
        assertThat(bytes[base + 8]).isEqualTo((byte) 0x08); // tsc_timestamp, little-endian low byte
        assertThat(bytes[base + 15]).isEqualTo((byte) 0x01);
        assertThat(bytes[base + 24]).isEqualTo((byte) 0xAA); // tsc_to_system_mul
        assertThat(bytes[base + 28]).isEqualTo((byte) 0xFF); // tsc_shift -1 as s8
        assertThat(bytes[base + 29]).isEqualTo((byte) 1); // flags TSC_STABLE

        assertThat(info.read(0))
                .isEqualTo(new VcpuTimeReading.Value(
                        2, 0x0102_0304_0506_0708L, 5_000_000_000L, new PvclockScale(0xAAAA_AAAA, -1), 1));
    }

    @Test
    void systemTimeAtACounterAddsTheScaledDelta() {
        var value = new VcpuTimeReading.Value(2, 1_000L, 7_000_000_000L, new PvclockScale(0xAAAA_AAAA, -1), 1);
        // delta 3e9 ticks at 3 GHz = 999_999_999 ns (PvclockScaleTest) on top of 7 s.
        assertThat(value.systemTimeNsAt(1_000L + 3_000_000_000L)).isEqualTo(7_999_999_999L);
    }

    @Test
    void eachPublishAdvancesVersionByTwo() {
        VcpuTimeInfo info = SharedInfo.allocate().vcpuTimeInfo(0);
        info.publish(0, 0, new PvclockScale(0x8000_0000, 1), 0);
        info.publish(0, 0, new PvclockScale(0x8000_0000, 1), 0);
        assertThat(info.version()).isEqualTo(4);
    }

    @Test
    void stuckOddVersionFailsAfterBoundedAttempts() {
        SharedInfo page = SharedInfo.allocate();
        page.segment().set(java.lang.foreign.ValueLayout.JAVA_INT, 32, 9);
        VcpuTimeReading reading = page.vcpuTimeInfo(0).read(4);
        assertThat(reading).isInstanceOfSatisfying(VcpuTimeReading.Failed.class, f -> {
            assertThat(f.attempts()).isEqualTo(5);
            assertThat(f.why()).contains("odd");
        });
    }
}
