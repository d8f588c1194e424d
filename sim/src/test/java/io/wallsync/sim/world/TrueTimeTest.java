package io.wallsync.sim.world;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TrueTimeTest {
    private static final long S = 1_000_000_000L;

    @Test
    void insertedLeapSecondMakesUtcRepeatTheLastSecond() {
        long start = Instant.parse("2026-12-31T23:00:00Z").getEpochSecond() * S;
        long midnight = TrueTime.nextMidnightTrueNs(start, 0);
        assertThat(midnight).isEqualTo(3_600 * S);
        TrueTime time = new TrueTime(start, midnight, 1);
        // one ns before the leap: 23:59:59.999999999; at the leap UTC shows 23:59:59 again
        assertThat(time.utcNs(midnight - 1)).isEqualTo(start + 3_600 * S - 1);
        assertThat(time.utcNs(midnight)).isEqualTo(start + 3_599 * S);
    }

    @Test
    void deletedLeapSecondSkipsTheLastSecondOfTheDay() {
        long start = Instant.parse("2026-06-30T23:59:00Z").getEpochSecond() * S;
        // 23:59:58 is followed by 00:00:00: the leap is taken 59 s after 23:59:00
        TrueTime time = new TrueTime(start, 59 * S, -1);
        assertThat(time.utcNs(58 * S)).isEqualTo(start + 58 * S); // 23:59:58
        assertThat(time.utcNs(59 * S)).isEqualTo(start + 60 * S); // 00:00:00
    }

    @Test
    void nextMidnightFromMidDay() {
        long start = Instant.parse("2026-11-25T08:00:00Z").getEpochSecond() * S;
        // from 08:00 + 1 h = 09:00, midnight is 15 h after 09:00, 16 h after start
        assertThat(TrueTime.nextMidnightTrueNs(start, 3_600 * S)).isEqualTo(16 * 3_600 * S);
    }
}
