package io.wallsync.sim.report;

import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import java.io.PrintWriter;
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
        String fmt = "%-18s %10s %10s %10s %14s %9s %10s %11s %12s%n";
        out.printf(
                Locale.ROOT,
                fmt,
                "policy",
                "max|err|",
                "p50|err|",
                "p99|err|",
                "to <1ms",
                "updates",
                "hypercalls",
                "notifier",
                "cpu/hour");
        for (PolicyResult p : result.policies()) {
            out.printf(
                    Locale.ROOT,
                    fmt,
                    p.policy().id(),
                    Human.ns(p.maxAbsErrorNs()),
                    Human.ns(p.p50AbsErrorNs()),
                    Human.ns(p.p99AbsErrorNs()),
                    toCorrect(p),
                    p.updates(),
                    p.hypercalls(),
                    p.notifierCalls(),
                    Human.ns(Math.round(p.cpuNsPerHour())));
        }
        out.println();
        List<PolicyResult> ps = result.policies();
        if (ps.isEmpty() || ps.getFirst().guests().isEmpty()) {
            return;
        }
        int guests = ps.getFirst().guests().size();
        out.println("boot error per guest (guest wall time at boot - true UTC):");
        StringBuilder header =
                new StringBuilder(String.format(Locale.ROOT, "  %-16s %-4s %10s", "guest", "kind", "boots at"));
        for (PolicyResult p : ps) {
            header.append(String.format(Locale.ROOT, " %18s", p.policy().id()));
        }
        out.println(header);
        for (int i = 0; i < Math.min(guests, maxGuests); i++) {
            GuestResult g = ps.getFirst().guests().get(i);
            StringBuilder row = new StringBuilder(
                    String.format(Locale.ROOT, "  %-16s %-4s %10s", g.name(), g.kind(), Human.ns(g.bootTrueNs())));
            for (PolicyResult p : ps) {
                GuestResult pg = p.guests().get(i);
                String cell = Human.ns(pg.bootErrorNs()) + (pg.bootKnewUnsynchronised() ? " (unsync)" : "");
                row.append(String.format(Locale.ROOT, " %18s", cell));
            }
            out.println(row);
        }
        if (guests > maxGuests) {
            out.printf(Locale.ROOT, "  ... %d more guests (all of them are in --summary-json)%n", guests - maxGuests);
        }
        out.flush();
    }
}
