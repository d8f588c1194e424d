package io.wallsync.sim.run;

import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.PlatformOpResult;

/** dom0's settime64 hypercall with the host realtime and Xen system time of now. */
final class Dom0Pusher {
    private Dom0Pusher() {}

    static PlatformOpResult push(Timekeeper timekeeper, Hypervisor hypervisor) {
        long realtime = timekeeper.realtimeNs();
        return pushAt(hypervisor, realtime);
    }

    /** settime64 telling Xen that the date is {@code wallNs} at its system time now. */
    static PlatformOpResult pushAt(Hypervisor hypervisor, long wallNs) {
        long secs = Math.floorDiv(wallNs, 1_000_000_000L);
        int nsecs = (int) Math.floorMod(wallNs, 1_000_000_000L);
        return hypervisor.platformOp(Hypervisor.DOM0, PlatformOp.settime64(secs, nsecs, hypervisor.systemTimeNs()));
    }
}
