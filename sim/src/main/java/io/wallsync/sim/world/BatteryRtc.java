package io.wallsync.sim.world;

/**
 * The host's battery-backed real-time clock: wrong by a fixed amount at host boot (a flat battery,
 * a board set to local time, a wrong manual setting) and drifting at its own rate. It keeps running
 * while the host is suspended; that is how the host measures sleep time.
 *
 * <p>Read with nanosecond precision: a reader that waits for the update-in-progress edge of the
 * MC146818 knows the instant the second changed, so only the clock's own error remains.
 */
public final class BatteryRtc {
    private final long startUtcNs;
    private final long errorAtBootNs;
    private final double ppm;

    /**
     * @param startUtcNs true UTC at true time 0 (host boot), ns since the epoch
     * @param errorAtBootNs how far the RTC is ahead of true UTC at host boot
     * @param ppm drift rate of the RTC
     */
    public BatteryRtc(long startUtcNs, long errorAtBootNs, double ppm) {
        this.startUtcNs = startUtcNs;
        this.errorAtBootNs = errorAtBootNs;
        this.ppm = ppm;
    }

    /** What the RTC shows at true time {@code trueNs}, ns since the epoch. */
    public long readNs(long trueNs) {
        return startUtcNs + trueNs + errorAtBootNs + Math.round(trueNs * ppm * 1e-6);
    }

    /** Sleep length the RTC measures between two true instants (what the kernel injects on resume). */
    public long measuredNs(long fromTrueNs, long toTrueNs) {
        return readNs(toTrueNs) - readNs(fromTrueNs);
    }
}
