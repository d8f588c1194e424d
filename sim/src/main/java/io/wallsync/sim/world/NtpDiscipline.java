package io.wallsync.sim.world;

/**
 * The host's NTP daemon reduced to its decisions, in the manner of ntpd and chrony:
 *
 * <ul>
 *   <li>each poll measures the offset of the host clock from true UTC (host minus true, with noise);
 *   <li>if the offset exceeds the step threshold (128 ms, as ntpd's {@code tinker step}), the clock is
 *       stepped by minus the offset;
 *   <li>otherwise it is slewed: a proportional-integral loop sets the clock's frequency correction so
 *       that the offset is removed over the next poll interval and the integral term learns the
 *       oscillator's error; the total correction is clamped to the kernel's 500 ppm limit
 *       ({@code MAXFREQ} in kernel/time/ntp.c);
 *   <li>STA_UNSYNC is cleared after a number of consecutive good (not stepped) polls and set again by
 *       a step.
 * </ul>
 *
 * With integral gain 1/2 the loop is dead-beat in phase: a constant oscillator error e leaves a
 * residual frequency error that halves every poll (g' = e + f', f' = f - g/2, so g' = g/2), and the
 * offset measured at each poll is that residual times the poll interval.
 *
 * <p>Pure decision logic: the caller measures and applies.
 */
public final class NtpDiscipline {
    private final long stepThresholdNs;
    private final double maxSlewPpm;
    private final int syncAfterGoodPolls;
    private final long pollIntervalNs;
    private final double integralGain;

    private double frequencyPpm;
    private int goodPolls;
    private boolean synchronised;

    /** What the daemon asks of the kernel after a poll. */
    public sealed interface Action {
        /** Step the clock by {@code correctionNs} (settimeofday or ADJ_SETOFFSET). */
        record Step(long correctionNs) implements Action {}

        /** Run the clock at {@code frequencyPpm} correction until the next poll (ADJ_FREQUENCY). */
        record Slew(double frequencyPpm) implements Action {}
    }

    /**
     * @param stepThresholdNs offsets above this (in absolute value) are stepped
     * @param maxSlewPpm largest frequency correction, in absolute value
     * @param syncAfterGoodPolls consecutive good polls before STA_UNSYNC is cleared, >= 1
     * @param pollIntervalNs time between polls, > 0
     */
    public NtpDiscipline(long stepThresholdNs, double maxSlewPpm, int syncAfterGoodPolls, long pollIntervalNs) {
        if (syncAfterGoodPolls < 1 || pollIntervalNs <= 0 || stepThresholdNs <= 0 || maxSlewPpm <= 0) {
            throw new IllegalArgumentException("NTP discipline parameters must be positive");
        }
        this.stepThresholdNs = stepThresholdNs;
        this.maxSlewPpm = maxSlewPpm;
        this.syncAfterGoodPolls = syncAfterGoodPolls;
        this.pollIntervalNs = pollIntervalNs;
        this.integralGain = 0.5;
    }

    /**
     * Decides what to do about one measurement.
     *
     * @param measuredOffsetNs host clock minus true UTC, as measured (noise included)
     */
    public Action onPoll(long measuredOffsetNs) {
        if (Math.abs(measuredOffsetNs) > stepThresholdNs) {
            goodPolls = 0;
            synchronised = false;
            return new Action.Step(-measuredOffsetNs);
        }
        goodPolls++;
        if (goodPolls >= syncAfterGoodPolls) {
            synchronised = true;
        }
        // Offset per poll interval, in ppm: the rate that removes the offset by the next poll.
        double phasePpm = -measuredOffsetNs * 1e6 / pollIntervalNs;
        frequencyPpm = clamp(frequencyPpm + integralGain * phasePpm);
        return new Action.Slew(clamp(frequencyPpm + phasePpm));
    }

    /** Whether the daemon has cleared STA_UNSYNC. */
    public boolean synchronised() {
        return synchronised;
    }

    /** The learned frequency correction, ppm (the integral term alone). */
    public double frequencyPpm() {
        return frequencyPpm;
    }

    private double clamp(double ppm) {
        return Math.max(-maxSlewPpm, Math.min(maxSlewPpm, ppm));
    }
}
