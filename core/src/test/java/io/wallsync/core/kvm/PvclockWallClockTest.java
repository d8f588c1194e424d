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

    // arch/x86/include/asm/pvclock-abi.h:
    //     struct pvclock_wall_clock {
    //         u32   version;
    //         u32   sec;
    //         u32   nsec;
    //     } __attribute__((__packed__));
    // x86 is little-endian. The fixtures below are bytes written out by hand, so an encoder and a
    // decoder that agreed on a wrong layout would both fail.

    @Test
    void decoderReadsHandWrittenBytesAtTheHeaderOffsets() {
        MemorySegment page = Arena.ofAuto().allocate(12);
        int[] bytes = {
            0x04, 0x00, 0x00, 0x00, // version 4
            0x00, 0xF1, 0x53, 0x65, // sec 0x6553F100 = 1_700_000_000
            0x15, 0xCD, 0x5B, 0x07, // nsec 0x075BCD15 = 123_456_789
        };
        for (int i = 0; i < bytes.length; i++) {
            page.set(ValueLayout.JAVA_BYTE, i, (byte) bytes[i]);
        }
        PvclockWallClock wc = new PvclockWallClock(page);
        assertThat(wc.version()).isEqualTo(4);
        assertThat(wc.sec()).isEqualTo(1_700_000_000L);
        assertThat(wc.nsec()).isEqualTo(123_456_789);
        assertThat(((PvclockWallClock.Reading.Value) wc.read(1)).epochNs()).isEqualTo(1_700_000_000_123_456_789L);
    }

    @Test
    void encoderWritesExactlyTheHandWrittenBytes() {
        MemorySegment page = Arena.ofAuto().allocate(12);
        new PvclockWallClock(page).write(0xFEDC_BA98L, 0x0102_0304);
        int[] expected = {
            0x02, 0x00, 0x00, 0x00, // version 0 -> 1 during the write -> 2
            0x98, 0xBA, 0xDC, 0xFE, // sec
            0x04, 0x03, 0x02, 0x01, // nsec 0x01020304 = 16_909_060
        };
        for (int i = 0; i < expected.length; i++) {
            assertThat(page.get(ValueLayout.JAVA_BYTE, i) & 0xFF)
                    .as("byte %d", i)
                    .isEqualTo(expected[i]);
        }
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
