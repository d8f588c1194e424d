package io.wallsync.sim.scenario;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as written in scenario files: a decimal number and a unit, e.g. {@code 500us},
 * {@code 1.5s}, {@code -3h}, {@code 11m}, {@code 1d}, or several added up, {@code 2h10m}. Units: ns,
 * us, ms, s, m (minutes), h, d.
 */
public final class Durations {
    private static final String PART = "(\\d+(?:\\.\\d+)?)(ns|us|ms|s|m|h|d)";
    private static final Pattern DURATION = Pattern.compile("([+-]?)((?:" + PART + ")+)");
    private static final Pattern COMPONENT = Pattern.compile(PART);

    private Durations() {}

    /**
     * The duration in nanoseconds, or empty if {@code text} is not a duration or is not a whole ns.
     * Components add up: {@code 2h10m} is 130 minutes; a sign applies to the whole.
     */
    public static Optional<Long> parseNs(String text) {
        Matcher whole = DURATION.matcher(text.strip());
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
        if (whole.group(1).equals("-")) {
            total = total.negate();
        }
        try {
            return Optional.of(total.longValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    /** A short human form: the largest unit that divides the value, e.g. 660 s -> "11m". */
    public static String format(long ns) {
        String[] units = {"d", "h", "m", "s", "ms", "us"};
        long[] sizes = {86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L};
        for (int i = 0; i < units.length; i++) {
            if (ns != 0 && ns % sizes[i] == 0) {
                return ns / sizes[i] + units[i];
            }
        }
        return ns + "ns";
    }
}
