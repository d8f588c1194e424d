package io.wallsync.core.kvm;

/** The outcome of a guest's WRMSR as KVM handles it in {@code kvm_set_msr_common}. */
public sealed interface MsrWriteResult {
    /** The write was handled. */
    record Done() implements MsrWriteResult {}

    /** KVM would inject #GP: the MSR is not one this model handles. */
    record GeneralProtection(String why) implements MsrWriteResult {}
}
