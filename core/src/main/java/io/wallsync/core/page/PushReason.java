package io.wallsync.core.page;

/**
 * Why a wallclock was pushed: the Dom0SyncAgent's hypercall reasons (START, STEP, PERIODIC, RETRY)
 * and the daemon's own page writes (OFFSET_CHANGE, REPAIR); stored in a page as last_push_reason.
 */
public enum PushReason {
    /** The first notification after the agent was registered (registration fires was_set = true); a page created. */
    START(1),
    /** The host clock was set (clock_was_set: settimeofday, ADJ_SETOFFSET, resume, leap). */
    STEP(2),
    /** The periodic push that covers drift (default every 11 minutes, as Linux does). */
    PERIODIC(3),
    /** The domain's time offset changed through the control socket. */
    OFFSET_CHANGE(4),
    /** A page left mid-update by a killed daemon was rewritten. */
    REPAIR(5),
    /** An earlier push was refused by the hypervisor and retried (Dom0SyncAgent RETRY). */
    RETRY(6);

    private final int code;

    PushReason(int code) {
        this.code = code;
    }

    public int code() {
        return code;
    }

    /** The reason for a stored code, or null for a code this version does not know. */
    public static PushReason ofCode(int code) {
        for (PushReason r : values()) {
            if (r.code == code) {
                return r;
            }
        }
        return null;
    }

    /** Lower-case name used in logs and metric labels. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
