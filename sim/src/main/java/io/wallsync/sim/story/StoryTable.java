package io.wallsync.sim.story;

import io.wallsync.core.dom0.SyncPolicy;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Renders story outcomes as the plain-text table {@code wallsync demo} prints. */
public final class StoryTable {
    private static final long SECOND_NS = 1_000_000_000L;

    private StoryTable() {}

    /** The table, one row per policy and guest, followed by a hypercall summary line. */
    public static String render(StoryConfig config, List<PolicyOutcome> outcomes) {
        StringBuilder out = new StringBuilder();
        String format = "%-18s %-7s %-8s %-25s %-16s %s%n";
        out.append(String.format(
                Locale.ROOT,
                format,
                "policy",
                "guest",
                "boots",
                "believed date at boot",
                "error at boot",
                "its wallclock right from"));
        for (PolicyOutcome outcome : outcomes) {
            for (GuestOutcome guest : outcome.guests()) {
                out.append(String.format(
                        Locale.ROOT,
                        format,
                        outcome.policy(),
                        guest.guest().name(),
                        "+" + minutesSeconds(guest.guest().bootAfterHostBootNs()),
                        Instant.ofEpochSecond(0, guest.believedBootEpochNs()),
                        signedDuration(guest.bootErrorNs()),
                        rightFrom(guest)));
            }
        }
        out.append("* a PV guest reads the wallclock only at boot: one that booted wrong keeps its wrong date")
                .append(System.lineSeparator())
                .append(
                        "  until it re-reads it (resume, resync) or its own NTP fixes it; guests booting later are right.")
                .append(System.lineSeparator())
                .append(System.lineSeparator());
        for (PolicyOutcome outcome : outcomes) {
            out.append(String.format(
                    Locale.ROOT,
                    "%-18s %d hypercall(s) in %s: %s%n",
                    outcome.policy(),
                    outcome.pushes().size(),
                    minutesSeconds(config.durationNs()),
                    String.join(
                            ", ",
                            outcome.pushes().stream()
                                    .map(p -> p.reason().name().toLowerCase(Locale.ROOT) + " at +"
                                            + minutesSeconds(p.atNs()))
                                    .toList())));
        }
        return out.toString();
    }

    /** The CLI name of a policy: LEGACY_PERIODIC -> legacy-periodic. */
    public static String policyName(SyncPolicy policy) {
        return policy.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static String rightFrom(GuestOutcome guest) {
        if (guest.rightFromNs().isEmpty()) {
            return "never in this run";
        }
        if (guest.fixedBy().isEmpty()) {
            return "at boot";
        }
        return "+" + minutesSeconds(guest.rightFromNs().getAsLong()) + " ("
                + guest.fixedBy().get().name().toLowerCase(Locale.ROOT) + " push)*";
    }

    /** m:ss for a non-negative duration in ns (whole seconds). */
    public static String minutesSeconds(long ns) {
        long s = ns / SECOND_NS;
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /** A signed error as "0 ns", "+1.500 ms" or "-5h 00m 00s". */
    static String signedDuration(long ns) {
        if (ns == 0) {
            return "0 ns";
        }
        String sign = ns < 0 ? "-" : "+";
        long abs = Math.abs(ns);
        if (abs < SECOND_NS) {
            return String.format(Locale.ROOT, "%s%d ns", sign, abs);
        }
        long s = abs / SECOND_NS;
        long rem = abs % SECOND_NS;
        String base = String.format(Locale.ROOT, "%s%dh %02dm %02ds", sign, s / 3600, (s / 60) % 60, s % 60);
        return rem == 0 ? base : base + String.format(Locale.ROOT, " +%d ns", rem);
    }
}
