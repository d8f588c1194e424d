package io.wallsync.sim.world;

import java.util.SplittableRandom;

/**
 * A crystal oscillator seen as a clock: it counts nominal nanoseconds at a rate that is off by
 * {@code ppm} parts per million and wanders as a random walk (the frequency changes by a normal step
 * every {@code wanderStepNs}, with standard deviation {@code wanderPpmPerSqrtHour * sqrt(step/1 h)}).
 * It can be stopped (host suspended) and restarted.
 *
 * <p>The walk is advanced lazily in fixed steps of true time, so the random numbers drawn depend only
 * on the seed and the step grid, never on when or how often the clock is read: two runs of the same
 * world with different sync policies see the very same oscillator.
 *
 * <p>Reads must come in non-decreasing true time (the simulation guarantees that).
 */
public final class Oscillator {
    private static final double NS_PER_HOUR = 3_600e9;

    private final long wanderStepNs;
    private final double wanderStepSigmaPpm;
    private final SplittableRandom random;

    private double ppm;
    private long baseTrueNs;
    private long baseCount;
    private long nextWanderNs;
    private boolean running = true;

    /**
     * @param ppm initial frequency error in parts per million (positive: runs fast)
     * @param wanderPpmPerSqrtHour random-walk intensity; 0 for a perfectly stable oscillator
     * @param wanderStepNs true-time step of the walk, > 0
     * @param seed seed of this oscillator's own random stream
     */
    public Oscillator(double ppm, double wanderPpmPerSqrtHour, long wanderStepNs, long seed) {
        if (wanderStepNs <= 0) {
            throw new IllegalArgumentException("wanderStepNs must be > 0, got " + wanderStepNs);
        }
        this.ppm = ppm;
        this.wanderStepNs = wanderStepNs;
        this.wanderStepSigmaPpm = wanderPpmPerSqrtHour * Math.sqrt(wanderStepNs / NS_PER_HOUR);
        this.random = new SplittableRandom(seed);
        this.nextWanderNs = wanderStepNs;
    }

    /** Nominal nanoseconds counted from true time 0 to {@code trueNs} (stopped periods excluded). */
    public long countAt(long trueNs) {
        advanceTo(trueNs);
        return running ? baseCount + scaled(trueNs - baseTrueNs) : baseCount;
    }

    /** Current frequency error in ppm (after the walk up to {@code trueNs}). */
    public double ppmAt(long trueNs) {
        advanceTo(trueNs);
        return ppm;
    }

    /** Stops counting at {@code trueNs} (the machine is suspended; its counter does not run). */
    public void stop(long trueNs) {
        advanceTo(trueNs);
        if (running) {
            rebase(trueNs);
            running = false;
        }
    }

    /** Starts counting again at {@code trueNs}. */
    public void start(long trueNs) {
        advanceTo(trueNs);
        if (!running) {
            baseTrueNs = trueNs;
            running = true;
        }
    }

    private void advanceTo(long trueNs) {
        if (wanderStepSigmaPpm == 0) {
            return;
        }
        while (nextWanderNs <= trueNs) {
            rebase(nextWanderNs);
            ppm += wanderStepSigmaPpm * random.nextGaussian();
            nextWanderNs += wanderStepNs;
        }
    }

    private void rebase(long trueNs) {
        if (running) {
            baseCount += scaled(trueNs - baseTrueNs);
        }
        baseTrueNs = trueNs;
    }

    private long scaled(long elapsedNs) {
        // elapsed <= a wander step or a whole run (< 2^53 ns = 104 days), exact in a double.
        return elapsedNs + Math.round(elapsedNs * ppm * 1e-6);
    }
}
