package io.wallsync.adapters.page;

import static io.wallsync.core.page.PageExtensionLayout.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.xen.SharedInfoLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PageWriterTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static MemorySegment page(Arena arena) {
        return arena.allocate(PAGE_SIZE, 4096);
    }

    @Test
    void wallclockAfter2106UsesWcSecHiAndLeavesVersionEven() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = page(arena);
            PageWriter w = new PageWriter(seg);
            // 2^32 + 2 seconds = 4_294_967_298 s (year 2106): wc_sec = 2, wc_sec_hi = 1.
            w.publishWallclock(4_294_967_298L, 5);
            assertThat(seg.get(U32, SharedInfoLayout.WC_SEC_OFFSET)).isEqualTo(2);
            assertThat(seg.get(U32, SharedInfoLayout.WC_SEC_HI_OFFSET)).isEqualTo(1);
            assertThat(seg.get(U32, SharedInfoLayout.WC_NSEC_OFFSET)).isEqualTo(5);
            // version 0 -> 1 (odd, writing) -> 2 (even, done).
            assertThat(seg.get(U32, SharedInfoLayout.WC_VERSION_OFFSET)).isEqualTo(2);
            w.publishWallclock(1_700_000_000L, 0);
            assertThat(seg.get(U32, SharedInfoLayout.WC_VERSION_OFFSET)).isEqualTo(4);
        }
    }

    @Test
    void extensionFieldsAreStoredWithVmclockCodes() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = page(arena);
            PageWriter w = new PageWriter(seg);
            assertThat(w.initialise(4242, 1000, io.wallsync.core.vmclock.VmclockLayout.COUNTER_INVALID))
                    .isFalse();
            w.publishState(new PageState(
                    ClockStatus.SYNCHRONIZED,
                    PageLeapIndicator.PRE_POS,
                    37,
                    true,
                    9,
                    1_500,
                    250_000,
                    123_456_789L,
                    PushReason.STEP,
                    -3600));
            assertThat(seg.get(U32, MAGIC_OFFSET)).isEqualTo(0x434e5957);
            // "WYNC" in file byte order.
            assertThat(new String(seg.asSlice(MAGIC_OFFSET, 4).toArray(ValueLayout.JAVA_BYTE)))
                    .isEqualTo("WYNC");
            assertThat(seg.get(ValueLayout.JAVA_SHORT, LAYOUT_VERSION_OFFSET)).isEqualTo((short) 2);
            assertThat(seg.get(ValueLayout.JAVA_SHORT, EXTENSION_SIZE_OFFSET)).isEqualTo((short) 96);
            assertThat(seg.get(U32, SEQ_COUNT_OFFSET)).isEqualTo(2);
            assertThat(seg.get(ValueLayout.JAVA_BYTE, CLOCK_STATUS_OFFSET)).isEqualTo((byte) 2);
            assertThat(seg.get(ValueLayout.JAVA_BYTE, LEAP_INDICATOR_OFFSET)).isEqualTo((byte) 1);
            assertThat(seg.get(ValueLayout.JAVA_SHORT, TAI_OFFSET_SEC_OFFSET)).isEqualTo((short) 37);
            assertThat(seg.get(U64, DISRUPTION_MARKER_OFFSET)).isEqualTo(9);
            // TAI_OFFSET_VALID (1) | TIME_ESTERROR_VALID (32) | TIME_MAXERROR_VALID (64) = 97.
            assertThat(seg.get(U64, FLAGS_OFFSET)).isEqualTo(97);
            assertThat(seg.get(U64, TIME_ESTERROR_NANOSEC_OFFSET)).isEqualTo(1_500);
            assertThat(seg.get(U64, TIME_MAXERROR_NANOSEC_OFFSET)).isEqualTo(250_000);
            assertThat(seg.get(U64, LAST_PUSH_MONOTONIC_NS_OFFSET)).isEqualTo(123_456_789L);
            assertThat(seg.get(U32, LAST_PUSH_REASON_OFFSET)).isEqualTo(2);
            assertThat(seg.get(U32, TIME_OFFSET_SEC_OFFSET)).isEqualTo(-3600);
            assertThat(seg.get(U32, HEARTBEAT_PERIOD_MS_OFFSET)).isEqualTo(1000);
            assertThat(seg.get(U32, WRITER_PID_OFFSET)).isEqualTo(4242);
            w.heartbeat(987_654_321L);
            assertThat(seg.get(U64, HEARTBEAT_MONOTONIC_NS_OFFSET)).isEqualTo(987_654_321L);
        }
    }

    @Test
    void unknownErrorsClearTheirValidFlags() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = page(arena);
            new PageWriter(seg)
                    .publishState(new PageState(
                            ClockStatus.FREERUNNING,
                            PageLeapIndicator.NONE,
                            0,
                            false,
                            1,
                            -1,
                            -1,
                            0,
                            PushReason.START,
                            0));
            assertThat(seg.get(U64, FLAGS_OFFSET)).isZero();
        }
    }

    @Test
    void aSeqlockLeftOddByAKilledWriterStaysOddUntilTheFirstWholeWrite() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = page(arena);
            seg.set(U32, SharedInfoLayout.WC_VERSION_OFFSET, 7);
            seg.set(U32, SEQ_COUNT_OFFSET, 3);
            PageWriter w = new PageWriter(seg);
            assertThat(w.initialise(1, 1000, io.wallsync.core.vmclock.VmclockLayout.COUNTER_INVALID))
                    .isTrue();
            // Still odd: even now would vouch for whatever the dead writer had half stored.
            assertThat(seg.get(U32, SharedInfoLayout.WC_VERSION_OFFSET)).isEqualTo(7);
            assertThat(seg.get(U32, SEQ_COUNT_OFFSET)).isEqualTo(3);
            // The first pushes: (7 + 1) | 1 = 9 then 10; (3 + 1) | 1 = 5 then 6.
            w.publishWallclock(1_700_000_000L, 0);
            w.publishState(new PageState(
                    io.wallsync.core.page.ClockStatus.FREERUNNING,
                    io.wallsync.core.page.PageLeapIndicator.NONE,
                    0,
                    false,
                    1,
                    -1,
                    -1,
                    0,
                    PushReason.START,
                    0));
            assertThat(seg.get(U32, SharedInfoLayout.WC_VERSION_OFFSET)).isEqualTo(10);
            assertThat(seg.get(U32, SEQ_COUNT_OFFSET)).isEqualTo(6);
        }
    }

    @Property
    void wallSecondsRoundTripThroughHiAndLo(
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long seconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = page(arena);
            new PageWriter(seg).publishWallclock(seconds, nanos);
            java.math.BigInteger hi = java.math.BigInteger.valueOf(
                    Integer.toUnsignedLong(seg.get(U32, SharedInfoLayout.WC_SEC_HI_OFFSET)));
            java.math.BigInteger lo =
                    java.math.BigInteger.valueOf(Integer.toUnsignedLong(seg.get(U32, SharedInfoLayout.WC_SEC_OFFSET)));
            assertThat(hi.shiftLeft(32).add(lo)).isEqualTo(java.math.BigInteger.valueOf(seconds));
            assertThat(seg.get(U32, SharedInfoLayout.WC_NSEC_OFFSET)).isEqualTo(nanos);
        }
    }
}
