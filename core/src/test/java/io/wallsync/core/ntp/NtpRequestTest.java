package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class NtpRequestTest {
    /** A valid NTPv4 client request with transmit timestamp 0x0102030405060708. */
    static byte[] clientRequest(int firstByte, int length) {
        byte[] b = new byte[Math.max(length, 48)];
        b[0] = (byte) firstByte;
        b[2] = 6; // poll 64 s
        NtpPacket.putLong(b, NtpPacket.TRANSMIT_TS_OFFSET, 0x0102_0304_0506_0708L);
        return b;
    }

    @Test
    void versionFourClientRequestIsAnsweredWithItsTransmitTimestampAndPoll() {
        assertThat(NtpRequest.classify(clientRequest(0x23, 48), 48))
                .isEqualTo(new NtpRequest.Client(4, 6, 0x0102_0304_0506_0708L));
    }

    @Test
    void versionsOneToFourAreClientRequests() {
        // VN in bits 5-3: version v, mode 3 -> (v << 3) | 3: 0x0B, 0x13, 0x1B, 0x23.
        for (int v = 1; v <= 4; v++) {
            assertThat(NtpRequest.classify(clientRequest((v << 3) | 3, 48), 48))
                    .isEqualTo(new NtpRequest.Client(v, 6, 0x0102_0304_0506_0708L));
        }
    }

    @Test
    void eachMalformedOrNonClientKindHasItsOwnReason() {
        assertThat(NtpRequest.classify(new byte[47], 47)).isEqualTo(DropReason.TOO_SHORT);
        assertThat(NtpRequest.classify(new byte[0], 0)).isEqualTo(DropReason.TOO_SHORT);
        // 48 + a 20-byte MAC (key id + MD5) or an extension field.
        assertThat(NtpRequest.classify(clientRequest(0x23, 68), 68)).isEqualTo(DropReason.EXTENSION_OR_MAC);
        // version 0 (0x03) and 5 (0x2B)
        assertThat(NtpRequest.classify(clientRequest(0x03, 48), 48)).isEqualTo(DropReason.BAD_VERSION);
        assertThat(NtpRequest.classify(clientRequest(0x2B, 48), 48)).isEqualTo(DropReason.BAD_VERSION);
        // version 4 with modes 0, 1, 2, 4, 5, 6, 7: 0x20 | mode
        assertThat(NtpRequest.classify(clientRequest(0x20, 48), 48)).isEqualTo(DropReason.MODE_RESERVED);
        assertThat(NtpRequest.classify(clientRequest(0x21, 48), 48)).isEqualTo(DropReason.MODE_SYMMETRIC);
        assertThat(NtpRequest.classify(clientRequest(0x22, 48), 48)).isEqualTo(DropReason.MODE_SYMMETRIC);
        assertThat(NtpRequest.classify(clientRequest(0x24, 48), 48)).isEqualTo(DropReason.MODE_SERVER);
        assertThat(NtpRequest.classify(clientRequest(0x25, 48), 48)).isEqualTo(DropReason.MODE_BROADCAST);
        assertThat(NtpRequest.classify(clientRequest(0x26, 48), 48)).isEqualTo(DropReason.MODE_CONTROL);
        // ntpdc monlist request: version 2, mode 7 = 0x17 (CVE-2013-5211), 8 bytes long: short
        // first; at full length it is private mode.
        assertThat(NtpRequest.classify(clientRequest(0x17, 8), 8)).isEqualTo(DropReason.TOO_SHORT);
        assertThat(NtpRequest.classify(clientRequest(0x17, 48), 48)).isEqualTo(DropReason.MODE_PRIVATE);
        byte[] zeroTransmit = clientRequest(0x23, 48);
        NtpPacket.putLong(zeroTransmit, NtpPacket.TRANSMIT_TS_OFFSET, 0);
        assertThat(NtpRequest.classify(zeroTransmit, 48)).isEqualTo(DropReason.ZERO_TRANSMIT);
    }

    @Property(tries = 5000)
    void fuzzedDatagramsNeverThrowAndOnlyWellFormedClientRequestsPass(@ForAll @Size(max = 600) byte[] datagram) {
        NtpRequest r = NtpRequest.classify(datagram, datagram.length);
        if (r instanceof NtpRequest.Client c) {
            assertThat(datagram).hasSize(48);
            assertThat(datagram[0] & 7).isEqualTo(NtpPacket.MODE_CLIENT);
            assertThat(c.version()).isBetween(1, 4);
            assertThat(c.transmitTimestamp()).isNotZero();
        }
    }

    @Property(tries = 5000)
    void mutatedClientRequestsAreClassifiedByTheirHeaderAlone(
            @ForAll("mutations") byte[] datagram, @ForAll @IntRange(min = 0, max = 64) int length) {
        int n = Math.min(length, datagram.length);
        NtpRequest r = NtpRequest.classify(datagram, n);
        int version = (datagram[0] >>> 3) & 7;
        int mode = datagram[0] & 7;
        boolean wellFormed = n == 48
                && version >= 1
                && version <= 4
                && mode == 3
                && NtpPacket.getLong(datagram, NtpPacket.TRANSMIT_TS_OFFSET) != 0;
        assertThat(r instanceof NtpRequest.Client).isEqualTo(wellFormed);
    }

    @Provide
    Arbitrary<byte[]> mutations() {
        // A valid request with 1-4 random bytes overwritten, padded to 64 bytes.
        return Arbitraries.integers()
                .between(0, 63)
                .list()
                .ofMinSize(1)
                .ofMaxSize(4)
                .flatMap(positions -> Arbitraries.bytes()
                        .list()
                        .ofSize(positions.size())
                        .map(values -> {
                            byte[] b = clientRequest(0x23, 64);
                            for (int i = 0; i < positions.size(); i++) {
                                b[positions.get(i)] = values.get(i);
                            }
                            return b;
                        }));
    }
}
