package io.wallsync.core.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.abi.AbiField;
import io.wallsync.core.abi.Bytes;
import io.wallsync.core.abi.SeqlockRetry;
import java.lang.foreign.MemorySegment;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** Byte-level fixtures for the wallsync extension (docs/page-abi.md), not round trips. */
class PageExtensionBytesTest {
    @Test
    void theFieldsAreContiguousFromTheEndOfSharedInfoAndSpanExtensionSize() {
        int next = PageExtensionLayout.EXTENSION_OFFSET;
        for (AbiField f : PageExtensionLayout.FIELDS) {
            assertThat(f.offset()).as(f.name()).isEqualTo(next);
            next = f.end();
        }
        // 3136 + 96 = 3232
        assertThat(next).isEqualTo(3232);
        assertThat(PageExtensionLayout.EXTENSION_SIZE).isEqualTo(96);
        assertThat(PageExtensionLayout.TIME_OFFSET_SEC_OFFSET).isEqualTo(3196);
        assertThat(PageExtensionLayout.HEARTBEAT_MONOTONIC_NS_OFFSET).isEqualTo(3200);
    }

    @Test
    void initialiseAndPublishStoreExactBytes() {
        MemorySegment seg = Bytes.zeroed(PageExtensionLayout.PAGE_SIZE);
        PageExtension ext = new PageExtension(seg);
        ext.initialise(0x1234, 1000);
        ext.publish(new ExtensionFields(
                ClockStatus.SYNCHRONIZED.code(), // 2
                PageLeapIndicator.PRE_POS.code(), // 1
                (short) 37, // 0x25
                0x0102030405060708L,
                ExtensionFields.flagsFor(true, 1500, -1), // bit 0 | bit 5 = 0x21
                1500, // 0x5DC
                0, // maxerror unknown: 0 stored, bit 6 clear
                5_000_000_000L, // 0x12A05F200
                PushReason.STEP.code(), // 2
                Integer.MIN_VALUE)); // -2^31 = 0x80000000
        ext.heartbeatMonotonicNs(0x0A0B0C0D0E0F1011L);
        assertThat(Bytes.hex(seg, 3136, 8)).isEqualTo("57 59 4e 43 02 00 60 00"); // "WYNC", layout 2, 96
        assertThat(Bytes.hex(seg, 3144, 8)).isEqualTo("02 00 00 00 02 01 25 00"); // seq 2, status, leap, tai
        assertThat(Bytes.hex(seg, 3152, 8)).isEqualTo("08 07 06 05 04 03 02 01"); // disruption_marker
        assertThat(Bytes.hex(seg, 3160, 8)).isEqualTo("21 00 00 00 00 00 00 00"); // flags 0x21
        assertThat(Bytes.hex(seg, 3168, 16))
                .isEqualTo("dc 05 00 00 00 00 00 00 00 00 00 00 00 00 00 00"); // esterror, maxerror
        assertThat(Bytes.hex(seg, 3184, 16))
                .isEqualTo("00 f2 05 2a 01 00 00 00 02 00 00 00 00 00 00 80"); // last push, reason, offset
        assertThat(Bytes.hex(seg, 3200, 16))
                .isEqualTo("11 10 0f 0e 0d 0c 0b 0a e8 03 00 00 34 12 00 00"); // heartbeat, 1000 ms, pid
        assertThat(Bytes.nonZeroOutside(seg, 3136, 3216)).isZero();
    }

    @Test
    void theReaderDecodesAHandBuiltExtension() {
        MemorySegment seg = Bytes.zeroed(PageExtensionLayout.PAGE_SIZE);
        Bytes.put(seg, 3144, "04000000 03 02 e5ff"); // seq 4, FREERUNNING, PRE_NEG, tai -27
        Bytes.put(seg, 3152, "0900000000000000 6000000000000000"); // generation 9, flags bits 5 and 6
        Bytes.put(seg, 3168, "e803000000000000 1027000000000000"); // esterror 1000, maxerror 10000
        Bytes.put(seg, 3184, "0100000000000000 04000000 ffffff7f"); // last push 1, OFFSET_CHANGE, 2^31-1
        ExtensionReading.Value v = (ExtensionReading.Value) new PageExtension(seg).read(SeqlockRetry.ONCE);
        ExtensionFields f = v.fields();
        assertThat(v.seqCount()).isEqualTo(4);
        assertThat(f.status()).isEqualTo(ClockStatus.FREERUNNING);
        assertThat(f.leap()).isEqualTo(PageLeapIndicator.PRE_NEG);
        assertThat(f.taiOffsetSec()).isEqualTo((short) -27);
        assertThat(f.taiOffset()).isEqualTo(OptionalInt.empty()); // bit 0 clear
        assertThat(f.disruptionMarker()).isEqualTo(9);
        assertThat(f.estErrorNs()).isEqualTo(OptionalLong.of(1000));
        assertThat(f.maxErrorNs()).isEqualTo(OptionalLong.of(10_000));
        assertThat(f.lastPushMonotonicNs()).isEqualTo(1);
        assertThat(f.reason()).isEqualTo(PushReason.OFFSET_CHANGE);
        assertThat(f.timeOffsetSec()).isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void aKilledWritersOddSeqCountStaysOddUntilTheNextWholeWrite() {
        MemorySegment seg = Bytes.zeroed(PageExtensionLayout.PAGE_SIZE);
        Bytes.put(seg, 3144, "05000000");
        PageExtension ext = new PageExtension(seg);
        assertThat(ext.read(SeqlockRetry.upTo(2))).isEqualTo(new ExtensionReading.Failed(3, 5));
        assertThat(ext.initialise(1, 1000)).isTrue();
        // Still 5: an even value now would vouch for the dead writer's half-written fields.
        assertThat(Bytes.hex(seg, 3144, 4)).isEqualTo("05 00 00 00");
        assertThat(ext.read(SeqlockRetry.ONCE)).isInstanceOf(ExtensionReading.Failed.class);
        // The next publish: (5 + 1) | 1 = 7 while writing, then 8.
        ext.publish(new ExtensionFields(2, 0, (short) 0, 1, 0, 0, 0, 0, 1, 0));
        assertThat(Bytes.hex(seg, 3144, 4)).isEqualTo("08 00 00 00");
        assertThat(ext.read(SeqlockRetry.ONCE)).isInstanceOf(ExtensionReading.Value.class);
    }

    @Test
    void aByteArraySegmentIsRefusedWithTheReason() {
        assertThatThrownBy(() -> new PageExtension(MemorySegment.ofArray(new byte[4096])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected 8 for atomic access");
    }
}
