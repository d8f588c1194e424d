package io.wallsync.sim.world;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class NtpDisciplineTest {
    private static final long MS = 1_000_000L;
    private static final long POLL = 64_000 * MS;

    @Test
    void offsetAboveTheStepThresholdIsStepped() {
        NtpDiscipline ntp = new NtpDiscipline(128 * MS, 500, 4, POLL);
        assertThat(ntp.onPoll(10_800_000 * MS)).isEqualTo(new NtpDiscipline.Action.Step(-10_800_000 * MS));
        assertThat(ntp.synchronised()).isFalse();
    }

    @Test
    void offsetAtTheThresholdIsSlewedToZeroOverOnePoll() {
        NtpDiscipline ntp = new NtpDiscipline(128 * MS, 500, 4, POLL);
        // 6.4 ms over 64 s = 100 ppm phase term; integral 0.5 * -100 = -50; total -150 ppm
        NtpDiscipline.Action action = ntp.onPoll(6_400_000);
        assertThat(action).isInstanceOf(NtpDiscipline.Action.Slew.class);
        assertThat(((NtpDiscipline.Action.Slew) action).frequencyPpm())
                .isCloseTo(-150.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void slewIsClampedToTheKernelLimit() {
        NtpDiscipline ntp = new NtpDiscipline(128 * MS, 500, 4, POLL);
        // 100 ms over 64 s is 1562.5 ppm: clamped to 500
        NtpDiscipline.Action.Slew slew = (NtpDiscipline.Action.Slew) ntp.onPoll(-100 * MS);
        assertThat(slew.frequencyPpm()).isEqualTo(500.0);
    }

    @Test
    void unsyncIsClearedAfterTheConfiguredGoodPollsAndSetAgainByAStep() {
        NtpDiscipline ntp = new NtpDiscipline(128 * MS, 500, 3, POLL);
        ntp.onPoll(1 * MS);
        ntp.onPoll(1 * MS);
        assertThat(ntp.synchronised()).isFalse();
        ntp.onPoll(1 * MS);
        assertThat(ntp.synchronised()).isTrue();
        ntp.onPoll(200 * MS);
        assertThat(ntp.synchronised()).isFalse();
    }

    @Test
    void aConstantFrequencyErrorIsLearnedByTheIntegralTerm() {
        NtpDiscipline ntp = new NtpDiscipline(128 * MS, 500, 1, POLL);
        double oscillatorPpm = 30;
        double offsetNs = 0;
        double applied = 0;
        for (int i = 0; i < 40; i++) {
            offsetNs += (oscillatorPpm + applied) * 1e-6 * POLL;
            applied = ((NtpDiscipline.Action.Slew) ntp.onPoll(Math.round(offsetNs))).frequencyPpm();
        }
        // the residual halves every poll (see the class comment), so after 40 polls it is ~0
        assertThat(ntp.frequencyPpm()).isCloseTo(-30.0, org.assertj.core.data.Offset.offset(1e-3));
    }
}
