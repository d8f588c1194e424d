package io.wallsync.core.page;

/**
 * Leap second state as published in the page, with the numeric codes of vmclock's
 * {@code leap_indicator} (Linux include/uapi/linux/vmclock-abi.h, VMCLOCK_LEAP_*).
 */
public enum PageLeapIndicator {
    /** VMCLOCK_LEAP_NONE = 0: no leap second near. */
    NONE(0),
    /** VMCLOCK_LEAP_PRE_POS = 1: a second is inserted at the end of this UTC day (STA_INS). */
    PRE_POS(1),
    /** VMCLOCK_LEAP_PRE_NEG = 2: a second is deleted at the end of this UTC day (STA_DEL). */
    PRE_NEG(2),
    /** VMCLOCK_LEAP_POS = 3: now inside the inserted second 23:59:60 (TIME_OOP). */
    POS(3),
    /** VMCLOCK_LEAP_POST_POS = 4: a second was inserted (TIME_WAIT after an insert). */
    POST_POS(4),
    /** VMCLOCK_LEAP_POST_NEG = 5: a second was deleted (TIME_WAIT after a delete). */
    POST_NEG(5);

    private final int code;

    PageLeapIndicator(int code) {
        this.code = code;
    }

    /** The u8 stored at leap_indicator. */
    public int code() {
        return code;
    }

    /** The indicator for a stored code; unknown codes read as NONE. */
    public static PageLeapIndicator ofCode(int code) {
        for (PageLeapIndicator l : values()) {
            if (l.code == code) {
                return l;
            }
        }
        return NONE;
    }
}
