package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class NtpPacketTest {
    @Test
    void serverResponseHeaderBytesAreBigEndianInFigure8Order() {
        NtpPacket p = new NtpPacket(
                3,
                4,
                4,
                16,
                6,
                -24,
                0x0000_0021,
                0x0000_0052,
                0x7F7F_0101,
                0x0102_0304_0506_0708L,
                0x1112_1314_1516_1718L,
                0x2122_2324_2526_2728L,
                0x3132_3334_3536_3738L);
        byte[] b = p.encode();
        // LI 3, VN 4, mode 4: 0b11_100_100 = 0xE4. Stratum 16, poll 6, precision -24 = 0xE8.
        assertThat(b[0]).isEqualTo((byte) 0xE4);
        assertThat(b[1]).isEqualTo((byte) 16);
        assertThat(b[2]).isEqualTo((byte) 6);
        assertThat(b[3]).isEqualTo((byte) 0xE8);
        assertThat(b)
                .startsWith(
                        (byte) 0xE4,
                        (byte) 16,
                        (byte) 6,
                        (byte) 0xE8,
                        0,
                        0,
                        0,
                        0x21,
                        0,
                        0,
                        0,
                        0x52,
                        0x7F,
                        0x7F,
                        1,
                        1,
                        1,
                        2,
                        3,
                        4,
                        5,
                        6,
                        7,
                        8,
                        0x11,
                        0x12,
                        0x13,
                        0x14,
                        0x15,
                        0x16,
                        0x17,
                        0x18,
                        0x21,
                        0x22,
                        0x23,
                        0x24,
                        0x25,
                        0x26,
                        0x27,
                        0x28,
                        0x31,
                        0x32,
                        0x33,
                        0x34,
                        0x35,
                        0x36,
                        0x37,
                        0x38);
        assertThat(b).hasSize(48);
    }

    @Test
    void clientRequestFirstByteIs0x23() {
        // LI 0, VN 4, mode 3: 0b00_100_011 = 0x23, what chrony and ntpdig send.
        byte[] b = new byte[48];
        b[0] = 0x23;
        NtpPacket p = NtpPacket.decode(b, 0);
        assertThat(p.leap()).isZero();
        assertThat(p.version()).isEqualTo(4);
        assertThat(p.mode()).isEqualTo(NtpPacket.MODE_CLIENT);
    }

    @Test
    void kissCodeRateIsAsciiRATE() {
        // 'R' 0x52, 'A' 0x41, 'T' 0x54, 'E' 0x45 (chrony ntp_core.c KOD_RATE 0x52415445).
        assertThat(NtpPacket.KISS_RATE).isEqualTo(0x5241_5445);
    }

    @Test
    void outOfRangeFieldsAreRefusedWithTheirName() {
        assertThatThrownBy(() -> new NtpPacket(4, 4, 4, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .hasMessageContaining("leap must be 0..3, got 4");
        assertThatThrownBy(() -> new NtpPacket(0, 4, 4, 256, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .hasMessageContaining("stratum");
    }

    @Property
    void encodeDecodeRoundTrips(
            @ForAll @IntRange(max = 3) int leap,
            @ForAll @IntRange(max = 7) int version,
            @ForAll @IntRange(max = 7) int mode,
            @ForAll @IntRange(max = 255) int stratum,
            @ForAll byte poll,
            @ForAll byte precision,
            @ForAll int rootDelay,
            @ForAll int rootDispersion,
            @ForAll int refId,
            @ForAll long ref,
            @ForAll long origin,
            @ForAll long receive,
            @ForAll long transmit) {
        NtpPacket p = new NtpPacket(
                leap,
                version,
                mode,
                stratum,
                poll,
                precision,
                rootDelay,
                rootDispersion,
                refId,
                ref,
                origin,
                receive,
                transmit);
        byte[] buffer = new byte[60];
        p.encode(buffer, 5);
        assertThat(NtpPacket.decode(buffer, 5)).isEqualTo(p);
    }
}
