package io.wallsync.adapters.kvm;

/**
 * ioctl request numbers of {@code include/uapi/linux/kvm.h} on x86_64: _IO/_IOR/_IOW/_IOWR(0xAE,
 * nr, size) = dir << 30 | size << 16 | 0xAE << 8 | nr, with the struct size of this platform.
 */
final class KvmIoctl {
    private KvmIoctl() {}

    // system fd
    static final long KVM_GET_API_VERSION = 0xAE00L;
    static final long KVM_CREATE_VM = 0xAE01L;
    static final long KVM_CHECK_EXTENSION = 0xAE03L;
    static final long KVM_GET_VCPU_MMAP_SIZE = 0xAE04L;
    /** _IOWR(0xAE, 0x05, struct kvm_cpuid2) with its 8-byte header. */
    static final long KVM_GET_SUPPORTED_CPUID = 0xC008AE05L;

    // VM fd
    static final long KVM_CREATE_VCPU = 0xAE41L;
    /** _IOW(0xAE, 0x46, struct kvm_userspace_memory_region): 0x20 bytes. */
    static final long KVM_SET_USER_MEMORY_REGION = 0x4020AE46L;

    static final long KVM_SET_TSS_ADDR = 0xAE47L;
    static final long KVM_CREATE_IRQCHIP = 0xAE60L;
    /** _IOW(0xAE, 0x61, struct kvm_irq_level): 8 bytes. */
    static final long KVM_IRQ_LINE = 0x4008AE61L;
    /** _IOW(0xAE, 0x77, struct kvm_pit_config): 0x40 bytes. */
    static final long KVM_CREATE_PIT2 = 0x4040AE77L;
    /** _IOR(0xAE, 0x7c, struct kvm_clock_data): 0x30 bytes. */
    static final long KVM_GET_CLOCK = 0x8030AE7CL;
    /** _IOW(0xAE, 0xa3, struct kvm_enable_cap): 0x68 bytes. */
    static final long KVM_ENABLE_CAP = 0x4068AEA3L;
    /** _IOW(0xAE, 0xc6, struct kvm_msr_filter): 0x188 bytes. */
    static final long KVM_X86_SET_MSR_FILTER = 0x4188AEC6L;

    // vCPU fd
    static final long KVM_RUN = 0xAE80L;
    /** _IOR / _IOW(0xAE, 0x81/0x82, struct kvm_regs): 0x90 bytes. */
    static final long KVM_GET_REGS = 0x8090AE81L;

    static final long KVM_SET_REGS = 0x4090AE82L;
    /** _IOR / _IOW(0xAE, 0x83/0x84, struct kvm_sregs): 0x138 bytes. */
    static final long KVM_GET_SREGS = 0x8138AE83L;

    static final long KVM_SET_SREGS = 0x4138AE84L;
    /** _IOR / _IOW(0xAE, 0x8e/0x8f, struct kvm_lapic_state): 0x400 bytes. */
    static final long KVM_GET_LAPIC = 0x8400AE8EL;

    static final long KVM_SET_LAPIC = 0x4400AE8FL;
    /** _IOW(0xAE, 0x90, struct kvm_cpuid2) with its 8-byte header. */
    static final long KVM_SET_CPUID2 = 0x4008AE90L;
}
