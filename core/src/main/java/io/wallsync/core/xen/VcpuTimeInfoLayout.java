package io.wallsync.core.xen;

/**
 * Byte layout of {@code struct pvclock_vcpu_time_info} (Linux arch/x86/include/asm/pvclock-abi.h,
 * identical to Xen's {@code struct vcpu_time_info}). 32 bytes, little-endian.
 *
 * <pre>
 *  offset  size  field               meaning
 *  0       u32   version             seqlock: odd while the hypervisor writes
 *  4       u32   pad0
 *  8       u64   tsc_timestamp       counter value at which system_time was sampled
 *  16      u64   system_time         nanoseconds since hypervisor boot at tsc_timestamp
 *  24      u32   tsc_to_system_mul   ns per counter tick, 0.32 fixed point (after shift)
 *  28      s8    tsc_shift           counter delta is shifted by this before the multiply
 *  29      u8    flags               PVCLOCK_TSC_STABLE_BIT = 1, PVCLOCK_GUEST_STOPPED = 2
 *  30      u8[2] pad
 *  32            end
 * </pre>
 */
public final class VcpuTimeInfoLayout {
    public static final int VERSION_OFFSET = 0;
    public static final int TSC_TIMESTAMP_OFFSET = 8;
    public static final int SYSTEM_TIME_OFFSET = 16;
    public static final int TSC_TO_SYSTEM_MUL_OFFSET = 24;
    public static final int TSC_SHIFT_OFFSET = 28;
    public static final int FLAGS_OFFSET = 29;
    public static final int SIZE = 32;

    /** PVCLOCK_TSC_STABLE_BIT: the counter is synchronised across vcpus. */
    public static final int FLAG_TSC_STABLE = 1;

    /** PVCLOCK_GUEST_STOPPED: the guest was paused by the host. */
    public static final int FLAG_GUEST_STOPPED = 2;

    private VcpuTimeInfoLayout() {}
}
