package io.wallsync.sim.story;

import io.wallsync.core.dom0.Dom0SyncAgent;
import io.wallsync.core.dom0.PushReason;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.dom0.XenPlatform;
import io.wallsync.core.guest.PvGuest;
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

    /** Runs the story under {@code policy}; deterministic. */
    public PolicyOutcome run(SyncPolicy policy) {
        return run(policy, BootHook.NONE);
    }

    /** Runs the story under {@code policy}, calling {@code hook} at each guest boot. */
    public PolicyOutcome run(SyncPolicy policy, BootHook hook) {
        long bootEpochNs = config.hostBootTrue().getEpochSecond() * 1_000_000_000L
                + config.hostBootTrue().getNano();
        long rtcEpochNs = bootEpochNs + config.rtcErrorNs();

        VirtualClock trueTime = new VirtualClock();
        Hypervisor hypervisor = new Hypervisor(trueTime, Wallclock.ofEpochNanos(rtcEpochNs));
        hypervisor.createDomain(DomainKind.CONTROL, 0);
        Timekeeper dom0Clock = new Timekeeper(trueTime, rtcEpochNs);

        List<PolicyOutcome.TimedPush> pushes = new ArrayList<>();
        Dom0SyncAgent agent = new Dom0SyncAgent(
                dom0Clock,
                dom0Clock::monotonicNs,
                XenPlatform.of(hypervisor, Hypervisor.DOM0),
                policy,
                Dom0SyncAgent.DEFAULT_PERIOD_NS,
                push -> pushes.add(new PolicyOutcome.TimedPush(trueTime.nanos(), push)));
        if (policy == SyncPolicy.STEP_AND_PERIODIC) {
            // Linux 3.11+ registers on the pvclock gtod chain (xen_time_init); LEGACY has no notifier,
            // only the periodic work, which the same ticks drive.
            dom0Clock.registerGtodNotifier(agent.gtodNotifier(), 0);
        } else {
            dom0Clock.registerGtodNotifier(event -> agent.onClockUpdate(false), 0);
        }

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
            for (StoryGuest guest : guests) {
                if (!booted.containsKey(guest) && t >= guest.bootAfterHostBootNs()) {
                    Domain domain = hypervisor.createDomain(DomainKind.PV, 0);
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
        return new PolicyOutcome(policy, outcomes, pushes, agent.notifications());
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
                    fixedBy = pushes.isEmpty() ? null : pushes.getLast().push().reason();
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
