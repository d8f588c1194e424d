package io.wallsync.core.xen;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.abi.AbiField;
import io.wallsync.core.abi.Bytes;
import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.clocksource.PvclockScale;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/**
 * Byte-level fixtures for struct shared_info and struct vcpu_time_info, from the upstream headers
 * (xen/include/public/xen.h, arch-x86/xen.h, Linux arch/x86/include/asm/pvclock-abi.h), not round
 * trips: the flyweight writes, the test looks at exact bytes; the test writes bytes, the flyweight
 * decodes.
 */
class SharedInfoBytesTest {
    // xen.h, x86_64: vcpu_info[32] of 64 bytes = 2048; evtchn_pending and evtchn_mask are
    // xen_ulong_t[sizeof(xen_ulong_t) * 8] = 64 x 8 = 512 bytes each: 2048 + 512 + 512 = 3072.
    private static final int WC_VERSION = 3072;

    @Test
    void theOffsetsAreTheOnesTheHeadersGive() {
        assertThat(SharedInfoLayout.WC_VERSION_OFFSET).isEqualTo(WC_VERSION);
        assertThat(SharedInfoLayout.WC_SEC_OFFSET).isEqualTo(3076);
        assertThat(SharedInfoLayout.WC_NSEC_OFFSET).isEqualTo(3080);
        assertThat(SharedInfoLayout.WC_SEC_HI_OFFSET).isEqualTo(3084);
        // arch_shared_info: max_pfn, pfn_to_mfn_frame_list_list, nmi_reason, p2m_cr3, p2m_vaddr,
        // p2m_generation, 6 x 8 = 48 bytes: 3088 + 48 = 3136.
        assertThat(SharedInfoLayout.ARCH_OFFSET).isEqualTo(3088);
        assertThat(SharedInfoLayout.SIZE).isEqualTo(3136);
        // vcpu_info: u8, u8, (pad to 8) xen_ulong_t evtchn_pending_sel @8, arch_vcpu_info {cr2, pad} @16,
        // vcpu_time_info @32, 32 bytes: 64 in all.
        assertThat(SharedInfoLayout.VCPU_INFO_SIZE).isEqualTo(64);
        assertThat(SharedInfoLayout.vcpuTimeInfoOffset(0)).isEqualTo(32);
        assertThat(SharedInfoLayout.vcpuTimeInfoOffset(31)).isEqualTo(31 * 64 + 32);
        // pvclock-abi.h: u32 version, u32 pad0, u64 tsc_timestamp, u64 system_time,
        // u32 tsc_to_system_mul, s8 tsc_shift, u8 flags, u8 pad[2].
        assertThat(VcpuTimeInfoLayout.TSC_TIMESTAMP_OFFSET).isEqualTo(8);
        assertThat(VcpuTimeInfoLayout.SYSTEM_TIME_OFFSET).isEqualTo(16);
        assertThat(VcpuTimeInfoLayout.TSC_TO_SYSTEM_MUL_OFFSET).isEqualTo(24);
        assertThat(VcpuTimeInfoLayout.TSC_SHIFT_OFFSET).isEqualTo(28);
        assertThat(VcpuTimeInfoLayout.FLAGS_OFFSET).isEqualTo(29);
        assertThat(VcpuTimeInfoLayout.SIZE).isEqualTo(32);
    }

    @Test
    void theFieldListsAreContiguousAndEndAtTheStructSize() {
        assertContiguous(SharedInfoLayout.FIELDS.toArray(AbiField[]::new), 0, SharedInfoLayout.SIZE);
        assertContiguous(VcpuTimeInfoLayout.FIELDS.toArray(AbiField[]::new), 0, VcpuTimeInfoLayout.SIZE);
    }

    static void assertContiguous(AbiField[] fields, int start, int end) {
        int next = start;
        for (AbiField f : fields) {
            assertThat(f.offset()).as(f.name()).isEqualTo(next);
            next = f.end();
        }
        assertThat(next).isEqualTo(end);
    }

    @Test
    void publishWallclockStoresLittleEndianFieldsAtTheirOffsetsAndNothingElse() {
        SharedInfo page = SharedInfo.allocate();
        // 0x1_2345_6789 s = 4_886_718_345 s (a date in 2124, so wc_sec_hi = 1);
        // 987_654_321 = 0x3ADE68B1. Version 0 -> odd 1 -> even 2.
        page.publishWallclock(0x1_2345_6789L, 987_654_321);
        assertThat(Bytes.hex(page.segment(), WC_VERSION, 16))
                .isEqualTo("02 00 00 00 89 67 45 23 b1 68 de 3a 01 00 00 00");
        assertThat(Bytes.nonZeroOutside(page.segment(), WC_VERSION, WC_VERSION + 16))
                .isZero();
    }

    @Test
    void theReaderDecodesAHandBuiltWallclockWithItsHighWord() {
        MemorySegment seg = Bytes.zeroed(SharedInfoLayout.SIZE);
        // version 6; wc_sec 0xFFFFFFFF; wc_nsec 0x3B9AC9FF = 999_999_999; wc_sec_hi 2
        // => seconds = 2 * 2^32 + 4_294_967_295 = 12_884_901_887.
        Bytes.put(seg, WC_VERSION, "06000000 ffffffff ffc99a3b 02000000");
        SharedInfo page = new SharedInfo(seg);
        assertThat(page.readWallclock(SeqlockRetry.ONCE))
                .isEqualTo(new WallclockReading.Value(12_884_901_887L, 999_999_999, 6));
        assertThat(page.wcSec()).isEqualTo(4_294_967_295L);
        assertThat(page.wcSecHi()).isEqualTo(2);
    }

    @Test
    void anOddHandBuiltVersionIsNeverAccepted() {
        MemorySegment seg = Bytes.zeroed(SharedInfoLayout.SIZE);
        Bytes.put(seg, WC_VERSION, "07000000 01000000 00000000 00000000");
        WallclockReading r = new SharedInfo(seg).readWallclock(SeqlockRetry.upTo(3));
        assertThat(r).isInstanceOf(WallclockReading.Failed.class);
        assertThat(((WallclockReading.Failed) r).attempts()).isEqualTo(4);
        assertThat(((WallclockReading.Failed) r).lastVersion()).isEqualTo(7);
    }

    @Test
    void vcpuTimeInfoOfVcpuOneIsWrittenAtNinetySixWithAnS8Shift() {
        SharedInfo page = SharedInfo.allocate();
        // 2.5 GHz (docs/xen-abi.md table): shift -1 (s8 0xFF), mul 0xCCCCCCCC. vcpu 1: 1 * 64 + 32 = 96.
        page.vcpuTimeInfo(1)
                .publish(
                        0x0102030405060708L,
                        0x1112131415161718L,
                        new PvclockScale(0xCCCCCCCC, -1),
                        VcpuTimeInfoLayout.FLAG_TSC_STABLE);
        assertThat(Bytes.hex(page.segment(), 96, 32))
                .isEqualTo("02 00 00 00 00 00 00 00 08 07 06 05 04 03 02 01 18 17 16 15 14 13 12 11"
                        + " cc cc cc cc ff 01 00 00");
        assertThat(Bytes.nonZeroOutside(page.segment(), 96, 128)).isZero();
    }

    @Test
    void vcpuTimeInfoDecodesHandBuiltBytes() {
        MemorySegment seg = Bytes.zeroed(VcpuTimeInfoLayout.SIZE);
        // version 4; tsc 1000; system_time 5_000_000_000 = 0x12A05F200; mul 0x80000000 (1 GHz:
        // 0.5 ns per tick after a shift of 1); shift 1; flags 3 (TSC_STABLE | GUEST_STOPPED).
        Bytes.put(seg, 0, "04000000 00000000 e803000000000000 00f2052a01000000 00000080 01 03 0000");
        VcpuTimeReading.Value v = (VcpuTimeReading.Value) new VcpuTimeInfo(seg).read(SeqlockRetry.ONCE);
        assertThat(v.version()).isEqualTo(4);
        assertThat(v.tscTimestamp()).isEqualTo(1000);
        assertThat(v.systemTimeNs()).isEqualTo(5_000_000_000L);
        assertThat(v.scale()).isEqualTo(new PvclockScale(0x80000000, 1));
        assertThat(v.flags()).isEqualTo(3);
        // 3000 ticks: (2000 << 1) * 2^31 >> 32 = 2000 ns after system_time.
        assertThat(v.systemTimeNsAt(3000)).isEqualTo(5_000_002_000L);
    }
}
