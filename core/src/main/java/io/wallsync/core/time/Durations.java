package io.wallsync.core.time;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one duration grammar of wallsync, for scenario files and command-line options alike: a
 * decimal number and a unit, e.g. {@code 500us}, {@code 1.5s}, {@code -3h}, {@code 11m}, {@code
 * 1d}, or several added up, {@code 2h10m}, or ISO-8601 such as {@code PT11M}. Units: ns, us, ms, s,
 * m (minutes), h, d. Values are whole nanoseconds in a {@code long} (at most about 292 years).
 *
 * <p>Problems are described by {@link #parse} in the same words wherever the value came from, so
 * {@code tick: 0s} in a scenario and {@code --period 0s} on the command line read alike.
 */
public final class Durations {
    private static final String PART = "(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h|d)";
    private static final Pattern DURATION = Pattern.compile("([+-]?)((?:" + PART + ")+)");
    private static final Pattern COMPONENT = Pattern.compile(PART);
    private static final Pattern ISO = Pattern.compile("[+-]?P.*", Pattern.CASE_INSENSITIVE);
    /** Stands for any value too large for a long (only its size matters). */
    private static final BigDecimal BEYOND_LONG = BigDecimal.TEN.pow(30);

    private static final String EXAMPLES = "such as 500us, 1.5s, 11m, 2h, 1d or PT11M";

    private Durations() {}

    /** What a field or option expects, for messages: "a duration such as 500us, ...". */
    public static String expected(boolean positive) {
        return (positive ? "a positive duration " : "a duration ") + EXAMPLES;
    }

    /** A parsed duration, or what is wrong with the text. */
    public sealed interface Parsed {
        /** The value in nanoseconds. */
        record Ok(long ns) implements Parsed {}

        /** Not acceptable; {@code problem} quotes the text and says what is expected. */
        record Bad(String problem) implements Parsed {}
    }

    /**
     * Parses {@code text}; with {@code positive}, zero and negative values are problems too (every
     * interval: ticks, periods, polls).
     */
    public static Parsed parse(String text, boolean positive) {
        String quoted = "'" + text + "'";
        Optional<BigDecimal> exact = exactNs(text.strip());
        if (exact.isEmpty()) {
            return new Parsed.Bad(quoted + " is not a duration: expected " + expected(positive));
        }
        BigDecimal ns = exact.get();
        if (ns.stripTrailingZeros().scale() > 0) {
            return new Parsed.Bad(quoted + " is not a whole number of nanoseconds: expected " + expected(positive));
        }
        long value;
        try {
            value = ns.longValueExact();
        } catch (ArithmeticException e) {
            return new Parsed.Bad(quoted + " is too long: expected " + (positive ? "a positive" : "a")
                    + " duration of at most 292 years (durations are counted in 64-bit nanoseconds)");
        }
        if (positive && value <= 0) {
            return new Parsed.Bad(quoted + " is not positive: expected " + expected(true));
        }
        return new Parsed.Ok(value);
    }

    /**
     * The duration in nanoseconds, or empty if {@code text} is not a duration, is not a whole ns or
     * does not fit a long. Components add up: {@code 2h10m} is 130 minutes; a sign applies to the
     * whole.
     */
    public static Optional<Long> parseNs(String text) {
        return parse(text, false) instanceof Parsed.Ok ok ? Optional.of(ok.ns()) : Optional.empty();
    }

    /** The exact value in nanoseconds (possibly fractional or beyond a long), or empty if no duration. */
    private static Optional<BigDecimal> exactNs(String text) {
        if (ISO.matcher(text).matches()) {
            try {
                Duration d = Duration.parse(text);
                return Optional.of(BigDecimal.valueOf(d.getSeconds())
                        .multiply(BigDecimal.valueOf(1_000_000_000L))
                        .add(BigDecimal.valueOf(d.getNano())));
            } catch (DateTimeParseException e) {
                // Well-formed but beyond a long of seconds (Duration.parse wraps the arithmetic error):
                // report it as too long, like the unit form; anything else is not a duration.
                boolean overflow =
                        e.getCause() instanceof ArithmeticException || e.getCause() instanceof NumberFormatException;
                return overflow ? Optional.of(BEYOND_LONG) : Optional.empty();
            }
        }
        Matcher whole = DURATION.matcher(text);
        if (!whole.matches()) {
            return Optional.empty();
        }
        BigDecimal total = BigDecimal.ZERO;
        Matcher m = COMPONENT.matcher(whole.group(2));
        while (m.find()) {
            long unitNs = switch (m.group(2)) {
                case "ns" -> 1L;
                case "us" -> 1_000L;
                case "ms" -> 1_000_000L;
                case "s" -> 1_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "h" -> 3_600_000_000_000L;
                default -> 86_400_000_000_000L;
            };
            total = total.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unitNs)));
        }
        return Optional.of(whole.group(1).equals("-") ? total.negate() : total);
    }

    /**
     * A short human form that {@link #parse} reads back: the largest unit that divides the value,
     * e.g. 660 s -> "11m", 1.5 s -> "1500ms", 0 -> "0s". Logs and messages print durations this way.
     */
    public static String format(long ns) {
        if (ns == 0) {
            return "0s";
        }
        String[] units = {"d", "h", "m", "s", "ms", "us"};
        long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (ns % sizes[i] == 0) {
                return ns / sizes[i] + units[i];
            }
        }
        return ns + "ns";
    }

    /** As {@link #format(long)} for a {@link Duration} (which must fit a long of nanoseconds). */
    public static String format(Duration d) {
        return format(d.toNanos());
    }
}
