package io.wallsync.cli.serve;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.HostClock;

/** Told about every push and heartbeat; the daemon logs and counts through it. */
public interface PushObserver {
    void pushed(DomainName domain, PushReason reason, long wallclockNs, long stepGeneration, HostClock.SyncState sync);

    default void heartbeat(HostClock.SyncState sync) {}

    /** The step watcher saw clock_was_set (once per step, before the pushes it causes). */
    default void stepSeen() {}

    PushObserver NONE = (domain, reason, wallclockNs, generation, sync) -> {};
}
