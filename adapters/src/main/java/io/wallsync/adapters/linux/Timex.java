package io.wallsync.adapters.linux;

import io.wallsync.core.port.HostClock;

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
     * The leap state: TIME_OOP is inside the inserted second; STA_INS / STA_DEL (or TIME_INS /
     * TIME_DEL) announce one at the next UTC midnight; TIME_WAIT follows one, and the bit still set
     * tells which kind it was.
     */
    public HostClock.LeapIndicator leap() {
        if (clockState == TIME_OOP) {
            return HostClock.LeapIndicator.INSERT_IN_PROGRESS;
        }
        if (clockState == TIME_WAIT) {
            if ((status & STA_DEL) != 0) {
                return HostClock.LeapIndicator.DELETED;
            }
            return (status & STA_INS) != 0 ? HostClock.LeapIndicator.INSERTED : HostClock.LeapIndicator.NONE;
        }
        if (clockState == TIME_INS || (status & STA_INS) != 0) {
            return HostClock.LeapIndicator.INSERT_PENDING;
        }
        if (clockState == TIME_DEL || (status & STA_DEL) != 0) {
            return HostClock.LeapIndicator.DELETE_PENDING;
        }
        return HostClock.LeapIndicator.NONE;
    }

    /** This reading as the core's sync state. */
    public HostClock.SyncState toSyncState() {
        return new HostClock.SyncState(synchronised(), maxErrorUs, estErrorUs, taiOffsetSeconds, leap());
    }
}
