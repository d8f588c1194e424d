package io.wallsync.sim.run;

import io.wallsync.sim.scenario.GuestGroup;

/** The hypervisor side of one policy: boots guests, says what is published, counts the work done. */
interface Platform {
    /** Boots one guest of {@code group} now. */
    SimGuest boot(GuestGroup group);

    /** The wall time a guest booting now (with time_offset 0) would read, ns since the epoch. */
    long publishedWallNs();

    /** Called on every host tick, after the timekeeper ticked (drives timer-based agents). */
    default void onHostTick() {}

    /** Called after every host timekeeper action (tick, step, adjtimex) so pushes can be accounted. */
    void afterHostUpdate();

    /** The host resumed from suspend (before dom0 injects its sleep time). */
    void onResume(long rtcNowNs);

    /** Guests under this platform ignore time_offset (KVM has none). */
    boolean honoursTimeOffset();

    /** Counts so far. */
    Counts counts();

    /** Work counters of a policy. */
    record Counts(
            long updates,
            long hypercalls,
            long domainPageWrites,
            long msrWrites,
            long notifierCalls,
            long tickCopies) {}
}
