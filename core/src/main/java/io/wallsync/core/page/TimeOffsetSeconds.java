package io.wallsync.core.page;

import java.util.regex.Pattern;

/**
 * A domain's wall clock offset in whole seconds, as the page publishes it: the s32
 * {@code time_offset_sec} of the extension ({@link PageExtensionLayout#TIME_OFFSET_SEC_OFFSET}),
 * so -2^31..2^31-1 s (about ±68 years). Every entry point that takes an offset (serve {@code
 * --domain NAME:OFFSET}, control {@code set-offset}/{@code add}, a scenario's {@code time_offset})
 * goes through {@link #of(long)} or {@link #parse(String)}, so a value the page cannot carry is
 * refused in one place, with one message, instead of being cut to 32 bits.
 *
 * @param seconds the offset; any int is a valid one
 */
public record TimeOffsetSeconds(int seconds) {
    /** Smallest offset: -2^31 s. */
    public static final long MIN_SECONDS = Integer.MIN_VALUE;

    /** Largest offset: 2^31 - 1 s. */
    public static final long MAX_SECONDS = Integer.MAX_VALUE;

    /** No offset. */
    public static final TimeOffsetSeconds ZERO = new TimeOffsetSeconds(0);

    private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");

    /**
     * The offset {@code seconds}, if the page can carry it.
     *
     * @throws IllegalArgumentException naming the value and the range otherwise
     */
    public static TimeOffsetSeconds of(long seconds) {
        if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) {
            throw outOfRange(Long.toString(seconds));
        }
        return new TimeOffsetSeconds((int) seconds);
    }

    /**
     * Parses a whole number of seconds ({@code -3600}, {@code +60}, {@code 0}).
     *
     * @throws IllegalArgumentException if {@code text} is not an integer, or is outside the range
     *     (including integers too long for a long)
     */
    public static TimeOffsetSeconds parse(String text) {
        if (text == null || !INTEGER.matcher(text).matches()) {
            throw new IllegalArgumentException("offset '" + text + "' is not a whole number of seconds");
        }
        try {
            return of(Long.parseLong(text));
        } catch (NumberFormatException e) {
            // Only the length can fail now: an integer beyond ±2^63 is beyond ±2^31 too.
            throw outOfRange(text);
        }
    }

    private static IllegalArgumentException outOfRange(String value) {
        return new IllegalArgumentException("time offset " + value + " s out of range: expected " + MIN_SECONDS + ".."
                + MAX_SECONDS + " s (the page's time_offset_sec is an s32)");
    }

    @Override
    public String toString() {
        return seconds + " s";
    }
}
