package io.wallsync.sim.run;

import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.xen.Hypervisor;

/**
 * The wallsync extension of step-and-periodic: after each push it publishes the rate of dom0's
 * CLOCK_REALTIME against Xen system time, measured between the last two pushes that had no clock
 * step between them (a step would be counted as rate), and dom0's sync state. The rate is kept
 * across a step (the oscillators did not change); only its measurement restarts.
 */
final class WallsyncPublisher {
    /** Shortest interval a rate is measured over: shorter ones are dominated by NTP noise. */
    static final long MIN_RATE_INTERVAL_NS = 60_000_000_000L;

    private final Timekeeper timekeeper;
    private final Hypervisor hypervisor;
    private WallsyncPublication publication = WallsyncPublication.NONE;
    private long anchorSysNs = Long.MIN_VALUE;
    private long anchorRealtimeNs;
    private long anchorClockWasSetSeq;
    private double rate;

    WallsyncPublisher(Timekeeper timekeeper, Hypervisor hypervisor) {
        this.timekeeper = timekeeper;
        this.hypervisor = hypervisor;
    }

    /** Called right after dom0 pushed W. */
    void onPush() {
        long sys = hypervisor.systemTimeNs();
        long realtime = timekeeper.realtimeNs();
        long seq = timekeeper.clockWasSetSeq();
        if (anchorSysNs != Long.MIN_VALUE && seq == anchorClockWasSetSeq && sys - anchorSysNs >= MIN_RATE_INTERVAL_NS) {
            rate = (double) ((realtime - anchorRealtimeNs) - (sys - anchorSysNs)) / (sys - anchorSysNs);
        }
        if (anchorSysNs == Long.MIN_VALUE || seq != anchorClockWasSetSeq || sys - anchorSysNs >= MIN_RATE_INTERVAL_NS) {
            anchorSysNs = sys;
            anchorRealtimeNs = realtime;
            anchorClockWasSetSeq = seq;
        }
        publication = new WallsyncPublication(sys, rate, timekeeper.syncState().synchronised());
    }

    /** Called when dom0's sync state changes without a push: wallsync republishes it at once. */
    boolean syncStateChanged() {
        return publication.synchronised() != timekeeper.syncState().synchronised();
    }

    WallsyncPublication publication() {
        return publication;
    }
}
