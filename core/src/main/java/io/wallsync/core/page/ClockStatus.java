package io.wallsync.core.page;

/**
 * The host clock's state as published in the page, with the numeric codes of vmclock's
 * {@code clock_status} (Linux include/uapi/linux/vmclock-abi.h, VMCLOCK_STATUS_*).
 */
public enum ClockStatus {
    /** VMCLOCK_STATUS_UNKNOWN = 0: the daemon has not said. */
    UNKNOWN(0),
    /** VMCLOCK_STATUS_INITIALIZING = 1: the daemon is starting. */
    INITIALIZING(1),
    /** VMCLOCK_STATUS_SYNCHRONIZED = 2: the host kernel is NTP-synchronised (no STA_UNSYNC). */
    SYNCHRONIZED(2),
    /** VMCLOCK_STATUS_FREERUNNING = 3: nobody disciplines the host clock (STA_UNSYNC). */
    FREERUNNING(3),
    /** VMCLOCK_STATUS_UNRELIABLE = 4: the host clock is known to be wrong. */
    UNRELIABLE(4);

    private final int code;

    ClockStatus(int code) {
        this.code = code;
    }

    /** The u8 stored at clock_status. */
    public int code() {
        return code;
    }

    /** The status for a stored code; codes this version does not know read as UNKNOWN. */
    public static ClockStatus ofCode(int code) {
        for (ClockStatus s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return UNKNOWN;
    }
}
