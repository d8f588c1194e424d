package io.wallsync.core.dom0;

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
