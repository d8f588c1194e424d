package io.wallsync.core.time;

/**
 * Which path of kernel/time/timekeeping.c stepped the clock and so called clock_was_set().
 *
 * <pre>
 *  reason                 Linux path                                   delayed  NTP cleared
 *  SETTIMEOFDAY           do_settimeofday64()                          no       yes
 *  INJECT_OFFSET          timekeeping_inject_offset()                  no       yes
 *  ADJTIMEX_SETOFFSET     do_adjtimex() ADJ_SETOFFSET -> inject_offset no       yes
 *  SET_TAI_OFFSET         timekeeping_set_tai_offset()                 no       no
 *  ADJTIMEX_TAI           do_adjtimex() ADJ_TAI changing the offset    no       no
 *  INJECT_SLEEP_TIME      timekeeping_inject_sleeptime64()             no       yes
 *  LEAP_SECOND_INSERT     second_overflow() leap = -1 in a tick        yes      no
 *  LEAP_SECOND_DELETE     second_overflow() leap = +1 in a tick        yes      no
 * </pre>
 *
 * A leap second is applied from the tick (update_wall_time()), where the kernel cannot call
 * clock_was_set() directly and uses clock_was_set_delayed() instead. A leap second that an
 * adjtimex(ADJ_FREQUENCY) call applies (its timekeeping_advance(TK_ADV_FREQ) crossed midnight
 * first) is signalled with a plain clock_was_set(): the event then has {@code delayed = false}.
 */
public enum ClockWasSetReason {
    SETTIMEOFDAY(false),
    INJECT_OFFSET(false),
    ADJTIMEX_SETOFFSET(false),
    SET_TAI_OFFSET(false),
    ADJTIMEX_TAI(false),
    INJECT_SLEEP_TIME(false),
    LEAP_SECOND_INSERT(true),
    LEAP_SECOND_DELETE(true);

    private final boolean delayed;

    ClockWasSetReason(boolean delayed) {
        this.delayed = delayed;
    }

    /** True when Linux signals this step with clock_was_set_delayed(). */
    public boolean delayed() {
        return delayed;
    }
}
