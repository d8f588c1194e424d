package io.wallsync.core.vmclock;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.abi.SeqlockRetry;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/**
 * The flyweight against the byte offsets of Linux include/uapi/linux/vmclock-abi.h, counted from
 * the header by hand (magic 0, size 4, version 8, counter_id 10, time_type 11, seq_count 12,
 * disruption_marker 16, flags 24, pad 32, clock_status 34, leap_second_smearing_hint 35,
 * tai_offset_sec 36, leap_indicator 38, counter_period_shift 39, counter_value 40, period 48, its
 * esterror 56 and maxerror 64 rates, time_sec 72, time_frac_sec 80, time_esterror_nanosec 88,
 * time_maxerror_nanosec 96, vm_generation_counter 104; 112 bytes), at byte 4096 of a page v2.
 */
class VmclockBytesTest {
    private static final ValueLayout.OfLong LE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort LE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void theDescriptorHasTheHeadersOffsets() {
        assertThat(VmclockLayout.SEQ_COUNT_OFFSET).isEqualTo(12);
        assertThat(VmclockLayout.CLOCK_STATUS_OFFSET).isEqualTo(34);
        assertThat(VmclockLayout.COUNTER_VALUE_OFFSET).isEqualTo(40);
        assertThat(VmclockLayout.TIME_SEC_OFFSET).isEqualTo(72);
        assertThat(VmclockLayout.VM_GENERATION_COUNTER_OFFSET).isEqualTo(104);
        assertThat(VmclockLayout.SIZE).isEqualTo(112);
        assertThat(VmclockLayout.FIELDS.getFirst().offset()).isEqualTo(4096);
        assertThat(VmclockLayout.FIELDS.getLast().end()).isEqualTo(4096 + 112);
    }

    @Test
    void publishWritesEveryFieldAtItsLinuxOffset() {
        MemorySegment page = Arena.ofAuto().allocate(8192, 4096);
        Vmclock clock = Vmclock.ofPage(page);
        clock.initialise(VmclockLayout.COUNTER_X86_TSC);
        clock.publish(new VmclockFields(
                0x1111, 0x2222, 2, 0, (short) -5, 1, 29, 0x4444, 0x5555, 0x66, 0x77, 0x8888, 0x9999, 0xAA, 0xBB, 0xCC));
        MemorySegment s = page.asSlice(4096);
        assertThat(s.get(LE32, 0)).isEqualTo(0x4b4c4356);
        assertThat(s.get(LE32, 4)).isEqualTo(4096);
        assertThat(s.get(LE16, 8)).isEqualTo((short) 1);
        assertThat(s.get(ValueLayout.JAVA_BYTE, 10)).isEqualTo((byte) 1);
        assertThat(s.get(ValueLayout.JAVA_BYTE, 11)).isEqualTo((byte) 0);
        assertThat(s.get(LE32, 12)).isEqualTo(2); // one write: 0 -> 1 -> 2
        assertThat(s.get(LE64, 16)).isEqualTo(0x1111);
        assertThat(s.get(LE64, 24)).isEqualTo(0x2222);
        assertThat(s.get(ValueLayout.JAVA_BYTE, 34)).isEqualTo((byte) 2);
        assertThat(s.get(LE16, 36)).isEqualTo((short) -5);
        assertThat(s.get(ValueLayout.JAVA_BYTE, 38)).isEqualTo((byte) 1);
        assertThat(s.get(ValueLayout.JAVA_BYTE, 39)).isEqualTo((byte) 29);
        assertThat(s.get(LE64, 40)).isEqualTo(0x4444);
        assertThat(s.get(LE64, 48)).isEqualTo(0x5555);
        assertThat(s.get(LE64, 56)).isEqualTo(0x66);
        assertThat(s.get(LE64, 64)).isEqualTo(0x77);
        assertThat(s.get(LE64, 72)).isEqualTo(0x8888);
        assertThat(s.get(LE64, 80)).isEqualTo(0x9999);
        assertThat(s.get(LE64, 88)).isEqualTo(0xAA);
        assertThat(s.get(LE64, 96)).isEqualTo(0xBB);
        assertThat(s.get(LE64, 104)).isEqualTo(0xCC);
        assertThat(page.asSlice(0, 4096).mismatch(Arena.ofAuto().allocate(4096)))
                .isEqualTo(-1); // first page untouched
    }

    @Test
    void aReadReturnsOneWriteAndTheCounterReadInsideIt() {
        MemorySegment page = Arena.ofAuto().allocate(8192, 4096);
        Vmclock clock = Vmclock.ofPage(page);
        clock.initialise(VmclockLayout.COUNTER_X86_TSC);
        VmclockFields f =
                new VmclockFields(3, 0, 2, 0, (short) 0, 0, 0, 10, 1L << 32, 0, 0, 1_700_000_000L, 0, 0, 0, 0);
        clock.publish(f);
        VmclockReading r = clock.read(() -> 10 + (1L << 32), SeqlockRetry.ONCE);
        assertThat(r).isInstanceOf(VmclockReading.Value.class);
        VmclockReading.Value v = (VmclockReading.Value) r;
        assertThat(v.fields()).isEqualTo(f);
        assertThat(v.time()).isEqualTo(new VmclockTime(1_700_000_001L, 0));
        assertThat(v.seqCount()).isEqualTo(2);
        assertThat(clock.epochNanos(() -> 10 + (1L << 31), 1_000_000_000L)).isEqualTo(1_700_000_000_500_000_000L);
        // 2 s after the reference with a 1 s limit: the writer stopped
        assertThat(clock.epochNanos(() -> 10 + (2L << 32), 1_000_000_000L)).isEqualTo(Vmclock.NO_TIME);
    }

    @Test
    void anOddSeqCountIsNoTimeAndStaysOddUntilTheNextWholeWrite() {
        MemorySegment page = Arena.ofAuto().allocate(8192, 4096);
        Vmclock clock = Vmclock.ofPage(page);
        clock.initialise(VmclockLayout.COUNTER_X86_TSC);
        clock.publish(new VmclockFields(3, 0, 2, 0, (short) 0, 0, 0, 10, 1L << 32, 0, 0, 1, 0, 0, 0, 0));
        clock.seqCount(5);
        assertThat(clock.read(() -> 10, SeqlockRetry.upTo(3))).isEqualTo(new VmclockReading.Failed(4, 5));
        assertThat(clock.epochNanos(() -> 10, Long.MAX_VALUE)).isEqualTo(Vmclock.NO_TIME);
        assertThat(clock.initialise(VmclockLayout.COUNTER_X86_TSC)).isTrue();
        assertThat(clock.seqCount()).isEqualTo(5); // even now would vouch for a dead writer's fields
        clock.publish(new VmclockFields(3, 0, 2, 0, (short) 0, 0, 0, 10, 1L << 32, 0, 0, 1, 0, 0, 0, 0));
        assertThat(clock.seqCount()).isEqualTo(8); // (5 + 1) | 1 = 7 while writing, then 8
    }
}
