package io.wallsync.core.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SharedInfoTest {
    private static final ValueLayout.OfInt LE_INT = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);

    @Test
    void publishMakesVersionEvenAndAdvancesItByTwo() {
        SharedInfo page = SharedInfo.allocate();
        assertThat(page.wcVersion()).isZero();

        page.publishWallclock(1_699_999_995L, 123_456_789);
        // (0 + 1) | 1 = 1 while writing, then 1 + 1 = 2.
        assertThat(page.wcVersion()).isEqualTo(2);

        page.publishWallclock(1_699_999_996L, 0);
        // (2 + 1) | 1 = 3, then 4.
        assertThat(page.wcVersion()).isEqualTo(4);
    }

    @Test
    void publishOverAStuckOddVersionEndsEven() {
        SharedInfo page = SharedInfo.allocate();
        page.segment().set(LE_INT, SharedInfoLayout.WC_VERSION_OFFSET, 5);
        page.publishWallclock(1, 0);
        // version_update_begin(5) = (5 + 1) | 1 = 7; version_update_end(7) = 8.
        assertThat(page.wcVersion()).isEqualTo(8);
    }

    @Test
    void fieldsLandAtTheAbiOffsetsLittleEndian() {
        SharedInfo page = SharedInfo.allocate();
        // sec = 0x0000_0001_1234_5678: wc_sec = 0x12345678, wc_sec_hi = 1; nsec = 0x0A0B0C0D.
        page.publishWallclock(0x1_1234_5678L, 0x0A0B_0C0D);
        byte[] bytes = page.toByteArray();

        assertThat(bytes).hasSize(3136);
        assertThat(slice(bytes, 3072, 16))
                .containsExactly(
                        0x02, 0x00, 0x00, 0x00, // wc_version 2
                        0x78, 0x56, 0x34, 0x12, // wc_sec
                        0x0D, 0x0C, 0x0B, 0x0A, // wc_nsec
                        0x01, 0x00, 0x00, 0x00); // wc_sec_hi
    }

    @Test
    void dateAfter2038KeepsBit31InWcSecAndReadsBackPositive() {
        SharedInfo page = SharedInfo.allocate();
        // 2^31 + 5 = 2147483653 s = 2038-01-19T03:14:13Z: needs the unsigned 32-bit wc_sec.
        page.publishWallclock(2_147_483_653L, 7);

        assertThat(page.wcSec()).isEqualTo(2_147_483_653L);
        assertThat(page.wcSecHi()).isZero();
        assertThat(page.readWallclock(0)).isEqualTo(new WallclockReading.Value(2_147_483_653L, 7, 2));
    }

    @Test
    void dateAfter2106CarriesIntoWcSecHi() {
        SharedInfo page = SharedInfo.allocate();
        // 2^32 + 7 = 4294967303 s (2106-02-07T06:28:23Z): wc_sec = 7, wc_sec_hi = 1.
        page.publishWallclock(4_294_967_303L, 0);

        assertThat(page.wcSec()).isEqualTo(7);
        assertThat(page.wcSecHi()).isEqualTo(1);
        assertThat(page.readWallclock(0)).isEqualTo(new WallclockReading.Value(4_294_967_303L, 0, 2));
    }

    @Property
    void publishThenReadRoundTripsAnySecondsAndNanos(
            @ForAll long seconds, @ForAll @IntRange(min = 0, max = 999_999_999) int nanos) {
        SharedInfo page = SharedInfo.allocate();
        page.publishWallclock(seconds, nanos);
        assertThat(page.readWallclock(0)).isEqualTo(new WallclockReading.Value(seconds, nanos, 2));
    }

    @Test
    void readerGivesUpOnAWriterStuckOddInsteadOfHanging() {
        SharedInfo page = SharedInfo.allocate();
        page.segment().set(LE_INT, SharedInfoLayout.WC_VERSION_OFFSET, 3);

        WallclockReading reading = page.readWallclock(9);

        assertThat(reading).isInstanceOf(WallclockReading.Failed.class);
        WallclockReading.Failed failed = (WallclockReading.Failed) reading;
        assertThat(failed.attempts()).isEqualTo(10);
        assertThat(failed.lastVersion()).isEqualTo(3);
        assertThat(failed.why()).contains("stuck").contains("odd");
    }

    @Test
    void nanosOutsideASecondAreRefused() {
        SharedInfo page = SharedInfo.allocate();
        assertThatThrownBy(() -> page.publishWallclock(0, 1_000_000_000)).hasMessageContaining("1000000000");
        assertThatThrownBy(() -> page.publishWallclock(0, -1)).hasMessageContaining("-1");
    }

    @Test
    void byteArraySegmentIsRefusedBecauseItIsNotAlignedForAtomics() {
        assertThatThrownBy(() -> new SharedInfo(MemorySegment.ofArray(new byte[3136])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("aligned");
    }

    @Test
    void shortSegmentIsRefusedNamingTheSizes() {
        assertThatThrownBy(() -> new SharedInfo(MemorySegment.ofArray(new long[100])))
                .hasMessageContaining("800")
                .hasMessageContaining("3136");
    }

    @Test
    void nativeSegmentFromAnArenaWorks() {
        try (Arena arena = Arena.ofConfined()) {
            SharedInfo page = new SharedInfo(arena.allocate(SharedInfoLayout.SIZE, 8));
            page.publishWallclock(1_700_000_000L, 1);
            assertThat(page.readWallclock(0)).isEqualTo(new WallclockReading.Value(1_700_000_000L, 1, 2));
        }
    }

    @Test
    void concurrentReaderNeverAcceptsATornValue() throws Exception {
        // The writer publishes sec = (i << 32) | i and nanos = i, so every consistent snapshot has
        // wc_sec_hi == wc_sec == wc_nsec. A reader that accepted a half-written update would see them differ.
        SharedInfo page = SharedInfo.allocate();
        page.publishWallclock(0, 0);
        int writes = 200_000;
        AtomicBoolean done = new AtomicBoolean();
        AtomicReference<String> torn = new AtomicReference<>();
        AtomicLong values = new AtomicLong();
        Thread reader = Thread.ofPlatform().start(() -> {
            while (!done.get()) {
                if (page.readWallclock(1_000_000) instanceof WallclockReading.Value v) {
                    values.incrementAndGet();
                    long hi = v.seconds() >>> 32;
                    long lo = v.seconds() & 0xFFFF_FFFFL;
                    if (hi != lo || lo != v.nanos() || (v.version() & 1) != 0) {
                        torn.compareAndSet(null, v.toString());
                    }
                }
            }
        });
        for (int i = 1; i <= writes; i++) {
            page.publishWallclock(((long) i << 32) | i, i);
        }
        done.set(true);
        reader.join(10_000);

        assertThat(torn.get()).isNull();
        assertThat(values.get()).isPositive();
        assertThat(page.wcVersion()).isEqualTo(2 * (writes + 1));
    }

    private static int[] slice(byte[] bytes, int from, int length) {
        int[] out = new int[length];
        for (int i = 0; i < length; i++) {
            out[i] = Byte.toUnsignedInt(bytes[from + i]);
        }
        return out;
    }
}
