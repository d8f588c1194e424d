package io.wallsync.core.port;

/**
 * A leap second announced for the end of the current UTC day, as the kernel's STA_INS / STA_DEL
 * status bits (include/uapi/linux/timex.h) say it. NTP's leap indicator (RFC 5905, LI 1 and 2)
 * carries the same information.
 */
public enum LeapIndicator {
    /** No leap second pending. */
    NONE,
    /** STA_INS: 23:59:60 will be inserted at the end of the day. */
    INSERT,
    /** STA_DEL: 23:59:59 will be skipped at the end of the day. */
    DELETE
}
