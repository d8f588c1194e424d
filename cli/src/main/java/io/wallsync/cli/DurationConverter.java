package io.wallsync.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;

/**
 * Parses positive durations like {@code 500ms}, {@code 30s}, {@code 11m}, {@code 2h} or ISO-8601
 * {@code PT11M}. Every duration option of the command (serve's --period and --heartbeat, read's
 * --poll) is an interval, so zero, negative and overflowing values are usage errors here, before
 * anything runs.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    private static final Pattern SIMPLE = Pattern.compile("(\\d+)(ms|s|m|h)");
    private static final String EXPECTED = "expected a positive duration such as 500ms, 30s, 11m, 2h or PT11M";

    @Override
    public Duration convert(String value) {
        Duration d;
        try {
            d = parse(value.trim());
        } catch (DateTimeParseException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration: " + EXPECTED);
        } catch (ArithmeticException e) {
            d = ChronoUnit.FOREVER.getDuration(); // more seconds than a long holds
        }
        try {
            d.toNanos(); // the daemon and readers schedule in long nanoseconds: at most about 292 years
        } catch (ArithmeticException e) {
            throw new CommandLine.TypeConversionException(
                    "'" + value + "' is too long: " + EXPECTED + " (at most 292 years)");
        }
        if (d.isZero() || d.isNegative()) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not positive: " + EXPECTED);
        }
        return d;
    }

    private static Duration parse(String value) {
        Matcher m = SIMPLE.matcher(value);
        if (!m.matches()) {
            return Duration.parse(value);
        }
        if (m.group(1).length() > 18) { // beyond any long: surely too long
            return ChronoUnit.FOREVER.getDuration();
        }
        long n = Long.parseLong(m.group(1)); // Duration.ofHours etc. throw ArithmeticException past a long
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }
}
