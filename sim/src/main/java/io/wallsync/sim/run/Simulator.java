package io.wallsync.sim.run;

import io.wallsync.sim.result.PolicyResult;
import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.scenario.Policy;
import io.wallsync.sim.scenario.Scenario;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Runs every policy of a scenario on the same world and seed. Policies are independent runs, so they
 * may go in parallel on several cores; each run is single-threaded and deterministic, so the result
 * does not depend on the number of threads.
 */
public final class Simulator {
    private final int threads;

    /** @param threads how many policies may run at once, >= 1 */
    public Simulator(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        this.threads = threads;
    }

    /** One thread per core, at most one per policy. */
    public static Simulator forThisMachine() {
        return new Simulator(Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** Progress of a run: virtual time reached per policy, readable from another thread. */
    public static final class Progress {
        private final AtomicLongArray reachedNs;
        private final long totalNs;

        Progress(int policies, long durationNs) {
            this.reachedNs = new AtomicLongArray(policies);
            this.totalNs = durationNs * policies;
        }

        /** Fraction done, 0..1, over all policies. */
        public double fraction() {
            long sum = 0;
            for (int i = 0; i < reachedNs.length(); i++) {
                sum += reachedNs.get(i);
            }
            return totalNs == 0 ? 1 : (double) sum / totalNs;
        }
    }

    /** Creates the progress tracker for a scenario, to pass to {@link #run}. */
    public static Progress progressFor(Scenario scenario) {
        return new Progress(scenario.policies().size(), scenario.durationNs());
    }

    public SimulationResult run(Scenario scenario) {
        return run(scenario, progressFor(scenario));
    }

    public SimulationResult run(Scenario scenario, Progress progress) {
        List<Policy> policies = scenario.policies();
        int n = Math.min(threads, policies.size());
        if (n == 1) {
            List<PolicyResult> results = new ArrayList<>();
            for (int i = 0; i < policies.size(); i++) {
                results.add(runOne(scenario, i, progress));
            }
            return new SimulationResult(scenario, scenario.seed(), results);
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(n, r -> {
            Thread t = new Thread(r, "wallsync-sim");
            t.setDaemon(true);
            return t;
        })) {
            List<Future<PolicyResult>> futures = new ArrayList<>();
            for (int i = 0; i < policies.size(); i++) {
                int index = i;
                futures.add(pool.submit(() -> runOne(scenario, index, progress)));
            }
            List<PolicyResult> results = new ArrayList<>();
            for (Future<PolicyResult> f : futures) {
                results.add(f.get());
            }
            return new SimulationResult(scenario, scenario.seed(), results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("simulation interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private static PolicyResult runOne(Scenario scenario, int index, Progress progress) {
        PolicyRun run = new PolicyRun(scenario, scenario.policies().get(index), scenario.seed());
        return run.run(reached -> progress.reachedNs.set(index, reached));
    }
}
