package io.wallsync.daemon;

import io.wallsync.adapters.page.DomainName;

/**
 * A domain as named on the command line: {@code NAME} or {@code NAME:OFFSET_S}, where OFFSET_S is
 * the domain's wall clock offset in whole seconds (may be negative), like Xen's per-domain
 * time_offset.
 */
public record DomainSpec(DomainName name, long timeOffsetSeconds) {
    /** Largest accepted |offset|: 100 years, far inside what wc_sec_hi:wc_sec can hold. */
    public static final long MAX_OFFSET_SECONDS = 100L * 366 * 86_400;

    public DomainSpec {
        checkOffset(timeOffsetSeconds);
    }

    public static void checkOffset(long timeOffsetSeconds) {
        if (Math.abs(timeOffsetSeconds) > MAX_OFFSET_SECONDS) {
            throw new IllegalArgumentException("time offset " + timeOffsetSeconds + " s out of range: expected -"
                    + MAX_OFFSET_SECONDS + ".." + MAX_OFFSET_SECONDS);
        }
    }

    /** Parses {@code NAME} or {@code NAME:OFFSET_S}. */
    public static DomainSpec parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new DomainSpec(new DomainName(text), 0);
        }
        String offset = text.substring(colon + 1);
        long seconds;
        try {
            seconds = Long.parseLong(offset);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "invalid domain '" + text + "': offset '" + offset + "' is not a whole number of seconds");
        }
        return new DomainSpec(new DomainName(text.substring(0, colon)), seconds);
    }
}
