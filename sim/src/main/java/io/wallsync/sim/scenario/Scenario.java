package io.wallsync.sim.scenario;

import java.time.Instant;
import java.util.List;

/**
 * A complete, validated simulation input: the world, the host, the hypervisor, the guests and the
 * policies to compare. Built by {@link ScenarioLoader}; see docs/simulator.md for the YAML schema.
 *
 * @param name short name
 * @param description what the scenario shows
 * @param start true UTC at host boot (true time 0)
 * @param durationNs length of the run in true time
 * @param seed default seed of the random streams (the command line can override it)
 * @param tickNs host timekeeper tick (the KVM per-tick copy happens at this period)
 * @param sampleIntervalNs how often every running guest's error is measured
 * @param policies the policies to run, each on the same world
 */
public record Scenario(
        String name,
        String description,
        Instant start,
        long durationNs,
        long seed,
        long tickNs,
        long sampleIntervalNs,
        List<Policy> policies,
        HostSpec host,
        HypervisorSpec hypervisor,
        CostModel costs,
        List<WorldEvent> events,
        List<GuestGroup> guests) {

    public Scenario {
        policies = List.copyOf(policies);
        events = List.copyOf(events);
        guests = List.copyOf(guests);
    }

    /** The same scenario with another seed. */
    public Scenario withSeed(long newSeed) {
        return new Scenario(
                name,
                description,
                start,
                durationNs,
                newSeed,
                tickNs,
                sampleIntervalNs,
                policies,
                host,
                hypervisor,
                costs,
                events,
                guests);
    }

    /** Total number of guests over all groups. */
    public int guestCount() {
        return guests.stream().mapToInt(GuestGroup::count).sum();
    }
}
