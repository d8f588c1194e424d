package io.wallsync.core.ntp;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One sample for chronyd's SOCK reference clock: {@code struct sock_sample} of chrony's
 * refclock_sock.c, sent as one datagram to the Unix socket chronyd creates for {@code refclock
 * SOCK PATH}. Native layout of a 64-bit Linux (x86_64, aarch64: little-endian, 8-byte time_t).
 *
 * <pre>
 *  offset  size  field     meaning
 *  0       s64   tv_sec    system time (CLOCK_REALTIME) of the measurement, seconds
 *  8       s64   tv_usec   ... microseconds, 0..999_999
 *  16      f64   offset    true time - system time, seconds
 *  24      s32   pulse     non-zero for a PPS pulse (seconds from elsewhere); 0 here
 *  28      s32   leap      0 normal, 1 insert leap second, 2 delete leap second
 *  32      s32   _pad      ignored
 *  36      s32   magic     0x534f434b ("SOCK")
 *  40            sizeof(struct sock_sample)
 * </pre>
 *
 * @param systemNs the receiver's CLOCK_REALTIME at the measurement, ns since the epoch
 * @param offsetNs true time (the page's wall time) minus systemNs, ns
 * @param leap 0, 1 or 2
 */
public record SockSample(long systemNs, long offsetNs, int leap) {
    public static final int BYTES = 40;
    public static final int TV_SEC_OFFSET = 0;
    public static final int TV_USEC_OFFSET = 8;
    public static final int OFFSET_OFFSET = 16;
    public static final int PULSE_OFFSET = 24;
    public static final int LEAP_OFFSET = 28;
    public static final int PAD_OFFSET = 32;
    public static final int MAGIC_OFFSET = 36;
    /** SOCK_MAGIC of refclock_sock.c: ASCII "SOCK". */
    public static final int MAGIC = 0x534f434b;

    public SockSample {
        if (leap < 0 || leap > 2) {
            throw new IllegalArgumentException(
                    "sock_sample leap must be 0 (none), 1 (insert) or 2 (delete), got " + leap);
        }
    }

    /** The 40 bytes in little-endian (the native order of the 64-bit Linux targets). */
    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        // The timeval is truncated toward -infinity and the offset carries the exact remainder, so
        // tv + offset is the true time to the nanosecond (a double holds 1 ns up to 2^53 ns = 104 days
        // of offset; larger offsets lose sub-ns precision only).
        long seconds = Math.floorDiv(systemNs, 1_000_000_000L);
        long micros = Math.floorMod(systemNs, 1_000_000_000L) / 1_000L;
        long tvNs = seconds * 1_000_000_000L + micros * 1_000L;
        long exactOffsetNs = offsetNs + (systemNs - tvNs);
        b.putLong(TV_SEC_OFFSET, seconds);
        b.putLong(TV_USEC_OFFSET, micros);
        b.putDouble(OFFSET_OFFSET, exactOffsetNs / 1e9);
        b.putInt(PULSE_OFFSET, 0);
        b.putInt(LEAP_OFFSET, leap);
        b.putInt(PAD_OFFSET, 0);
        b.putInt(MAGIC_OFFSET, MAGIC);
        return b.array();
    }
}
