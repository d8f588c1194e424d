package io.wallsync.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DurationsTest {
    @Test
    void everyUnitParsesToNanoseconds() {
        assertThat(Durations.parseNs("5ns")).contains(5L);
        assertThat(Durations.parseNs("500us")).contains(500_000L);
        assertThat(Durations.parseNs("1.5s")).contains(1_500_000_000L);
        assertThat(Durations.parseNs("11m")).contains(660_000_000_000L);
        assertThat(Durations.parseNs("-3h")).contains(-10_800_000_000_000L);
        assertThat(Durations.parseNs("1d")).contains(86_400_000_000_000L);
        assertThat(Durations.parseNs("128ms")).contains(128_000_000L);
    }

    @Test
    void componentsAddUpAndTheSignAppliesToTheWhole() {
        // 2 h + 10 min = 7800 s; -(1 m + 30 s) = -90 s
        assertThat(Durations.parseNs("2h10m")).contains(7_800_000_000_000L);
        assertThat(Durations.parseNs("-1m30s")).contains(-90_000_000_000L);
        assertThat(Durations.parseNs("1s500ms")).contains(1_500_000_000L);
        assertThat(Durations.parseNs("1m-30s")).isEmpty();
    }

    @Test
    void numbersWithoutUnitsAndFractionsOfANanosecondAreRejected() {
        assertThat(Durations.parseNs("64")).isEmpty();
        assertThat(Durations.parseNs("1.5ns")).isEmpty();
        assertThat(Durations.parseNs("ten s")).isEmpty();
        assertThat(Durations.parseNs("1y")).isEmpty();
    }

    @Test
    void formatPicksTheLargestExactUnit() {
        assertThat(Durations.format(660_000_000_000L)).isEqualTo("11m");
        assertThat(Durations.format(1_500_000_000L)).isEqualTo("1500ms");
        assertThat(Durations.format(7)).isEqualTo("7ns");
    }
}
