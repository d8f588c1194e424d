package io.wallsync.sim.report;

import io.wallsync.sim.result.ErrorSeries;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import java.io.IOException;
import java.io.Writer;

/**
 * The error series as CSV, one row per policy and sample instant:
 * {@code policy,time_ns,live_guests,max_abs_error_ns,mean_abs_error_ns,median_abs_error_ns,published_error_ns}.
 */
public final class SeriesCsv {
    public static final String HEADER =
            "policy,time_ns,live_guests,max_abs_error_ns,mean_abs_error_ns,median_abs_error_ns,published_error_ns";

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
                        .append(s.publishedErrorNs(i))
                        .append('\n');
                out.write(row.toString());
            }
        }
    }
}
