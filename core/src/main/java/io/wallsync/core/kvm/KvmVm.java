package io.wallsync.core.kvm;

import java.lang.foreign.MemorySegment;

/**
 * One KVM virtual machine: its kvmclock (host kvmclock base plus the VM's offset) and its handling
 * of the wall-clock MSR. Guest memory is the segment the guest names in the MSR write (the model's
 * stand-in for a guest physical address).
 */
public final class KvmVm {
    private final KvmHost host;
    private final long kvmclockOffsetNs;

    KvmVm(KvmHost host, long kvmclockOffsetNs) {
        this.host = host;
        this.kvmclockOffsetNs = kvmclockOffsetNs;
    }

    /** The guest's kvmclock now, ns since the VM was created ({@code get_kvmclock_ns}). */
    public long kvmclockNs() {
        return host.hostKvmclockBaseNs() + kvmclockOffsetNs;
    }

    /**
     * The guest writes {@code msr}. For MSR_KVM_WALL_CLOCK_NEW (0x4b564d00) and the legacy
     * MSR_KVM_WALL_CLOCK (0x11) the host writes the wall time at kvmclock 0 into {@code
     * guestMemory} as a pvclock_wall_clock, as arch/x86/kvm/x86.c {@code kvm_set_msr_common} does
     * for both ({@code case MSR_KVM_WALL_CLOCK_NEW: if (!guest_pv_has(vcpu,
     * KVM_FEATURE_CLOCKSOURCE2)) return 1; ... kvm_write_wall_clock(vcpu->kvm, data, 0);} and the
     * same for {@code MSR_KVM_WALL_CLOCK} with {@code KVM_FEATURE_CLOCKSOURCE}). {@code
     * guest_pv_has} is true unless the VMM enabled KVM_CAP_ENFORCE_PV_FEATURE_CPUID, which this
     * model does not, so both MSRs always work.
     *
     * <p>{@code kvm_write_wall_clock}: {@code u64 wall_nsec = kvm_get_wall_clock_epoch(kvm)} (host
     * realtime - kvmclock, both now); {@code wc.nsec = do_div(wall_nsec, NSEC_PER_SEC); wc.sec =
     * (u32)wall_nsec;} ("overflow in 2106 guest time"). The division is unsigned: a wall
     * time before 1970 wraps through 2^64 ns as in the C code.
     */
    public MsrWriteResult wrmsr(int msr, MemorySegment guestMemory) {
        if (msr != KvmHost.MSR_KVM_WALL_CLOCK_NEW && msr != KvmHost.MSR_KVM_WALL_CLOCK) {
            return new MsrWriteResult.GeneralProtection("MSR 0x" + Integer.toHexString(msr)
                    + " not modelled: expected MSR_KVM_WALL_CLOCK_NEW 0x4b564d00 or MSR_KVM_WALL_CLOCK 0x11");
        }
        long wallNsec = host.hostRealtimeNs() - kvmclockNs();
        new PvclockWallClock(guestMemory).write(Long.divideUnsigned(wallNsec, 1_000_000_000L), (int)
                Long.remainderUnsigned(wallNsec, 1_000_000_000L));
        host.countMsrWrite();
        return new MsrWriteResult.Done();
    }
}
