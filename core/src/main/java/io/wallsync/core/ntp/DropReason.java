package io.wallsync.core.ntp;

/** Why the server sent no answer to a datagram. Each reason has its own counter. */
public enum DropReason implements NtpRequest {
    /** Fewer than the 48 header bytes. */
    TOO_SHORT("short"),
    /**
     * More than 48 bytes: extension fields (RFC 7822) or a MAC. wallsync answers only the plain
     * header, so a response is never longer than its request.
     */
    EXTENSION_OR_MAC("long"),
    /** Version 0 or 5-7 (RFC 5905 servers answer versions 1-4). */
    BAD_VERSION("bad-version"),
    /** A client request with transmit timestamp 0: nothing to echo as origin, useless to the client. */
    ZERO_TRANSMIT("zero-transmit"),
    /** Mode 0 (reserved). */
    MODE_RESERVED("mode-reserved"),
    /** Mode 1 or 2: symmetric peers are not served. */
    MODE_SYMMETRIC("mode-symmetric"),
    /** Mode 4: a server response sent to us (reflection or a confused peer). */
    MODE_SERVER("mode-server"),
    /** Mode 5: broadcast. */
    MODE_BROADCAST("mode-broadcast"),
    /** Mode 6: control messages (ntpq). */
    MODE_CONTROL("mode-control"),
    /** Mode 7: ntpd private mode (ntpdc; monlist amplification). */
    MODE_PRIVATE("mode-private"),
    /** The client's token bucket was empty and neither a leak nor a KoD answer was drawn. */
    RATE_LIMITED("rate-limited");

    private final String label;

    DropReason(String label) {
        this.label = label;
    }

    /** Short name for logs and metrics. */
    public String label() {
        return label;
    }
}
