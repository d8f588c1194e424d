package io.wallsync.adapters.linux;

/** What one wait on the {@link ClockStepWatcher} saw. */
public sealed interface StepWait {
    /** read() failed with ECANCELED: CLOCK_REALTIME was set (clock_was_set). The timer is re-armed. */
    record ClockWasSet() implements StepWait {}

    /** Nothing happened before the timeout. */
    record NoStep() implements StepWait {}
}
