package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ResponseHeaderTest {
    private static final long NS = 1_000_000_000L;
    private static final long NOW = 1_700_000_000L * NS;
    private static final ServerPolicy POLICY =
            new ServerPolicy(3, ServerPolicy.DEFAULT_REFERENCE_ID, OptionalInt.empty(), -24);

    @Test
    void synchronisedHostWithPendingLeapInsertAnswersLeap1AtThePolicyStratum() {
        // maxerror 1500 us, esterror 250 us: root delay 2 * 250 = 500 us = 32.77 units -> 33,
        // root dispersion 1500 - 250 = 1250 us = 81.92 units -> 82. Root distance 500/2 + 1250 = 1500.
        SyncState s = new SyncState(true, 1500, 250, 37, LeapIndicator.INSERT);
        ResponseHeader h = ResponseHeader.of(s, POLICY, NOW, NOW - 60 * NS);
        assertThat(h.leap()).isEqualTo(1);
        assertThat(h.stratum()).isEqualTo(3);
        assertThat(h.referenceId()).isEqualTo(0x7F7F0101);
        assertThat(h.rootDelay()).isEqualTo(33);
        assertThat(h.rootDispersion()).isEqualTo(82);
        assertThat(h.referenceTimestamp()).isEqualTo(NtpTimestamp.fromUnixNanos(NOW - 60 * NS));
        assertThat(h.precisionLog2()).isEqualTo(-24);
        assertThat(ResponseHeader.of(new SyncState(true, 1500, 250, 37, LeapIndicator.DELETE), POLICY, NOW, 0)
                        .leap())
                .isEqualTo(2);
    }

    @Test
    void unsynchronisedHostAnswersAlarmAtStratumZeroWithoutReference() {
        // RFC 5905 section 7.3: "map p.stratum values of MAXSTRAT or greater to 0 in transmitted
        // packets"; chrony 4.8 ntp_core.c transmit_packet: "Stratum 16 and larger are invalid":
        //     if (our_stratum < NTP_MAX_STRATUM) message.stratum = our_stratum;
        //     else message.stratum = NTP_INVALID_STRATUM;       (ntp.h: NTP_INVALID_STRATUM 0)
        // Kernel after boot without a daemon: STA_UNSYNC, maxerror 16 s (NTP_PHASE_LIMIT), esterror 16 s.
        SyncState s = new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE);
        ResponseHeader h = ResponseHeader.of(s, POLICY, NOW, NOW);
        assertThat(h.leap()).isEqualTo(3);
        assertThat(h.stratum()).isZero();
        assertThat(h.referenceId()).isZero();
        assertThat(h.referenceTimestamp()).isZero();
        // min(esterror, maxerror) = 16 s: delay 32 s = 0x0020_0000, dispersion 0.
        assertThat(h.rootDelay()).isEqualTo(0x0020_0000);
        assertThat(h.rootDispersion()).isZero();
    }

    @Test
    void localStratumServesAnUnsynchronisedHostLikeChronysLocalDirective() {
        // chrony 4.8 reference.c REF_GetReferenceParams, local reference active:
        //     UTI_AddDoubleToTimespec(local_time, -1.0, &local_ref_time);   (then up to 1 s of fuzz)
        //     *leap_status = LEAP_Normal;  *root_delay = 0.0;  *root_dispersion = 0.0;
        // Leap is Normal even with a leap second pending in the kernel.
        ServerPolicy local = new ServerPolicy(3, ServerPolicy.DEFAULT_REFERENCE_ID, OptionalInt.of(10), -20);
        SyncState s = new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.INSERT);
        ResponseHeader h = ResponseHeader.of(s, local, NOW, 0);
        assertThat(h.leap()).isZero();
        assertThat(h.stratum()).isEqualTo(10);
        assertThat(h.referenceId()).isEqualTo(0x7F7F_0101); // chrony ntp.h NTP_REFID_LOCAL 127.127.1.1
        assertThat(h.rootDelay()).isZero();
        assertThat(h.rootDispersion()).isZero();
        // now - 1 s = 1_699_999_999 s Unix = 1_699_999_999 + 2_208_988_800 = 0xE8FE6F7F NTP seconds.
        assertThat(h.referenceTimestamp()).isEqualTo(0xE8FE_6F7F_0000_0000L);
    }

    @Test
    void responseBytesSitWhereRfc5905AndChronysNtpPacketPutThem() {
        // chrony ntp.h: typedef struct { uint8_t lvm; uint8_t stratum; int8_t poll; int8_t precision;
        //   NTP_int32 root_delay; NTP_int32 root_dispersion; NTP_int32 reference_id;
        //   NTP_int64 reference_ts; originate_ts; receive_ts; transmit_ts; } NTP_Packet;
        // RFC 5905 Figure 8, network byte order. Expected bytes written out by hand, not decoded.
        ServerPolicy local = new ServerPolicy(3, ServerPolicy.DEFAULT_REFERENCE_ID, OptionalInt.of(10), -20);
        ResponseHeader h =
                ResponseHeader.of(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE), local, NOW, 0);
        byte[] out = new byte[48];
        h.writeResponse(out, new NtpRequest.Client(4, 6, 0x0102_0304_0506_0708L), 0x1112_1314_1516_1718L);
        ResponseHeader.stampTransmit(out, 0x2122_2324_2526_2728L);
        int[] expected = {
            0x24, // LI 0, VN 4, mode 4: 00 100 100
            0x0A, // stratum 10
            0x06, // poll 6, echoed
            0xEC, // precision -20 as int8
            0, 0, 0, 0, // root delay 0
            0, 0, 0, 0, // root dispersion 0
            0x7F, 0x7F, 0x01, 0x01, // reference id 127.127.1.1
            0xE8, 0xFE, 0x6F, 0x7F, 0, 0, 0, 0, // reference ts: now - 1 s
            0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, // originate = client's transmit
            0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, // receive
            0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, // transmit
        };
        for (int i = 0; i < 48; i++) {
            assertThat(out[i] & 0xFF).as("byte %d", i).isEqualTo(expected[i]);
        }

        // Unsynchronised without local stratum: LI 3, VN 4, mode 4 = 11 100 100 = 0xE4, stratum 0.
        ResponseHeader.of(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE), POLICY, NOW, 0)
                .writeResponse(out, new NtpRequest.Client(4, 6, 0), 0);
        assertThat(out[0] & 0xFF).isEqualTo(0xE4);
        assertThat(out[1]).isZero();
        // root delay 32 s as NTP short (16.16): 0x0020_0000 at bytes 4..7, big-endian.
        assertThat(new int[] {out[4], out[5], out[6], out[7]}).containsExactly(0x00, 0x20, 0x00, 0x00);
    }

    @Test
    void responseEchoesVersionPollAndTransmitAsOriginInServerMode() {
        ResponseHeader h = ResponseHeader.of(new SyncState(true, 1500, 250, 37, LeapIndicator.NONE), POLICY, NOW, NOW);
        byte[] out = new byte[48];
        h.writeResponse(out, new NtpRequest.Client(3, 10, 0xAAAA_BBBB_CCCC_DDDDL), 0x1111_2222_3333_4444L);
        ResponseHeader.stampTransmit(out, 0x1111_2222_3333_5555L);
        NtpPacket p = NtpPacket.decode(out, 0);
        assertThat(p.version()).isEqualTo(3);
        assertThat(p.mode()).isEqualTo(NtpPacket.MODE_SERVER);
        assertThat(p.poll()).isEqualTo(10);
        assertThat(p.originTimestamp()).isEqualTo(0xAAAA_BBBB_CCCC_DDDDL);
        assertThat(p.receiveTimestamp()).isEqualTo(0x1111_2222_3333_4444L);
        assertThat(p.transmitTimestamp()).isEqualTo(0x1111_2222_3333_5555L);
        assertThat(p.stratum()).isEqualTo(3);
        assertThat(p.precision()).isEqualTo(-24);
    }

    @Test
    void kissRateIsLeap3Stratum0WithAsciiRateAndAtLeastTheLimitPoll() {
        ResponseHeader h = ResponseHeader.of(new SyncState(true, 1500, 250, 37, LeapIndicator.NONE), POLICY, NOW, NOW);
        byte[] out = new byte[48];
        h.writeKissRate(out, new NtpRequest.Client(4, 0, 0x1234L), 0x99L, 1);
        NtpPacket p = NtpPacket.decode(out, 0);
        assertThat(p.leap()).isEqualTo(3);
        assertThat(p.stratum()).isZero();
        assertThat(p.referenceId()).isEqualTo(0x5241_5445);
        assertThat(p.poll()).isEqualTo(1);
        assertThat(p.originTimestamp()).isEqualTo(0x1234L);
        assertThat(p.mode()).isEqualTo(NtpPacket.MODE_SERVER);
    }
}
