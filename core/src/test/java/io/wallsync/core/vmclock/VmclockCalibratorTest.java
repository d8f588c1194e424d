package io.wallsync.core.vmclock;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.CounterPairing;
import io.wallsync.core.time.ClockState;
import io.wallsync.core.time.Discipline;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/**
 * A counter of exactly 3 GHz (1/3 ns per tick) paired with clocks that read exactly; each read
 * inside a bracket of 30 ticks (10 ns), at its middle. Settings: detection latency 10 ms, 500 ppm unseen, granularity
 * 2 ns, baseline 200 ms, kernel lag 10 ms.
 */
class VmclockCalibratorTest {
    private static final VmclockCalibrator.Settings SETTINGS =
            new VmclockCalibrator.Settings(10_000_000L, 500, 2, 200_000_000L, 10_000_000L, 0.2);
    private static final long EPOCH = 1_700_000_000_000_000_000L;

    /** A pairing at monotonic {@code monoNs}: realtime = EPOCH + monoNs, counter = 3 * ns. */
    private static CounterPairing at(long monoNs) {
        long c = 3 * monoNs;
        return new CounterPairing(c - 15, EPOCH + monoNs, c + 15, monoNs + 10, c + 45);
    }

    @Test
    void theFirstPairingOnlyStartsTheBaseline() {
        VmclockCalibrator cal = new VmclockCalibrator(SETTINGS, 42);
        assertThat(cal.update(at(1_000_000_000L), Discipline.NOMINAL))
                .isEqualTo(new VmclockCalibrator.Result.Initializing(42));
        // 100 ms later: shorter than the 200 ms baseline, still no period
        assertThat(cal.update(at(1_100_000_000L), Discipline.NOMINAL))
                .isInstanceOf(VmclockCalibrator.Result.Initializing.class);
    }

    @Test
    void oneSecondOfBaselineGivesTheRateAndItsBounds() {
        VmclockCalibrator cal = new VmclockCalibrator(SETTINGS, 42);
        cal.update(at(1_000_000_000L), Discipline.NOMINAL);
        var c = (VmclockCalibrator.Result.Calibrated) cal.update(at(2_000_000_000L), Discipline.NOMINAL);
        // The realtime read is at the middle of its bracket: counter 6e9, realtime EPOCH + 2 s.
        assertThat(c.counterValue()).isEqualTo(6_000_000_000L);
        assertThat(c.realtimeNs()).isEqualTo(EPOCH + 2_000_000_000L);
        // 1/3 ns = 3.33e-10 s lies in [2^-32, 2^-31): shift = 62 - 1 - 64 + 32 = 29; period = 2^93 / 3e9
        assertThat(c.shift()).isEqualTo(29);
        BigInteger exact = BigInteger.ONE.shiftLeft(93).divide(BigInteger.valueOf(3_000_000_000L));
        assertThat(c.periodFracSec()).isBetween(exact.longValue() - 512, exact.longValue() + 512); // double: 53 bits
        // max at the reference: half bracket 15 ticks = 5 ns, + 2 granularity + 1 rounding
        // + 500 ppm * 10 ms unseen = 5000 ns  =>  5008; estimate: ceil(2.5) + 2 = 5
        assertThat(c.maxErrorNs()).isEqualTo(5008);
        assertThat(c.estErrorNs()).isEqualTo(5);
        // rate: (half of each monotonic bracket, 5 ns + 5 ns, + 2 * 2 ns granularity) / 1 s = 14e-9
        double expectedMax = 14e-9 * c.periodFracSec();
        assertThat((double) c.periodMaxerrorRateFracSec())
                .isCloseTo(expectedMax, org.assertj.core.data.Offset.offset(2.0));
        assertThat(c.nsPerTick()).isCloseTo(1 / 3.0, org.assertj.core.data.Offset.offset(1e-15));
    }

    @Test
    void aFrequencyChangeRescalesThePeriodAtOnceAndCarriesTheChangeAsUncertainty() {
        VmclockCalibrator cal = new VmclockCalibrator(SETTINGS, 42);
        cal.update(at(1_000_000_000L), Discipline.NOMINAL);
        var before = (VmclockCalibrator.Result.Calibrated) cal.update(at(2_000_000_000L), Discipline.NOMINAL);
        // +100 ppm = 6_553_600 scaled ppm: ntp_update_frequency makes a second 1.0001 s of clocksource
        Discipline faster = new Discipline(ClockState.TIME_OK, 0, 10_000, 6_553_600, 0, 0, 0);
        var after = (VmclockCalibrator.Result.Calibrated) cal.update(at(2_010_000_000L), faster);
        assertThat((double) after.periodFracSec() / before.periodFracSec())
                .isCloseTo(1.0001, org.assertj.core.data.Offset.offset(1e-12));
        // the whole change (1e-4) is uncertain until a new baseline: 1e-4 * period
        assertThat((double) after.periodMaxerrorRateFracSec())
                .isCloseTo(
                        1e-4 * after.periodFracSec(),
                        org.assertj.core.data.Offset.offset(1e-6 * after.periodFracSec()));
    }

    @Test
    void aCounterThatJumpsIsADisruptionAndANewMarker() {
        VmclockCalibrator cal = new VmclockCalibrator(SETTINGS, 42);
        cal.update(at(1_000_000_000L), Discipline.NOMINAL);
        cal.update(at(2_000_000_000L), Discipline.NOMINAL);
        // 1 s of monotonic time but the counter advanced 2 s worth: rate off by 100 % > 20 %
        long c = 3 * 3_000_000_000L + 3_000_000_000L;
        CounterPairing jumped = new CounterPairing(c - 15, EPOCH + 3_000_000_000L, c + 15, 3_000_000_010L, c + 45);
        assertThat(cal.update(jumped, Discipline.NOMINAL)).isEqualTo(new VmclockCalibrator.Result.Initializing(43));
        assertThat(cal.disruptions()).isEqualTo(1);
    }

    @Test
    void theRealModeSettingsCoverTwiceThePoll() {
        var s = VmclockCalibrator.Settings.realMode(10_000_000L, VmclockCalibrator.Settings.CHRONY_MAX_SLEW_PPM);
        assertThat(s.detectionLatencyNs()).isEqualTo(20_000_000L);
        // a slew of up to 83_334 ppm either way: a rate change of 166_668 ppm, times 20 ms =
        // 3_333_360 ns unseen in every maximum error, + 5 + 2 + 1
        VmclockCalibrator cal = new VmclockCalibrator(s, 1);
        cal.update(at(1_000_000_000L), Discipline.NOMINAL);
        var c = (VmclockCalibrator.Result.Calibrated) cal.update(at(2_000_000_000L), Discipline.NOMINAL);
        assertThat(s.maxUnseenSlewPpm()).isEqualTo(166_668);
        assertThat(c.maxErrorNs()).isEqualTo(5 + 2 + 1 + 3_333_360);
    }
}
