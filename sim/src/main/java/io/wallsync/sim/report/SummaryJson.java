package io.wallsync.sim.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.result.VmclockResult;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The summary JSON (fields documented in docs/simulator.md): the scenario, the seed and one object per
 * policy with errors in ns and counts. Keys are snake_case and in a fixed order; a value that does
 * not exist (a guest that never got below 1 ms) is {@code null}.
 */
public final class SummaryJson {
    /** Version of this format; bumped when a field changes meaning. */
    public static final int FORMAT_VERSION = 1;

    private SummaryJson() {}

    /** The summary as a tree of maps and lists, in output order. */
    public static Map<String, Object> tree(SimulationResult result) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("format_version", FORMAT_VERSION);
        root.put("scenario", result.scenario().name());
        root.put("seed", result.seed());
        root.put("start_utc", result.scenario().start().toString());
        root.put("duration_ns", result.scenario().durationNs());
        root.put("guests", result.scenario().guestCount());
        Map<String, Object> policies = new LinkedHashMap<>();
        for (PolicyResult p : result.policies()) {
            policies.put(p.policy().id(), policy(p));
        }
        root.put("policies", policies);
        return root;
    }

    private static Map<String, Object> policy(PolicyResult p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("max_abs_error_ns", p.maxAbsErrorNs());
        m.put("p50_abs_error_ns", p.p50AbsErrorNs());
        m.put("p99_abs_error_ns", p.p99AbsErrorNs());
        m.put(
                "time_to_correct_ns",
                p.timeToCorrectNs().isPresent() ? p.timeToCorrectNs().getAsLong() : null);
        m.put("guests_never_correct", p.guestsNeverCorrect());
        m.put("updates", p.updates());
        m.put("hypercalls", p.hypercalls());
        m.put("domain_page_writes", p.domainPageWrites());
        m.put("msr_writes", p.msrWrites());
        m.put("notifier_calls", p.notifierCalls());
        m.put("cpu_ns_per_hour", Math.round(p.cpuNsPerHour()));
        m.put("events", p.events());
        m.put("vmclock", p.vmclock().map(SummaryJson::policyVmclock).orElse(null));
        Map<String, Object> boot = new LinkedHashMap<>();
        List<Map<String, Object>> guests = new ArrayList<>();
        for (GuestResult g : p.guests()) {
            boot.put(g.name(), g.bootErrorNs());
            Map<String, Object> gm = new LinkedHashMap<>();
            gm.put("name", g.name());
            gm.put("kind", g.kind());
            gm.put("boot_true_ns", g.bootTrueNs());
            gm.put("boot_error_ns", g.bootErrorNs());
            gm.put("boot_knew_unsynchronised", g.bootKnewUnsynchronised());
            gm.put("max_abs_error_ns", g.maxAbsErrorNs());
            gm.put(
                    "time_to_correct_ns",
                    g.timeToCorrectNs().isPresent() ? g.timeToCorrectNs().getAsLong() : null);
            gm.put("samples", g.samples());
            gm.put("vmclock", g.vmclock().map(SummaryJson::vmclock).orElse(null));
            guests.add(gm);
        }
        m.put("boot_error_ns", boot);
        m.put("guests", guests);
        return m;
    }

    /** The vmclock reads of a policy or a guest (the medians only for a policy). */
    private static Map<String, Object> vmclock(VmclockResult v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("reads", v.reads());
        m.put("counter_reads", v.counterReads());
        m.put("max_abs_error_vs_dom0_ns", v.maxAbsErrorVsHostNs());
        m.put("max_abs_error_vs_utc_ns", v.maxAbsErrorVsUtcNs());
        m.put("max_error_to_bound", v.maxErrorToBound());
        m.put("violations", v.violations());
        m.put("utc_above_bound", v.utcAboveBound());
        m.put("synchronised_reads", v.synchronisedReads());
        m.put("utc_above_bound_plus_host_maxerror", v.utcAboveTotalBound());
        m.put("max_bound_ns", v.maxBoundNs());
        return m;
    }

    /** As {@link #vmclock(VmclockResult)}, with the medians a policy keeps. */
    private static Map<String, Object> policyVmclock(VmclockResult v) {
        Map<String, Object> m = vmclock(v);
        m.put("p50_bound_ns", v.p50BoundNs());
        m.put("p50_abs_error_vs_dom0_ns", v.p50AbsErrorVsHostNs());
        return m;
    }

    public static void write(SimulationResult result, Writer out) throws IOException {
        new ObjectMapper()
                .enable(SerializationFeature.INDENT_OUTPUT)
                .disable(com.fasterxml.jackson.core.JsonGenerator.Feature.AUTO_CLOSE_TARGET)
                .writeValue(out, tree(result));
    }
}
