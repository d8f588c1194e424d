package io.wallsync.sim.run;

import io.wallsync.core.port.CounterPairing;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.PairedCounter;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.vmclock.VmclockLayout;
import java.util.SplittableRandom;

/**
 * The TSC of the simulated machine, as the {@code wallsync} policy's daemon pairs it with dom0's
 * clocks and as guests read it through their page's vmclock: {@value #TICKS_PER_NS} ticks per
 * nominal nanosecond (a 3 GHz invariant TSC) of the host oscillator, the counter dom0's clocksource
 * scales (the daemon publishes counter_id X86_TSC only when the host's clocksource is {@code tsc},
 * so the counter it calibrates is the one CLOCK_REALTIME is built on). It stops while the host is
 * suspended, as the oscillator does.
 *
 * <p>A pairing reads counter, CLOCK_REALTIME, counter, CLOCK_MONOTONIC, counter at one virtual
 * instant, so both clocks are read at the same counter value {@code c}. With a pairing jitter
 * {@code j} > 0 the brackets are widened as a preempted reader's would be: the counter before the
 * realtime read is {@code c - a} and the one after the monotonic read {@code c + b}, with {@code a}
 * and {@code b} drawn uniformly from 0..j ticks from the world's seed. Both reads stay inside their
 * brackets ({@link CounterPairing}'s contract), but the calibrator takes the middle of each, so it
 * is off by up to j/2 ticks: what its half-bracket terms must cover.
 */
final class SimTsc implements PairedCounter {
    /** TSC ticks per nominal nanosecond of the host oscillator: 3 GHz. */
    static final long TICKS_PER_NS = 3;

    private final MonotonicClock oscillatorNs;
    private final Timekeeper dom0;
    private final long jitterTicks;
    private final SplittableRandom random;

    /**
     * @param oscillatorNs the host oscillator's count (what dom0's clocksource reads)
     * @param dom0 dom0's timekeeper, whose CLOCK_REALTIME and CLOCK_MONOTONIC are paired
     * @param jitterTicks largest widening of each bracket, ticks (0: brackets 0 wide)
     * @param random the stream the widenings are drawn from (unused when {@code jitterTicks} is 0)
     */
    SimTsc(MonotonicClock oscillatorNs, Timekeeper dom0, long jitterTicks, SplittableRandom random) {
        if (jitterTicks < 0) {
            throw new IllegalArgumentException("jitterTicks " + jitterTicks + ": expected >= 0");
        }
        this.oscillatorNs = oscillatorNs;
        this.dom0 = dom0;
        this.jitterTicks = jitterTicks;
        this.random = random;
    }

    @Override
    public long read() {
        return TICKS_PER_NS * oscillatorNs.nanos();
    }

    @Override
    public int counterId() {
        return VmclockLayout.COUNTER_X86_TSC;
    }

    @Override
    public CounterPairing pair() {
        long counter = read();
        long realtime = dom0.realtimeNs();
        long monotonic = dom0.monotonicNs();
        long before = jitterTicks == 0 ? 0 : random.nextLong(jitterTicks + 1);
        long after = jitterTicks == 0 ? 0 : random.nextLong(jitterTicks + 1);
        return new CounterPairing(counter - before, realtime, counter, monotonic, counter + after);
    }
}
