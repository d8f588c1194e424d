package io.wallsync.sim.result;

import io.wallsync.sim.scenario.Policy;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything measured for one policy on one world.
 *
 * @param policy the policy
 * @param guests one result per guest, in boot order
 * @param maxAbsErrorNs largest |error| of any guest at any sample
 * @param p50AbsErrorNs median |error| over all samples of all guests (within 0.8 %)
 * @param p99AbsErrorNs 99th percentile of the same (within 0.8 %)
 * @param timeToCorrectNs the longest time any guest took from boot to |error| &lt; 1 ms; empty if some
 *     guest never got there
 * @param guestsNeverCorrect guests whose |error| never went below 1 ms
 * @param updates times the published time was updated: settime hypercalls under the Xen policies,
 *     per-tick copies of the host timekeeper under kvm-per-tick
 * @param hypercalls platform_op hypercalls made by dom0
 * @param domainPageWrites shared_info wallclock rewrites (one per domain per settime)
 * @param msrWrites kvmclock wall-clock MSR writes (one per KVM guest boot)
 * @param notifierCalls calls of the policy's gtod notifier callback
 * @param cpuNsPerHour modelled CPU cost per hour of true time, nanoseconds (see CostModel)
 * @param events discrete events the engine fired for this policy
 * @param series error over time
 * @param vmclock what all guests read from their pages' vmclock structures, with the medians
 *     (wallsync policy only)
 */
public record PolicyResult(
        Policy policy,
        List<GuestResult> guests,
        long maxAbsErrorNs,
        long p50AbsErrorNs,
        long p99AbsErrorNs,
        OptionalLong timeToCorrectNs,
        int guestsNeverCorrect,
        long updates,
        long hypercalls,
        long domainPageWrites,
        long msrWrites,
        long notifierCalls,
        double cpuNsPerHour,
        long events,
        ErrorSeries series,
        Optional<VmclockResult> vmclock) {
    public PolicyResult {
        guests = List.copyOf(guests);
    }
}
