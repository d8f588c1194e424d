package io.wallsync.sim.run;

import io.wallsync.core.dom0.Dom0SyncAgent;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.sim.scenario.GuestGroup;
import io.wallsync.sim.scenario.Policy;

/**
 * Xen with dom0 running one of the Xen policies: the core's hypervisor, shared_info pages, PV guests
 * and dom0 sync agent, wired to the host timekeeper.
 *
 * <ul>
 *   <li>step-and-periodic is xen_pvclock_gtod_notify: the agent is a gtod notifier, called on every
 *       tick and step (registering calls it once at once: the START push);
 *   <li>legacy-periodic is sync_cmos_clock, a timer that is not on the chain: each host tick drives
 *       the agent's timer check directly, and no notifier calls are counted.
 * </ul>
 *
 * The wallsync policy is the daemon itself: {@link ServePlatform}.
 */
final class XenPolicyPlatform implements Platform {
    private final Hypervisor hypervisor;
    private final Dom0SyncAgent agent;
    private final boolean agentOnGtodChain;
    private long seenSettimes;
    private long internalSettimes;
    private long domainPageWrites;
    private int domains;

    XenPolicyPlatform(Policy policy, World world, Timekeeper timekeeper, long pushPeriodNs, long bootWallNs) {
        this.hypervisor = new Hypervisor(world.hypervisorClocksource(), Wallclock.ofEpochNanos(bootWallNs));
        hypervisor.createDomain(DomainKind.CONTROL, 0);
        domains = 1;
        SyncPolicy syncPolicy = switch (policy) {
            case LEGACY_PERIODIC -> SyncPolicy.LEGACY_PERIODIC;
            case STEP_AND_PERIODIC -> SyncPolicy.STEP_AND_PERIODIC;
            case WALLSYNC, KVM_PER_TICK ->
                throw new IllegalArgumentException(policy + " is not one of the Xen dom0 policies");
        };
        this.agent = new Dom0SyncAgent(
                timekeeper,
                timekeeper::monotonicNs,
                io.wallsync.core.dom0.XenPlatform.of(hypervisor, Hypervisor.DOM0),
                syncPolicy,
                pushPeriodNs);
        this.agentOnGtodChain = syncPolicy == SyncPolicy.STEP_AND_PERIODIC;
        if (agentOnGtodChain) {
            timekeeper.registerGtodNotifier(agent.gtodNotifier(), 0);
        }
        afterHostUpdate();
    }

    @Override
    public SimGuest boot(GuestGroup group) {
        DomainKind kind = group.kind() == GuestGroup.GuestKind.PV ? DomainKind.PV : DomainKind.HVM;
        Domain domain = hypervisor.createDomain(kind, group.timeOffsetSeconds());
        domains++;
        MonotonicClock systemTime = hypervisor::systemTimeNs;
        if (kind == DomainKind.HVM) {
            return new XenGuests.HvmRtc(hypervisor, domain, systemTime);
        }
        PvGuest guest = PvGuest.boot(domain.sharedInfo(), systemTime);
        boolean follow = group.reads() == GuestGroup.ReadMode.FOLLOW;
        return follow ? new XenGuests.PvFollower(guest) : new XenGuests.PvBootOnly(guest);
    }

    @Override
    public long publishedWallNs() {
        return hypervisor.wallTimeNow().toEpochNanos();
    }

    @Override
    public void onHostTick() {
        if (!agentOnGtodChain) {
            agent.onClockUpdate(false);
        }
    }

    @Override
    public void afterHostUpdate() {
        long settimes = hypervisor.settimeCount();
        if (settimes != seenSettimes) {
            domainPageWrites += (settimes - seenSettimes) * domains;
            seenSettimes = settimes;
        }
    }

    @Override
    public void onResume(long rtcNowNs) {
        // Xen's time_resume(): the hypervisor re-reads the CMOS RTC and do_settime()s W from it. It is
        // Xen's own work, not a dom0 hypercall, so it is not counted against the policy.
        Dom0Pusher.pushAt(hypervisor, rtcNowNs);
        internalSettimes++;
        domainPageWrites += domains;
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
        long notifierCalls = agentOnGtodChain ? agent.notifications() : 0;
        return new Counts(updates, hypercalls, domainPageWrites, 0, notifierCalls, 0);
    }
}
