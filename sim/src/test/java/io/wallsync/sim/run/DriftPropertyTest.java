package io.wallsync.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.util.Locale;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

class DriftPropertyTest {
    private static final long S = 1_000_000_000L;

    /**
     * With a perfect host and a hypervisor clocksource {@code ppm} off, step-and-periodic pushes at
     * 0 and every period P (the tick at P is the first with realtime >= next_sync). Between pushes a
     * following guest's error is ppm * 1e-6 * (time since the push); the last sample before a push is
     * one sample interval (1 s) earlier, so the peak is |ppm| * 1e-6 * (P - 1 s), to the nanosecond
     * (the oscillator rounds once per read).
     */
    @Property(tries = 25)
    void driftPeakIsPpmTimesPushPeriodForAnyRateAndPeriod(
            @ForAll @IntRange(min = -300, max = 300) int ppm, @ForAll @IntRange(min = 30, max = 900) int periodSeconds)
            throws ScenarioException {
        Scenario s = ScenarioLoader.parse("p.yaml", String.format(Locale.ROOT, """
                name: p
                duration: 1h
                host:
                  rtc: {error: 0s}
                  ntp: {noise: 0s}
                hypervisor:
                  clocksource: {ppm: %d}
                  push_period: %ds
                guests:
                  - {name: follower, boot_at: 0s, reads: follow}
                """, ppm, periodSeconds));
        PolicyResult r = new PolicyRun(s, Policy.STEP_AND_PERIODIC, 1).run(t -> {});
        long expected = Math.round(Math.abs(ppm) * 1e-6 * (periodSeconds - 1) * S);
        assertThat(r.maxAbsErrorNs()).isBetween(expected - 1, expected + 1);
        // one START push plus one per whole period in the hour
        assertThat(r.updates()).isEqualTo(1 + 3_600 / periodSeconds);
    }
}
