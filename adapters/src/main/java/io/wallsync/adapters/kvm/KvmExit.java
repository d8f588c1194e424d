package io.wallsync.adapters.kvm;

/** kvm_run.exit_reason values (include/uapi/linux/kvm.h), by name. */
public enum KvmExit {
    UNKNOWN(0),
    EXCEPTION(1),
    IO(2),
    HYPERCALL(3),
    DEBUG(4),
    HLT(5),
    MMIO(6),
    IRQ_WINDOW_OPEN(7),
    SHUTDOWN(8),
    FAIL_ENTRY(9),
    INTR(10),
    SET_TPR(11),
    TPR_ACCESS(12),
    NMI(16),
    INTERNAL_ERROR(17),
    SYSTEM_EVENT(24),
    IOAPIC_EOI(26),
    X86_RDMSR(29),
    X86_WRMSR(30);

    private final int code;

    KvmExit(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The exit of {@code code}, or {@link #UNKNOWN} for a code this table does not name. */
    public static KvmExit of(int code) {
        for (KvmExit e : values()) {
            if (e.code == code) {
                return e;
            }
        }
        return UNKNOWN;
    }

    /** {@code KVM_EXIT_IO (2)} style, for messages. */
    public static String describe(int code) {
        KvmExit e = of(code);
        return (e == UNKNOWN && code != 0 ? "KVM_EXIT_? " : "KVM_EXIT_" + e.name() + " ") + "(" + code + ")";
    }
}
