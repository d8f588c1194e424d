package io.wallsync.sim.story;

import io.wallsync.core.page.PushReason;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What one guest saw.
 *
 * @param guest the guest
 * @param bootTrueEpochNs the true date at its boot, ns since the epoch
 * @param believedBootEpochNs the date it believed at boot (wc + system time), ns since the epoch
 * @param rightFromNs first moment, ns after host boot and not before the guest's boot, at which the
 *     wallclock it reads was within {@link HistoricalBugStory#RIGHT_WITHIN_NS} of true time; empty
 *     if never within the story
 * @param fixedBy the push that made its wallclock right, empty if it was right at boot or never
 */
public record GuestOutcome(
        StoryGuest guest,
        long bootTrueEpochNs,
        long believedBootEpochNs,
        OptionalLong rightFromNs,
        Optional<PushReason> fixedBy) {

    /** Believed minus true date at boot, ns. */
    public long bootErrorNs() {
        return believedBootEpochNs - bootTrueEpochNs;
    }

    /** True when the guest booted with a date within the tolerance. */
    public boolean rightAtBoot() {
        return Math.abs(bootErrorNs()) <= HistoricalBugStory.RIGHT_WITHIN_NS;
    }
}
