package io.wallsync.sim.report;

import java.util.Locale;
import java.util.OptionalLong;

/** Durations and errors for people: three significant figures and a unit that fits. */
public final class Human {
    private Human() {}

    /** e.g. -3.00 h, 66.0 ms, 512 ns. */
    public static String ns(long ns) {
        double abs = Math.abs((double) ns);
        String sign = ns < 0 ? "-" : "";
        if (abs >= 3_600e9) {
            return sign + fig(abs / 3_600e9) + " h";
        }
        if (abs >= 60e9) {
            return sign + fig(abs / 60e9) + " min";
        }
        if (abs >= 1e9) {
            return sign + fig(abs / 1e9) + " s";
        }
        if (abs >= 1e6) {
            return sign + fig(abs / 1e6) + " ms";
        }
        if (abs >= 1e3) {
            return sign + fig(abs / 1e3) + " us";
        }
        return sign + (long) abs + " ns";
    }

    /** As {@link #ns(long)}, or "never" when empty. */
    public static String ns(OptionalLong ns) {
        return ns.isPresent() ? ns(ns.getAsLong()) : "never";
    }

    private static String fig(double v) {
        if (v >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (v >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
