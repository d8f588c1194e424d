package io.wallsync.core.time;

import java.util.Objects;

/**
 * What the pvclock_gtod chain delivers: {@code update_pvclock_gtod(tk, was_set)} in
 * kernel/time/timekeeping.c passes the {@code was_set} flag as the action and the timekeeper as
 * data.
 *
 * @param wasSet true when the clock was stepped (TK_CLOCK_WAS_SET), and once for a new notifier;
 *     false on an ordinary tick or frequency change
 * @param snapshot the timekeeper after the update
 */
public record GtodEvent(boolean wasSet, TimekeeperSnapshot snapshot) {
    public GtodEvent {
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
