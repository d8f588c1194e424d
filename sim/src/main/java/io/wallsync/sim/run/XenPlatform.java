package io.wallsync.sim.run;

import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.sim.engine.Simulation;
import io.wallsync.sim.scenario.GuestGroup;
import io.wallsync.sim.scenario.Policy;

/**
 * Xen with dom0 running one of the Xen policies. The hypervisor, its shared_info pages and the PV
 * guests are the core's; dom0's agent pushes W with settime64 platform_op hypercalls.
 */
final class XenPlatform implements Platform {
    private final Policy policy;
    private final Timekeeper timekeeper;
    private final Hypervisor hypervisor;
    private final InterimSyncAgent agent;
    private final WallsyncPublisher wallsync;
    private long seenSettimes;
    private long internalSettimes;
    private long domainPageWrites;
    private int domains;

    XenPlatform(Policy policy, World world, Timekeeper timekeeper, Simulation sim, long pushPeriodNs, long bootWallNs) {
        this.policy = policy;
        this.timekeeper = timekeeper;
        this.hypervisor = new Hypervisor(world.hypervisorClocksource(), Wallclock.ofEpochNanos(bootWallNs));
        hypervisor.createDomain(DomainKind.CONTROL, 0);
        domains = 1;
        this.wallsync = policy == Policy.WALLSYNC ? new WallsyncPublisher(timekeeper, hypervisor) : null;
        this.agent = switch (policy) {
            case LEGACY_PERIODIC -> InterimSyncAgent.legacyPeriodic(timekeeper, hypervisor, pushPeriodNs);
            case STEP_AND_PERIODIC, WALLSYNC -> InterimSyncAgent.stepAndPeriodic(timekeeper, hypervisor, pushPeriodNs);
            case KVM_PER_TICK -> throw new IllegalArgumentException("kvm-per-tick is not a Xen policy");
        };
        if (policy == Policy.LEGACY_PERIODIC) {
            sim.every(pushPeriodNs, pushPeriodNs, now -> {
                if (!world.suspended()) {
                    agent.legacyWork();
                    afterHostUpdate();
                }
            });
        }
        afterHostUpdate();
    }

    @Override
    public SimGuest boot(GuestGroup group) {
        DomainKind kind = group.kind() == GuestGroup.GuestKind.PV ? DomainKind.PV : DomainKind.HVM;
        Domain domain = hypervisor.createDomain(kind, group.timeOffsetSeconds());
        domains++;
        if (kind == DomainKind.HVM) {
            return new XenGuests.Hvm(XenGuests.rtcView(hypervisor, domain), hypervisor::systemTimeNs);
        }
        MonotonicClock systemTime = hypervisor::systemTimeNs;
        PvGuest guest = PvGuest.boot(domain.sharedInfo(), systemTime);
        boolean follow = group.reads() == GuestGroup.ReadMode.FOLLOW;
        if (wallsync != null) {
            return new XenGuests.WallsyncPv(guest, wallsync::publication, hypervisor::systemTimeNs, follow);
        }
        return follow ? new XenGuests.PvFollower(guest) : new XenGuests.PvBootOnly(guest);
    }

    @Override
    public long publishedWallNs() {
        long wall = hypervisor.wallTimeNow().toEpochNanos();
        return wallsync == null ? wall : wall + wallsync.publication().correctionNs(hypervisor.systemTimeNs());
    }

    @Override
    public void afterHostUpdate() {
        if (wallsync != null && wallsync.syncStateChanged()) {
            Dom0Pusher.push(timekeeper, hypervisor);
        }
        long settimes = hypervisor.settimeCount();
        if (settimes != seenSettimes) {
            domainPageWrites += (settimes - seenSettimes) * domains;
            seenSettimes = settimes;
            if (wallsync != null) {
                wallsync.onPush();
            }
        }
    }

    @Override
    public void onResume(long rtcNowNs) {
        // Xen's time_resume(): the hypervisor re-reads the CMOS RTC and do_settime()s W from it. It is
        // Xen's own work, not a dom0 hypercall, so it is not counted against the policy.
        Dom0Pusher.pushAt(hypervisor, rtcNowNs);
        internalSettimes++;
        seenSettimes = hypervisor.settimeCount();
    }

    @Override
    public boolean honoursTimeOffset() {
        return true;
    }

    @Override
    public Counts counts() {
        long hypercalls = hypervisor.platformOpCount() - internalSettimes;
        long updates = hypervisor.settimeCount() - internalSettimes;
        return new Counts(updates, hypercalls, domainPageWrites, 0, agent.notifierCalls(), 0);
    }

    Policy policy() {
        return policy;
    }
}
