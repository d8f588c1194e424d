package io.wallsync.core.time;

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
        assertThat(Durations.format(0)).isEqualTo("0s");
        assertThat(Durations.format(java.time.Duration.ofMinutes(11))).isEqualTo("11m"); // not PT11M
    }

    @Test
    void iso8601IsTheSameGrammarAsForTheCommandLine() {
        assertThat(Durations.parseNs("PT11M")).contains(660_000_000_000L);
        assertThat(Durations.parseNs("PT0.5S")).contains(500_000_000L);
        assertThat(Durations.parseNs("P1D")).contains(86_400_000_000_000L);
        assertThat(Durations.parseNs("-PT5S")).contains(-5_000_000_000L);
    }

    @Test
    void problemsQuoteTheTextAndSayWhatIsExpected() {
        assertThat(Durations.parse("often", false))
                .isEqualTo(new Durations.Parsed.Bad(
                        "'often' is not a duration: expected a duration such as 500us, 1.5s, 11m, 2h, 1d or PT11M"));
        assertThat(Durations.parse("0s", true))
                .isEqualTo(
                        new Durations.Parsed.Bad(
                                "'0s' is not positive: expected a positive duration such as 500us, 1.5s, 11m, 2h, 1d or PT11M"));
        assertThat(Durations.parse("PT-5S", true)).isInstanceOf(Durations.Parsed.Bad.class);
        assertThat(Durations.parse("1.5ns", false))
                .isEqualTo(new Durations.Parsed.Bad("'1.5ns' is not a whole number of nanoseconds: expected a"
                        + " duration such as 500us, 1.5s, 11m, 2h, 1d or PT11M"));
        // Long.MAX_VALUE ns is 292.47 years: 107000 d is 9.24e18 ns, beyond it; 106000 d (9.16e18) fits.
        assertThat(Durations.parse("106000d", true)).isEqualTo(new Durations.Parsed.Ok(106_000L * 86_400_000_000_000L));
        for (String tooLong : java.util.List.of("107000d", "99999999999999999999s", "PT99999999999999999999S")) {
            assertThat(Durations.parse(tooLong, true))
                    .isEqualTo(new Durations.Parsed.Bad("'" + tooLong + "' is too long: expected a positive duration"
                            + " of at most 292 years (durations are counted in 64-bit nanoseconds)"));
        }
    }

    @Test
    void tinyAndHugeIntervalsParseAlike() {
        // What the command line used to refuse and scenarios accepted.
        assertThat(Durations.parse("1ns", true)).isEqualTo(new Durations.Parsed.Ok(1));
        assertThat(Durations.parse("1000d", true)).isEqualTo(new Durations.Parsed.Ok(86_400_000_000_000_000L));
    }
}
