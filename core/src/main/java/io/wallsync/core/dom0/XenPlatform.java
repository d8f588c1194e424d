package io.wallsync.core.dom0;

import io.wallsync.core.port.HostSample;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOpResult;
import java.util.Objects;

/**
 * dom0's line to the hypervisor: the two things arch/x86/xen/time.c needs to push the wallclock.
 */
public interface XenPlatform {
    /** {@code HYPERVISOR_platform_op(op)} issued by this domain; {@code op} is a raw xen_platform_op. */
    PlatformOpResult platformOp(byte[] op);

    /** {@code xen_clocksource_read()}: the hypervisor's system time as this domain sees it, in ns. */
    long systemTimeNs();

    /**
     * The hypervisor's system time at the instant dom0's clock was sampled, for the push of that
     * sample. This default reads it now, right after the sample (what Linux's
     * xen_pvclock_gtod_notify does; exact in virtual time, where nothing moves in between); a
     * platform whose system time is the host's CLOCK_MONOTONIC ({@link #onHostMonotonic}) takes
     * the sample's own monotonic instant instead.
     */
    default long systemTimeNs(HostSample sample) {
        return systemTimeNs();
    }

    /**
     * The platform of the real mode, where the hypervisor's system time <em>is</em> the host's
     * CLOCK_MONOTONIC: a push pairs realtime with the monotonic instant of the same
     * {@link HostSample}, so no preemption between two reads enters W.
     */
    static XenPlatform onHostMonotonic(Hypervisor hypervisor, int domainId) {
        XenPlatform platform = of(hypervisor, domainId);
        return new XenPlatform() {
            @Override
            public PlatformOpResult platformOp(byte[] op) {
                return platform.platformOp(op);
            }

            @Override
            public long systemTimeNs() {
                return platform.systemTimeNs();
            }

            @Override
            public long systemTimeNs(HostSample sample) {
                return sample.monotonicNs();
            }
        };
    }

    /** The platform as domain {@code domainId} of {@code hypervisor} sees it. */
    static XenPlatform of(Hypervisor hypervisor, int domainId) {
        Objects.requireNonNull(hypervisor, "hypervisor");
        return new XenPlatform() {
            @Override
            public PlatformOpResult platformOp(byte[] op) {
                return hypervisor.platformOp(domainId, op);
            }

            @Override
            public long systemTimeNs() {
                return hypervisor.systemTimeNs();
            }
        };
    }
}
