package io.wallsync.core.ntp;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;

/**
 * The header fields a server puts in every response, derived from the host's sync state (adjtimex)
 * and the {@link ServerPolicy}. The UDP loop computes one and reuses it until the state changes.
 *
 * <pre>
 *  field            synchronised                       unsynchronised           local stratum N
 *  leap indicator   1 / 2 when STA_INS / STA_DEL, 0    3 (alarm)                0 (LEAP_Normal)
 *  stratum          policy stratum                     0 (MAXSTRAT on wire)     N
 *  reference id     policy reference id                0                        policy reference id
 *  reference ts     last host adjustment (estimate)    0                        now - 1 s
 *  root delay       2 * min(esterror, maxerror)        same                     0
 *  root dispersion  maxerror - min(esterror, maxerror) same                     0
 * </pre>
 *
 * Root delay and dispersion: chrony and ntpd give the kernel {@code maxerror = root delay / 2 +
 * root dispersion} (the root distance, chrony reference.c update_sync_status) and {@code esterror}
 * = their estimated error. The split above gives a client exactly {@code root distance = delay/2 +
 * dispersion = maxerror} (RFC 5905 appendix A.5.5.2's lambda), so the bound the kernel states is
 * the bound the client sees, and esterror appears as the delay part. (chrony itself sends 1 s and
 * 1 s while unsynchronised; the kernel's bounds say more and no client uses them then.)
 *
 * <p>Unsynchronised stratum: RFC 5905 section 7.3 ("map p.stratum values of MAXSTRAT or greater to
 * 0 in transmitted packets") and chrony 4.8 ntp_core.c {@code transmit_packet} ("Stratum 16 and
 * larger are invalid": {@code if (our_stratum < NTP_MAX_STRATUM) message.stratum = our_stratum;
 * else message.stratum = NTP_INVALID_STRATUM;}, ntp.h {@code #define NTP_INVALID_STRATUM 0}).
 *
 * <p>Local stratum: chrony 4.8 reference.c {@code REF_GetReferenceParams}, the branch taken when
 * {@code enable_local_stratum} and the clock is not synchronised: {@code *leap_status =
 * LEAP_Normal; *root_delay = 0.0; *root_dispersion = 0.0;} and the reference time is
 * {@code local_time - 1.0} ({@code UTI_AddDoubleToTimespec(local_time, -1.0, &local_ref_time)}, so
 * that a client never sees a transmit timestamp before it). chrony also subtracts a random fuzz of
 * up to 1 s ({@code fuzz_ref_time}) and refreshes the reference time only every 64 s; this header
 * is deterministic (no fuzz) and is recomputed by the server's refresh, so its reference time is
 * always now − 1 s of that refresh: inside chrony's range [now − 65 s, now − 1 s].
 *
 * @param leap leap indicator 0..3
 * @param stratum 0 (unsynchronised, RFC 5905 "unspecified or invalid") or 1..15
 * @param referenceId raw 32 bits
 * @param referenceTimestamp 64-bit NTP timestamp
 * @param rootDelay NTP short
 * @param rootDispersion NTP short
 * @param precisionLog2 signed log2 seconds
 */
public record ResponseHeader(
        int leap,
        int stratum,
        int referenceId,
        long referenceTimestamp,
        int rootDelay,
        int rootDispersion,
        int precisionLog2) {
    /** How far the local-stratum reference time lies before now: chrony's {@code -1.0} s. */
    static final long LOCAL_REFERENCE_AGE_NS = 1_000_000_000L;

    /**
     * @param state the host's (or domain's) sync state
     * @param policy the server's choices
     * @param nowUnixNanos current wall time (reference timestamp in local mode)
     * @param lastAdjustmentUnixNanos the estimate of {@link ReferenceTime}, used while synchronised
     */
    public static ResponseHeader of(
            SyncState state, ServerPolicy policy, long nowUnixNanos, long lastAdjustmentUnixNanos) {
        if (!state.synchronised() && policy.localStratum().isPresent()) {
            return new ResponseHeader(
                    NtpPacket.LEAP_NONE,
                    policy.localStratum().getAsInt(),
                    policy.referenceId(),
                    NtpTimestamp.fromUnixNanos(nowUnixNanos - LOCAL_REFERENCE_AGE_NS),
                    0,
                    0,
                    policy.precisionLog2());
        }
        long estUs = Math.min(state.estErrorUs(), state.maxErrorUs());
        int rootDelay = NtpTimestamp.shortFromMicros(2 * estUs);
        int rootDispersion = NtpTimestamp.shortFromMicros(state.maxErrorUs() - estUs);
        if (!state.synchronised()) {
            return new ResponseHeader(
                    NtpPacket.LEAP_ALARM,
                    NtpPacket.STRATUM_INVALID,
                    0,
                    0,
                    rootDelay,
                    rootDispersion,
                    policy.precisionLog2());
        }
        return new ResponseHeader(
                leapOf(state.leap()),
                policy.stratum(),
                policy.referenceId(),
                NtpTimestamp.fromUnixNanos(lastAdjustmentUnixNanos),
                rootDelay,
                rootDispersion,
                policy.precisionLog2());
    }

    private static int leapOf(LeapIndicator leap) {
        return switch (leap) {
            case NONE -> NtpPacket.LEAP_NONE;
            case INSERT -> NtpPacket.LEAP_INSERT;
            case DELETE -> NtpPacket.LEAP_DELETE;
        };
    }

    /**
     * Writes a server response (mode 4) to {@code request} into bytes 0..47 of {@code out}, with
     * receive timestamp {@code receiveTimestamp} and transmit timestamp 0: the caller stamps the
     * transmit time last, with {@link #stampTransmit}, just before the send.
     */
    public void writeResponse(byte[] out, NtpRequest.Client request, long receiveTimestamp) {
        write(out, leap, request.version(), stratum, request.poll(), referenceId, request, receiveTimestamp);
    }

    /**
     * Writes a kiss-o'-death RATE answer (RFC 5905 section 7.4: leap 3, stratum 0, reference id
     * "RATE"; timestamps filled as chrony does, so the client can match it to its request). The
     * poll field asks for at least {@code minPollLog2}.
     */
    public void writeKissRate(byte[] out, NtpRequest.Client request, long receiveTimestamp, int minPollLog2) {
        int poll = Math.max(request.poll(), minPollLog2);
        write(
                out,
                NtpPacket.LEAP_ALARM,
                request.version(),
                NtpPacket.STRATUM_KISS,
                poll,
                NtpPacket.KISS_RATE,
                request,
                receiveTimestamp);
    }

    private void write(
            byte[] out,
            int leapIndicator,
            int version,
            int stratumValue,
            int poll,
            int refId,
            NtpRequest.Client request,
            long receiveTimestamp) {
        // Field by field rather than through an NtpPacket: this runs once per answer and allocates nothing.
        out[NtpPacket.LI_VN_MODE_OFFSET] = (byte) ((leapIndicator << 6) | (version << 3) | NtpPacket.MODE_SERVER);
        out[NtpPacket.STRATUM_OFFSET] = (byte) stratumValue;
        out[NtpPacket.POLL_OFFSET] = (byte) poll;
        out[NtpPacket.PRECISION_OFFSET] = (byte) precisionLog2;
        NtpPacket.putInt(out, NtpPacket.ROOT_DELAY_OFFSET, rootDelay);
        NtpPacket.putInt(out, NtpPacket.ROOT_DISPERSION_OFFSET, rootDispersion);
        NtpPacket.putInt(out, NtpPacket.REFERENCE_ID_OFFSET, refId);
        NtpPacket.putLong(out, NtpPacket.REFERENCE_TS_OFFSET, referenceTimestamp);
        NtpPacket.putLong(out, NtpPacket.ORIGIN_TS_OFFSET, request.transmitTimestamp());
        NtpPacket.putLong(out, NtpPacket.RECEIVE_TS_OFFSET, receiveTimestamp);
        NtpPacket.putLong(out, NtpPacket.TRANSMIT_TS_OFFSET, 0);
    }

    /** Stores the transmit timestamp (bytes 40..47); the last write before the send. */
    public static void stampTransmit(byte[] out, long transmitTimestamp) {
        NtpPacket.putLong(out, NtpPacket.TRANSMIT_TS_OFFSET, transmitTimestamp);
    }
}
