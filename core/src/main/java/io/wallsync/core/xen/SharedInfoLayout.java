package io.wallsync.core.xen;

/**
 * Byte layout of the Xen x86_64 {@code struct shared_info} (xen/include/public/xen.h,
 * xen/include/public/arch-x86/xen.h). All fields little-endian.
 *
 * <pre>
 *  offset  size        field                      meaning
 *  0       32 x 64     vcpu_info[XEN_LEGACY_MAX_VCPUS]
 *    N*64+0   u8        evtchn_upcall_pending
 *    N*64+1   u8        evtchn_upcall_mask
 *    N*64+8   u64       evtchn_pending_sel
 *    N*64+16  16 bytes  arch_vcpu_info (cr2, pad)
 *    N*64+32  32 bytes  vcpu_time_info (pvclock_vcpu_time_info, see {@link VcpuTimeInfoLayout})
 *  2048    64 x u64    evtchn_pending
 *  2560    64 x u64    evtchn_mask
 *  3072    u32         wc_version   seqlock: odd while the hypervisor writes
 *  3076    u32         wc_sec       low 32 bits of wall seconds at system time 0
 *  3080    u32         wc_nsec      nanoseconds, 0..999_999_999
 *  3084    u32         wc_sec_hi    high 32 bits of wall seconds (x86_64 only)
 *  3088    48 bytes    arch_shared_info
 *  3136                end (sizeof(struct shared_info) on x86_64)
 * </pre>
 */
public final class SharedInfoLayout {
    /** XEN_LEGACY_MAX_VCPUS on x86: the number of vcpu_info slots in shared_info. */
    public static final int LEGACY_MAX_VCPUS = 32;

    /** sizeof(struct vcpu_info) on x86_64. */
    public static final int VCPU_INFO_SIZE = 64;

    /** Offset of vcpu_time_info inside a vcpu_info. */
    public static final int VCPU_TIME_INFO_IN_VCPU_INFO_OFFSET = 32;

    public static final int EVTCHN_PENDING_OFFSET = 2048;
    public static final int EVTCHN_MASK_OFFSET = 2560;
    public static final int WC_VERSION_OFFSET = 3072;
    public static final int WC_SEC_OFFSET = 3076;
    public static final int WC_NSEC_OFFSET = 3080;
    public static final int WC_SEC_HI_OFFSET = 3084;
    public static final int ARCH_OFFSET = 3088;

    /** sizeof(struct shared_info) on x86_64. */
    public static final int SIZE = 3136;

    private SharedInfoLayout() {}

    /** Offset of vcpu N's vcpu_time_info: N * 64 + 32. */
    public static int vcpuTimeInfoOffset(int vcpu) {
        if (vcpu < 0 || vcpu >= LEGACY_MAX_VCPUS) {
            throw new IllegalArgumentException("vcpu " + vcpu + " out of range: expected 0.." + (LEGACY_MAX_VCPUS - 1));
        }
        return vcpu * VCPU_INFO_SIZE + VCPU_TIME_INFO_IN_VCPU_INFO_OFFSET;
    }
}
