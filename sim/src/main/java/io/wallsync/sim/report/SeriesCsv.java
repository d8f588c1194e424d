package io.wallsync.sim.report;

import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import java.io.IOException;
import java.io.Writer;

/**
 * The error series as CSV, one row per policy and sample instant:
 * {@code policy,time_ns,live_guests,max_abs_error_ns,mean_abs_error_ns,median_abs_error_ns,published_error_ns,}
 * {@code vmclock_max_abs_error_vs_dom0_ns,vmclock_max_abs_error_vs_utc_ns,vmclock_min_bound_ns}; the
 * vmclock cells are empty where no guest read a usable counter (and for policies without one).
 */
public final class SeriesCsv {
    public static final String HEADER =
            "policy,time_ns,live_guests,max_abs_error_ns,mean_abs_error_ns,median_abs_error_ns,published_error_ns,"
                    + "vmclock_max_abs_error_vs_dom0_ns,vmclock_max_abs_error_vs_utc_ns,vmclock_min_bound_ns";

    private SeriesCsv() {}

    public static void write(SimulationResult result, Writer out) throws IOException {
        out.write(HEADER);
        out.write('\n');
        StringBuilder row = new StringBuilder(96);
        for (PolicyResult p : result.policies()) {
            ErrorSeries s = p.series();
            for (int i = 0; i < s.size(); i++) {
                row.setLength(0);
                row.append(p.policy().id())
                        .append(',')
                        .append(s.timeNs(i))
                        .append(',')
                        .append(s.liveGuests(i))
                        .append(',')
                        .append(s.maxAbsErrorNs(i))
                        .append(',')
                        .append(s.meanAbsErrorNs(i))
                        .append(',')
                        .append(s.medianAbsErrorNs(i))
                        .append(',')
                        .append(s.publishedErrorNs(i));
                optional(row, s.vmclockMaxAbsErrorVsHostNs(i));
                optional(row, s.vmclockMaxAbsErrorVsUtcNs(i));
                optional(row, s.vmclockMinBoundNs(i));
                row.append('\n');
                out.write(row.toString());
            }
        }
    }

    /** A comma and the value, or only the comma for -1 (no value). */
    private static void optional(StringBuilder row, long value) {
        row.append(',');
        if (value >= 0) {
            row.append(value);
        }
    }
}
