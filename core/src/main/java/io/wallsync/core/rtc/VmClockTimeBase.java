package io.wallsync.core.rtc;

/**
 * The time base of QEMU's {@code -rtc base=DATE,clock=vm}: wall time = base + virtual time, where
 * the virtual clock moves only when its owner moves it (qtest's {@code clock_step}, a simulator).
 *
 * <p>A Xen-flavour guest that writes its RTC moves {@link #timeOffsetSeconds()}, the stand-in for
 * a domain's {@code time_offset} when no hypervisor is attached.
 */
public final class VmClockTimeBase implements RtcTimeBase {
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final long baseEpochSeconds;
    private long virtualNs;
    private long timeOffsetSeconds;

    /** Wall time {@code baseEpochSeconds} at virtual time 0. */
    public VmClockTimeBase(long baseEpochSeconds) {
        this.baseEpochSeconds = baseEpochSeconds;
    }

    @Override
    public long wallNs() {
        return (baseEpochSeconds + timeOffsetSeconds) * NS_PER_SECOND + virtualNs;
    }

    @Override
    public long virtualNs() {
        return virtualNs;
    }

    @Override
    public void guestSetTime(long deltaSeconds) {
        timeOffsetSeconds += deltaSeconds;
    }

    /** Sum of the guest's date writes so far, in seconds (Xen flavour). */
    public long timeOffsetSeconds() {
        return timeOffsetSeconds;
    }

    /**
     * Moves the virtual clock to {@code newVirtualNs}.
     *
     * @throws IllegalArgumentException if that is earlier than now: the virtual clock is monotonic
     */
    public void setVirtualNs(long newVirtualNs) {
        if (newVirtualNs < virtualNs) {
            throw new IllegalArgumentException(
                    "virtual clock cannot go back from " + virtualNs + " ns to " + newVirtualNs + " ns");
        }
        virtualNs = newVirtualNs;
    }
}
