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
    private final XenWork work;

    XenPolicyPlatform(Policy policy, World world, Timekeeper timekeeper, long pushPeriodNs, long bootWallNs) {
        this.hypervisor = new Hypervisor(world.hypervisorClocksource(), Wallclock.ofEpochNanos(bootWallNs));
        hypervisor.buildDomain(DomainKind.CONTROL, 0);
        this.work = new XenWork(hypervisor);
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
        Domain domain = hypervisor.buildDomain(kind, group.timeOffsetSeconds());
        work.domainCreated();
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
        work.account();
    }

    @Override
    public void onResume(long rtcNowNs) {
        work.resume(rtcNowNs);
    }

    @Override
    public boolean honoursTimeOffset() {
        return true;
    }

    @Override
    public Counts counts() {
        return work.counts(agentOnGtodChain ? agent.notifications() : 0);
    }
}
