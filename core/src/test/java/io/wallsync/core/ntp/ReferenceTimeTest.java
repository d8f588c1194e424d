package io.wallsync.core.ntp;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import org.junit.jupiter.api.Test;

class ReferenceTimeTest {
    private static final long MS = 1_000_000L;
    private static final long T = 1_700_000_000_000L * MS;

    private static SyncState maxerror(long us) {
        return new SyncState(true, us, 100, 37, LeapIndicator.NONE);
    }

    @Test
    void firstReadingDatesTheAdjustmentByTheKernelsGrowthOfMaxerror() {
        // maxerror 16_000 us grows 500 us/s: at least 32 s old.
        ReferenceTime ref = new ReferenceTime();
        assertThat(ref.observe(maxerror(16_000), T)).isEqualTo(T - 32_000 * MS);
    }

    @Test
    void growingMaxerrorKeepsTheEstimateAndADropMovesItToTheObservation() {
        ReferenceTime ref = new ReferenceTime();
        ref.observe(maxerror(1000), T); // T - 2 s
        assertThat(ref.observe(maxerror(1500), T + 1000 * MS)).isEqualTo(T - 2000 * MS);
        // The daemon set maxerror to 800 us between T + 1 s and T + 2 s: estimate T + 2 s.
        assertThat(ref.observe(maxerror(800), T + 2000 * MS)).isEqualTo(T + 2000 * MS);
        assertThat(ref.observe(maxerror(1300), T + 3000 * MS)).isEqualTo(T + 2000 * MS);
    }
}
