package io.wallsync.bench;

import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.run.Simulator;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Simulator speed: one operation is a whole scenario run (all four policies, one after another on
 * one thread), and the {@code events} and {@code guestSamples} counters report discrete events and
 * guest error samples per second. Sizes are
 * "guests x hours" of a world with every fault the large scenario has (bad RTC, NTP step, wander,
 * suspend, admin step) and the same sampling (every guest every 60 s, 1 s ticks), so the rows show
 * how the cost grows with guests at a fixed duration (10, 100, 1000 guests over 6 h) and with
 * duration at a fixed size (100 guests over 1, 6, 24 h), plus the large scenario itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class SimulatorBenchmark {
    @Param({"10x6", "100x6", "1000x6", "100x1", "100x24", "1000x24"})
    public String size;

    private Scenario scenario;
    private Simulator simulator;

    /**
     * Events fired and guest samples taken (one guest's error measured once), reported by JMH as
     * rates per second.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long events;
        public long guestSamples;
    }

    @Setup(Level.Trial)
    public void setup() throws ScenarioException {
        String[] parts = size.split("x");
        int guests = Integer.parseInt(parts[0]);
        int hours = Integer.parseInt(parts[1]);
        scenario = ScenarioLoader.parse("bench-" + size, yaml(guests, hours));
        simulator = new Simulator(1);
    }

    static String yaml(int guests, int hours) {
        int follow = guests * 4 / 10;
        int bootOnly = guests * 3 / 10;
        int hvm = guests - follow - bootOnly;
        StringBuilder y = new StringBuilder();
        y.append(String.format(Locale.ROOT, """
                name: bench
                duration: %dh
                sample_interval: 60s
                host:
                  oscillator: {ppm: 15, wander_ppm_per_sqrt_hour: 0.05}
                  rtc: {error: -2h, ppm: 5}
                  ntp: {first_poll: 45s, poll_interval: 64s, noise: 500us}
                hypervisor:
                  clocksource: {ppm: 40, wander_ppm_per_sqrt_hour: 0.1}
                events:
                  - {at: %dm, suspend: 5m}
                  - {at: %dm, step: 5s}
                guests:
                """, hours, hours * 60 / 3, hours * 60 * 2 / 3));
        long spreadMinutes = hours * 60L - 10;
        if (follow > 0) {
            y.append(String.format(
                    Locale.ROOT,
                    "  - {name: f, count: %d, boot_at: 5s, boot_spread: %dm, reads: follow}%n",
                    follow,
                    spreadMinutes));
        }
        if (bootOnly > 0) {
            y.append(String.format(
                    Locale.ROOT,
                    "  - {name: b, count: %d, boot_at: 5s, boot_spread: %dm, reads: boot-only, reread_interval: 1h}%n",
                    bootOnly,
                    spreadMinutes));
        }
        if (hvm > 0) {
            y.append(String.format(
                    Locale.ROOT,
                    "  - {name: h, kind: hvm, count: %d, boot_at: 5s, boot_spread: %dm, reads: boot-only}%n",
                    hvm,
                    spreadMinutes));
        }
        return y.toString();
    }

    @Benchmark
    public SimulationResult runScenario(Counters counters) {
        SimulationResult result = simulator.run(scenario);
        counters.events += result.events();
        for (var policy : result.policies()) {
            for (var guest : policy.guests()) {
                counters.guestSamples += guest.samples();
            }
        }
        return result;
    }
}
