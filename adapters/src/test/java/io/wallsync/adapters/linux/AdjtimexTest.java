package io.wallsync.adapters.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.time.ClockState;
import io.wallsync.core.time.TimexResult;
import io.wallsync.core.time.TimexStatus;
import io.wallsync.core.time.TimexValues;
import org.junit.jupiter.api.Test;

class AdjtimexTest {
    /** An adjtimex answer with these state, status, error bounds and TAI offset; other fields 0. */
    private static TimexResult.Done answer(ClockState state, int status, long maxErrorUs, long estErrorUs, int tai) {
        return new TimexResult.Done(
                state, new TimexValues(0, 0, maxErrorUs, estErrorUs, status, 0, 1, 32_768_000, 0, 0, tai));
    }

    @Test
    void readOnlyCallReturnsAKernelStateAndConsistentSyncFlag() {
        try (Adjtimex adjtimex = new Adjtimex()) {
            TimexResult.Done t = adjtimex.read();
            // The kernel answers TIME_ERROR exactly when STA_UNSYNC (or another error bit) is set;
            // synchronised() must agree with the raw bits.
            boolean unsyncBit = (t.values().status() & TimexStatus.STA_UNSYNC) != 0;
            assertThat(t.synchronised()).isEqualTo(!unsyncBit && t.state() != ClockState.TIME_ERROR);
            assertThat(t.values().maxerror()).isNotNegative();
            assertThat(t.values().esterror()).isNotNegative();
            // Linux reports precision 1 us and tolerance 500 ppm (MAXFREQ_SCALED / PPM_SCALE = 32_768_000).
            assertThat(t.values().precision()).isEqualTo(1);
            assertThat(t.values().tolerance()).isEqualTo(32_768_000);
        }
    }

    @Test
    void unsyncStatusIsAStateNotAFailure() {
        // adjtimex returned TIME_ERROR (5) with STA_UNSYNC (0x40) and maxerror 16 s (NTP_PHASE_LIMIT).
        SyncState s = answer(ClockState.TIME_ERROR, TimexStatus.STA_UNSYNC, 16_000_000, 16_000_000, 0)
                .syncState();
        assertThat(s.synchronised()).isFalse();
        assertThat(s.maxErrorUs()).isEqualTo(16_000_000);
        assertThat(s.leap()).isEqualTo(LeapIndicator.NONE);
    }

    @Test
    void leapStatesFollowTheKernelStateMachine() {
        // STA_PLL | STA_INS (0x11), TIME_INS: a second will be inserted at midnight.
        assertThat(answer(ClockState.TIME_INS, 0x11, 0, 0, 37).leap()).isEqualTo(LeapIndicator.INSERT);
        // STA_DEL (0x20), TIME_DEL.
        assertThat(answer(ClockState.TIME_DEL, 0x20, 0, 0, 37).leap()).isEqualTo(LeapIndicator.DELETE);
        // TIME_OOP: inside 23:59:60, the insert is still the event of this day.
        assertThat(answer(ClockState.TIME_OOP, 0x10, 0, 0, 37).leap()).isEqualTo(LeapIndicator.INSERT);
        // TIME_WAIT with STA_INS still set: the insert has happened, nothing is pending.
        assertThat(answer(ClockState.TIME_WAIT, 0x10, 0, 0, 37).leap()).isEqualTo(LeapIndicator.NONE);
        assertThat(answer(ClockState.TIME_OK, TimexStatus.STA_PLL, 0, 0, 37).leap())
                .isEqualTo(LeapIndicator.NONE);
        assertThat(answer(ClockState.TIME_OK, TimexStatus.STA_PLL, 0, 0, 37).synchronised())
                .isTrue();
    }
}
