package io.wallsync.core.xen;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Codec for {@code struct xen_platform_op} (xen/include/public/platform.h), the argument of
 * hypercall {@code __HYPERVISOR_platform_op} (7). Little-endian, 136 bytes on x86_64 (the union is
 * padded to 128 bytes by {@code uint8_t pad[128]}).
 *
 * <pre>
 *  offset  size  field               meaning
 *  0       u32   cmd                 XENPF_settime32 = 17, XENPF_settime64 = 62, ...
 *  4       u32   interface_version   must be XENPF_INTERFACE_VERSION = 0x03000001
 *  8       128   u                   union of the sub-command structs
 *
 *  struct xenpf_settime32 (in u)            struct xenpf_settime64 (in u)
 *  8       u32   secs                       8       u64   secs
 *  12      u32   nsecs                      16      u32   nsecs
 *  16      u64   system_time                20      u32   mbz (must be zero)
 *                                           24      u64   system_time
 *  136           end                        136           end
 * </pre>
 *
 * <p>Decoding follows the first steps of Xen's {@code do_platform_op}
 * (xen/arch/x86/platform_hypercall.c): {@code copy_from_guest(op, u_xenpf_op, 1)} copies the whole
 * 136-byte struct before looking at any field, so a shorter buffer is -EFAULT whatever its cmd;
 * then an interface_version other than 0x03000001 is -EACCES. The privilege check, unknown cmd
 * (-ENOSYS) and argument checks (-EINVAL) come after, in {@link Hypervisor#platformOp}.
 */
public final class PlatformOp {
    /** sizeof(struct xen_platform_op). */
    public static final int SIZE = 136;

    public static final int CMD_OFFSET = 0;
    public static final int INTERFACE_VERSION_OFFSET = 4;
    public static final int UNION_OFFSET = 8;

    /** Bytes of the header (cmd, interface_version). */
    public static final int HEADER_SIZE = 8;

    /** XENPF_INTERFACE_VERSION. */
    public static final int XENPF_INTERFACE_VERSION = 0x0300_0001;

    /** XENPF_settime32 (called XENPF_settime before Xen 4.6). */
    public static final int XENPF_SETTIME32 = 17;

    /** XENPF_settime64 (Xen 4.6 and later). */
    public static final int XENPF_SETTIME64 = 62;

    public static final int SETTIME32_SECS_OFFSET = UNION_OFFSET;
    public static final int SETTIME32_NSECS_OFFSET = UNION_OFFSET + 4;
    public static final int SETTIME32_SYSTEM_TIME_OFFSET = UNION_OFFSET + 8;
    /** sizeof(struct xenpf_settime32). */
    public static final int SETTIME32_SIZE = 16;

    public static final int SETTIME64_SECS_OFFSET = UNION_OFFSET;
    public static final int SETTIME64_NSECS_OFFSET = UNION_OFFSET + 8;
    public static final int SETTIME64_MBZ_OFFSET = UNION_OFFSET + 12;
    public static final int SETTIME64_SYSTEM_TIME_OFFSET = UNION_OFFSET + 16;
    /** sizeof(struct xenpf_settime64). */
    public static final int SETTIME64_SIZE = 24;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PlatformOp() {}

    /** The result of decoding: a command, or the errno Xen returns before looking at the cmd. */
    public sealed interface Decoding {
        /** The header was valid; {@code command} carries the sub-command's raw fields. */
        record Decoded(PlatformOpCommand command) implements Decoding {}

        /** Xen refuses the buffer: -EFAULT (short) or -EACCES (interface version). */
        record Rejected(XenErrno errno, String why) implements Decoding {}
    }

    /**
     * A 136-byte XENPF_settime64 with mbz = 0.
     *
     * @param secs u64 seconds since the epoch at system time {@code systemTimeNs}
     * @param nsecs u32 nanoseconds (sent as is; Xen-side validation rejects &gt;= 10^9)
     * @param systemTimeNs u64 hypervisor system time the wall time refers to
     */
    public static byte[] settime64(long secs, int nsecs, long systemTimeNs) {
        return settime64(secs, nsecs, 0, systemTimeNs);
    }

    /** A 136-byte XENPF_settime64 with an explicit mbz word (non-zero only to test -EINVAL). */
    public static byte[] settime64(long secs, int nsecs, int mbz, long systemTimeNs) {
        ByteBuffer b = header(XENPF_SETTIME64, XENPF_INTERFACE_VERSION);
        b.putLong(SETTIME64_SECS_OFFSET, secs);
        b.putInt(SETTIME64_NSECS_OFFSET, nsecs);
        b.putInt(SETTIME64_MBZ_OFFSET, mbz);
        b.putLong(SETTIME64_SYSTEM_TIME_OFFSET, systemTimeNs);
        return b.array();
    }

    /**
     * A 136-byte XENPF_settime32. The u32 secs field receives the low 32 bits of {@code secs}, as
     * the C assignment {@code op.u.settime32.secs = now.tv_sec} in Linux's
     * {@code xen_pvclock_gtod_notify} does: after 2106 (or before 1970) the hypervisor is told a
     * wrong date; use settime64 there. {@link #fitsSettime32(long)} says whether nothing is lost.
     *
     * @param secs seconds since the epoch; only the low 32 bits are sent
     * @param nsecs u32 nanoseconds (sent as is)
     * @param systemTimeNs u64 hypervisor system time the wall time refers to
     */
    public static byte[] settime32(long secs, int nsecs, long systemTimeNs) {
        ByteBuffer b = header(XENPF_SETTIME32, XENPF_INTERFACE_VERSION);
        b.putInt(SETTIME32_SECS_OFFSET, (int) secs);
        b.putInt(SETTIME32_NSECS_OFFSET, nsecs);
        b.putLong(SETTIME32_SYSTEM_TIME_OFFSET, systemTimeNs);
        return b.array();
    }

    /** Whether {@code secs} fits the u32 secs field of settime32 (0..4294967295, up to 2106-02-07). */
    public static boolean fitsSettime32(long secs) {
        return secs >= 0 && secs <= 0xFFFF_FFFFL;
    }

    /**
     * A 136-byte op with the given header and a union copied from {@code union} (at most 128
     * bytes, rest zero): for commands this model does not know, and for wrong interface versions.
     */
    public static byte[] encode(int cmd, int interfaceVersion, byte[] union) {
        Objects.requireNonNull(union, "union");
        if (union.length > SIZE - UNION_OFFSET) {
            throw new IllegalArgumentException(
                    "union of " + union.length + " bytes: expected at most " + (SIZE - UNION_OFFSET));
        }
        ByteBuffer b = header(cmd, interfaceVersion);
        b.put(UNION_OFFSET, union);
        return b.array();
    }

    private static ByteBuffer header(int cmd, int interfaceVersion) {
        ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(CMD_OFFSET, cmd);
        b.putInt(INTERFACE_VERSION_OFFSET, interfaceVersion);
        return b;
    }

    /** Decodes a raw op held in a byte array; see {@link #decode(MemorySegment)}. */
    public static Decoding decode(byte[] op) {
        return decode(MemorySegment.ofArray(Objects.requireNonNull(op, "op")));
    }

    /**
     * Decodes a raw op: -EFAULT if fewer than 136 bytes (Xen's {@code copy_from_guest} of the whole
     * struct fails), -EACCES if interface_version != 0x03000001, else the command with its raw
     * fields (an unknown cmd decodes to {@link PlatformOpCommand.Unknown}).
     */
    public static Decoding decode(MemorySegment op) {
        Objects.requireNonNull(op, "op");
        if (op.byteSize() < SIZE) {
            return new Decoding.Rejected(
                    XenErrno.EFAULT,
                    "xen_platform_op of " + op.byteSize() + " bytes: copy_from_guest needs all " + SIZE);
        }
        int cmd = op.get(U32, CMD_OFFSET);
        int interfaceVersion = op.get(U32, INTERFACE_VERSION_OFFSET);
        if (interfaceVersion != XENPF_INTERFACE_VERSION) {
            return new Decoding.Rejected(
                    XenErrno.EACCES,
                    String.format(
                            "interface_version 0x%08x: expected XENPF_INTERFACE_VERSION 0x%08x",
                            interfaceVersion, XENPF_INTERFACE_VERSION));
        }
        PlatformOpCommand command = switch (cmd) {
            case XENPF_SETTIME32 ->
                new PlatformOpCommand.Settime32(
                        Integer.toUnsignedLong(op.get(U32, SETTIME32_SECS_OFFSET)),
                        op.get(U32, SETTIME32_NSECS_OFFSET),
                        op.get(U64, SETTIME32_SYSTEM_TIME_OFFSET));
            case XENPF_SETTIME64 ->
                new PlatformOpCommand.Settime64(
                        op.get(U64, SETTIME64_SECS_OFFSET),
                        op.get(U32, SETTIME64_NSECS_OFFSET),
                        op.get(U32, SETTIME64_MBZ_OFFSET),
                        op.get(U64, SETTIME64_SYSTEM_TIME_OFFSET));
            default -> new PlatformOpCommand.Unknown(cmd);
        };
        return new Decoding.Decoded(command);
    }
}
