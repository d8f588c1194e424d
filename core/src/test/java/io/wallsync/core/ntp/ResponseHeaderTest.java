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
    void unsynchronisedHostAnswersAlarmAtStratum16WithoutReference() {
        // Kernel after boot without a daemon: STA_UNSYNC, maxerror 16 s (NTP_PHASE_LIMIT), esterror 16 s.
        SyncState s = new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE);
        ResponseHeader h = ResponseHeader.of(s, POLICY, NOW, NOW);
        assertThat(h.leap()).isEqualTo(3);
        assertThat(h.stratum()).isEqualTo(16);
        assertThat(h.referenceId()).isZero();
        assertThat(h.referenceTimestamp()).isZero();
        // min(esterror, maxerror) = 16 s: delay 32 s = 0x0020_0000, dispersion 0.
        assertThat(h.rootDelay()).isEqualTo(0x0020_0000);
        assertThat(h.rootDispersion()).isZero();
    }

    @Test
    void localStratumServesAnUnsynchronisedHostLikeChronysLocalDirective() {
        ServerPolicy local = new ServerPolicy(3, ServerPolicy.DEFAULT_REFERENCE_ID, OptionalInt.of(10), -20);
        SyncState s = new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE);
        ResponseHeader h = ResponseHeader.of(s, local, NOW, 0);
        assertThat(h.leap()).isZero();
        assertThat(h.stratum()).isEqualTo(10);
        assertThat(h.rootDelay()).isZero();
        // precision 2^-20 s = 0.95 us -> 1e6 >> 20 = 0 -> at least 1 us -> 0.066 units -> 1.
        assertThat(h.rootDispersion()).isEqualTo(1);
        assertThat(h.referenceTimestamp()).isEqualTo(NtpTimestamp.fromUnixNanos(NOW));
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
