package io.wallsync.sim.run;

import io.wallsync.core.kvm.KvmGuest;
import io.wallsync.core.kvm.KvmHost;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.sim.scenario.GuestGroup;

/**
 * The same host running KVM instead of Xen: every guest is a kvmclock guest, whatever its kind in
 * the scenario; the host copies its timekeeper to kvmclock on every tick.
 */
final class KvmPlatform implements Platform {
    private final Timekeeper timekeeper;
    private final KvmHost host;

    KvmPlatform(World world, Timekeeper timekeeper) {
        this.timekeeper = timekeeper;
        this.host = new KvmHost(timekeeper, world.hostClocksource());
    }

    @Override
    public SimGuest boot(GuestGroup group) {
        return switch (KvmGuest.boot(host.createVm())) {
            case KvmGuest.BootResult.Booted(KvmGuest guest) ->
                new SimGuest() {
                    @Override
                    public long wallNs() {
                        return guest.wallNs();
                    }

                    @Override
                    public String kind() {
                        return "kvm";
                    }
                };
            case KvmGuest.BootResult.Failed(String why) ->
                throw new IllegalStateException("KVM guest cannot boot: " + why);
        };
    }

    @Override
    public long publishedWallNs() {
        return timekeeper.realtimeNs();
    }

    @Override
    public void afterHostUpdate() {}

    @Override
    public void onResume(long rtcNowNs) {}

    @Override
    public boolean honoursTimeOffset() {
        return false;
    }

    @Override
    public Counts counts() {
        return new Counts(host.copies(), 0, 0, host.msrWrites(), host.notifierCalls(), host.tickCopies());
    }
}
