package io.wallsync.core.xen;

import io.wallsync.core.abi.AbiField;
import java.util.List;

/**
 * Descriptor of {@code struct vcpu_time_info} (xen/include/public/xen.h, interface version &gt;
 * 0x040600, which has {@code flags}), identical to Linux's {@code struct pvclock_vcpu_time_info}
 * (arch/x86/include/asm/pvclock-abi.h, {@code __attribute__((__packed__))}, "32 bytes").
 * Little-endian; offsets relative to the start of the structure, each the previous one plus the
 * previous size.
 *
 * <pre>
 *  offset  size  field               meaning
 *  0       u32   version             seqlock: odd while the hypervisor writes
 *  4       u32   pad0
 *  8       u64   tsc_timestamp       counter value at which system_time was sampled (ticks)
 *  16      u64   system_time         ns since hypervisor boot at tsc_timestamp
 *  24      u32   tsc_to_system_mul   ns per tick, 0.32 fixed point (after the shift)
 *  28      s8    tsc_shift           the tick delta is shifted by this before the multiply
 *  29      u8    flags               PVCLOCK_TSC_STABLE_BIT = 1, PVCLOCK_GUEST_STOPPED = 2
 *  30      u8[2] pad1
 *  32            end
 * </pre>
 *
 * The flyweight is {@link VcpuTimeInfo}.
 */
public final class VcpuTimeInfoLayout {
    public static final int VERSION_OFFSET = 0;
    public static final int VERSION_SIZE = Integer.BYTES;
    public static final int PAD0_OFFSET = VERSION_OFFSET + VERSION_SIZE;
    public static final int PAD0_SIZE = Integer.BYTES;
    public static final int TSC_TIMESTAMP_OFFSET = PAD0_OFFSET + PAD0_SIZE;
    public static final int TSC_TIMESTAMP_SIZE = Long.BYTES;
    public static final int SYSTEM_TIME_OFFSET = TSC_TIMESTAMP_OFFSET + TSC_TIMESTAMP_SIZE;
    public static final int SYSTEM_TIME_SIZE = Long.BYTES;
    public static final int TSC_TO_SYSTEM_MUL_OFFSET = SYSTEM_TIME_OFFSET + SYSTEM_TIME_SIZE;
    public static final int TSC_TO_SYSTEM_MUL_SIZE = Integer.BYTES;
    public static final int TSC_SHIFT_OFFSET = TSC_TO_SYSTEM_MUL_OFFSET + TSC_TO_SYSTEM_MUL_SIZE;
    public static final int TSC_SHIFT_SIZE = Byte.BYTES;
    public static final int FLAGS_OFFSET = TSC_SHIFT_OFFSET + TSC_SHIFT_SIZE;
    public static final int FLAGS_SIZE = Byte.BYTES;
    public static final int PAD1_OFFSET = FLAGS_OFFSET + FLAGS_SIZE;
    public static final int PAD1_SIZE = 2;
    public static final int SIZE = PAD1_OFFSET + PAD1_SIZE;

    /** PVCLOCK_TSC_STABLE_BIT: the counter is synchronised across vcpus. */
    public static final int FLAG_TSC_STABLE = 1;

    /** PVCLOCK_GUEST_STOPPED: the guest was paused by the host. */
    public static final int FLAG_GUEST_STOPPED = 2;

    /** The fields in order, offsets relative to the structure. */
    public static final List<AbiField> FIELDS = List.of(
            new AbiField("version", "u32", VERSION_OFFSET, VERSION_SIZE),
            new AbiField("pad0", "u32", PAD0_OFFSET, PAD0_SIZE),
            new AbiField("tsc_timestamp", "u64", TSC_TIMESTAMP_OFFSET, TSC_TIMESTAMP_SIZE),
            new AbiField("system_time", "u64", SYSTEM_TIME_OFFSET, SYSTEM_TIME_SIZE),
            new AbiField("tsc_to_system_mul", "u32", TSC_TO_SYSTEM_MUL_OFFSET, TSC_TO_SYSTEM_MUL_SIZE),
            new AbiField("tsc_shift", "s8", TSC_SHIFT_OFFSET, TSC_SHIFT_SIZE),
            new AbiField("flags", "u8", FLAGS_OFFSET, FLAGS_SIZE),
            new AbiField("pad1", "u8[2]", PAD1_OFFSET, PAD1_SIZE));

    private VcpuTimeInfoLayout() {}
}
