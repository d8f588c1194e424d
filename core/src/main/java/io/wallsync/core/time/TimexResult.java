package io.wallsync.core.time;

import java.util.Objects;

/**
 * The outcome of {@link Timekeeper#adjtimex(Timex)}: the clock state and the timex fields, or the
 * EINVAL that Linux would return for a malformed request (nothing was changed then).
 */
public sealed interface TimexResult {
    /** Linux's EINVAL. */
    int EINVAL = 22;

    /**
     * The request was applied (or only read).
     *
     * @param state the return value of adjtimex(2): TIME_ERROR whenever STA_UNSYNC is set
     * @param values the timex fields as they stand after the request
     */
    record Done(ClockState state, TimexValues values) implements TimexResult {
        public Done {
            Objects.requireNonNull(state, "state");
            Objects.requireNonNull(values, "values");
        }
    }

    /**
     * The request was refused, as adjtimex(2) refuses it with -EINVAL; nothing changed.
     *
     * @param errno always {@link #EINVAL}
     * @param reason which field was wrong and what was expected
     */
    record Invalid(int errno, String reason) implements TimexResult {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }

        static Invalid einval(String reason) {
            return new Invalid(EINVAL, reason);
        }
    }
}
