package io.wallsync.core.xen;

import io.wallsync.core.abi.AbiField;
import java.util.List;

/**
 * Descriptor of the Xen x86_64 {@code struct shared_info} (xen/include/public/xen.h, with
 * {@code struct arch_shared_info} and {@code struct arch_vcpu_info} from
 * xen/include/public/arch-x86/xen.h). Little-endian; each offset is the previous one plus the
 * previous size, exactly as the C compiler lays the struct out (no padding is needed: every field
 * is naturally aligned at that point).
 *
 * <pre>
 *  offset  size        field                      meaning
 *  0       32 x 64     vcpu_info[XEN_LEGACY_MAX_VCPUS]
 *    N*64+0   u8        evtchn_upcall_pending
 *    N*64+1   u8        evtchn_upcall_mask
 *    N*64+8   u64       evtchn_pending_sel         (xen_ulong_t: 8-byte aligned, bytes 2..7 padding)
 *    N*64+16  16 bytes  arch_vcpu_info             unsigned long cr2, pad
 *    N*64+32  32 bytes  vcpu_time_info             {@link VcpuTimeInfoLayout}
 *  2048    64 x u64    evtchn_pending             xen_ulong_t[sizeof(xen_ulong_t) * 8]
 *  2560    64 x u64    evtchn_mask
 *  3072    u32         wc_version   seqlock: odd while the hypervisor writes wc_*
 *  3076    u32         wc_sec       low 32 bits of wall seconds at system time 0
 *  3080    u32         wc_nsec      nanoseconds, 0..999_999_999
 *  3084    u32         wc_sec_hi    high 32 bits of wall seconds ("#if !defined(__i386__)")
 *  3088    6 x u64     arch_shared_info: max_pfn, pfn_to_mfn_frame_list_list, nmi_reason,
 *                      p2m_cr3, p2m_vaddr, p2m_generation
 *  3136                end (sizeof(struct shared_info) on x86_64)
 * </pre>
 *
 * The flyweight over these bytes is {@link SharedInfo}; it is the only code that reads or writes
 * them.
 */
public final class SharedInfoLayout {
    /** XEN_LEGACY_MAX_VCPUS on x86: the number of vcpu_info slots in shared_info. */
    public static final int LEGACY_MAX_VCPUS = 32;

    /** sizeof(xen_ulong_t) on x86_64. */
    public static final int XEN_ULONG_SIZE = Long.BYTES;

    // struct vcpu_info, offsets inside one slot.
    public static final int EVTCHN_UPCALL_PENDING_IN_VCPU_INFO_OFFSET = 0;
    public static final int EVTCHN_UPCALL_MASK_IN_VCPU_INFO_OFFSET = EVTCHN_UPCALL_PENDING_IN_VCPU_INFO_OFFSET + 1;
    /** xen_ulong_t evtchn_pending_sel: aligned up to 8 after the two u8 fields. */
    public static final int EVTCHN_PENDING_SEL_IN_VCPU_INFO_OFFSET = XEN_ULONG_SIZE;

    public static final int ARCH_VCPU_INFO_IN_VCPU_INFO_OFFSET =
            EVTCHN_PENDING_SEL_IN_VCPU_INFO_OFFSET + XEN_ULONG_SIZE;
    /** struct arch_vcpu_info on x86_64: unsigned long cr2, unsigned long pad. */
    public static final int ARCH_VCPU_INFO_SIZE = 2 * Long.BYTES;
    /** Offset of vcpu_time_info inside a vcpu_info. */
    public static final int VCPU_TIME_INFO_IN_VCPU_INFO_OFFSET =
            ARCH_VCPU_INFO_IN_VCPU_INFO_OFFSET + ARCH_VCPU_INFO_SIZE;
    /** sizeof(struct vcpu_info) on x86_64 ("64 bytes (x86)" in xen.h). */
    public static final int VCPU_INFO_SIZE = VCPU_TIME_INFO_IN_VCPU_INFO_OFFSET + VcpuTimeInfoLayout.SIZE;

    public static final int VCPU_INFO_OFFSET = 0;
    public static final int VCPU_INFO_ARRAY_SIZE = LEGACY_MAX_VCPUS * VCPU_INFO_SIZE;

    /** Words of each event channel bitmap: sizeof(xen_ulong_t) * 8. */
    public static final int EVTCHN_WORDS = XEN_ULONG_SIZE * 8;

    public static final int EVTCHN_PENDING_OFFSET = VCPU_INFO_OFFSET + VCPU_INFO_ARRAY_SIZE;
    public static final int EVTCHN_PENDING_SIZE = EVTCHN_WORDS * XEN_ULONG_SIZE;
    public static final int EVTCHN_MASK_OFFSET = EVTCHN_PENDING_OFFSET + EVTCHN_PENDING_SIZE;
    public static final int EVTCHN_MASK_SIZE = EVTCHN_WORDS * XEN_ULONG_SIZE;

    public static final int WC_VERSION_OFFSET = EVTCHN_MASK_OFFSET + EVTCHN_MASK_SIZE;
    public static final int WC_VERSION_SIZE = Integer.BYTES;
    public static final int WC_SEC_OFFSET = WC_VERSION_OFFSET + WC_VERSION_SIZE;
    public static final int WC_SEC_SIZE = Integer.BYTES;
    public static final int WC_NSEC_OFFSET = WC_SEC_OFFSET + WC_SEC_SIZE;
    public static final int WC_NSEC_SIZE = Integer.BYTES;
    public static final int WC_SEC_HI_OFFSET = WC_NSEC_OFFSET + WC_NSEC_SIZE;
    public static final int WC_SEC_HI_SIZE = Integer.BYTES;

    public static final int ARCH_OFFSET = WC_SEC_HI_OFFSET + WC_SEC_HI_SIZE;
    /** struct arch_shared_info on x86_64: six unsigned long / xen_pfn_t fields. */
    public static final int ARCH_SIZE = 6 * Long.BYTES;

    /** sizeof(struct shared_info) on x86_64. */
    public static final int SIZE = ARCH_OFFSET + ARCH_SIZE;

    /** The fields as docs/page-abi.md lists them, in order. */
    public static final List<AbiField> FIELDS = List.of(
            new AbiField("vcpu_info", "vcpu_info[32]", VCPU_INFO_OFFSET, VCPU_INFO_ARRAY_SIZE),
            new AbiField("evtchn_pending", "u64[64]", EVTCHN_PENDING_OFFSET, EVTCHN_PENDING_SIZE),
            new AbiField("evtchn_mask", "u64[64]", EVTCHN_MASK_OFFSET, EVTCHN_MASK_SIZE),
            new AbiField("wc_version", "u32", WC_VERSION_OFFSET, WC_VERSION_SIZE),
            new AbiField("wc_sec", "u32", WC_SEC_OFFSET, WC_SEC_SIZE),
            new AbiField("wc_nsec", "u32", WC_NSEC_OFFSET, WC_NSEC_SIZE),
            new AbiField("wc_sec_hi", "u32", WC_SEC_HI_OFFSET, WC_SEC_HI_SIZE),
            new AbiField("arch_shared_info", "u64[6]", ARCH_OFFSET, ARCH_SIZE));

    private SharedInfoLayout() {}

    /** Offset of vcpu N's vcpu_time_info: N * 64 + 32. */
    public static int vcpuTimeInfoOffset(int vcpu) {
        if (vcpu < 0 || vcpu >= LEGACY_MAX_VCPUS) {
            throw new IllegalArgumentException("vcpu " + vcpu + " out of range: expected 0.." + (LEGACY_MAX_VCPUS - 1));
        }
        return VCPU_INFO_OFFSET + vcpu * VCPU_INFO_SIZE + VCPU_TIME_INFO_IN_VCPU_INFO_OFFSET;
    }
}
