package io.wallsync.core.time;

import java.util.Objects;

/**
 * One clock_was_set() (or clock_was_set_delayed()) notification.
 *
 * @param seq the value of {@link Timekeeper#clockWasSetSeq()} after this step (1 for the first)
 * @param reason the step that caused it
 * @param delayed true for clock_was_set_delayed(), i.e. a leap second applied from the tick
 * @param realtimeStepNs how far CLOCK_REALTIME jumped (new - old; 0 for a TAI offset change)
 * @param snapshot the timekeeper after the step
 */
public record ClockWasSetEvent(
        long seq, ClockWasSetReason reason, boolean delayed, long realtimeStepNs, TimekeeperSnapshot snapshot) {
    public ClockWasSetEvent {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(snapshot, "snapshot");
    }
}
