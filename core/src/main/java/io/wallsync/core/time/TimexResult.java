package io.wallsync.core.time;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
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

        /** Synchronised unless STA_UNSYNC is set or the kernel answered TIME_ERROR. */
        public boolean synchronised() {
            return (values.status() & TimexStatus.STA_UNSYNC) == 0 && state != ClockState.TIME_ERROR;
        }

        /**
         * The leap second pending at the end of this UTC day: STA_INS (or TIME_INS, or TIME_OOP
         * while inside 23:59:60) is INSERT, STA_DEL (or TIME_DEL) is DELETE. TIME_WAIT (a leap
         * second just happened, the bit not yet cleared) is NONE: nothing pending.
         */
        public LeapIndicator leap() {
            if (state == ClockState.TIME_WAIT) {
                return LeapIndicator.NONE;
            }
            if (state == ClockState.TIME_INS
                    || state == ClockState.TIME_OOP
                    || (values.status() & TimexStatus.STA_INS) != 0) {
                return LeapIndicator.INSERT;
            }
            if (state == ClockState.TIME_DEL || (values.status() & TimexStatus.STA_DEL) != 0) {
                return LeapIndicator.DELETE;
            }
            return LeapIndicator.NONE;
        }

        /** This answer as what a dom0 sync agent needs to know ({@link io.wallsync.core.port.HostClock#syncState}). */
        public SyncState syncState() {
            return new SyncState(synchronised(), values.maxerror(), values.esterror(), values.tai(), leap());
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
