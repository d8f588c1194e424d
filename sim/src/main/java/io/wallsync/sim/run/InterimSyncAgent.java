package io.wallsync.sim.run;

import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.time.GtodEvent;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.xen.Hypervisor;

/**
 * Stand-in for the core's Dom0SyncAgent until it lands on main: LEGACY_PERIODIC pushes from an
 * 11-minute timer only while NTP is synchronised; STEP_AND_PERIODIC is Linux's
 * xen_pvclock_gtod_notify (push on was_set or when realtime passed next_sync).
 */
final class InterimSyncAgent {
    private final Timekeeper timekeeper;
    private final Hypervisor hypervisor;
    private final long periodNs;
    private long nextSyncRealtimeNs = Long.MIN_VALUE;
    private long notifierCalls;

    private InterimSyncAgent(Timekeeper timekeeper, Hypervisor hypervisor, long periodNs) {
        this.timekeeper = timekeeper;
        this.hypervisor = hypervisor;
        this.periodNs = periodNs;
    }

    static InterimSyncAgent stepAndPeriodic(Timekeeper timekeeper, Hypervisor hypervisor, long periodNs) {
        InterimSyncAgent agent = new InterimSyncAgent(timekeeper, hypervisor, periodNs);
        timekeeper.registerGtodNotifier(agent::onGtod, 0);
        return agent;
    }

    static InterimSyncAgent legacyPeriodic(Timekeeper timekeeper, Hypervisor hypervisor, long periodNs) {
        return new InterimSyncAgent(timekeeper, hypervisor, periodNs);
    }

    private NotifyResult onGtod(GtodEvent event) {
        notifierCalls++;
        long now = event.snapshot().realtimeNs();
        if (!event.wasSet() && now < nextSyncRealtimeNs) {
            return NotifyResult.OK;
        }
        Dom0Pusher.push(timekeeper, hypervisor);
        nextSyncRealtimeNs = now + periodNs;
        return NotifyResult.OK;
    }

    /** LEGACY_PERIODIC's sync_cmos_clock work, run every period by the caller. */
    void legacyWork() {
        if (timekeeper.syncState().synchronised()) {
            Dom0Pusher.push(timekeeper, hypervisor);
        }
    }

    long notifierCalls() {
        return notifierCalls;
    }
}
