package io.wallsync.adapters.linux;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;

/**
 * What adjtimex(modes = 0) reports (include/uapi/linux/timex.h). {@code clockState} is the return
 * value: TIME_OK 0, TIME_INS 1, TIME_DEL 2, TIME_OOP 3, TIME_WAIT 4, TIME_ERROR 5. TIME_ERROR with
 * STA_UNSYNC in {@code status} means "nobody synchronises this clock": a state, not a failure.
 *
 * @param clockState adjtimex return value
 * @param status the STA_* bits
 * @param maxErrorUs maxerror, microseconds
 * @param estErrorUs esterror, microseconds
 * @param taiOffsetSeconds tai (TAI - UTC), seconds
 */
public record Timex(int clockState, int status, long maxErrorUs, long estErrorUs, int taiOffsetSeconds) {
    public static final int TIME_OK = 0;
    public static final int TIME_INS = 1;
    public static final int TIME_DEL = 2;
    public static final int TIME_OOP = 3;
    public static final int TIME_WAIT = 4;
    public static final int TIME_ERROR = 5;

    public static final int STA_PLL = 0x0001;
    public static final int STA_INS = 0x0010;
    public static final int STA_DEL = 0x0020;
    public static final int STA_UNSYNC = 0x0040;

    /** Synchronised unless STA_UNSYNC is set or the kernel answers TIME_ERROR. */
    public boolean synchronised() {
        return (status & STA_UNSYNC) == 0 && clockState != TIME_ERROR;
    }

    /**
     * The leap second pending at the end of this UTC day, in the core's vocabulary: STA_INS (or
     * TIME_INS, or TIME_OOP while inside 23:59:60) is INSERT, STA_DEL (or TIME_DEL) is DELETE.
     * TIME_WAIT (a leap second just happened, the bit not yet cleared) is NONE: nothing pending.
     */
    public LeapIndicator leap() {
        if (clockState == TIME_WAIT) {
            return LeapIndicator.NONE;
        }
        if (clockState == TIME_INS || clockState == TIME_OOP || (status & STA_INS) != 0) {
            return LeapIndicator.INSERT;
        }
        if (clockState == TIME_DEL || (status & STA_DEL) != 0) {
            return LeapIndicator.DELETE;
        }
        return LeapIndicator.NONE;
    }

    /** This reading as the core's sync state. */
    public SyncState toSyncState() {
        return new SyncState(synchronised(), maxErrorUs, estErrorUs, taiOffsetSeconds, leap());
    }
}
