package io.wallsync.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** Leap second and suspend/resume on perfect oscillators without NTP noise, worked out by hand. */
class LeapAndSuspendTest {
    private static final long S = 1_000_000_000L;

    private static PolicyResult run(Scenario s, Policy p) {
        return new PolicyRun(s, p, s.seed()).run(t -> {});
    }

    private static long errorAt(ErrorSeries series, long timeNs) {
        for (int i = 0; i < series.size(); i++) {
            if (series.timeNs(i) == timeNs) {
                return series.maxAbsErrorNs(i);
            }
        }
        throw new AssertionError("no sample at " + timeNs);
    }

    private static long samplesAbove(ErrorSeries series, long thresholdNs) {
        long n = 0;
        for (int i = 0; i < series.size(); i++) {
            if (series.maxAbsErrorNs(i) > thresholdNs) {
                n++;
            }
        }
        return n;
    }

    /**
     * Start 22:00 UTC on 2026-12-31, so midnight is at true time 7200 s; the daemon announces the leap
     * at 1 h. With a perfect host the kernel applies it in the tick at 7200 s, the same instant as
     * true UTC, and the tick runs before the sample at equal times.
     */
    private static final String LEAP = """
            name: leap
            start: 2026-12-31T22:00:00Z
            duration: 2h10m
            host:
              rtc: {error: 0s}
              ntp: {first_poll: 10s, noise: 0s}
            events:
              - {at: 1h, leap_second: insert}
            guests:
              - {name: follower, boot_at: 1m, reads: follow}
            """;

    @Test
    void legacyLeavesFollowersOneSecondAheadUntilItsNextTimerRun() throws ScenarioException {
        PolicyResult legacy = run(ScenarioLoader.parse("leap.yaml", LEAP), Policy.LEGACY_PERIODIC);
        // Linux 3.10 sync_cmos_clock: not armed until the adjtimex that reports sync. Polls at 10,
        // 74, 138, 202 s (every 64 s): the 4th good one, 202 s, clears STA_UNSYNC and kicks the work;
        // it aims at x.5 s and pushes at the next 1 s tick, 203 s, then every 660 s (659 s + the
        // fraction to the next x.5): 203 + 660 * 11 = 7463 s is the first push after the leap.
        // Samples at 7200 .. 7462 s (263 of them) see W one second ahead, then it is fixed.
        assertThat(errorAt(legacy.series(), 7_199 * S)).isLessThanOrEqualTo(1);
        assertThat(errorAt(legacy.series(), 7_200 * S)).isEqualTo(S);
        assertThat(errorAt(legacy.series(), 7_462 * S)).isEqualTo(S);
        assertThat(errorAt(legacy.series(), 7_463 * S)).isLessThanOrEqualTo(1);
        assertThat(samplesAbove(legacy.series(), S / 2)).isEqualTo(263);
    }

    @Test
    void aDeletedLeapSecondLeavesLegacyFollowersOneSecondBehindUntilTheNextRun() throws ScenarioException {
        Scenario s = ScenarioLoader.parse("leap.yaml", LEAP.replace("leap_second: insert", "leap_second: delete"));
        PolicyResult legacy = run(s, Policy.LEGACY_PERIODIC);
        PolicyResult fixed = run(s, Policy.STEP_AND_PERIODIC);
        // 23:59:59 does not exist: at true 7199 s both true UTC and the kernel (when its clock enters
        // 23:59:59) go on to 00:00:00; W is not pushed by legacy until 7463 s (203 s + 11 * 660 s,
        // as above): 7199 .. 7462 s, 264 samples one second behind
        assertThat(errorAt(legacy.series(), 7_198 * S)).isLessThanOrEqualTo(1);
        assertThat(errorAt(legacy.series(), 7_199 * S)).isEqualTo(S);
        assertThat(samplesAbove(legacy.series(), S / 2)).isEqualTo(264);
        assertThat(fixed.maxAbsErrorNs()).isLessThanOrEqualTo(1);
    }

    @Test
    void stepAndPeriodicPushesTheLeapInTheSameTick() throws ScenarioException {
        PolicyResult fixed = run(ScenarioLoader.parse("leap.yaml", LEAP), Policy.STEP_AND_PERIODIC);
        assertThat(fixed.maxAbsErrorNs()).isLessThanOrEqualTo(1);
    }

    @Test
    void kvmclockGuestsNeverSeeTheLeap() throws ScenarioException {
        PolicyResult kvm = run(ScenarioLoader.parse("leap.yaml", LEAP), Policy.KVM_PER_TICK);
        // wall clock written at boot, kvmclock = BOOTTIME, which a leap second does not move
        assertThat(errorAt(kvm.series(), 7_199 * S)).isLessThanOrEqualTo(1);
        assertThat(errorAt(kvm.series(), 7_800 * S)).isEqualTo(S);
    }

    /** RTC 20 s ahead and exact in rate; host suspended 30 min at 1 h. */
    private static final String SUSPEND = """
            name: suspend
            duration: 2h
            host:
              rtc: {error: 20s}
              ntp: {first_poll: 10s, noise: 0s}
            events:
              - {at: 1h, suspend: 30m}
            guests:
              - {name: follower, boot_at: 30m, reads: follow}
            """;

    @Test
    void afterResumeLegacyGuestsSeeXensRtcBasedWallclock() throws ScenarioException {
        PolicyResult legacy = run(ScenarioLoader.parse("s.yaml", SUSPEND), Policy.LEGACY_PERIODIC);
        // On resume (5400 s) Xen re-reads the RTC: W + system time = true UTC + 20 s. legacy ignores
        // dom0's sleep-time step, so the first sample after resume is 20 s wrong.
        assertThat(errorAt(legacy.series(), 5_400 * S)).isEqualTo(20 * S);
    }

    @Test
    void afterResumeStepAndPeriodicPushesTheInjectedSleepTime() throws ScenarioException {
        PolicyResult fixed = run(ScenarioLoader.parse("s.yaml", SUSPEND), Policy.STEP_AND_PERIODIC);
        // dom0 injects the 1800 s the (rate-exact) RTC measured: dom0 is right and was_set pushes it
        assertThat(errorAt(fixed.series(), 5_400 * S)).isLessThanOrEqualTo(1);
    }

    @Test
    void kvmclockIncludesSleepTimeSoKvmGuestsStayRight() throws ScenarioException {
        PolicyResult kvm = run(ScenarioLoader.parse("s.yaml", SUSPEND), Policy.KVM_PER_TICK);
        assertThat(errorAt(kvm.series(), 5_400 * S)).isLessThanOrEqualTo(1);
    }
}
