package io.wallsync.sim.world;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OscillatorTest {
    private static final long S = 1_000_000_000L;

    @Test
    void aHundredPpmFastOscillatorGainsSixtySixMillisecondsInElevenMinutes() {
        Oscillator osc = new Oscillator(100, 0, 10 * S, 1);
        // 660 s * (1 + 100e-6) = 660.066 s
        assertThat(osc.countAt(660 * S)).isEqualTo(660_066_000_000L);
    }

    @Test
    void stoppedOscillatorDoesNotCountTheSuspendedTime() {
        Oscillator osc = new Oscillator(-50, 0, 10 * S, 1);
        osc.countAt(100 * S);
        osc.stop(100 * S);
        assertThat(osc.countAt(400 * S)).isEqualTo(osc.countAt(100 * S));
        osc.start(400 * S);
        // counted: 100 s + 100 s of true time at -50 ppm = 200 s - 10 ms
        assertThat(osc.countAt(500 * S)).isEqualTo(200 * S - 10_000_000L);
    }

    @Test
    void theWalkDependsOnTheSeedAndNotOnHowOftenTheClockIsRead() {
        Oscillator readOften = new Oscillator(10, 1, 10 * S, 42);
        Oscillator readOnce = new Oscillator(10, 1, 10 * S, 42);
        for (long t = 0; t <= 3_600 * S; t += 7 * S) {
            readOften.countAt(t);
        }
        assertThat(readOnce.countAt(3_600 * S)).isEqualTo(readOften.countAt(3_600 * S));
        assertThat(readOnce.ppmAt(3_600 * S)).isNotEqualTo(10.0);
    }

    @Test
    void differentSeedsWanderDifferently() {
        Oscillator a = new Oscillator(0, 1, 10 * S, 1);
        Oscillator b = new Oscillator(0, 1, 10 * S, 2);
        assertThat(a.ppmAt(3_600 * S)).isNotEqualTo(b.ppmAt(3_600 * S));
    }

    @Test
    void batteryRtcErrorGrowsAtItsRateAndMeasuresSleepWithIt() {
        BatteryRtc rtc = new BatteryRtc(1_000 * S, 3 * S, 20);
        // at boot: start + 3 s; after 1000 s: + 1000 s + 20e-6 * 1000 s = 20 ms
        assertThat(rtc.readNs(0)).isEqualTo(1_003 * S);
        assertThat(rtc.readNs(1_000 * S)).isEqualTo(2_003 * S + 20_000_000L);
        assertThat(rtc.measuredNs(0, 1_000 * S)).isEqualTo(1_000 * S + 20_000_000L);
    }
}
