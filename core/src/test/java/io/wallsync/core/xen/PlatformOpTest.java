package io.wallsync.core.xen;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PlatformOpTest {

    @Test
    void settime64EncodesTheXenLayoutLittleEndian() {
        byte[] op = PlatformOp.settime64(0x0000_0001_0000_0002L, 0x0304_0506, 0x0708_090A_0B0C_0D0EL);

        assertThat(op).hasSize(136);
        assertThat(Arrays.copyOfRange(op, 0, 32))
                .containsExactly(
                        0x3E, 0, 0, 0, // cmd 62
                        0x01, 0, 0, 0x03, // interface_version 0x03000001
                        0x02, 0, 0, 0, 0x01, 0, 0, 0, // secs
                        0x06, 0x05, 0x04, 0x03, // nsecs
                        0, 0, 0, 0, // mbz
                        0x0E, 0x0D, 0x0C, 0x0B, 0x0A, 0x09, 0x08, 0x07); // system_time
        assertThat(Arrays.copyOfRange(op, 32, 136)).containsOnly(0);
    }

    @Test
    void settime32EncodesTheXenLayoutLittleEndian() {
        byte[] op = PlatformOp.settime32(0xFFFF_FFFEL, 999_999_999, 5_000_000_000L);

        assertThat(Arrays.copyOfRange(op, 0, 24))
                .containsExactly(
                        17,
                        0,
                        0,
                        0, // cmd 17
                        0x01,
                        0,
                        0,
                        0x03, // interface_version
                        (byte) 0xFE,
                        (byte) 0xFF,
                        (byte) 0xFF,
                        (byte) 0xFF, // secs 2^32 - 2
                        (byte) 0xFF,
                        (byte) 0xC9,
                        (byte) 0x9A,
                        0x3B, // nsecs 999999999 = 0x3B9AC9FF
                        0x00,
                        (byte) 0xF2,
                        0x05,
                        0x2A,
                        0x01,
                        0,
                        0,
                        0); // 5e9 = 0x12A05F200
    }

    @Test
    void settime32KeepsOnlyTheLow32BitsOfTheSecondsAsTheCAssignmentDoes() {
        // 2^32 + 5 = 4294967301 s (2106) is sent as 5: the hypervisor would believe 1970-01-01T00:00:05Z.
        assertThat(PlatformOp.fitsSettime32(4_294_967_301L)).isFalse();
        assertThat(PlatformOp.fitsSettime32(4_294_967_295L)).isTrue();
        assertThat(PlatformOp.fitsSettime32(-1)).isFalse();
        assertThat(PlatformOp.decode(PlatformOp.settime32(4_294_967_301L, 0, 0)))
                .isEqualTo(new PlatformOp.Decoding.Decoded(new PlatformOpCommand.Settime32(5, 0, 0)));
    }

    @Property
    void settime64DecodesBackToItsFields(
            @ForAll long secs, @ForAll int nsecs, @ForAll int mbz, @ForAll long systemTimeNs) {
        assertThat(PlatformOp.decode(PlatformOp.settime64(secs, nsecs, mbz, systemTimeNs)))
                .isEqualTo(new PlatformOp.Decoding.Decoded(
                        new PlatformOpCommand.Settime64(secs, nsecs, mbz, systemTimeNs)));
    }

    @Property
    void settime32DecodesBackToItsFields(
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long secs, @ForAll int nsecs, @ForAll long systemTimeNs) {
        assertThat(PlatformOp.decode(PlatformOp.settime32(secs, nsecs, systemTimeNs)))
                .isEqualTo(new PlatformOp.Decoding.Decoded(new PlatformOpCommand.Settime32(secs, nsecs, systemTimeNs)));
    }

    @Property
    void anyBufferShorterThan136BytesIsEfault(@ForAll @IntRange(min = 0, max = 135) int length) {
        byte[] op = Arrays.copyOf(PlatformOp.settime64(1, 2, 3), length);
        assertThat(PlatformOp.decode(op)).isInstanceOfSatisfying(PlatformOp.Decoding.Rejected.class, r -> {
            assertThat(r.errno()).isEqualTo(XenErrno.EFAULT);
            assertThat(r.why()).contains(length + " bytes").contains("136");
        });
    }

    @Test
    void wrongInterfaceVersionIsEacces() {
        byte[] op = PlatformOp.encode(PlatformOp.XENPF_SETTIME64, 0x0300_0000, new byte[24]);
        assertThat(PlatformOp.decode(op)).isInstanceOfSatisfying(PlatformOp.Decoding.Rejected.class, r -> {
            assertThat(r.errno()).isEqualTo(XenErrno.EACCES);
            assertThat(r.why()).contains("0x03000000").contains("0x03000001");
        });
    }

    @Test
    void unknownCmdDecodesAsUnknownSoTheHypervisorCanCheckPrivilegeFirst() {
        assertThat(PlatformOp.decode(PlatformOp.encode(99, PlatformOp.XENPF_INTERFACE_VERSION, new byte[0])))
                .isEqualTo(new PlatformOp.Decoding.Decoded(new PlatformOpCommand.Unknown(99)));
    }

    @Test
    void errnoNumbersAreXens() {
        assertThat(XenErrno.EPERM.rc()).isEqualTo(-1);
        assertThat(XenErrno.ENOENT.number()).isEqualTo(2);
        assertThat(XenErrno.EACCES.number()).isEqualTo(13);
        assertThat(XenErrno.EFAULT.number()).isEqualTo(14);
        assertThat(XenErrno.EINVAL.number()).isEqualTo(22);
        assertThat(XenErrno.ENOSYS.rc()).isEqualTo(-38);
        assertThat(XenErrno.ofNumber(38)).contains(XenErrno.ENOSYS);
        assertThat(XenErrno.ofNumber(999)).isEmpty();
    }
}
