package io.wallsync.sim.scenario;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * How much work a scenario asks for, counted from the scenario alone before anything runs: engine
 * events per policy run (host ticks, sample instants, NTP polls, guest re-reads, boots, shutdowns,
 * world events) and the oscillators' 10-second random-walk steps. {@link ScenarioLoader} refuses a
 * scenario above {@link #MAX_EVENTS} or {@link #MAX_SAMPLE_INSTANTS} and names the field that
 * contributes most, so {@code tick: 1ns} over hours is a message, not a run that never ends.
 *
 * <p>Counts are doubles: an absurd scenario must be measured, not overflow a long.
 *
 * @param policies how many policy runs (each repeats every event)
 * @param parts the contributions per policy run, largest first
 */
public record RunEstimate(int policies, List<Part> parts) {
    /**
     * Engine events over all policy runs. The engine does 1 to 5 million events per second per
     * thread on the 2-core development machine (docs/simulator.md, Speed), so this is minutes.
     */
    public static final double MAX_EVENTS = 1e9;

    /**
     * Sample instants per policy: each keeps one row of the error series (44 bytes) for the CSV
     * and plots, so 5 million is about 220 MB per policy.
     */
    public static final double MAX_SAMPLE_INSTANTS = 5e6;

    /** The random walk of each oscillator advances on this fixed grid of true time. */
    static final long WANDER_STEP_NS = 10_000_000_000L;

    /**
     * One contribution: {@code count} per policy run, caused by {@code field} (a dotted path as in
     * error messages), in words {@code what}.
     */
    public record Part(String field, String what, double count) {}

    public RunEstimate {
        parts = parts.stream()
                .sorted(Comparator.comparingDouble(Part::count).reversed())
                .toList();
    }

    /** Events of one policy run. */
    public double eventsPerPolicy() {
        return parts.stream().mapToDouble(Part::count).sum();
    }

    /** Events of the whole run, over all policies. */
    public double events() {
        return eventsPerPolicy() * policies;
    }

    /** The largest contribution. */
    public Part largest() {
        return parts.getFirst();
    }

    /** Counts what {@code scenario} asks for. */
    public static RunEstimate of(Scenario scenario) {
        double duration = scenario.durationNs();
        List<Part> parts = new ArrayList<>();
        parts.add(new Part("tick", "host ticks", Math.floor(duration / scenario.tickNs())));
        parts.add(new Part(
                "sample_interval",
                "sample instants",
                sampleInstants(scenario.durationNs(), scenario.sampleIntervalNs())));
        NtpSpec ntp = scenario.host().ntp();
        double polls = !ntp.enabled() || ntp.firstPollNs() >= scenario.durationNs()
                ? 0
                : Math.floor((duration - ntp.firstPollNs()) / ntp.pollIntervalNs()) + 1;
        parts.add(new Part("host.ntp.poll_interval", "NTP polls", polls));
        List<GuestGroup> guests = scenario.guests();
        for (int i = 0; i < guests.size(); i++) {
            GuestGroup g = guests.get(i);
            if (g.rereadIntervalNs() > 0) {
                double lifetime = Math.min(g.shutdownAtNs(), scenario.durationNs()) - g.bootAtNs();
                parts.add(new Part(
                        "guests[" + i + "].reread_interval",
                        g.count() == 1 ? "re-reads of its 1 guest" : "re-reads of its " + g.count() + " guests",
                        g.count() * Math.floor(Math.max(0, lifetime) / g.rereadIntervalNs())));
            }
        }
        parts.add(new Part("guests", "boots and shutdowns", 2.0 * scenario.guestCount()));
        parts.add(new Part("events", "world events", 2.0 * scenario.events().size()));
        parts.add(new Part("duration", "oscillator random-walk steps", 2 * Math.floor(duration / WANDER_STEP_NS)));
        return new RunEstimate(scenario.policies().size(), parts);
    }

    /** Samples at 0, interval, 2 x interval, ... up to the duration. */
    static double sampleInstants(long durationNs, long sampleIntervalNs) {
        return Math.floor((double) durationNs / sampleIntervalNs) + 1;
    }
}
