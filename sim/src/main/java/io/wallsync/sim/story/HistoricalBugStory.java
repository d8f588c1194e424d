package io.wallsync.sim.story;

import io.wallsync.core.dom0.Dom0SyncAgent;
import io.wallsync.core.dom0.PushRecord;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.dom0.XenPlatform;
import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.time.Timex;
import io.wallsync.core.time.TimexResult;
import io.wallsync.core.time.TimexStatus;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.core.xen.WallclockReading;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.MemoryPageSink;
import io.wallsync.daemon.PagePublisher;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.VmclockOptions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The story behind Linux commit 5584880e44e4 ("x86: xen: Sync the wallclock when the system time is
 * set"), run on the core model in virtual time.
 *
 * <p>Host and hypervisor boot together. Xen initialises its wallclock W from the battery RTC, and
 * dom0's CLOCK_REALTIME starts from the same RTC, both wrong by {@link StoryConfig#rtcErrorNs()}.
 * dom0 ticks every {@link StoryConfig#tickNs()}; each tick runs the pvclock gtod chain, on which
 * the {@link Dom0SyncAgent} is registered. NTP steps dom0's clock right with adjtimex
 * ADJ_SETOFFSET, later clears STA_UNSYNC. PV guests boot at their times and read W + system time.
 * The hypervisor's clocksource is exact here, so every error in the result comes from the policy.
 */
public final class HistoricalBugStory {
    /** A guest's wallclock counts as right within 1 ms of true time. */
    public static final long RIGHT_WITHIN_NS = 1_000_000L;

    private final StoryConfig config;

    public HistoricalBugStory(StoryConfig config) {
        this.config = config;
    }

    /**
     * Called when a story guest boots, in virtual time: {@code wallsync vm story} boots a real
     * guest there, reading {@code domain}'s wallclock.
     */
    @FunctionalInterface
    public interface BootHook {
        BootHook NONE = (guest, domain, atNs, trueEpochNs) -> {};

        /**
         * @param atNs virtual ns after host boot (= Xen system time here)
         * @param trueEpochNs the true date then
         */
        void booted(StoryGuest guest, Domain domain, long atNs, long trueEpochNs);
    }

    /** The label of the daemon's run: {@code wallsync serve}'s wiring in virtual time. */
    public static final String SERVE = "wallsync-serve";

    /** dom0's side of one run: what creates guest domains and pushes W, and how it is driven. */
    private interface Dom0 {
        /** After every tick of dom0's clock (the gtod chain already ran). */
        default void ticked() {}

        Domain createGuestDomain();

        long notifications();
    }

    /** Runs the story under {@code policy} (the core agent on the gtod chain, as Linux); deterministic. */
    public PolicyOutcome run(SyncPolicy policy) {
        return run(policy, BootHook.NONE);
    }

    /** Runs the story under {@code policy}, calling {@code hook} at each guest boot. */
    public PolicyOutcome run(SyncPolicy policy, BootHook hook) {
        return run(StoryTable.policyName(policy), hook, (dom0Clock, hypervisor, pushes, trueTime) -> {
            hypervisor.buildDomain(DomainKind.CONTROL, 0);
            Dom0SyncAgent agent = new Dom0SyncAgent(
                    dom0Clock,
                    dom0Clock::monotonicNs,
                    XenPlatform.of(hypervisor, Hypervisor.DOM0),
                    policy,
                    Dom0SyncAgent.DEFAULT_PERIOD_NS);
            // Linux 3.11+ registers on the pvclock gtod chain (xen_time_init); LEGACY has no notifier,
            // only the periodic work, which the same ticks drive.
            boolean onChain = policy == SyncPolicy.STEP_AND_PERIODIC;
            dom0Clock.registerGtodNotifier(
                    event -> {
                        var push = agent.update(onChain && event.wasSet());
                        push.filter(PushRecord::succeeded)
                                .ifPresent(p -> pushes.add(new PolicyOutcome.TimedPush(trueTime.nanos(), p.reason())));
                        return push.isEmpty() || push.get().succeeded() ? NotifyResult.OK : NotifyResult.BAD;
                    },
                    0);
            return new Dom0() {
                @Override
                public Domain createGuestDomain() {
                    return hypervisor.buildDomain(DomainKind.PV, 0);
                }

                @Override
                public long notifications() {
                    return agent.notifications();
                }
            };
        });
    }

    /**
     * Runs the story with dom0 running {@code wallsync serve}'s own wiring (the daemon's
     * {@link PagePublisher} on memory pages, as the simulator's {@code wallsync} policy): a beat
     * at every tick (serve's 1 s heartbeat) and a push on every clock_was_set (serve's timerfd).
     */
    public PolicyOutcome runServe() {
        return runServe(BootHook.NONE);
    }

    /** {@link #runServe()}, calling {@code hook} at each guest boot. */
    public PolicyOutcome runServe(BootHook hook) {
        return run(SERVE, hook, (dom0Clock, hypervisor, pushes, trueTime) -> {
            PushReason[] last = {null};
            PushObserver observer = (domain, reason, wallclockNs, generation, sync) -> last[0] = reason;
            PagePublisher publisher = PagePublisher.onHypervisor(
                    new MemoryPageSink(),
                    dom0Clock,
                    dom0Clock::monotonicNs,
                    hypervisor,
                    Dom0SyncAgent.DEFAULT_PERIOD_NS,
                    0,
                    (int) (config.tickNs() / 1_000_000),
                    VmclockOptions.noCounter("the story's guests read wc_* only"),
                    observer);
            long[] seenSettimes = {0};
            Runnable record = () -> {
                if (hypervisor.settimeCount() != seenSettimes[0]) {
                    seenSettimes[0] = hypervisor.settimeCount();
                    pushes.add(new PolicyOutcome.TimedPush(trueTime.nanos(), last[0]));
                }
            };
            record.run(); // the START push of the daemon's start
            dom0Clock
                    .clockWasSetChain()
                    .register(
                            event -> {
                                publisher.clockWasSet();
                                record.run();
                                return NotifyResult.OK;
                            },
                            0);
            int[] guests = {0};
            return new Dom0() {
                @Override
                public void ticked() {
                    publisher.beat();
                    record.run();
                }

                @Override
                public Domain createGuestDomain() {
                    DomainSpec spec = DomainSpec.parse("guest" + ++guests[0]);
                    try {
                        publisher.addDomain(spec);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException("memory pages do not fail", e);
                    }
                    return publisher.domainOf(spec);
                }

                @Override
                public long notifications() {
                    return publisher.agent().notifications();
                }
            };
        });
    }

    @FunctionalInterface
    private interface Dom0Wiring {
        Dom0 wire(
                Timekeeper dom0Clock,
                Hypervisor hypervisor,
                List<PolicyOutcome.TimedPush> pushes,
                VirtualClock trueTime);
    }

    private PolicyOutcome run(String label, BootHook hook, Dom0Wiring wiring) {
        long bootEpochNs = config.hostBootTrue().getEpochSecond() * 1_000_000_000L
                + config.hostBootTrue().getNano();
        long rtcEpochNs = bootEpochNs + config.rtcErrorNs();

        VirtualClock trueTime = new VirtualClock();
        Hypervisor hypervisor = new Hypervisor(trueTime, Wallclock.ofEpochNanos(rtcEpochNs));
        Timekeeper dom0Clock = new Timekeeper(trueTime, rtcEpochNs);

        List<PolicyOutcome.TimedPush> pushes = new ArrayList<>();
        Dom0 dom0 = wiring.wire(dom0Clock, hypervisor, pushes, trueTime);
        List<StoryGuest> guests = new ArrayList<>(config.guests());
        guests.sort(Comparator.comparingLong(StoryGuest::bootAfterHostBootNs));
        Map<StoryGuest, Booted> booted = new LinkedHashMap<>();
        boolean stepped = false;
        boolean synced = false;
        for (long t = 0; t <= config.durationNs(); t += config.tickNs()) {
            trueTime.advanceTo(t);
            if (!stepped && t >= config.ntpStepAtNs()) {
                stepped = true;
                long correctionNs = -config.rtcErrorNs();
                check(dom0Clock.adjtimex(Timex.builder()
                        .setOffsetNanos(
                                Math.floorDiv(correctionNs, 1_000_000_000L),
                                Math.floorMod(correctionNs, 1_000_000_000L))
                        .build()));
            }
            if (!synced && t >= config.ntpSyncedAtNs()) {
                synced = true;
                check(dom0Clock.adjtimex(Timex.builder()
                        .status(TimexStatus.STA_PLL)
                        .maxError(1_000)
                        .estError(100)
                        .build()));
            }
            dom0Clock.tick();
            dom0.ticked();
            for (StoryGuest guest : guests) {
                if (!booted.containsKey(guest) && t >= guest.bootAfterHostBootNs()) {
                    Domain domain = dom0.createGuestDomain();
                    PvGuest pv = PvGuest.boot(domain.sharedInfo(), trueTime);
                    booted.put(guest, new Booted(domain, t, bootEpochNs + t, pv.bootWallNs()));
                    hook.booted(guest, domain, t, bootEpochNs + t);
                }
            }
            for (Booted b : booted.values()) {
                b.observe(t, bootEpochNs + t, pushes);
            }
        }
        List<GuestOutcome> outcomes = new ArrayList<>();
        booted.forEach((guest, b) -> outcomes.add(
                new GuestOutcome(guest, b.bootTrueEpochNs, b.believedBootEpochNs, b.rightFrom(), b.fixedBy())));
        return new PolicyOutcome(label, outcomes, pushes, dom0.notifications());
    }

    private static void check(TimexResult result) {
        if (!(result instanceof TimexResult.Done)) {
            throw new IllegalStateException("story adjtimex refused: " + result);
        }
    }

    /** A booted guest and the first moment its domain's wallclock was right. */
    private static final class Booted {
        private final Domain domain;
        private final long bootAtNs;
        private final long bootTrueEpochNs;
        private final long believedBootEpochNs;
        private long rightFromNs = -1;
        private PushReason fixedBy;

        Booted(Domain domain, long bootAtNs, long bootTrueEpochNs, long believedBootEpochNs) {
            this.domain = domain;
            this.bootAtNs = bootAtNs;
            this.bootTrueEpochNs = bootTrueEpochNs;
            this.believedBootEpochNs = believedBootEpochNs;
        }

        void observe(long nowNs, long trueEpochNs, List<PolicyOutcome.TimedPush> pushes) {
            if (rightFromNs >= 0) {
                return;
            }
            if (!(domain.sharedInfo().readWallclock(SharedInfo.DEFAULT_MAX_RETRIES)
                    instanceof WallclockReading.Value w)) {
                throw new IllegalStateException("domain " + domain.id() + ": wallclock unreadable");
            }
            long viewEpochNs = w.wallclock().toEpochNanos() + nowNs; // system time == true time since boot here
            if (Math.abs(viewEpochNs - trueEpochNs) <= RIGHT_WITHIN_NS) {
                rightFromNs = nowNs;
                if (nowNs > bootAtNs || Math.abs(believedBootEpochNs - bootTrueEpochNs) > RIGHT_WITHIN_NS) {
                    fixedBy = pushes.isEmpty() ? null : pushes.getLast().reason();
                }
            }
        }

        OptionalLong rightFrom() {
            return rightFromNs < 0 ? OptionalLong.empty() : OptionalLong.of(rightFromNs);
        }

        Optional<PushReason> fixedBy() {
            return Optional.ofNullable(fixedBy);
        }
    }
}
