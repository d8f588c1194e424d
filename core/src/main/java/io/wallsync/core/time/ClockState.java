package io.wallsync.core.time;

/**
 * The clock state adjtimex(2) returns, with the values of include/uapi/linux/timex.h. The first five
 * are the leap-second state machine of {@code second_overflow()} in kernel/time/ntp.c; TIME_ERROR
 * replaces any of them in the answer whenever STA_UNSYNC (or STA_CLOCKERR) is set.
 */
public enum ClockState {
    /** 0: clock synchronised, no leap second pending. */
    TIME_OK(0),
    /** 1: a leap second will be inserted at the end of the UTC day. */
    TIME_INS(1),
    /** 2: a leap second will be deleted at the end of the UTC day. */
    TIME_DEL(2),
    /** 3: leap second in progress (23:59:60). */
    TIME_OOP(3),
    /** 4: leap second has occurred; waits until STA_INS/STA_DEL are cleared. */
    TIME_WAIT(4),
    /** 5: clock not synchronised (TIME_BAD in old headers). */
    TIME_ERROR(5);

    private final int linuxValue;

    ClockState(int linuxValue) {
        this.linuxValue = linuxValue;
    }

    /**
     * The state for a value adjtimex(2) returned.
     *
     * @throws IllegalArgumentException for a value outside 0..5
     */
    public static ClockState ofLinuxValue(int value) {
        for (ClockState s : values()) {
            if (s.linuxValue == value) {
                return s;
            }
        }
        throw new IllegalArgumentException("adjtimex returned " + value + ": expected a clock state 0..5");
    }

    /** The value adjtimex(2) returns. */
    public int linuxValue() {
        return linuxValue;
    }
}
