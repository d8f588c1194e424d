package io.wallsync.adapters.page;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.ExtensionFields;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import java.util.Objects;

/**
 * The seqlock-protected part of the page extension, as one value (see
 * {@link io.wallsync.core.page.PageExtensionLayout} for the bytes).
 *
 * @param clockStatus host clock state (vmclock clock_status)
 * @param leap leap second state (vmclock leap_indicator)
 * @param taiOffsetSec TAI - UTC, seconds; meaningful when {@code taiOffsetValid}
 * @param taiOffsetValid whether the kernel reported a TAI offset (non-zero)
 * @param stepGeneration disruption_marker: changes on every step of this domain's wall time
 * @param estErrorNs esterror in ns, or -1 when unknown
 * @param maxErrorNs maxerror in ns, or -1 when unknown
 * @param lastPushMonotonicNs CLOCK_MONOTONIC of this push
 * @param reason why this push happened
 * @param timeOffsetSec the domain's offset included in wc (any int: the s32 time_offset_sec)
 */
public record PageState(
        ClockStatus clockStatus,
        PageLeapIndicator leap,
        int taiOffsetSec,
        boolean taiOffsetValid,
        long stepGeneration,
        long estErrorNs,
        long maxErrorNs,
        long lastPushMonotonicNs,
        PushReason reason,
        int timeOffsetSec) {
    public PageState {
        Objects.requireNonNull(clockStatus, "clockStatus");
        Objects.requireNonNull(leap, "leap");
        Objects.requireNonNull(reason, "reason");
        if (taiOffsetSec < Short.MIN_VALUE || taiOffsetSec > Short.MAX_VALUE) {
            throw new IllegalArgumentException("taiOffsetSec " + taiOffsetSec + " does not fit the s16 tai_offset_sec");
        }
    }

    /** These values as the page stores them (flags derived; an unknown error is stored as 0, its flag clear). */
    public ExtensionFields toFields() {
        return new ExtensionFields(
                clockStatus.code(),
                leap.code(),
                (short) taiOffsetSec,
                stepGeneration,
                ExtensionFields.flagsFor(taiOffsetValid, estErrorNs, maxErrorNs),
                Math.max(0, estErrorNs),
                Math.max(0, maxErrorNs),
                lastPushMonotonicNs,
                reason.code(),
                timeOffsetSec);
    }
}
