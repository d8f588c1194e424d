package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.page.TimeOffsetSeconds;

/**
 * A domain as named on the command line: {@code NAME} or {@code NAME:OFFSET_S}, where OFFSET_S is
 * the domain's wall clock offset in whole seconds (may be negative), like Xen's per-domain
 * time_offset, within the s32 range of the page's time_offset_sec ({@link TimeOffsetSeconds}).
 */
public record DomainSpec(DomainName name, long timeOffsetSeconds) {
    public DomainSpec {
        TimeOffsetSeconds.of(timeOffsetSeconds);
    }

    /** The offset as the page carries it. */
    public TimeOffsetSeconds timeOffset() {
        return TimeOffsetSeconds.of(timeOffsetSeconds);
    }

    /** Parses {@code NAME} or {@code NAME:OFFSET_S}. */
    public static DomainSpec parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new DomainSpec(new DomainName(text), 0);
        }
        TimeOffsetSeconds offset;
        try {
            offset = TimeOffsetSeconds.parse(text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid domain '" + text + "': " + e.getMessage(), e);
        }
        return new DomainSpec(new DomainName(text.substring(0, colon)), offset.seconds());
    }
}
