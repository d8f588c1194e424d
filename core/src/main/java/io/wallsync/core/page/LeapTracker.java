package io.wallsync.core.page;

import io.wallsync.core.time.ClockState;

/**
 * The kernel's leap second state machine (kernel/time/ntp.c {@code second_overflow}: TIME_INS or
 * TIME_DEL while STA_INS / STA_DEL is set, TIME_OOP during an inserted 23:59:60, TIME_WAIT after
 * either until the bit is cleared) in vmclock's leap_indicator vocabulary (Linux
 * include/uapi/linux/vmclock-abi.h VMCLOCK_LEAP_*). TIME_WAIT does not say which kind of leap
 * happened, so the tracker remembers the last one it saw; a tracker that starts inside TIME_WAIT
 * falls back to the STA_INS / STA_DEL bit still set. Pure and single-threaded.
 */
public final class LeapTracker {
    /** STA_INS, include/uapi/linux/timex.h. */
    public static final int STA_INS = io.wallsync.core.time.Discipline.STA_INS;
    /** STA_DEL. */
    public static final int STA_DEL = io.wallsync.core.time.Discipline.STA_DEL;

    private PageLeapIndicator lastPending = PageLeapIndicator.NONE;

    /** The leap_indicator for the kernel's state now. */
    public PageLeapIndicator update(ClockState state, int status) {
        PageLeapIndicator now = switch (state) {
            case TIME_INS -> PageLeapIndicator.PRE_POS;
            case TIME_DEL -> PageLeapIndicator.PRE_NEG;
            case TIME_OOP -> PageLeapIndicator.POS;
            case TIME_WAIT -> afterLeap(status);
            case TIME_OK, TIME_ERROR -> pendingByBits(status);
        };
        if (now == PageLeapIndicator.PRE_POS || now == PageLeapIndicator.POS) {
            lastPending = PageLeapIndicator.PRE_POS;
        } else if (now == PageLeapIndicator.PRE_NEG) {
            lastPending = PageLeapIndicator.PRE_NEG;
        } else if (now == PageLeapIndicator.NONE) {
            lastPending = PageLeapIndicator.NONE;
        }
        return now;
    }

    private PageLeapIndicator afterLeap(int status) {
        return switch (lastPending) {
            case PRE_POS -> PageLeapIndicator.POST_POS;
            case PRE_NEG -> PageLeapIndicator.POST_NEG;
            default -> (status & STA_DEL) != 0 ? PageLeapIndicator.POST_NEG : PageLeapIndicator.POST_POS;
        };
    }

    /** Unsynchronised or between leaps: the bits alone say whether one is announced. */
    private static PageLeapIndicator pendingByBits(int status) {
        if ((status & STA_INS) != 0) {
            return PageLeapIndicator.PRE_POS;
        }
        return (status & STA_DEL) != 0 ? PageLeapIndicator.PRE_NEG : PageLeapIndicator.NONE;
    }
}
