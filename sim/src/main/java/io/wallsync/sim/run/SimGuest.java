package io.wallsync.sim.run;

import java.util.Optional;

/** One running guest as the simulator measures it: its wall time now, and what it does on its own. */
interface SimGuest {
    /** The guest's wall time now, ns since the epoch (its time_offset included). */
    long wallNs();

    /**
     * Called at every sample before {@link #wallNs()}: a guest that follows the wallclock reads it
     * here. Default: nothing.
     */
    default void beforeSample() {}

    /** A periodic re-read of the wallclock (reads: boot-only with reread_interval). */
    default void reread() {}

    /** Whether the guest could see, at boot, that the host was not synchronised. */
    default boolean bootKnewUnsynchronised() {
        return false;
    }

    /** The guest's reader of its page's vmclock structure, if its platform publishes one. */
    default Optional<VmclockProbe> vmclock() {
        return Optional.empty();
    }

    /** "pv", "hvm" or "kvm". */
    String kind();
}
