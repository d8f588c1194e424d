package io.wallsync.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PvclockWallClockTest {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void writeLaysOutVersionSecNsecLittleEndianInTwelveBytes() {
        MemorySegment page = Arena.ofAuto().allocate(16);
        new PvclockWallClock(page).write(1_700_000_000L, 123_456_789);
        // version 0 -> odd 1 during the write -> even 2 after
        assertThat(page.get(U32, 0)).isEqualTo(2);
        // 1_700_000_000 = 0x6553F100: bytes 00 F1 53 65 at offset 4
        assertThat(page.get(ValueLayout.JAVA_BYTE, 4)).isEqualTo((byte) 0x00);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 5)).isEqualTo((byte) 0xF1);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 6)).isEqualTo((byte) 0x53);
        assertThat(page.get(ValueLayout.JAVA_BYTE, 7)).isEqualTo((byte) 0x65);
        assertThat(page.get(U32, 8)).isEqualTo(123_456_789);
        // nothing beyond the 12 bytes is touched
        assertThat(page.get(U32, 12)).isZero();
    }

    @Test
    void anOddVersionLeftByJunkMemoryIsMadeEvenFirstAsLinuxDoes() {
        MemorySegment page = Arena.ofAuto().allocate(12);
        page.set(U32, 0, 7);
        new PvclockWallClock(page).write(1, 2);
        // kvm_write_wall_clock: 7 is odd -> 8; ++ -> 9 (odd, in progress); ++ -> 10
        assertThat(page.get(U32, 0)).isEqualTo(10);
    }

    @Test
    void secondsBeyond2106KeepOnlyTheLow32BitsLikeLinux() {
        MemorySegment page = Arena.ofAuto().allocate(12);
        // 2^32 + 5 s: "overflow in 2106 guest time"
        new PvclockWallClock(page).write((1L << 32) + 5, 0);
        assertThat(new PvclockWallClock(page).sec()).isEqualTo(5);
    }

    @Test
    void aReaderGivesUpOnAVersionThatStaysOdd() {
        MemorySegment page = Arena.ofAuto().allocate(12);
        page.set(U32, 0, 3);
        assertThat(new PvclockWallClock(page).read(10)).isInstanceOf(PvclockWallClock.Reading.Failed.class);
    }

    @Property
    void whatIsWrittenIsReadBack(
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long sec, @ForAll @IntRange(max = 999_999_999) int nsec) {
        MemorySegment page = Arena.ofAuto().allocate(12);
        PvclockWallClock wc = new PvclockWallClock(page);
        wc.write(sec, nsec);
        assertThat(wc.read(1)).isEqualTo(new PvclockWallClock.Reading.Value(sec, nsec));
    }
}
