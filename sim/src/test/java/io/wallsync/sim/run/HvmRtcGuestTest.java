package io.wallsync.sim.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

/** HVM guests read the core's emulated MC146818 with Linux's reader: whole seconds only. */
class HvmRtcGuestTest {
    private static GuestResult bootOf(String bootAt, String timeOffset) throws ScenarioException {
        Scenario s = ScenarioLoader.parse("hvm.yaml", """
                name: hvm
                duration: 10m
                host:
                  rtc: {error: 0s}
                  ntp: {noise: 0s}
                guests:
                  - {name: h, kind: hvm, boot_at: %s, reads: boot-only, time_offset: %s}
                """.formatted(bootAt, timeOffset));
        PolicyResult r = new PolicyRun(s, Policy.STEP_AND_PERIODIC, 1).run(t -> {});
        return r.guests().getFirst();
    }

    @Test
    void theSubSecondPartIsLostAsInReadPersistentClock() throws ScenarioException {
        // true UTC 08:04:00.25, W exact: the RTC shows 08:04:00 and Linux sets tv_nsec = 0
        assertThat(bootOf("4m250ms", "0s").bootErrorNs()).isEqualTo(-250_000_000L);
    }

    @Test
    void theDomainTimeOffsetShowsInTheRtcAndIsNotAnError() throws ScenarioException {
        // the RTC shows 09:04:00 (offset +1 h); measured against true UTC + offset: still -0.25 s
        GuestResult g = bootOf("4m250ms", "3600s");
        assertThat(g.bootErrorNs()).isEqualTo(-250_000_000L);
        assertThat(g.kind()).isEqualTo("hvm");
    }

    @Test
    void insideTheUipWindowTheReaderWaitsOneRecheckDelayForTheNextSecond() throws ScenarioException {
        // 08:04:00.9999 is within Xen's 244 us of the update ("UIP bit will be set at last 244us of
        // every second"): UIP reads 1, the current kernel's mc146818_avoid_UIP waits
        // udelay(UIP_RECHECK_DELAY) = 100 us, then reads 08:04:01 at 08:04:01.0000 exactly and starts
        // its clock there: no error. (Linux 5.x's mdelay(1) made it -0.9 ms.)
        assertThat(bootOf("4m999900us", "0s").bootErrorNs()).isZero();
    }
}
