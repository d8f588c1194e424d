package io.wallsync.core.rtc;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Moves a {@link VmClockTimeBase} forward and runs the RTC's timers on the way, deadline by
 * deadline, as QEMU's {@code qemu_clock_advance_virtual_time} does for qtest: the clock stops at
 * each due timer, the timer runs seeing exactly its deadline as "now", then the clock moves on.
 */
public final class RtcTimeline {
    private final VmClockTimeBase clock;
    private final Mc146818Rtc rtc;

    public RtcTimeline(VmClockTimeBase clock, Mc146818Rtc rtc) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.rtc = Objects.requireNonNull(rtc, "rtc");
    }

    /** Virtual time now, ns. */
    public long nowNs() {
        return clock.virtualNs();
    }

    /**
     * Advances the virtual clock to {@code destNs}, running every timer due up to and including it.
     * Returns the virtual time afterwards: {@code destNs}, or the current time if that is already
     * later (the clock never goes back).
     */
    public long advanceTo(long destNs) {
        long now = clock.virtualNs();
        while (now < destNs) {
            OptionalLong deadline = rtc.nextDeadlineNs();
            long warpTo = deadline.isPresent() ? Math.max(now, Math.min(destNs, deadline.getAsLong())) : destNs;
            clock.setVirtualNs(warpTo);
            rtc.runDueTimers();
            now = warpTo;
        }
        return now;
    }

    /** Time from now to the next timer deadline (0 if one is already due), if any timer is armed. */
    public OptionalLong nsToNextDeadline() {
        OptionalLong deadline = rtc.nextDeadlineNs();
        if (deadline.isEmpty()) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(Math.max(0, deadline.getAsLong() - clock.virtualNs()));
    }
}
