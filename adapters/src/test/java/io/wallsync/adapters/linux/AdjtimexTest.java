package io.wallsync.adapters.linux;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import org.junit.jupiter.api.Test;

class AdjtimexTest {
    @Test
    void readOnlyCallReturnsAKernelStateAndConsistentSyncFlag() {
        try (Adjtimex adjtimex = new Adjtimex()) {
            Timex t = adjtimex.read();
            assertThat(t.clockState()).isBetween(Timex.TIME_OK, Timex.TIME_ERROR);
            // The kernel answers TIME_ERROR exactly when STA_UNSYNC (or another error bit) is set;
            // synchronised() must agree with the raw bits.
            boolean unsyncBit = (t.status() & Timex.STA_UNSYNC) != 0;
            assertThat(t.synchronised()).isEqualTo(!unsyncBit && t.clockState() != Timex.TIME_ERROR);
            assertThat(t.maxErrorUs()).isNotNegative();
            assertThat(t.estErrorUs()).isNotNegative();
        }
    }

    @Test
    void unsyncStatusIsAStateNotAFailure() {
        // adjtimex returned TIME_ERROR (5) with STA_UNSYNC (0x40) and maxerror 16 s (NTP_PHASE_LIMIT).
        Timex t = new Timex(Timex.TIME_ERROR, Timex.STA_UNSYNC, 16_000_000, 16_000_000, 0);
        SyncState s = t.toSyncState();
        assertThat(s.synchronised()).isFalse();
        assertThat(s.maxErrorUs()).isEqualTo(16_000_000);
        assertThat(s.leap()).isEqualTo(LeapIndicator.NONE);
    }

    @Test
    void leapStatesFollowTheKernelStateMachine() {
        // STA_PLL | STA_INS (0x11), TIME_INS: a second will be inserted at midnight.
        assertThat(new Timex(Timex.TIME_INS, 0x11, 0, 0, 37).leap()).isEqualTo(LeapIndicator.INSERT);
        // STA_DEL (0x20), TIME_DEL.
        assertThat(new Timex(Timex.TIME_DEL, 0x20, 0, 0, 37).leap()).isEqualTo(LeapIndicator.DELETE);
        // TIME_OOP: inside 23:59:60, the insert is still the event of this day.
        assertThat(new Timex(Timex.TIME_OOP, 0x10, 0, 0, 37).leap()).isEqualTo(LeapIndicator.INSERT);
        // TIME_WAIT with STA_INS still set: the insert has happened, nothing is pending.
        assertThat(new Timex(Timex.TIME_WAIT, 0x10, 0, 0, 37).leap()).isEqualTo(LeapIndicator.NONE);
        assertThat(new Timex(Timex.TIME_OK, Timex.STA_PLL, 0, 0, 37).leap()).isEqualTo(LeapIndicator.NONE);
        assertThat(new Timex(Timex.TIME_OK, Timex.STA_PLL, 0, 0, 37).synchronised())
                .isTrue();
    }
}
