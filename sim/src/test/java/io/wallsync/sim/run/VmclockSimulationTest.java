package io.wallsync.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.VmclockResult;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The wallsync policy's vmclock counter path: guests read their page's vmclock structure at the
 * simulated TSC, and the error against dom0's CLOCK_REALTIME never exceeds the published bound.
 */
class VmclockSimulationTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private static VmclockResult vmclock(PolicyResult r) {
        return r.vmclock().orElseThrow();
    }

    /** The wallsync policy's vmclock reads on {@link #NO_SLEW} with each (from, to) replacement made. */
    private static VmclockResult wallsyncOnNoSlew(String... replacements) throws ScenarioException {
        String yaml = NO_SLEW;
        for (int i = 0; i < replacements.length; i += 2) {
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        Scenario s = ScenarioLoader.parse("test.yaml", yaml);
        return vmclock(new PolicyRun(s, Policy.WALLSYNC, s.seed()).run(t -> {}));
    }

    /**
     * No NTP, perfect oscillators, host oscillator 40 ppm fast, RTC 250 ms ahead, samples at the
     * daemon's beats (both every 1 s from 1 s; the beat was scheduled first, so it runs first).
     */
    private static final String NO_SLEW = """
            name: no-slew
            duration: 10m
            tick: 1s
            sample_interval: 1s
            policies: [step-and-periodic, wallsync]
            host:
              oscillator: {ppm: 40}
              rtc: {error: 250ms}
              ntp: {enabled: false}
            guests:
              - {name: g, kind: pv, boot_at: 30s, reads: follow, time_offset: 7200}
            """;

    @Test
    void withoutSlewTheCounterPathIsDom0sClockAndTheBoundAtABeatIsFourNanoseconds() throws ScenarioException {
        Scenario s = ScenarioLoader.parse("no-slew.yaml", NO_SLEW);
        PolicyResult r = new PolicyRun(s, Policy.WALLSYNC, s.seed()).run(t -> {});
        GuestResult g = r.guests().getFirst();
        VmclockResult v = g.vmclock().orElseThrow();
        // One read per guest sample: at boot (30 s) and at every sample from 30 s to 600 s: 1 + 571.
        assertThat(g.samples()).isEqualTo(572);
        assertThat(v.reads()).isEqualTo(572);
        // Calibrated since the beat at 1 s (the first pairing, at 0, only starts the baseline).
        assertThat(v.counterReads()).isEqualTo(572);
        // Without NTP the period is baseline / ticks = 1/3 ns exactly in real numbers; the
        // published 62-bit period and the floor to whole ns lose less than one ns: the counter path
        // equals dom0's CLOCK_REALTIME (+ 7200 s) or is 1 ns below it.
        assertThat(v.maxAbsErrorVsHostNs()).isLessThanOrEqualTo(1);
        // Every sample read is at a beat, i.e. at counter_value: the bound is time_maxerror_nanosec
        // = ceil(half bracket 0) + granularity 2 + 1 (rounding) + ceil(1000 ppm x 1 ns declared
        // detection latency) = 1 => 4 ns, and no period error has grown yet.
        // (The medians are kept for the policy, over all its guests: here the one guest.)
        assertThat(vmclock(r).p50BoundNs()).isEqualTo(4);
        assertThat(v.p50BoundNs()).isZero();
        // The boot read at 30 s runs before that instant's beat (scheduled at construction, so
        // earlier in the engine's order): 1 s after counter_value, with the period's maximum error
        // (2 x 2 ns granularity) / 29 s baseline: 4 + ceil(1 s x 4 ns / 29 s) = 4 + 1 = 5 ns.
        assertThat(v.maxBoundNs()).isEqualTo(5);
        assertThat(v.maxErrorToBound()).isLessThanOrEqualTo(0.25);
        assertThat(v.violations()).isZero();
        // dom0's error against true UTC at true time t: RTC 250 ms + the oscillator's 40 ppm,
        // round(t x 40e-6); at the last sample (600 s) 250 ms + 24 ms = 274 ms, minus the floor's ns.
        assertThat(v.maxAbsErrorVsUtcNs()).isBetween(274 * MS - 1, 274 * MS);
        // So every read is further from true UTC than its bound: dom0's own error is not in it.
        assertThat(v.utcAboveBound()).isEqualTo(572);
        // Without NTP the host never reports synchronised: no read has a host maxerror to add.
        assertThat(v.synchronisedReads()).isZero();
        assertThat(v.utcAboveTotalBound()).isZero();
        // Only the wallsync policy publishes a vmclock.
        PolicyResult other = new PolicyRun(s, Policy.STEP_AND_PERIODIC, s.seed()).run(t -> {});
        assertThat(other.vmclock()).isEmpty();
        assertThat(other.guests().getFirst().vmclock()).isEmpty();
    }

    /** Reads between beats: the period's maximum error grows the bound with the ticks since counter_value. */
    @Test
    void betweenBeatsTheBoundGrowsAndStillHolds() throws ScenarioException {
        VmclockResult v = wallsyncOnNoSlew("sample_interval: 1s", "sample_interval: 130ms");
        // The period's maximum error is (2 x granularity 2 ns) / baseline; the baseline is the time
        // since the first pairing (no discipline change restarts it), >= 1 s, and a read is < 1 s
        // after counter_value: it adds at most 4 ns (and at least 1, rounded up, off a beat).
        assertThat(v.maxBoundNs()).isBetween(5L, 8L);
        assertThat(v.violations()).isZero();
        assertThat(v.maxAbsErrorVsHostNs()).isLessThanOrEqualTo(2);
    }

    /**
     * With NTP and no measurement noise, dom0's maxerror (|offset| at the poll, then + 500 us per
     * second, kernel/time/ntp.c) bounds dom0's own error: the page's vmclock bound plus the
     * host's maxerror published beside it bounds the counter path's error against true UTC.
     */
    @Test
    void whileSynchronisedTheBoundPlusTheHostsMaxerrorCoversTheErrorAgainstUtc() throws ScenarioException {
        VmclockResult v = wallsyncOnNoSlew(
                "ntp: {enabled: false}", "ntp: {first_poll: 10s, noise: 0s}",
                "sample_interval: 1s", "sample_interval: 130ms");
        // STA_UNSYNC is cleared at the 4th good poll after the step at 10 s (10 + 4 x 64 = 266 s):
        // synchronised reads from 266 s to 600 s, every 130 ms: about 334 / 0.13 = 2569.
        assertThat(v.synchronisedReads()).isBetween(2_560L, 2_575L);
        // The vmclock bound alone (ns) is below dom0's NTP residual (us): exceeded...
        assertThat(v.utcAboveBound()).isPositive();
        // ...but never with the host's maxerror added.
        assertThat(v.utcAboveTotalBound()).isZero();
        assertThat(v.violations()).isZero();
    }

    @Test
    void theSlewScenarioSlewsAtFiveHundredPpmStepsAndNoReadExceedsItsBound() throws ScenarioException {
        Scenario s = ScenarioLoader.load("slew");
        PolicyRun run = new PolicyRun(s, Policy.WALLSYNC, s.seed());
        Timekeeper tk = run.timekeeper();
        AtomicLong maxFreq = new AtomicLong();
        AtomicLong maxFreqAfterAdminSlew = new AtomicLong();
        AtomicInteger steps = new AtomicInteger();
        tk.registerGtodNotifier(
                e -> {
                    long freq = Math.abs(e.snapshot().frequencyScaledPpm());
                    maxFreq.accumulateAndGet(freq, Math::max);
                    // dom0's monotonic clock is true time within 150 ppm: the -100 ms at 40 min.
                    if (e.snapshot().monotonicNs() > 40 * 60 * S) {
                        maxFreqAfterAdminSlew.accumulateAndGet(freq, Math::max);
                    }
                    return NotifyResult.OK;
                },
                0);
        tk.clockWasSetChain()
                .register(
                        e -> {
                            steps.incrementAndGet();
                            return NotifyResult.OK;
                        },
                        0);
        VmclockResult v = vmclock(run.run(t -> {}));
        // The kernel's MAXFREQ, 500 ppm in 2^-16 ppm: NTP's PI loop was clamped there.
        assertThat(maxFreq.get()).isEqualTo(500L << 16);
        // ...and again when it slews out the admin's -100 ms (1.56 ms/s over a 64 s poll: clamped).
        assertThat(maxFreqAfterAdminSlew.get()).isEqualTo(500L << 16);
        // NTP's step at 30.5 s (RTC 2 s ahead), the admin's -100 ms and +5 s, NTP's step back.
        assertThat(steps.get()).isGreaterThanOrEqualTo(4);
        assertThat(v.counterReads()).isGreaterThan(100_000);
        assertThat(v.violations()).isZero();
        assertThat(v.maxErrorToBound()).isLessThanOrEqualTo(1.0);
        // The pairing jitter (40 ns, 120 ticks) is what the bound is made of: the error is not 0.
        assertThat(v.maxAbsErrorVsHostNs()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"default", "drift", "leap-second", "suspend-resume"})
    void noEmbeddedScenarioHasAReadAboveItsBound(String name) throws ScenarioException {
        Scenario s = ScenarioLoader.load(name);
        VmclockResult v = vmclock(new PolicyRun(s, Policy.WALLSYNC, s.seed()).run(t -> {}));
        assertThat(v.counterReads()).isPositive();
        assertThat(v.violations()).isZero();
    }

    /**
     * The attack on the premise: a counter that is not dom0's clocksource. The hypervisor's own
     * oscillator drifts against dom0's (here the host one wanders 1 ppm/sqrt(h)) between
     * discipline changes, which no bound of the calibrator covers; the counting must see it.
     */
    @Test
    void aTscThatIsNotDom0sClocksourceBreaksTheBoundAndTheViolationsAreCounted() throws ScenarioException {
        Scenario s = ScenarioLoader.load("slew");
        PolicyResult r = new PolicyRun(s, Policy.WALLSYNC, s.seed(), ServePlatform.TscSource.HYPERVISOR_CLOCKSOURCE)
                .run(t -> {});
        VmclockResult v = vmclock(r);
        assertThat(v.violations()).isPositive();
        assertThat(v.maxErrorToBound()).isGreaterThan(1.0);
        long perGuest = r.guests().stream()
                .mapToLong(g -> g.vmclock().orElseThrow().violations())
                .sum();
        assertThat(perGuest).isEqualTo(v.violations());
    }

    @Test
    void aGuestBootingBeforeTheFirstPeriodFindsNoCounter() throws ScenarioException {
        // The first pairing (at 0) has no baseline: INITIALIZING until the beat at 1 s.
        VmclockResult v =
                wallsyncOnNoSlew("boot_at: 30s", "boot_at: 500ms", "sample_interval: 1s", "sample_interval: 250ms");
        // Reads at 0.5 s (boot), 0.5 s and 0.75 s (samples) find none; from 1 s on every one does.
        assertThat(v.reads() - v.counterReads()).isEqualTo(3);
        assertThat(v.violations()).isZero();
    }

    @Test
    void theTscCountsThreeTicksPerOscillatorNanosecondAndThePairingReadsInsideItsBrackets() {
        long[] osc = {1_000};
        Timekeeper tk = new Timekeeper(() -> osc[0], 1_700_000_000L * S);
        SimTsc tsc = new SimTsc(() -> osc[0], tk, 120, new java.util.SplittableRandom(7));
        osc[0] = 5_000;
        assertThat(tsc.read()).isEqualTo(15_000);
        assertThat(tsc.counterId()).isEqualTo(1); // VMCLOCK_COUNTER_X86_TSC
        for (int i = 0; i < 1_000; i++) {
            var p = tsc.pair();
            // Both clocks were read at counter 15_000: inside [before, middle] and [middle, after].
            assertThat(p.counterMiddle()).isEqualTo(15_000);
            assertThat(p.realtimeBracketTicks()).isBetween(0L, 120L);
            assertThat(p.monotonicBracketTicks()).isBetween(0L, 120L);
            // 4000 oscillator ns since the timekeeper started at 1000, no NTP.
            assertThat(p.realtimeNs()).isEqualTo(1_700_000_000L * S + 4_000);
            assertThat(p.monotonicNs()).isEqualTo(4_000);
        }
        SimTsc exact = new SimTsc(() -> osc[0], tk, 0, null);
        assertThat(exact.pair().realtimeBracketTicks()).isZero();
        assertThat(exact.pair().monotonicBracketTicks()).isZero();
    }
}
