package io.wallsync.core.page;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.time.ClockState;
import org.junit.jupiter.api.Test;

/** kernel/time/ntp.c second_overflow's states in vmclock-abi.h's VMCLOCK_LEAP_* codes. */
class LeapTrackerTest {
    @Test
    void anInsertedSecondGoesPrePosPosPostPosNone() {
        LeapTracker t = new LeapTracker();
        assertThat(t.update(ClockState.TIME_OK, 0)).isEqualTo(PageLeapIndicator.NONE);
        assertThat(t.update(ClockState.TIME_INS, LeapTracker.STA_INS)).isEqualTo(PageLeapIndicator.PRE_POS);
        assertThat(t.update(ClockState.TIME_OOP, LeapTracker.STA_INS)).isEqualTo(PageLeapIndicator.POS);
        assertThat(t.update(ClockState.TIME_WAIT, LeapTracker.STA_INS)).isEqualTo(PageLeapIndicator.POST_POS);
        assertThat(t.update(ClockState.TIME_OK, 0)).isEqualTo(PageLeapIndicator.NONE);
    }

    @Test
    void aDeletedSecondGoesPreNegPostNeg() {
        LeapTracker t = new LeapTracker();
        assertThat(t.update(ClockState.TIME_DEL, LeapTracker.STA_DEL)).isEqualTo(PageLeapIndicator.PRE_NEG);
        // the kernel goes TIME_DEL -> TIME_WAIT at 23:59:59 (no OOP); the bit may already be cleared
        assertThat(t.update(ClockState.TIME_WAIT, 0)).isEqualTo(PageLeapIndicator.POST_NEG);
    }

    @Test
    void anUnsynchronisedClockStillAnnouncesALeapByItsBit() {
        LeapTracker t = new LeapTracker();
        assertThat(t.update(ClockState.TIME_ERROR, LeapTracker.STA_INS | 0x40)).isEqualTo(PageLeapIndicator.PRE_POS);
    }

    @Test
    void aTrackerStartedAfterTheLeapReadsTheBitThatIsStillSet() {
        assertThat(new LeapTracker().update(ClockState.TIME_WAIT, LeapTracker.STA_DEL))
                .isEqualTo(PageLeapIndicator.POST_NEG);
        assertThat(new LeapTracker().update(ClockState.TIME_WAIT, LeapTracker.STA_INS))
                .isEqualTo(PageLeapIndicator.POST_POS);
    }
}
