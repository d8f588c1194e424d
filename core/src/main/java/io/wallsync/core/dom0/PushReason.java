package io.wallsync.core.dom0;

/** Why the agent issued a {@code XENPF_settime} hypercall. */
public enum PushReason {
    /** The first notification after the agent was registered (registration fires was_set = true). */
    START,
    /** dom0's clock was stepped (gtod notification with was_set = true). */
    STEP,
    /** The periodic deadline passed (drift compensation, the 11-minute rule). */
    PERIODIC,
    /** An earlier push failed with an error other than ENOSYS; retried at the next tick. */
    RETRY
}
