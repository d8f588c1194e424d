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
     * The guest writes {@code msr}. For MSR_KVM_WALL_CLOCK_NEW the host writes the wall time at
     * kvmclock 0 ({@code kvm_get_wall_clock_epoch}: host realtime - kvmclock, both now) into
     * {@code guestMemory} as a pvclock_wall_clock; sec keeps the low 32 bits, as Linux does ("overflow
     * in 2106 guest time").
     */
    public MsrWriteResult wrmsr(int msr, MemorySegment guestMemory) {
        if (msr != KvmHost.MSR_KVM_WALL_CLOCK_NEW) {
            return new MsrWriteResult.GeneralProtection(
                    "MSR 0x" + Integer.toHexString(msr) + " not modelled: expected MSR_KVM_WALL_CLOCK_NEW 0x4b564d00");
        }
        long wallAtZeroNs = host.hostRealtimeNs() - kvmclockNs();
        new PvclockWallClock(guestMemory)
                .write(Math.floorDiv(wallAtZeroNs, 1_000_000_000L), (int) Math.floorMod(wallAtZeroNs, 1_000_000_000L));
        host.countMsrWrite();
        return new MsrWriteResult.Done();
    }
}
