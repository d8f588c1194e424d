package io.wallsync.sim.run;

import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageExtension;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.vmclock.VmclockCalibrator;
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
import java.time.Duration;
import java.util.Optional;

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
 * page's clock_status, so a guest booting before dom0 is synchronised knows it. Every guest also
 * reads its page's vmclock structure at every sample ({@link VmclockProbe}), the counter path.
 *
 * <p><b>vmclock.</b> The daemon calibrates the machine's TSC ({@link SimTsc}: the host oscillator,
 * which dom0's clocksource scales) against dom0's timekeeper, as serve does with the native
 * helper. serve polls the kernel's discipline every {@code --rate-poll}; here every change of it is
 * made by dom0's NTP daemon (ADJ_FREQUENCY, ADJ_STATUS, steps) or by an event, each inside one
 * engine event after which {@link #afterHostUpdate()} polls at once ({@link
 * PagePublisher#pollDiscipline()}), at the same virtual instant: no change is ever unseen. The
 * calibrator's settings say so ({@link #CALIBRATION}).
 */
final class ServePlatform implements Platform {
    /** serve's default heartbeat: the push loop's beat. */
    static final long HEARTBEAT_NS = 1_000_000_000L;

    /**
     * The rate poll declared to the daemon: 1 ns, the smallest {@link VmclockOptions} accepts. The
     * real detection latency is 0 (see the class comment); declaring 1 ns costs the bound
     * ceil(1000 ppm x 1 ns) = 1 ns.
     */
    static final Duration RATE_POLL = Duration.ofNanos(1);

    /**
     * The largest rate change the simulated kernel can make at once: ADJ_FREQUENCY from -MAXFREQ to
     * +MAXFREQ, 2 x 500 ppm (the model has no ADJ_TICK and its NTP daemon no adjtime slew).
     */
    static final double MAX_RATE_CHANGE_PPM = 2 * Timekeeper.MAXFREQ_SCALED_PPM / 65_536.0;

    /**
     * The calibrator's settings, honest for this model: changes seen within {@link #RATE_POLL};
     * {@link #MAX_RATE_CHANGE_PPM} unseen at most; granularity 2 ns (the timekeeper's clocks are the
     * floor of an exact rational rate: within 1 ns of linear); baseline 200 ms as in the real mode;
     * kernel lag 0 (the model's adjtimex accumulates at the old rate and applies the new one at
     * once); a disruption beyond a 20 % rate change, as in the real mode.
     */
    static final VmclockCalibrator.Settings CALIBRATION =
            new VmclockCalibrator.Settings(RATE_POLL.toNanos(), MAX_RATE_CHANGE_PPM, 2, 200_000_000L, 0, 0.2);

    private final World world;
    private final Hypervisor hypervisor;
    private final PagePublisher publisher;
    private final MemoryPageSink pages = new MemoryPageSink();
    private final XenWork work;
    private final SimTsc tsc;
    private int guests;

    /** Which oscillator the TSC counts. */
    enum TscSource {
        /** The host oscillator, dom0's clocksource: what the daemon requires for counter_id X86_TSC. */
        HOST_CLOCKSOURCE,
        /**
         * The hypervisor's system-time oscillator, which dom0's clock does not run on: a counter the
         * daemon must not calibrate (tests show that its bounds then fail).
         */
        HYPERVISOR_CLOCKSOURCE
    }

    /**
     * @param tscSource the oscillator the TSC counts
     * @param tscPairingJitterNs largest widening of each bracket of the daemon's TSC pairings, ns
     */
    ServePlatform(
            World world,
            Timekeeper timekeeper,
            long pushPeriodNs,
            long bootWallNs,
            TscSource tscSource,
            long tscPairingJitterNs) {
        this.world = world;
        this.tsc = new SimTsc(
                tscSource == TscSource.HOST_CLOCKSOURCE ? world.hostClocksource() : world.hypervisorClocksource(),
                timekeeper,
                Math.multiplyExact(tscPairingJitterNs, SimTsc.TICKS_PER_NS),
                world.tscPairingJitter);
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
                new VmclockOptions(Optional.of(tsc), "", RATE_POLL, CALIBRATION),
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
        VmclockProbe vmclock = new VmclockProbe(publisher.pageOf(spec), tsc);
        if (group.kind() == GuestGroup.GuestKind.HVM) {
            return new WithVmclock(new XenGuests.HvmRtc(hypervisor, domain, systemTime), vmclock);
        }
        boolean synchronised =
                new PageExtension(publisher.pageOf(spec)).clockStatus() == ClockStatus.SYNCHRONIZED.code();
        PvGuest guest = PvGuest.boot(domain.sharedInfo(), systemTime);
        SimGuest pv = group.reads() == GuestGroup.ReadMode.FOLLOW
                ? new XenGuests.PvFollower(guest)
                : new XenGuests.PvBootOnly(guest);
        return new WithVmclock(synchronised ? pv : new XenGuests.ToldUnsynchronised(pv), vmclock);
    }

    /** A guest that also reads its page's vmclock structure. */
    private static final class WithVmclock extends XenGuests.Wrapped {
        private final VmclockProbe probe;

        WithVmclock(SimGuest guest, VmclockProbe probe) {
            super(guest);
            this.probe = probe;
        }

        @Override
        public Optional<VmclockProbe> vmclock() {
            return Optional.of(probe);
        }
    }

    @Override
    public long publishedWallNs() {
        return hypervisor.wallTimeNow().toEpochNanos();
    }

    @Override
    public void afterHostUpdate() {
        // serve's pushes react to clock_was_set (the chain above) and to its own beat, not to each
        // NTP poll; its rate poll sees a changed discipline (here at once, see the class comment).
        publisher.pollDiscipline();
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
