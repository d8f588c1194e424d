package io.wallsync.core.ntp;

/**
 * What a server makes of one received datagram: a client request it answers, or a drop reason.
 * RFC 5905 section 9.2 (receive process) in the subset a pure server needs: only mode 3 is
 * answered; every other mode, a malformed header and anything with extension fields or a MAC is
 * dropped without an answer. A drop is its {@link DropReason} (an enum constant: the drop path
 * allocates nothing, which matters under a flood).
 */
public sealed interface NtpRequest permits NtpRequest.Client, DropReason {
    /**
     * A client request (mode 3, version 1-4, exactly 48 bytes, non-zero transmit timestamp).
     *
     * @param version the client's version, echoed in the response
     * @param poll the client's poll exponent, echoed in the response
     * @param transmitTimestamp the client's T1, echoed as origin
     */
    record Client(int version, int poll, long transmitTimestamp) implements NtpRequest {}

    /**
     * Classifies the first {@code length} bytes of {@code datagram}. Never throws for any content
     * or length in 0..datagram.length.
     */
    static NtpRequest classify(byte[] datagram, int length) {
        if (length < 0 || length > datagram.length) {
            throw new IllegalArgumentException(
                    "length " + length + " outside the buffer of " + datagram.length + " bytes");
        }
        if (length < NtpPacket.HEADER_BYTES) {
            return DropReason.TOO_SHORT;
        }
        int first = datagram[NtpPacket.LI_VN_MODE_OFFSET] & 0xFF;
        int version = (first >>> 3) & 7;
        int mode = first & 7;
        if (version < 1 || version > 4) {
            return DropReason.BAD_VERSION;
        }
        DropReason byMode = switch (mode) {
            case NtpPacket.MODE_CLIENT -> null;
            case NtpPacket.MODE_RESERVED -> DropReason.MODE_RESERVED;
            case NtpPacket.MODE_SYMMETRIC_ACTIVE, NtpPacket.MODE_SYMMETRIC_PASSIVE -> DropReason.MODE_SYMMETRIC;
            case NtpPacket.MODE_SERVER -> DropReason.MODE_SERVER;
            case NtpPacket.MODE_BROADCAST -> DropReason.MODE_BROADCAST;
            case NtpPacket.MODE_CONTROL -> DropReason.MODE_CONTROL;
            default -> DropReason.MODE_PRIVATE;
        };
        if (byMode != null) {
            return byMode;
        }
        if (length > NtpPacket.HEADER_BYTES) {
            return DropReason.EXTENSION_OR_MAC;
        }
        long transmit = NtpPacket.getLong(datagram, NtpPacket.TRANSMIT_TS_OFFSET);
        if (transmit == 0) {
            return DropReason.ZERO_TRANSMIT;
        }
        return new Client(version, datagram[NtpPacket.POLL_OFFSET], transmit);
    }
}
