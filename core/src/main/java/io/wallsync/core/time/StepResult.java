package io.wallsync.core.time;

import java.util.Objects;

/** The outcome of a clock step: it happened (and was notified), or it was refused like -EINVAL. */
public sealed interface StepResult {
    /** The clock was stepped; {@code event} is what the clock_was_set chain received. */
    record Stepped(ClockWasSetEvent event) implements StepResult {
        public Stepped {
            Objects.requireNonNull(event, "event");
        }
    }

    /** The step was refused and nothing changed; {@code reason} names the bad value and the valid range. */
    record Rejected(String reason) implements StepResult {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
