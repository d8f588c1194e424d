package io.wallsync.sim.scenario;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The ways of keeping guest wall time that a run compares, by their scenario/CLI names. */
public enum Policy {
    /** dom0 pushes W every 11 minutes, and only while NTP is synchronised (Linux before 3.11). */
    LEGACY_PERIODIC("legacy-periodic"),
    /** dom0 pushes W on every clock step (was_set) and every 11 minutes (Linux 3.11 and later). */
    STEP_AND_PERIODIC("step-and-periodic"),
    /** KVM: kvmclock wall clock written on MSR write, host timekeeper copied on every tick. */
    KVM_PER_TICK("kvm-per-tick"),
    /** step-and-periodic that also publishes the host's frequency correction and sync state. */
    WALLSYNC("wallsync");

    private final String id;

    Policy(String id) {
        this.id = id;
    }

    /** The name used in scenario files, on the command line and in the outputs. */
    public String id() {
        return id;
    }

    public static Optional<Policy> byId(String id) {
        return Arrays.stream(values()).filter(p -> p.id.equals(id)).findFirst();
    }

    /** All names, for error messages. */
    public static List<String> ids() {
        return Arrays.stream(values()).map(Policy::id).toList();
    }
}
