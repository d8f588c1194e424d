package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.dom0.PushRecord;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.SyncState;

/**
 * Told about every push (per page; {@code domain} is null for a push while no page exists) and
 * heartbeat; the daemon logs and counts through it.
 */
public interface PushObserver {
    void pushed(DomainName domain, PushReason reason, long wallclockNs, long stepGeneration, SyncState sync);

    default void heartbeat(SyncState sync) {}

    /** The hypervisor refused a push (never in the real mode; the agent retries at the next tick). */
    default void pushFailed(PushRecord push) {}

    /** A page damaged by someone else ({@code damage} says how) was recreated at {@code where}. */
    default void pageRepaired(DomainName domain, String damage, String where) {}

    /** A damaged page could not be recreated (retried at every heartbeat; told once per distinct failure). */
    default void pageRepairFailed(DomainName domain, String why) {}

    /** The directory's lock file was deleted or replaced and has been locked again ({@code what} says so). */
    default void directoryRelocked(String what) {}

    /** The step watcher saw clock_was_set (once per step, before the pushes it causes). */
    default void stepSeen() {}

    /** The vmclock relation was recalibrated (every beat, step and discipline change). */
    default void calibrated(io.wallsync.core.vmclock.VmclockCalibrator.Result result) {}

    PushObserver NONE = (domain, reason, wallclockNs, generation, sync) -> {};
}
