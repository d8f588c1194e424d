package io.wallsync.sim.result;

import io.wallsync.sim.scenario.Scenario;
import java.util.List;

/**
 * The outcome of one simulation: the scenario, the seed used and one result per policy, all on the
 * same world.
 */
public record SimulationResult(Scenario scenario, long seed, List<PolicyResult> policies) {
    public SimulationResult {
        policies = List.copyOf(policies);
    }

    /** Total events fired over all policies. */
    public long events() {
        return policies.stream().mapToLong(PolicyResult::events).sum();
    }
}
