package io.wallsync.sim.report;

import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.result.VmclockResult;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal summary: one line per policy, then boot errors per guest (up to a limit). */
public final class TextTable {
    private TextTable() {}

    /** "never (k of n)" when some guests never got below 1 ms, else the longest time it took. */
    static String toCorrect(PolicyResult p) {
        if (p.timeToCorrectNs().isPresent()) {
            return Human.ns(p.timeToCorrectNs().getAsLong());
        }
        return p.guests().isEmpty()
                ? "-"
                : "never (" + p.guestsNeverCorrect() + "/" + p.guests().size() + ")";
    }

    /**
     * A table whose columns are as wide as their widest cell (header included), two spaces apart:
     * the first {@code leftAligned.length()} columns are left-aligned (names), the rest right-aligned
     * (numbers), so nothing overflows into its neighbour whatever the policy or guest names.
     */
    static final class Columns {
        private final List<String> header;
        private final int left;
        private final List<String[]> rows = new ArrayList<>();

        Columns(List<String> header, String leftAligned) {
            this.header = List.copyOf(header);
            this.left = leftAligned.length();
        }

        void row(String... cells) {
            if (cells.length != header.size()) {
                throw new IllegalArgumentException("expected " + header.size() + " cells, got " + cells.length);
            }
            rows.add(cells);
        }

        void print(PrintWriter out, String indent) {
            int[] width = new int[header.size()];
            for (int c = 0; c < width.length; c++) {
                width[c] = header.get(c).length();
                for (String[] row : rows) {
                    width[c] = Math.max(width[c], row[c].length());
                }
            }
            line(out, indent, header.toArray(String[]::new), width);
            for (String[] row : rows) {
                line(out, indent, row, width);
            }
        }

        private void line(PrintWriter out, String indent, String[] cells, int[] width) {
            StringBuilder b = new StringBuilder(indent);
            for (int c = 0; c < cells.length; c++) {
                if (c > 0) {
                    b.append("  ");
                }
                String pad = " ".repeat(width[c] - cells[c].length());
                b.append(c < left ? cells[c] + pad : pad + cells[c]);
            }
            out.println(b.toString().stripTrailing());
        }
    }

    /** A worst error / bound ratio: three decimals (a violation is above 1.000). */
    static String ratio(double r) {
        return Double.isInfinite(r) ? "inf" : String.format(Locale.ROOT, "%.3f", r);
    }

    /**
     * The vmclock counter path, for the policies that publish it: per policy, then per guest of the
     * first such policy (up to {@code maxGuests}).
     */
    private static void printVmclock(List<PolicyResult> ps, PrintWriter out, int maxGuests) {
        List<PolicyResult> withVmclock =
                ps.stream().filter(p -> p.vmclock().isPresent()).toList();
        if (withVmclock.isEmpty()) {
            return;
        }
        out.println("vmclock counter path (each guest reads its page at the TSC; the bound covers |err| against"
                + " dom0's clock, not against UTC):");
        Columns table = new Columns(
                List.of(
                        "policy",
                        "counter reads",
                        "max|err| dom0",
                        "p50|err| dom0",
                        "p50 bound",
                        "max err/bound",
                        "violations",
                        "max|err| UTC",
                        "UTC > bound+maxerror"),
                "l");
        for (PolicyResult p : withVmclock) {
            VmclockResult v = p.vmclock().orElseThrow();
            table.row(
                    p.policy().id(),
                    v.counterReads() + "/" + v.reads(),
                    Human.ns(v.maxAbsErrorVsHostNs()),
                    Human.ns(v.p50AbsErrorVsHostNs()),
                    Human.ns(v.p50BoundNs()),
                    ratio(v.maxErrorToBound()),
                    Long.toString(v.violations()),
                    Human.ns(v.maxAbsErrorVsUtcNs()),
                    v.utcAboveTotalBound() + "/" + v.synchronisedReads());
        }
        table.print(out, "  ");
        PolicyResult first = withVmclock.getFirst();
        Columns guests = new Columns(
                List.of(
                        "guest",
                        "counter reads",
                        "max|err| dom0",
                        "max err/bound",
                        "violations",
                        "max|err| UTC",
                        "UTC > bound+maxerror"),
                "l");
        int shown = 0;
        for (GuestResult g : first.guests()) {
            if (g.vmclock().isEmpty() || shown == maxGuests) {
                continue;
            }
            shown++;
            VmclockResult v = g.vmclock().get();
            guests.row(
                    g.name(),
                    v.counterReads() + "/" + v.reads(),
                    Human.ns(v.maxAbsErrorVsHostNs()),
                    ratio(v.maxErrorToBound()),
                    Long.toString(v.violations()),
                    Human.ns(v.maxAbsErrorVsUtcNs()),
                    v.utcAboveTotalBound() + "/" + v.synchronisedReads());
        }
        if (shown > 0) {
            out.println("  per guest (" + first.policy().id() + "):");
            guests.print(out, "    ");
        }
        out.println();
    }

    public static void print(SimulationResult result, PrintWriter out, int maxGuests) {
        var s = result.scenario();
        out.printf(
                Locale.ROOT,
                "scenario %s (seed %d): %d guests, %s of true time from %s%n",
                s.name(),
                result.seed(),
                s.guestCount(),
                Human.ns(s.durationNs()),
                s.start());
        if (!s.description().isBlank()) {
            out.println("  " + s.description().strip().replace("\n", "\n  "));
        }
        out.println();
        Columns policies = new Columns(
                List.of(
                        "policy",
                        "max|err|",
                        "p50|err|",
                        "p99|err|",
                        "to <1ms",
                        "updates",
                        "hypercalls",
                        "notifier",
                        "cpu/hour"),
                "l");
        for (PolicyResult p : result.policies()) {
            policies.row(
                    p.policy().id(),
                    Human.ns(p.maxAbsErrorNs()),
                    Human.ns(p.p50AbsErrorNs()),
                    Human.ns(p.p99AbsErrorNs()),
                    toCorrect(p),
                    Long.toString(p.updates()),
                    Long.toString(p.hypercalls()),
                    Long.toString(p.notifierCalls()),
                    Human.ns(Math.round(p.cpuNsPerHour())));
        }
        policies.print(out, "");
        out.println();
        List<PolicyResult> ps = result.policies();
        printVmclock(ps, out, maxGuests);
        if (ps.isEmpty() || ps.getFirst().guests().isEmpty()) {
            out.flush();
            return;
        }
        int guests = ps.getFirst().guests().size();
        out.println("boot error per guest (guest wall time at boot - true UTC):");
        List<String> header = new ArrayList<>(List.of("guest", "kind", "boots at"));
        ps.forEach(p -> header.add(p.policy().id()));
        Columns boots = new Columns(header, "ll");
        for (int i = 0; i < Math.min(guests, maxGuests); i++) {
            GuestResult g = ps.getFirst().guests().get(i);
            List<String> row = new ArrayList<>(List.of(g.name(), g.kind(), Human.ns(g.bootTrueNs())));
            for (PolicyResult p : ps) {
                GuestResult pg = p.guests().get(i);
                row.add(Human.ns(pg.bootErrorNs()) + (pg.bootKnewUnsynchronised() ? " (unsync)" : ""));
            }
            boots.row(row.toArray(String[]::new));
        }
        boots.print(out, "  ");
        if (guests > maxGuests) {
            out.printf(Locale.ROOT, "  ... %d more guests (all of them are in --summary-json)%n", guests - maxGuests);
        }
        out.flush();
    }
}
