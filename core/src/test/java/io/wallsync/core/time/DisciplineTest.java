package io.wallsync.core.time;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import org.junit.jupiter.api.Test;

/** kernel/time/ntp.c ntp_update_frequency and second_overflow, worked by hand. */
class DisciplineTest {
    @Test
    void theNominalKernelRunsAtTheClocksourcesRate() {
        assertThat(Discipline.NOMINAL.rateFactor()).isEqualTo(1.0);
    }

    @Test
    void tickAndFrequencyAddUp() {
        // tick 10_001 us * USER_HZ 100 = 1_000_100 us per second = +100 ppm; freq 65_536 * 10 = +10 ppm
        Discipline d = new Discipline(ClockState.TIME_OK, 0, 10_001, 655_360, 0, 0, 0);
        assertThat(d.rateFactor()).isCloseTo(1.000110, offset(1e-15));
    }

    @Test
    void adjtimeSlewsAtFiveHundredPpmInItsDirection() {
        assertThat(new Discipline(ClockState.TIME_OK, 0, 10_000, 0, 0, 0, 1200).rateFactor())
                .isCloseTo(1.0005, offset(1e-15));
        assertThat(new Discipline(ClockState.TIME_OK, 0, 10_000, 0, 0, 0, -3).rateFactor())
                .isCloseTo(0.9995, offset(1e-15));
    }

    @Test
    void thePllSlewIsBoundedByItsChunk() {
        // STA_PLL | STA_NANO, offset 1 ms, constant 2: 1e6 ns >> (2 + 2) = 62_500 ns per second = 62.5 ppm
        Discipline d = new Discipline(
                ClockState.TIME_OK, Discipline.STA_PLL | Discipline.STA_NANO, 10_000, 0, 1_000_000, 2, 0);
        assertThat(d.pllSlewBound()).isCloseTo(62.5e-6, offset(1e-15));
        // without STA_NANO the offset is in us: 1000 us is the same 1 ms
        Discipline us = new Discipline(ClockState.TIME_OK, Discipline.STA_PLL, 10_000, 0, 1000, 2, 0);
        assertThat(us.pllSlewBound()).isCloseTo(62.5e-6, offset(1e-15));
        assertThat(Discipline.NOMINAL.pllSlewBound()).isZero();
    }

    @Test
    void aNewFrequencyOrASlewThatStartsIsANewRate() {
        Discipline base = new Discipline(ClockState.TIME_OK, 0, 10_000, 100, 0, 0, 0);
        assertThat(base.sameRateAs(new Discipline(ClockState.TIME_INS, 0x10, 10_000, 100, 0, 0, 0)))
                .isTrue();
        assertThat(base.sameRateAs(new Discipline(ClockState.TIME_OK, 0, 10_000, 101, 0, 0, 0)))
                .isFalse();
        assertThat(base.sameRateAs(new Discipline(ClockState.TIME_OK, 0, 9_999, 100, 0, 0, 0)))
                .isFalse();
        assertThat(base.sameRateAs(new Discipline(ClockState.TIME_OK, 0, 10_000, 100, 0, 0, 5)))
                .isFalse();
    }
}
