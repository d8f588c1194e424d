package io.wallsync.core.rtc;

import io.wallsync.core.xen.Hypervisor;
import java.util.Objects;

/**
 * The Xen flavour's time base: one HVM domain of a {@link Hypervisor}.
 *
 * <pre>
 *  wallNs     = W + system time + the domain's time_offset   (Xen's get_localtime_us(d))
 *  virtualNs  = Xen system time (NOW())
 *  guestSetTime(delta): time_offset += delta, and the domain's shared_info wallclock is
 *             republished (rtc_set_time -> update_domain_wallclock_time in xen/arch/x86/hvm/rtc.c)
 * </pre>
 *
 * Because the RTC reads W on every access, a dom0 settime that corrects W reaches the guest's RTC
 * at once; a guest that keeps its RTC in local time moves only its own domain's offset.
 */
public final class XenRtcTimeBase implements RtcTimeBase {
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final Hypervisor hypervisor;
    private final int domainId;

    /**
     * @throws IllegalArgumentException if the hypervisor has no domain {@code domainId}
     */
    public XenRtcTimeBase(Hypervisor hypervisor, int domainId) {
        this.hypervisor = Objects.requireNonNull(hypervisor, "hypervisor");
        hypervisor.domain(domainId);
        this.domainId = domainId;
    }

    /** The domain whose time this is. */
    public int domainId() {
        return domainId;
    }

    @Override
    public long wallNs() {
        long offsetSeconds = hypervisor.domain(domainId).timeOffsetSeconds();
        return hypervisor.wallTimeNow().plusSeconds(offsetSeconds).toEpochNanos();
    }

    @Override
    public long virtualNs() {
        return hypervisor.systemTimeNs();
    }

    @Override
    public void guestSetTime(long deltaSeconds) {
        long offsetSeconds = hypervisor.domain(domainId).timeOffsetSeconds();
        hypervisor.setTimeOffset(domainId, offsetSeconds + deltaSeconds);
    }

    @Override
    public String toString() {
        return "XenRtcTimeBase[domain " + domainId + ", " + (wallNs() / NS_PER_SECOND) + " s]";
    }
}
