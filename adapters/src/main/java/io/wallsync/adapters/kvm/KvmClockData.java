package io.wallsync.adapters.kvm;

/**
 * struct kvm_clock_data from KVM_GET_CLOCK (0x30 bytes): clock +0 (the VM's kvmclock, ns), flags +8,
 * realtime +0x10 (host CLOCK_REALTIME at that instant, valid with {@link #KVM_CLOCK_REALTIME}),
 * host_tsc +0x18.
 */
public record KvmClockData(long clockNs, int flags, long realtimeNs) {
    public static final int KVM_CLOCK_TSC_STABLE = 2;
    public static final int KVM_CLOCK_REALTIME = 1 << 2;
}
