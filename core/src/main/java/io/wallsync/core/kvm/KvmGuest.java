package io.wallsync.core.kvm;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A Linux KVM guest's wall time (arch/x86/kernel/kvmclock.c {@code kvm_get_wallclock}): at boot it
 * writes MSR_KVM_WALL_CLOCK_NEW with the address of a pvclock_wall_clock, reads it back with the
 * seqlock protocol, and from then on its realtime is that wall clock plus kvmclock.
 */
public final class KvmGuest {
    /** Retries of the wall-clock read before the guest gives up (a host stuck mid-write). */
    public static final int MAX_RETRIES = 1000;

    private final KvmVm vm;
    private final long wallAtZeroNs;
    private final long bootWallNs;

    private KvmGuest(KvmVm vm, long wallAtZeroNs) {
        this.vm = vm;
        this.wallAtZeroNs = wallAtZeroNs;
        this.bootWallNs = wallAtZeroNs + vm.kvmclockNs();
    }

    /** The outcome of booting. */
    public sealed interface BootResult {
        record Booted(KvmGuest guest) implements BootResult {}

        record Failed(String why) implements BootResult {}
    }

    /** Boots in {@code vm}: the MSR write, then the read. */
    public static BootResult boot(KvmVm vm) {
        MemorySegment page = Arena.ofAuto().allocate(PvclockWallClock.SIZE);
        if (vm.wrmsr(KvmHost.MSR_KVM_WALL_CLOCK_NEW, page) instanceof MsrWriteResult.GeneralProtection gp) {
            return new BootResult.Failed(gp.why());
        }
        return switch (new PvclockWallClock(page).read(MAX_RETRIES)) {
            case PvclockWallClock.Reading.Value v -> new BootResult.Booted(new KvmGuest(vm, v.epochNs()));
            case PvclockWallClock.Reading.Failed f -> new BootResult.Failed("pvclock_wall_clock: " + f.why());
        };
    }

    /** The guest's wall time now, ns since the epoch. */
    public long wallNs() {
        return wallAtZeroNs + vm.kvmclockNs();
    }

    /** The wall time it believed at boot. */
    public long bootWallNs() {
        return bootWallNs;
    }
}
