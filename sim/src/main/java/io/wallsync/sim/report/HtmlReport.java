package io.wallsync.sim.report;

import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.result.VmclockResult;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.knowm.xchart.XYChart;

/**
 * {@code --report DIR}: an HTML page with the policy table, the boot error of each guest and the two
 * plots, plus summary.json and series.csv next to it. Self-contained: open DIR/index.html.
 */
public final class HtmlReport {
    /** Guests listed in the HTML table; the JSON has all of them. */
    static final int MAX_GUEST_ROWS = 200;

    private HtmlReport() {}

    /** Writes the report into {@code dir} (created if needed) and returns the path of index.html. */
    public static Path write(SimulationResult result, Path dir) throws IOException {
        Files.createDirectories(dir);
        Plots.save(Plots.errorCharts(result), dir.resolve("error.png"));
        Plots.save(Plots.costChart(result), dir.resolve("cost.png"));
        Optional<XYChart> vmclock = Plots.vmclockChart(result);
        if (vmclock.isPresent()) {
            Plots.save(vmclock.get(), dir.resolve("vmclock.png"));
        } else {
            Files.deleteIfExists(dir.resolve("vmclock.png"));
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("summary.json"), StandardCharsets.UTF_8)) {
            SummaryJson.write(result, w);
        }
        try (Writer w = Files.newBufferedWriter(dir.resolve("series.csv"), StandardCharsets.UTF_8)) {
            SeriesCsv.write(result, w);
        }
        Path index = dir.resolve("index.html");
        Files.writeString(index, html(result), StandardCharsets.UTF_8);
        return index;
    }

    static String html(SimulationResult result) {
        var s = result.scenario();
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>wallsync simulation: ")
                .append(esc(s.name()))
                .append("</title>\n<style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;"
                        + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
                        + "img{max-width:100%}</style></head><body>\n");
        b.append("<h1>Scenario ")
                .append(esc(s.name()))
                .append("</h1>\n<p>")
                .append(esc(s.description()))
                .append("</p>\n<p>Seed ")
                .append(result.seed())
                .append(", ")
                .append(s.guestCount())
                .append(" guests, ")
                .append(esc(Human.ns(s.durationNs())))
                .append(" of true time from ")
                .append(esc(s.start().toString()))
                .append(". Every policy ran on the same world (same oscillators, RTC, NTP noise, events).</p>\n");
        b.append("<h2>Policies</h2>\n<table><tr><th>policy</th><th>max |error|</th><th>p50 |error|</th>"
                + "<th>p99 |error|</th><th>time to |error| &lt; 1 ms</th><th>updates</th><th>hypercalls</th>"
                + "<th>page writes</th><th>MSR writes</th><th>notifier calls</th><th>CPU per hour</th></tr>\n");
        for (PolicyResult p : result.policies()) {
            b.append("<tr><td>").append(esc(p.policy().id())).append("</td>");
            cell(b, Human.ns(p.maxAbsErrorNs()));
            cell(b, Human.ns(p.p50AbsErrorNs()));
            cell(b, Human.ns(p.p99AbsErrorNs()));
            cell(b, TextTable.toCorrect(p));
            cell(b, Long.toString(p.updates()));
            cell(b, Long.toString(p.hypercalls()));
            cell(b, Long.toString(p.domainPageWrites()));
            cell(b, Long.toString(p.msrWrites()));
            cell(b, Long.toString(p.notifierCalls()));
            cell(b, Human.ns(Math.round(p.cpuNsPerHour())));
            b.append("</tr>\n");
        }
        b.append("</table>\n<p>Errors are guest wall time minus true UTC over every sample of every running guest. "
                + "CPU cost is modelled from the counts and the scenario's cost table, not measured.</p>\n");
        b.append(
                "<h2>Error over time</h2>\n<p>Top: the error of the date a guest booting at that instant would read "
                        + "(W + system time, or the host clock under KVM). Bottom: the median error of the guests running "
                        + "then. Below 1 us is drawn at 1 us.</p>\n<img src=\"error.png\" alt=\"guest error against time per policy\">\n");
        vmclockSection(result, b);
        b.append("<h2>Cost</h2>\n<img src=\"cost.png\" alt=\"modelled CPU cost per hour per policy\">\n");
        List<PolicyResult> ps = result.policies();
        if (!ps.isEmpty() && !ps.getFirst().guests().isEmpty()) {
            int guests = ps.getFirst().guests().size();
            b.append("<h2>Boot error per guest</h2>\n<table><tr><th>guest</th><th>kind</th><th>boots at</th>");
            for (PolicyResult p : ps) {
                b.append("<th>").append(esc(p.policy().id())).append("</th>");
            }
            b.append("</tr>\n");
            for (int i = 0; i < Math.min(guests, MAX_GUEST_ROWS); i++) {
                GuestResult g = ps.getFirst().guests().get(i);
                b.append("<tr><td>").append(esc(g.name())).append("</td>");
                cell(b, g.kind());
                cell(b, Human.ns(g.bootTrueNs()));
                for (PolicyResult p : ps) {
                    GuestResult pg = p.guests().get(i);
                    cell(
                            b,
                            Human.ns(pg.bootErrorNs())
                                    + (pg.bootKnewUnsynchronised() ? " (knew: unsynchronised)" : ""));
                }
                b.append("</tr>\n");
            }
            b.append("</table>\n");
            if (guests > MAX_GUEST_ROWS) {
                b.append(String.format(
                        Locale.ROOT, "<p>%d more guests in summary.json.</p>\n", guests - MAX_GUEST_ROWS));
            }
        }
        b.append(
                "<p>Data: <a href=\"summary.json\">summary.json</a>, <a href=\"series.csv\">series.csv</a>.</p>\n</body></html>\n");
        return b.toString();
    }

    /** The vmclock counter path: a table per policy and per guest, and the plot (when any read one). */
    private static void vmclockSection(SimulationResult result, StringBuilder b) {
        List<PolicyResult> ps =
                result.policies().stream().filter(p -> p.vmclock().isPresent()).toList();
        if (ps.isEmpty()) {
            return;
        }
        b.append("<h2>vmclock counter path</h2>\n<p>At every sample each guest reads its page's vmclock structure "
                + "at the TSC (as Linux's ptp_vmclock does): the time there, its error against dom0's CLOCK_REALTIME "
                + "plus the domain's offset (what the daemon calibrates against, and what the published maximum error "
                + "covers) and against true UTC (dom0's own NTP error is not in the bound). A violation is an error "
                + "against dom0 above the bound.</p>\n");
        b.append("<table><tr><th>policy / guest</th><th>counter reads</th><th>max |error| vs dom0</th>"
                + "<th>p50 |error| vs dom0</th><th>p50 bound</th><th>max bound</th><th>max error / bound</th>"
                + "<th>violations</th><th>max |error| vs UTC</th><th>UTC error above bound</th>"
                + "<th>UTC error above bound + host maxerror / synchronised reads</th></tr>\n");
        for (PolicyResult p : ps) {
            vmclockRow(b, p.policy().id(), p.vmclock().get(), true);
            int shown = 0;
            for (GuestResult g : p.guests()) {
                if (g.vmclock().isPresent() && shown++ < MAX_GUEST_ROWS) {
                    vmclockRow(b, "\u00a0\u00a0" + g.name(), g.vmclock().get(), false);
                }
            }
        }
        b.append("</table>\n");
        if (ps.stream().anyMatch(p -> p.vmclock().get().counterReads() > 0)) {
            b.append("<p>Per policy: the largest error of the guests' reads against dom0's clock, the smallest bound "
                    + "published with them, both at the instant of each bucket where the error is closest to its "
                    + "bound (so the gap between the lines is the bucket's least margin), and the largest error "
                    + "against true UTC (each bucket's peak); below 1 ns drawn at 1 ns.</p>\n"
                    + "<img src=\"vmclock.png\" alt=\"vmclock error against the published bound over time\">\n");
        }
    }

    private static void vmclockRow(StringBuilder b, String name, VmclockResult v, boolean medians) {
        b.append("<tr><td>").append(esc(name)).append("</td>");
        cell(b, v.counterReads() + "/" + v.reads());
        cell(b, Human.ns(v.maxAbsErrorVsHostNs()));
        cell(b, medians ? Human.ns(v.p50AbsErrorVsHostNs()) : "");
        cell(b, medians ? Human.ns(v.p50BoundNs()) : "");
        cell(b, Human.ns(v.maxBoundNs()));
        cell(b, TextTable.ratio(v.maxErrorToBound()));
        cell(b, Long.toString(v.violations()));
        cell(b, Human.ns(v.maxAbsErrorVsUtcNs()));
        cell(b, Long.toString(v.utcAboveBound()));
        cell(b, v.utcAboveTotalBound() + "/" + v.synchronisedReads());
        b.append("</tr>\n");
    }

    private static void cell(StringBuilder b, String text) {
        b.append("<td>").append(esc(text)).append("</td>");
    }

    static String esc(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
