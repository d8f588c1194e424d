package io.wallsync.core.rtc;

/**
 * Port: where the RTC's time comes from.
 *
 * <p>Two clocks, because the device needs both: the guest's <em>wall</em> time, which the date
 * registers show, and the <em>virtual</em> monotonic clock that paces the 32.768 kHz divider chain
 * (periodic interrupts, the update cycle, the UIP window). Under Xen the wall time is {@code wc +
 * system time + the domain's time_offset}; under QEMU with {@code -rtc base=...,clock=vm} it is
 * {@code base + virtual time}. Both advance together; only {@link #guestSetTime} moves one against
 * the other.
 */
public interface RtcTimeBase {
    /**
     * The guest's wall time now, in nanoseconds since 1970-01-01T00:00:00Z (may be negative, may
     * wrap for dates after 2262 exactly as QEMU's unsigned arithmetic does).
     */
    long wallNs();

    /** The virtual monotonic clock, in nanoseconds; never decreases. Timer deadlines use it. */
    long virtualNs();

    /**
     * Xen flavour only: the guest wrote a new date, so move this domain's {@code time_offset} by
     * {@code deltaSeconds} (after - before, in whole seconds) and republish its wallclock, as
     * {@code rtc_set_time} in {@code xen/arch/x86/hvm/rtc.c} does. Afterwards {@link #wallNs()}
     * is larger by exactly {@code deltaSeconds * 1e9}.
     */
    void guestSetTime(long deltaSeconds);
}
