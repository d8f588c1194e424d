package io.wallsync.sim.run;

import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageExtension;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.MemoryPageSink;
import io.wallsync.daemon.PagePublisher;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.VmclockOptions;
import io.wallsync.sim.scenario.GuestGroup;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The {@code wallsync} policy: the daemon behind {@code wallsync serve}, run in virtual time. The
 * same {@link PagePublisher} (dom0 sync agent, hypervisor, one page per domain) as serve, on a
 * {@link MemoryPageSink}, with dom0's clock the host {@link Timekeeper} and the hypervisor's system
 * time the world's Xen clocksource. It is driven as serve drives it: {@link PagePublisher#beat()}
 * every {@link #HEARTBEAT_NS} (serve's default {@code --heartbeat 1s}: page check, the agent's
 * periodic tick, heartbeat) and {@link PagePublisher#clockWasSet()} on every clock_was_set (serve's
 * timerfd; here the timekeeper's clock_was_set chain).
 *
 * <p>Guests read only what a real page carries: W and vcpu_time_info (as any PV guest), and the
 * page's clock_status, so a guest booting before dom0 is synchronised knows it.
 */
final class ServePlatform implements Platform {
    /** serve's default heartbeat: the push loop's beat. */
    static final long HEARTBEAT_NS = 1_000_000_000L;

    private final World world;
    private final Hypervisor hypervisor;
    private final PagePublisher publisher;
    private final MemoryPageSink pages = new MemoryPageSink();
    private final XenWork work;
    private int guests;

    ServePlatform(World world, Timekeeper timekeeper, long pushPeriodNs, long bootWallNs) {
        this.world = world;
        this.hypervisor = new Hypervisor(world.hypervisorClocksource(), Wallclock.ofEpochNanos(bootWallNs));
        // The hypervisor's clock is its own oscillator, not dom0's: read right after each sample.
        this.publisher = PagePublisher.onHypervisor(
                pages,
                timekeeper,
                timekeeper::monotonicNs,
                hypervisor,
                pushPeriodNs,
                0,
                (int) (HEARTBEAT_NS / 1_000_000),
                VmclockOptions.noCounter("the simulated hypervisor has no counter yet"),
                PushObserver.NONE);
        this.work = new XenWork(hypervisor);
        work.account();
        timekeeper
                .clockWasSetChain()
                .register(
                        event -> {
                            publisher.clockWasSet();
                            work.account();
                            return NotifyResult.OK;
                        },
                        0);
        world.sim.every(HEARTBEAT_NS, HEARTBEAT_NS, now -> {
            if (!world.suspended()) {
                publisher.beat();
                work.account();
            }
        });
    }

    @Override
    public SimGuest boot(GuestGroup group) {
        DomainSpec spec = DomainSpec.parse("g" + ++guests + ":" + group.timeOffsetSeconds());
        try {
            publisher.addDomain(spec);
        } catch (IOException e) {
            throw new UncheckedIOException("memory pages do not fail", e);
        }
        work.domainCreated();
        Domain domain = publisher.domainOf(spec);
        MonotonicClock systemTime = hypervisor::systemTimeNs;
        if (group.kind() == GuestGroup.GuestKind.HVM) {
            return new XenGuests.HvmRtc(hypervisor, domain, systemTime);
        }
        boolean synchronised =
                new PageExtension(publisher.pageOf(spec)).clockStatus() == ClockStatus.SYNCHRONIZED.code();
        PvGuest guest = PvGuest.boot(domain.sharedInfo(), systemTime);
        SimGuest pv = group.reads() == GuestGroup.ReadMode.FOLLOW
                ? new XenGuests.PvFollower(guest)
                : new XenGuests.PvBootOnly(guest);
        return synchronised ? pv : new XenGuests.ToldUnsynchronised(pv);
    }

    @Override
    public long publishedWallNs() {
        return hypervisor.wallTimeNow().toEpochNanos();
    }

    @Override
    public void afterHostUpdate() {
        // serve reacts to clock_was_set (the chain above) and to its own beat, not to each NTP poll.
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
        // The daemon is not on the gtod chain: its agent runs once per beat and once per step.
        return work.counts(publisher.agent().notifications());
    }
}
