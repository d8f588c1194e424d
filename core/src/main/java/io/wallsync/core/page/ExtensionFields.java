package io.wallsync.core.page;

import static io.wallsync.core.page.PageExtensionLayout.FLAG_TAI_OFFSET_VALID;
import static io.wallsync.core.page.PageExtensionLayout.FLAG_TIME_ESTERROR_VALID;
import static io.wallsync.core.page.PageExtensionLayout.FLAG_TIME_MAXERROR_VALID;

import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The seqlock-protected fields of the extension (3148..3199), exactly as stored: what {@link
 * PageExtension#publish} writes and {@link PageExtension#read} returns. Codes stay raw ints here
 * so that a reader can report a code it does not know; the accessors decode them.
 *
 * @param clockStatus vmclock clock_status code ({@link ClockStatus})
 * @param leapIndicator vmclock leap_indicator code ({@link PageLeapIndicator})
 * @param taiOffsetSec TAI - UTC in seconds (s16)
 * @param disruptionMarker the step generation
 * @param flags vmclock flag bits ({@link PageExtensionLayout#FLAG_TAI_OFFSET_VALID}, ...)
 * @param timeEsterrorNanosec esterror in ns (meaningful when its flag is set)
 * @param timeMaxerrorNanosec maxerror in ns (meaningful when its flag is set)
 * @param lastPushMonotonicNs CLOCK_MONOTONIC of the last wc_* write
 * @param lastPushReason {@link PushReason} code
 * @param timeOffsetSec the domain's offset in seconds, already included in wc_*
 */
public record ExtensionFields(
        int clockStatus,
        int leapIndicator,
        short taiOffsetSec,
        long disruptionMarker,
        long flags,
        long timeEsterrorNanosec,
        long timeMaxerrorNanosec,
        long lastPushMonotonicNs,
        int lastPushReason,
        int timeOffsetSec) {

    /**
     * The flags word for what a push knows (vmclock: a value whose flag is clear is stored as 0).
     *
     * @param taiOffsetValid whether TAI - UTC is known (TAI_OFFSET_VALID)
     * @param estErrorNs esterror in ns, negative when unknown (TIME_ESTERROR_VALID)
     * @param maxErrorNs maxerror in ns, negative when unknown (TIME_MAXERROR_VALID)
     */
    public static long flagsFor(boolean taiOffsetValid, long estErrorNs, long maxErrorNs) {
        return (taiOffsetValid ? FLAG_TAI_OFFSET_VALID : 0)
                | (estErrorNs >= 0 ? FLAG_TIME_ESTERROR_VALID : 0)
                | (maxErrorNs >= 0 ? FLAG_TIME_MAXERROR_VALID : 0);
    }

    /** clock_status decoded (UNKNOWN for a code this version does not know). */
    public ClockStatus status() {
        return ClockStatus.ofCode(clockStatus);
    }

    /** leap_indicator decoded. */
    public PageLeapIndicator leap() {
        return PageLeapIndicator.ofCode(leapIndicator);
    }

    /** TAI - UTC when TAI_OFFSET_VALID is set. */
    public OptionalInt taiOffset() {
        return (flags & FLAG_TAI_OFFSET_VALID) != 0 ? OptionalInt.of(taiOffsetSec) : OptionalInt.empty();
    }

    /** esterror in ns when TIME_ESTERROR_VALID is set. */
    public OptionalLong estErrorNs() {
        return (flags & FLAG_TIME_ESTERROR_VALID) != 0 ? OptionalLong.of(timeEsterrorNanosec) : OptionalLong.empty();
    }

    /** maxerror in ns when TIME_MAXERROR_VALID is set. */
    public OptionalLong maxErrorNs() {
        return (flags & FLAG_TIME_MAXERROR_VALID) != 0 ? OptionalLong.of(timeMaxerrorNanosec) : OptionalLong.empty();
    }

    /** last_push_reason decoded, or null for a code this version does not know (0: never pushed). */
    public PushReason reason() {
        return PushReason.ofCode(lastPushReason);
    }

    /** time_offset_sec as a value. */
    public TimeOffsetSeconds timeOffset() {
        return new TimeOffsetSeconds(timeOffsetSec);
    }
}
