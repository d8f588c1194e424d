package io.wallsync.core.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.WallclockReading;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/**
 * Linux arch/x86/kernel/pvclock.c {@code pvclock_read_wallclock}, reached from arch/x86/xen/time.c
 * {@code xen_read_wallclock} with {@code &HYPERVISOR_shared_info->wc}:
 *
 * <pre>
 *   now.tv_sec  = wall_clock->sec;     // "wall_clock->sec is a u32 value, so it can only store
 *   now.tv_nsec = wall_clock->nsec;    //  dates between 1970 and 2106"
 *   ...
 *   delta += now.tv_sec * NSEC_PER_SEC + now.tv_nsec;
 * </pre>
 *
 * and include/xen/interface/xen.h / Xen public/xen.h: {@code struct shared_info { ... uint32_t
 * wc_version; uint32_t wc_sec; uint32_t wc_nsec; ... uint32_t wc_sec_hi; }} at bytes 3072, 3076,
 * 3080, 3084 on x86_64, which Linux overlays with {@code struct pvclock_wall_clock { u32 version;
 * u32 sec; u32 nsec; }}. The fixtures are raw little-endian bytes, not our encoder's output.
 */
class LinuxPvclockWallclockReaderTest {
    private static SharedInfo pageWithBytesAt3072(int... bytes) {
        SharedInfo page = SharedInfo.allocate();
        for (int i = 0; i < bytes.length; i++) {
            page.segment().set(ValueLayout.JAVA_BYTE, 3072 + i, (byte) bytes[i]);
        }
        return page;
    }

    @Test
    void readsTheU32SecAndNsecAtBytes3076And3080AndIgnoresWcSecHi() {
        SharedInfo page = pageWithBytesAt3072(
                0x02, 0x00, 0x00, 0x00, // wc_version 2
                0x00, 0xF1, 0x53, 0x65, // wc_sec 0x6553F100 = 1_700_000_000
                0x15, 0xCD, 0x5B, 0x07, // wc_nsec 0x075BCD15 = 123_456_789
                0x01, 0x00, 0x00, 0x00); // wc_sec_hi 1: Linux never loads it
        assertThat(LinuxPvclockWallclockReader.read(page, 0))
                .isEqualTo(new WallclockReading.Value(1_700_000_000L, 123_456_789, 2));
        // wallsync's own reader combines the two words: 2^32 + 1_700_000_000 = 5_994_967_296.
        assertThat(page.readWallclock(0)).isEqualTo(new WallclockReading.Value(5_994_967_296L, 123_456_789, 2));
    }

    @Test
    void secWithBit31SetIsUnsignedNot1901() {
        // wc_sec 0x80000000 = 2_147_483_648 (2038-01-19T03:14:08Z): u32, so no sign.
        SharedInfo page = pageWithBytesAt3072(0x04, 0, 0, 0, 0x00, 0x00, 0x00, 0x80, 0, 0, 0, 0);
        assertThat(LinuxPvclockWallclockReader.read(page, 0))
                .isEqualTo(new WallclockReading.Value(2_147_483_648L, 0, 4));
    }

    @Test
    void nsecOfASecondOrMoreCarriesIntoTheSeconds() {
        // sec 10, nsec 0xFFFFFFFF = 4_294_967_295: delta = 10e9 + 4_294_967_295 = 14_294_967_295 ns,
        // do_div -> 14 s, 294_967_295 ns.
        SharedInfo page = pageWithBytesAt3072(0x02, 0, 0, 0, 0x0A, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF);
        assertThat(LinuxPvclockWallclockReader.read(page, 0)).isEqualTo(new WallclockReading.Value(14, 294_967_295, 2));
    }

    @Test
    void oddOrChangingVersionIsRetriedThenReportedNotLoopedForEver() {
        // "while ((wall_clock->version & 1) || ...)": an odd version is never accepted.
        SharedInfo page = pageWithBytesAt3072(0x05, 0, 0, 0, 0x0A, 0, 0, 0);
        assertThat(LinuxPvclockWallclockReader.read(page, 3))
                .isInstanceOfSatisfying(WallclockReading.Failed.class, f -> {
                    assertThat(f.attempts()).isEqualTo(4);
                    assertThat(f.lastVersion()).isEqualTo(5);
                    assertThat(f.why()).contains("still odd");
                });
        assertThatThrownBy(() -> LinuxPvclockWallclockReader.read(page, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("maxRetries -1");
    }

    @Property(tries = 300)
    void wIsTheUnsignedLowWordTimesOneBillionPlusNsec(@ForAll int sec, @ForAll int nsec, @ForAll int secHi) {
        MemorySegment s = SharedInfo.allocate().segment();
        var u32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
        s.set(u32, 3072, 2);
        s.set(u32, 3076, sec);
        s.set(u32, 3080, nsec);
        s.set(u32, 3084, secHi);
        // (u64) sec * 1e9 + (u64) nsec, then do_div by 1e9.
        BigInteger total = BigInteger.valueOf(Integer.toUnsignedLong(sec))
                .multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(Integer.toUnsignedLong(nsec)));
        BigInteger[] qr = total.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
        assertThat(LinuxPvclockWallclockReader.read(new SharedInfo(s), 0))
                .isEqualTo(new WallclockReading.Value(qr[0].longValueExact(), qr[1].intValueExact(), 2));
    }
}
