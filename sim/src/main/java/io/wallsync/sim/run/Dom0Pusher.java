package io.wallsync.sim.run;

import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.PlatformOpResult;

/**
 * A settime64 hypercall from domain 0 outside the core agent: the stand-in for Xen's own
 * {@code do_settime} on resume. Domain 0 is
 * privileged and the op well-formed, so a refusal here is a bug of the model, not an outcome.
 */
final class Dom0Pusher {
    private Dom0Pusher() {}

    /** settime64 telling Xen that the date is {@code wallNs} at its system time now. */
    static void pushAt(Hypervisor hypervisor, long wallNs) {
        long secs = Math.floorDiv(wallNs, 1_000_000_000L);
        int nsecs = (int) Math.floorMod(wallNs, 1_000_000_000L);
        PlatformOpResult result =
                hypervisor.platformOp(Hypervisor.DOM0, PlatformOp.settime64(secs, nsecs, hypervisor.systemTimeNs()));
        if (result instanceof PlatformOpResult.Failed failed) {
            throw new IllegalStateException("dom0 settime64 refused in the model: " + failed);
        }
    }
}
