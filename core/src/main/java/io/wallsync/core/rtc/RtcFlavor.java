package io.wallsync.core.rtc;

/**
 * The two behaviours of one device model. They share the register state machine (which follows
 * QEMU's {@code hw/rtc/mc146818rtc.c}, itself following the MC146818 datasheet) and differ where
 * Xen's {@code xen/arch/x86/hvm/rtc.c} differs:
 *
 * <pre>
 *                              qemu                         xen
 *  day of week register        Sunday = 1 .. Saturday = 7   Sunday = 0 .. Saturday = 6
 *  century register 0x32/0x37  BCD century, 0x37 an alias   plain CMOS RAM; years are 2000-2099
 *  PF in register C            only while PIE is set        at the rate, whether or not PIE is set
 *  a guest write of the date   moves this RTC only          moves the domain's time_offset by
 *                                                           (after - before) s, via the time base
 *  a running-clock write of    re-reads all (possibly        first refreshes the other fields
 *  one date field              stale) date registers        from the clock ("fetch the current
 *                                                           time and update just this field")
 * </pre>
 */
public enum RtcFlavor {
    /** QEMU's {@code mc146818rtc} on the {@code pc} machine (base_year 2000, so the century is real). */
    QEMU,
    /** Xen's HVM emulated RTC: the domain's wallclock, changed by guest writes. */
    XEN;

    /** Value of the day-of-week register on a Sunday. */
    int sundayValue() {
        return this == QEMU ? 1 : 0;
    }

    /** Whether register 0x32 (and its alias 0x37) holds the century. */
    boolean hasCenturyRegister() {
        return this == QEMU;
    }

    /** Whether the periodic flag PF counts at the selected rate even while PIE is clear. */
    boolean periodicFlagWithoutPie() {
        return this == XEN;
    }

    /** Whether guest date writes go to the time base as whole-second offset changes. */
    boolean guestWritesMoveTimeOffset() {
        return this == XEN;
    }
}
