package io.wallsync.sim.run;

import io.wallsync.core.port.MonotonicClock;
import io.wallsync.sim.engine.Simulation;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.WorldEvent;
import io.wallsync.sim.world.BatteryRtc;
import io.wallsync.sim.world.Oscillator;
import io.wallsync.sim.world.TrueTime;
import java.util.SplittableRandom;

/**
 * The physical world of one run: true UTC, the host's oscillator (dom0's clocksource), the
 * hypervisor's system-time clocksource, the battery RTC and whether the machine is suspended. Every
 * random stream is derived from the seed alone, so every policy sees the same world.
 */
final class World {
    /** Step of the oscillators' random walk. */
    static final long WANDER_STEP_NS = 10_000_000_000L;

    private static final long HOST_OSCILLATOR_STREAM = 0x686f_7374L;
    private static final long HYPERVISOR_OSCILLATOR_STREAM = 0x7879_6e21L;
    private static final long NTP_NOISE_STREAM = 0x6e74_7021L;
    private static final long TSC_PAIRING_STREAM = 0x7473_6321L;

    final Simulation sim;
    final TrueTime trueTime;
    final Oscillator hostOscillator;
    final Oscillator hypervisorOscillator;
    final BatteryRtc rtc;
    final SplittableRandom ntpNoise;
    /** The widenings of the wallsync daemon's TSC pairing brackets ({@link SimTsc}). */
    final SplittableRandom tscPairingJitter;

    private boolean suspended;

    World(Scenario scenario, long seed, Simulation sim) {
        this.sim = sim;
        long startUtcNs = scenario.start().getEpochSecond() * 1_000_000_000L
                + scenario.start().getNano();
        this.trueTime = scenario.events().stream()
                .filter(e -> e instanceof WorldEvent.LeapSecond)
                .map(e -> (WorldEvent.LeapSecond) e)
                .findFirst()
                .map(l -> {
                    // insert: 00:00:00 becomes 23:59:59 again at midnight; delete: the instant that
                    // would have been 23:59:59 (one second before midnight) is already 00:00:00
                    long midnight = TrueTime.nextMidnightTrueNs(startUtcNs, l.atNs());
                    return l.insert()
                            ? new TrueTime(startUtcNs, midnight, 1)
                            : new TrueTime(startUtcNs, midnight - 1_000_000_000L, -1);
                })
                .orElseGet(() -> new TrueTime(startUtcNs));
        var host = scenario.host().oscillator();
        var hv = scenario.hypervisor().clocksource();
        this.hostOscillator = new Oscillator(
                host.ppm(), host.wanderPpmPerSqrtHour(), WANDER_STEP_NS, mix(seed, HOST_OSCILLATOR_STREAM));
        this.hypervisorOscillator = new Oscillator(
                hv.ppm(), hv.wanderPpmPerSqrtHour(), WANDER_STEP_NS, mix(seed, HYPERVISOR_OSCILLATOR_STREAM));
        this.rtc = new BatteryRtc(
                startUtcNs,
                scenario.host().rtc().errorNs(),
                scenario.host().rtc().ppm());
        this.ntpNoise = new SplittableRandom(mix(seed, NTP_NOISE_STREAM));
        this.tscPairingJitter = new SplittableRandom(mix(seed, TSC_PAIRING_STREAM));
    }

    /** SplitMix64 finaliser of seed + stream: independent streams from one seed. */
    static long mix(long seed, long stream) {
        long z = seed + stream * 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }

    long nowNs() {
        return sim.nowNs();
    }

    long trueUtcNs() {
        return trueTime.utcNs(sim.nowNs());
    }

    /** dom0's clocksource (the TSC as the host kernel scales it). */
    MonotonicClock hostClocksource() {
        return () -> hostOscillator.countAt(sim.nowNs());
    }

    /** Xen system time: the hypervisor's own clocksource. */
    MonotonicClock hypervisorClocksource() {
        return () -> hypervisorOscillator.countAt(sim.nowNs());
    }

    boolean suspended() {
        return suspended;
    }

    void suspend() {
        hostOscillator.stop(sim.nowNs());
        hypervisorOscillator.stop(sim.nowNs());
        suspended = true;
    }

    void resume() {
        hostOscillator.start(sim.nowNs());
        hypervisorOscillator.start(sim.nowNs());
        suspended = false;
    }
}
