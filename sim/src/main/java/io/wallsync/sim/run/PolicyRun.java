package io.wallsync.sim.run;

import io.wallsync.core.time.StepResult;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.sim.engine.Simulation;
import io.wallsync.sim.result.AbsErrorHistogram;
import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.VmclockResult;
import io.wallsync.sim.scenario.CostModel;
import io.wallsync.sim.scenario.GuestGroup;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.WorldEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.LongConsumer;

/**
 * One policy on one world: builds the host (the core's Timekeeper on the host oscillator, driven by
 * the NTP daemon model), the platform (Xen or KVM with the policy), schedules ticks, polls, world
 * events, guest boots, re-reads, shutdowns and samples, runs the engine to the end and collects the
 * result. Single-threaded and deterministic for a given scenario and seed.
 */
public final class PolicyRun {
    /** Progress is reported this many times over a run. */
    static final int PROGRESS_STEPS = 200;

    private static final long DAY_NS = 86_400_000_000_000L;

    private final Scenario scenario;
    private final Policy policy;
    private final Simulation sim = new Simulation();
    private final World world;
    private final Timekeeper timekeeper;
    private final Platform platform;
    private final HostNtpDaemon ntp;
    private final List<GuestTracker> trackers = new ArrayList<>();
    private final List<GuestTracker> live = new ArrayList<>();
    private final AbsErrorHistogram histogram = new AbsErrorHistogram();
    private final ErrorSeries series = new ErrorSeries();
    /** Every guest's vmclock reads together, with medians; created at the first guest that reads one. */
    private VmclockResult.Accumulator vmclock;

    private long[] scratch = new long[64];

    public PolicyRun(Scenario scenario, Policy policy, long seed) {
        this(scenario, policy, seed, ServePlatform.TscSource.HOST_CLOCKSOURCE);
    }

    /**
     * @param tsc the oscillator the wallsync policy's TSC counts: dom0's clocksource as the daemon
     *     requires; the hypervisor's own (tests only) shows what a counter that is not dom0's
     *     clocksource does to the bounds
     */
    PolicyRun(Scenario scenario, Policy policy, long seed, ServePlatform.TscSource tsc) {
        this.scenario = scenario;
        this.policy = policy;
        this.world = new World(scenario, seed, sim);
        // Host boot: Xen reads the battery RTC into W at its boot, dom0 reads W + system time (0).
        long bootWallNs = world.rtc.readNs(0);
        this.timekeeper = new Timekeeper(world.hostClocksource(), bootWallNs);
        long pushPeriodNs = scenario.hypervisor().pushPeriodNs();
        this.platform = switch (policy) {
            case KVM_PER_TICK -> new KvmPlatform(world, timekeeper);
            case WALLSYNC ->
                new ServePlatform(
                        world,
                        timekeeper,
                        pushPeriodNs,
                        bootWallNs,
                        tsc,
                        scenario.hypervisor().tscPairingJitterNs());
            case LEGACY_PERIODIC, STEP_AND_PERIODIC ->
                new XenPolicyPlatform(policy, world, timekeeper, pushPeriodNs, bootWallNs);
        };
        this.ntp = new HostNtpDaemon(world, timekeeper, scenario.host().ntp());
        schedule();
    }

    private void schedule() {
        for (GuestGroup group : scenario.guests()) {
            for (int i = 0; i < group.count(); i++) {
                String name = group.count() == 1 ? group.name() : group.name() + "-" + (i + 1);
                long offsetNs = platform.honoursTimeOffset() ? group.timeOffsetSeconds() * 1_000_000_000L : 0;
                GuestTracker tracker = new GuestTracker(name, offsetNs);
                trackers.add(tracker);
                long bootAt = group.bootAtNs() + (group.count() == 1 ? 0 : group.bootSpreadNs() * i / group.count());
                sim.at(bootAt, now -> boot(tracker, group));
                if (group.shutdownAtNs() < scenario.durationNs()) {
                    sim.at(group.shutdownAtNs(), now -> shutdown(tracker));
                }
            }
        }
        sim.every(scenario.tickNs(), scenario.tickNs(), now -> tick());
        var ntpSpec = scenario.host().ntp();
        if (ntpSpec.enabled()) {
            sim.every(ntpSpec.firstPollNs(), ntpSpec.pollIntervalNs(), now -> {
                ntp.poll();
                platform.afterHostUpdate();
            });
        }
        for (WorldEvent event : scenario.events()) {
            sim.at(event.atNs(), now -> apply(event));
        }
        sim.every(0, scenario.sampleIntervalNs(), now -> sample());
    }

    private void tick() {
        if (world.suspended()) {
            return;
        }
        timekeeper.tick();
        platform.onHostTick();
        platform.afterHostUpdate();
    }

    private void apply(WorldEvent event) {
        switch (event) {
            case WorldEvent.LeapSecond leap -> {
                long realtime = timekeeper.realtimeNs();
                long midnight = Math.floorDiv(realtime, DAY_NS) * DAY_NS + DAY_NS;
                ntp.announceLeap(leap.insert(), midnight);
            }
            case WorldEvent.Suspend suspend -> {
                timekeeper.tick();
                platform.afterHostUpdate();
                world.suspend();
                long from = sim.nowNs();
                sim.at(from + suspend.durationNs(), now -> resume(from));
            }
            case WorldEvent.AdminStep step -> check(timekeeper.settimeofday(timekeeper.realtimeNs() + step.byNs()));
            case WorldEvent.TaiOffset tai -> check(timekeeper.setTaiOffset(tai.taiOffsetSeconds()));
        }
        platform.afterHostUpdate();
    }

    private void resume(long suspendedAtNs) {
        world.resume();
        long now = sim.nowNs();
        platform.onResume(world.rtc.readNs(now));
        check(timekeeper.injectSleepTime(world.rtc.measuredNs(suspendedAtNs, now)));
        platform.afterHostUpdate();
    }

    private static void check(StepResult result) {
        if (result instanceof StepResult.Rejected rejected) {
            throw new IllegalStateException("the host kernel refused a step: " + rejected.reason());
        }
    }

    private void boot(GuestTracker tracker, GuestGroup group) {
        if (world.suspended()) {
            sim.after(scenario.tickNs(), now -> boot(tracker, group)); // boots once the host is back
            return;
        }
        SimGuest guest = platform.boot(group);
        long now = sim.nowNs();
        long error = guest.wallNs() - world.trueUtcNs() - tracker.expectedOffsetNs;
        tracker.booted(guest, now, error);
        histogram.add(error);
        if (tracker.vmclock != null) {
            if (vmclock == null) {
                vmclock = new VmclockResult.Accumulator(true);
            }
            readVmclock(tracker, timekeeper.realtimeNs(), world.trueUtcNs());
        }
        live.add(tracker);
        if (group.reads() == GuestGroup.ReadMode.BOOT_ONLY && group.rereadIntervalNs() > 0) {
            sim.every(now + group.rereadIntervalNs(), group.rereadIntervalNs(), t -> {
                if (tracker.live && !world.suspended()) {
                    tracker.guest.reread();
                }
            });
        }
    }

    private void shutdown(GuestTracker tracker) {
        if (tracker.live) {
            tracker.live = false;
            live.remove(tracker);
        }
    }

    private void sample() {
        if (world.suspended()) {
            return;
        }
        long now = sim.nowNs();
        long trueUtc = world.trueUtcNs();
        long max = 0;
        double sum = 0;
        long dom0Realtime = vmclock == null ? 0 : timekeeper.realtimeNs();
        long vmclockHost = -1;
        long vmclockUtc = -1;
        long vmclockBound = -1;
        if (scratch.length < live.size()) {
            scratch = new long[Math.max(live.size(), 2 * scratch.length)];
        }
        for (int i = 0, n = live.size(); i < n; i++) {
            GuestTracker t = live.get(i);
            t.guest.beforeSample();
            long error = t.guest.wallNs() - trueUtc - t.expectedOffsetNs;
            long abs = t.record(now, error);
            histogram.add(abs);
            if (abs > max) {
                max = abs;
            }
            sum += abs;
            scratch[i] = abs;
            if (t.vmclock != null && readVmclock(t, dom0Realtime, trueUtc) instanceof VmclockProbe.Read.Time read) {
                vmclockHost = Math.max(vmclockHost, Math.abs(read.epochNs() - dom0Realtime - t.expectedOffsetNs));
                vmclockUtc = Math.max(vmclockUtc, Math.abs(read.epochNs() - trueUtc - t.expectedOffsetNs));
                vmclockBound = vmclockBound < 0 ? read.maxErrorNs() : Math.min(vmclockBound, read.maxErrorNs());
            }
        }
        long median = 0;
        if (!live.isEmpty()) {
            Arrays.sort(scratch, 0, live.size());
            median = scratch[(live.size() - 1) / 2];
        }
        long published = platform.publishedWallNs() - trueUtc;
        series.add(
                now,
                live.size(),
                max,
                live.isEmpty() ? 0 : Math.round(sum / live.size()),
                median,
                published,
                vmclockHost,
                vmclockUtc,
                vmclockBound);
    }

    /**
     * One read of the guest's vmclock structure at the TSC now, recorded for the guest and the
     * policy: its error against dom0's CLOCK_REALTIME and true UTC (each plus the guest's offset)
     * and the bound published with it.
     */
    private VmclockProbe.Read readVmclock(GuestTracker t, long dom0RealtimeNs, long trueUtcNs) {
        VmclockProbe.Read read = t.vmclock.read();
        switch (read) {
            case VmclockProbe.Read.NoCounter n -> {
                t.vmclockStats.noCounter();
                vmclock.noCounter();
            }
            case VmclockProbe.Read.Time time -> {
                long host = time.epochNs() - dom0RealtimeNs - t.expectedOffsetNs;
                long utc = time.epochNs() - trueUtcNs - t.expectedOffsetNs;
                t.vmclockStats.counter(host, utc, time.maxErrorNs(), time.hostMaxErrorNs());
                vmclock.counter(host, utc, time.maxErrorNs(), time.hostMaxErrorNs());
            }
        }
        return read;
    }

    /**
     * Runs to the end of the scenario.
     *
     * @param progress receives the virtual time reached, PROGRESS_STEPS times over the run
     */
    public PolicyResult run(LongConsumer progress) {
        long end = scenario.durationNs();
        for (int step = 1; step <= PROGRESS_STEPS; step++) {
            sim.runUntil(end / PROGRESS_STEPS * step + (step == PROGRESS_STEPS ? end % PROGRESS_STEPS : 0));
            progress.accept(sim.nowNs());
        }
        return result();
    }

    private PolicyResult result() {
        List<GuestResult> guests = new ArrayList<>();
        long worstToCorrect = 0;
        int neverCorrect = 0;
        for (GuestTracker t : trackers) {
            if (!t.booted()) {
                continue;
            }
            guests.add(t.result());
            OptionalLong ttc = t.timeToCorrect();
            if (ttc.isEmpty()) {
                neverCorrect++;
            } else {
                worstToCorrect = Math.max(worstToCorrect, ttc.getAsLong());
            }
        }
        Platform.Counts c = platform.counts();
        CostModel cost = scenario.costs();
        double cpuNs = (double) c.hypercalls() * cost.hypercallNs()
                + (double) c.domainPageWrites() * cost.domainUpdateNs()
                + (double) c.notifierCalls() * cost.notifierCallNs()
                + (double) c.tickCopies() * cost.tickCopyNs()
                + (double) c.msrWrites() * cost.msrWriteNs();
        double hours = scenario.durationNs() / 3.6e12;
        return new PolicyResult(
                policy,
                guests,
                histogram.max(),
                histogram.quantile(0.5),
                histogram.quantile(0.99),
                neverCorrect == 0 && !guests.isEmpty() ? OptionalLong.of(worstToCorrect) : OptionalLong.empty(),
                neverCorrect,
                c.updates(),
                c.hypercalls(),
                c.domainPageWrites(),
                c.msrWrites(),
                c.notifierCalls(),
                cpuNs / hours,
                sim.eventsFired(),
                series,
                Optional.ofNullable(vmclock).map(VmclockResult.Accumulator::result));
    }

    /** The host timekeeper (for tests). */
    Timekeeper timekeeper() {
        return timekeeper;
    }

    /** Ticks the host ran (for tests). */
    long ticks() {
        return timekeeper.tickCount();
    }
}
