package io.wallsync.core.ntp;

import java.util.Objects;

/**
 * The 48-byte NTP header (RFC 5905 section 7.3, Figure 8), big-endian on the wire.
 *
 * <pre>
 *  offset  size  field              meaning
 *  0       u8    LI | VN | Mode     leap indicator (bits 7-6), version (5-3), mode (2-0)
 *  1       u8    stratum            0 kiss-o'-death, 1 primary, 2-15 secondary, 16 unsynchronised
 *  2       s8    poll               log2 of the poll interval, seconds
 *  3       s8    precision          log2 of the clock precision, seconds
 *  4       u32   root delay         NTP short (16.16 s): round trip to the primary source
 *  8       u32   root dispersion    NTP short (16.16 s): error bound to the primary source
 *  12      u32   reference id       upstream IPv4 address, or 4 ASCII bytes (stratum 0/1)
 *  16      u64   reference ts       NTP timestamp of the last clock update
 *  24      u64   origin ts          T1: the client's transmit timestamp, echoed
 *  32      u64   receive ts         T2: server time when the request arrived
 *  40      u64   transmit ts        T3: server time when the response left
 *  48            end of header; extension fields (RFC 7822) or a MAC may follow
 * </pre>
 *
 * @param leap leap indicator, 0..3
 * @param version version number, 0..7
 * @param mode association mode, 0..7
 * @param stratum 0..255
 * @param poll log2 seconds, signed
 * @param precision log2 seconds, signed
 * @param rootDelay NTP short, raw 32 bits
 * @param rootDispersion NTP short, raw 32 bits
 * @param referenceId raw 32 bits
 * @param referenceTimestamp 64-bit NTP timestamp
 * @param originTimestamp 64-bit NTP timestamp
 * @param receiveTimestamp 64-bit NTP timestamp
 * @param transmitTimestamp 64-bit NTP timestamp
 */
public record NtpPacket(
        int leap,
        int version,
        int mode,
        int stratum,
        int poll,
        int precision,
        int rootDelay,
        int rootDispersion,
        int referenceId,
        long referenceTimestamp,
        long originTimestamp,
        long receiveTimestamp,
        long transmitTimestamp) {
    public static final int HEADER_BYTES = 48;
    public static final int LI_VN_MODE_OFFSET = 0;
    public static final int STRATUM_OFFSET = 1;
    public static final int POLL_OFFSET = 2;
    public static final int PRECISION_OFFSET = 3;
    public static final int ROOT_DELAY_OFFSET = 4;
    public static final int ROOT_DISPERSION_OFFSET = 8;
    public static final int REFERENCE_ID_OFFSET = 12;
    public static final int REFERENCE_TS_OFFSET = 16;
    public static final int ORIGIN_TS_OFFSET = 24;
    public static final int RECEIVE_TS_OFFSET = 32;
    public static final int TRANSMIT_TS_OFFSET = 40;

    /** RFC 5905 Figure 10, association modes. */
    public static final int MODE_RESERVED = 0;

    public static final int MODE_SYMMETRIC_ACTIVE = 1;
    public static final int MODE_SYMMETRIC_PASSIVE = 2;
    public static final int MODE_CLIENT = 3;
    public static final int MODE_SERVER = 4;
    public static final int MODE_BROADCAST = 5;
    /** RFC 1305 appendix B / RFC 9327: NTP control messages. */
    public static final int MODE_CONTROL = 6;
    /** ntpd's private mode (ntpdc), exploited for amplification (CVE-2013-5211). */
    public static final int MODE_PRIVATE = 7;

    /** RFC 5905 Figure 9: leap indicators. */
    public static final int LEAP_NONE = 0;

    public static final int LEAP_INSERT = 1;
    public static final int LEAP_DELETE = 2;
    public static final int LEAP_ALARM = 3;

    /**
     * MAXSTRAT, the stratum of an unsynchronised server as a peer variable (RFC 5905 Figure 11). It
     * is not sent: RFC 5905 section 7.3 maps it to {@link #STRATUM_INVALID} in transmitted packets.
     */
    public static final int STRATUM_UNSYNCHRONISED = 16;
    /** RFC 5905 Figure 11 "unspecified or invalid": what an unsynchronised server sends (chrony's NTP_INVALID_STRATUM). */
    public static final int STRATUM_INVALID = 0;
    /** Stratum of a kiss-o'-death packet (RFC 5905 section 7.4). */
    public static final int STRATUM_KISS = 0;

    /** Kiss code RATE (RFC 5905 Figure 13): "the server has temporarily denied access". */
    public static final int KISS_RATE = ('R' << 24) | ('A' << 16) | ('T' << 8) | 'E';

    public NtpPacket {
        checkRange("leap", leap, 0, 3);
        checkRange("version", version, 0, 7);
        checkRange("mode", mode, 0, 7);
        checkRange("stratum", stratum, 0, 255);
        checkRange("poll", poll, -128, 127);
        checkRange("precision", precision, -128, 127);
    }

    private static void checkRange(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException("NTP " + field + " must be " + min + ".." + max + ", got " + value);
        }
    }

    /** Writes the 48-byte header at {@code offset} of {@code buffer}. */
    public void encode(byte[] buffer, int offset) {
        Objects.checkFromIndexSize(offset, HEADER_BYTES, buffer.length);
        buffer[offset + LI_VN_MODE_OFFSET] = (byte) ((leap << 6) | (version << 3) | mode);
        buffer[offset + STRATUM_OFFSET] = (byte) stratum;
        buffer[offset + POLL_OFFSET] = (byte) poll;
        buffer[offset + PRECISION_OFFSET] = (byte) precision;
        putInt(buffer, offset + ROOT_DELAY_OFFSET, rootDelay);
        putInt(buffer, offset + ROOT_DISPERSION_OFFSET, rootDispersion);
        putInt(buffer, offset + REFERENCE_ID_OFFSET, referenceId);
        putLong(buffer, offset + REFERENCE_TS_OFFSET, referenceTimestamp);
        putLong(buffer, offset + ORIGIN_TS_OFFSET, originTimestamp);
        putLong(buffer, offset + RECEIVE_TS_OFFSET, receiveTimestamp);
        putLong(buffer, offset + TRANSMIT_TS_OFFSET, transmitTimestamp);
    }

    /** The 48-byte header as a new array. */
    public byte[] encode() {
        byte[] bytes = new byte[HEADER_BYTES];
        encode(bytes, 0);
        return bytes;
    }

    /**
     * Reads the 48-byte header at {@code offset}; no validation beyond the length (see {@link
     * NtpRequest#classify} for what a server accepts).
     */
    public static NtpPacket decode(byte[] buffer, int offset) {
        Objects.checkFromIndexSize(offset, HEADER_BYTES, buffer.length);
        int first = buffer[offset + LI_VN_MODE_OFFSET] & 0xFF;
        return new NtpPacket(
                first >>> 6,
                (first >>> 3) & 7,
                first & 7,
                buffer[offset + STRATUM_OFFSET] & 0xFF,
                buffer[offset + POLL_OFFSET],
                buffer[offset + PRECISION_OFFSET],
                getInt(buffer, offset + ROOT_DELAY_OFFSET),
                getInt(buffer, offset + ROOT_DISPERSION_OFFSET),
                getInt(buffer, offset + REFERENCE_ID_OFFSET),
                getLong(buffer, offset + REFERENCE_TS_OFFSET),
                getLong(buffer, offset + ORIGIN_TS_OFFSET),
                getLong(buffer, offset + RECEIVE_TS_OFFSET),
                getLong(buffer, offset + TRANSMIT_TS_OFFSET));
    }

    /** Big-endian u32 at {@code offset}. */
    public static int getInt(byte[] b, int offset) {
        return ((b[offset] & 0xFF) << 24)
                | ((b[offset + 1] & 0xFF) << 16)
                | ((b[offset + 2] & 0xFF) << 8)
                | (b[offset + 3] & 0xFF);
    }

    /** Big-endian u64 at {@code offset}. */
    public static long getLong(byte[] b, int offset) {
        return ((long) getInt(b, offset) << 32) | (getInt(b, offset + 4) & 0xFFFF_FFFFL);
    }

    /** Writes a big-endian u32 at {@code offset}. */
    public static void putInt(byte[] b, int offset, int value) {
        b[offset] = (byte) (value >>> 24);
        b[offset + 1] = (byte) (value >>> 16);
        b[offset + 2] = (byte) (value >>> 8);
        b[offset + 3] = (byte) value;
    }

    /** Writes a big-endian u64 at {@code offset}. */
    public static void putLong(byte[] b, int offset, long value) {
        putInt(b, offset, (int) (value >>> 32));
        putInt(b, offset + 4, (int) value);
    }
}
