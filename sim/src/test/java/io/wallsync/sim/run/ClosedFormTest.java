package io.wallsync.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/**
 * Simulation results against closed forms, on worlds simple enough to work out by hand: perfect
 * oscillators unless stated, no NTP noise.
 */
class ClosedFormTest {
    private static final long S = 1_000_000_000L;
    private static final long H = 3_600 * S;

    private static Scenario scenario(String yaml) throws ScenarioException {
        return ScenarioLoader.parse("test.yaml", yaml);
    }

    private static PolicyResult run(Scenario s, Policy p) {
        return new PolicyRun(s, p, s.seed()).run(t -> {});
    }

    private static GuestResult guest(PolicyResult r, String name) {
        return r.guests().stream()
                .filter(g -> g.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    /** RTC 3 h ahead; NTP steps at 30 s and is synchronised after 4 polls (at 30 + 3 * 64 = 222 s). */
    private static final String HISTORICAL_BUG = """
            name: bug
            duration: 30m
            host:
              rtc: {error: 3h}
              ntp: {first_poll: 30s, poll_interval: 64s, noise: 0s, sync_after_polls: 4}
            hypervisor:
              push_period: 11m
            guests:
              - {name: in-window, boot_at: 2m, reads: boot-only}
              - {name: after-first-push, boot_at: 12m, reads: boot-only}
            """;

    @Test
    void legacyBootErrorEqualsTheRtcErrorUntilTheFirstPush() throws ScenarioException {
        PolicyResult legacy = run(scenario(HISTORICAL_BUG), Policy.LEGACY_PERIODIC);
        // W was read from the RTC at host boot: W + system time = true UTC + 3 h exactly (perfect
        // oscillators), and legacy-periodic has not pushed at 2 min (its first run is at 11 min).
        assertThat(guest(legacy, "in-window").bootErrorNs()).isEqualTo(3 * H);
        // The timer ran at 11 min with NTP synchronised (since 222 s): W = dom0's stepped time.
        assertThat(Math.abs(guest(legacy, "after-first-push").bootErrorNs())).isLessThanOrEqualTo(1);
    }

    @Test
    void stepAndPeriodicPushesOnTheStepSoTheWindowGuestBootsRight() throws ScenarioException {
        PolicyResult fixed = run(scenario(HISTORICAL_BUG), Policy.STEP_AND_PERIODIC);
        // The NTP step at 30 s sets dom0 to true UTC exactly (noise 0) and was_set pushes W at once.
        assertThat(Math.abs(guest(fixed, "in-window").bootErrorNs())).isLessThanOrEqualTo(1);
        assertThat(fixed.timeToCorrectNs()).hasValue(0);
    }

    @Test
    void withoutNtpLegacyNeverPushesSoEveryGuestGetsTheRtcDate() throws ScenarioException {
        Scenario s = scenario(HISTORICAL_BUG.replace(
                "ntp: {first_poll: 30s, poll_interval: 64s, noise: 0s, sync_after_polls: 4}", "ntp: {enabled: false}"));
        PolicyResult legacy = run(s, Policy.LEGACY_PERIODIC);
        // STA_UNSYNC is never cleared, so sync_cmos_clock exits every time: no hypercall at all, and
        // even the guest booting at 12 min reads the RTC's date, 3 h ahead
        assertThat(legacy.hypercalls()).isZero();
        assertThat(guest(legacy, "after-first-push").bootErrorNs()).isEqualTo(3 * H);
    }

    @Test
    void chronyStyleAdjSetoffsetStepsLikeSettimeofday() throws ScenarioException {
        Scenario s = scenario(
                HISTORICAL_BUG.replace("sync_after_polls: 4}", "sync_after_polls: 4, step_method: adj_setoffset}"));
        assertThat(s.host().ntp().stepMethod()).isEqualTo(io.wallsync.sim.scenario.NtpSpec.StepMethod.ADJ_SETOFFSET);
        PolicyResult fixed = run(s, Policy.STEP_AND_PERIODIC);
        // ADJ_SETOFFSET by -3 h is a was_set step as well: same exact correction, pushed at once
        assertThat(Math.abs(guest(fixed, "in-window").bootErrorNs())).isLessThanOrEqualTo(1);
    }

    @Test
    void wallsyncGuestBootingBeforeSyncKnowsItIsUnsynchronised() throws ScenarioException {
        PolicyResult wallsync = run(scenario(HISTORICAL_BUG), Policy.WALLSYNC);
        // at 2 min only one good poll (94 s) has followed the step: STA_UNSYNC is still set
        assertThat(guest(wallsync, "in-window").bootKnewUnsynchronised()).isTrue();
        assertThat(guest(wallsync, "after-first-push").bootKnewUnsynchronised()).isFalse();
    }

    @Test
    void wallsyncPushesAsServeDoesAndItsPageTellsEarlyGuestsTheHostIsUnsynchronised() throws ScenarioException {
        Scenario s = scenario(HISTORICAL_BUG);
        // step-and-periodic in 30 min: START at 0, STEP at 30 s, periodic at 11.5 and 22.5 min = 4.
        // serve pushes on the same events (START, clock_was_set, 11 min after the last push checked
        // at every 1 s heartbeat) and never for a sync state change (the heartbeat republishes the
        // page's clock_status instead): 4 as well.
        assertThat(run(s, Policy.STEP_AND_PERIODIC).hypercalls()).isEqualTo(4);
        PolicyResult wallsync = run(s, Policy.WALLSYNC);
        assertThat(wallsync.hypercalls()).isEqualTo(4);
        // NTP reports sync at the 4th good poll: 30 s + 3 * 64 s = 222 s. The page's clock_status
        // said FREERUNNING to the guest booting at 2 min, SYNCHRONIZED to the one at 12 min.
        assertThat(guest(wallsync, "in-window").bootKnewUnsynchronised()).isTrue();
        assertThat(guest(wallsync, "after-first-push").bootKnewUnsynchronised()).isFalse();
        // Booted after the step push: both read the stepped (right) time, as under step-and-periodic.
        assertThat(Math.abs(guest(wallsync, "in-window").bootErrorNs())).isLessThanOrEqualTo(1);
    }

    /** Hypervisor clocksource 100 ppm fast, host perfect and right from boot: no steps at all. */
    private static final String PURE_DRIFT = """
            name: drift
            duration: 2h
            sample_interval: 500ms
            host:
              rtc: {error: 0s}
              ntp: {first_poll: 10s, noise: 0s}
            hypervisor:
              clocksource: {ppm: 100}
              push_period: 11m
            guests:
              - {name: follower, boot_at: 0s, reads: follow}
            """;

    @Test
    void pureDriftPeaksAtPpmTimesThePushPeriod() throws ScenarioException {
        PolicyResult r = run(scenario(PURE_DRIFT), Policy.STEP_AND_PERIODIC);
        // W + system time gains 100 ppm of the time since the last push and is reset by each push
        // (every 660 s). The last sample before a push is 0.5 s before it:
        // 100e-6 * (660 s - 0.5 s) = 65.95 ms; the closed form 100e-6 * 660 s = 66 ms bounds it.
        assertThat(r.maxAbsErrorNs()).isBetween(65_950_000L - 2, 66_000_000L);
        assertThat(r.updates()).isEqualTo(1 + 7200 / 660); // START push plus one per 11 min: 11
    }

    @Test
    void legacyPeriodicHasTheSameDriftPeakOnceSynchronised() throws ScenarioException {
        PolicyResult r = run(scenario(PURE_DRIFT), Policy.LEGACY_PERIODIC);
        // no push before 11 min: the first period drifts the full 660 s too (same peak)
        assertThat(r.maxAbsErrorNs()).isBetween(65_950_000L - 2, 66_000_000L);
    }

    @Test
    void wallsyncPublishesNoRateSoItDriftsExactlyAsStepAndPeriodic() throws ScenarioException {
        // The page has no rate field, so the daemon's guests extrapolate nothing: W + system time
        // gains the same 100 ppm between the same pushes (every 660 s, checked at every 1 s beat).
        PolicyResult wallsync = run(scenario(PURE_DRIFT), Policy.WALLSYNC);
        PolicyResult step = run(scenario(PURE_DRIFT), Policy.STEP_AND_PERIODIC);
        assertThat(wallsync.maxAbsErrorNs()).isBetween(65_950_000L - 2, 66_000_000L);
        assertThat(wallsync.maxAbsErrorNs()).isEqualTo(step.maxAbsErrorNs());
        assertThat(wallsync.updates()).isEqualTo(1 + 7200 / 660); // START plus one per 11 min: 11
        // The agent runs once per beat (7200 in 2 h) plus the START push at construction: 7201.
        assertThat(wallsync.notifierCalls()).isEqualTo(7_200 + 1);
    }

    @Test
    void perTickUpdatesEqualTheTickCount() throws ScenarioException {
        Scenario s = scenario(PURE_DRIFT.replace("ntp: {first_poll: 10s, noise: 0s}", "ntp: {enabled: false}"));
        PolicyRun run = new PolicyRun(s, Policy.KVM_PER_TICK, s.seed());
        PolicyResult r = run.run(t -> {});
        // 2 h of 1 s ticks = 7200 ticks; no step and no adjtimex happens (no NTP, the host is right
        // from boot), so the only other copy is the one registration makes.
        assertThat(run.ticks()).isEqualTo(7_200);
        assertThat(r.updates()).isEqualTo(7_200 + 1);
        assertThat(r.notifierCalls()).isEqualTo(7_200 + 1);
        assertThat(r.msrWrites()).isEqualTo(1);
    }

    @Test
    void stepAndPeriodicIsCalledOnEveryTickButHypercallsOnlyEveryPeriod() throws ScenarioException {
        PolicyResult r = run(scenario(PURE_DRIFT), Policy.STEP_AND_PERIODIC);
        // the gtod chain runs on 7200 ticks, once at registration, and on each of the NTP daemon's
        // ADJ_FREQUENCY calls (timekeeping_advance(TK_ADV_FREQ)): polls at 10 s + k * 64 s up to 7200 s,
        // k = 0..112, so 113 of them
        assertThat(r.notifierCalls()).isEqualTo(7_200 + 1 + 113);
        assertThat(r.hypercalls()).isEqualTo(11);
        // one dom0 page plus the guest's, at every push after the guest booted at 0 s
        assertThat(r.domainPageWrites()).isEqualTo(1 + 10 * 2);
    }

    @Test
    void aStepReachesFollowingXenGuestsAtOnceButNeverAKvmGuest() throws ScenarioException {
        Scenario s = scenario("""
                name: step
                duration: 1h
                host:
                  rtc: {error: 0s}
                  ntp: {enabled: false}
                events:
                  - {at: 20m, step: 5s}
                guests:
                  - {name: follower, boot_at: 1m, reads: follow}
                """);
        PolicyResult xen = run(s, Policy.STEP_AND_PERIODIC);
        PolicyResult kvm = run(s, Policy.KVM_PER_TICK);
        // the admin's 5 s step makes dom0 (and so W) 5 s wrong: a following Xen guest copies it at
        // once; the kvmclock guest keeps its boot-time wall clock and never sees it
        assertThat(guest(xen, "follower").maxAbsErrorNs()).isEqualTo(5 * S);
        assertThat(guest(kvm, "follower").maxAbsErrorNs()).isLessThanOrEqualTo(1);
    }
}
