package io.wallsync.core.time;

/**
 * The timekeeper as one consistent value, what a pvclock_gtod notifier reads from {@code struct
 * timekeeper} (KVM copies it into its pvclock_gtod_data). All clocks are taken at the same
 * clocksource reading {@code clocksourceNs}.
 *
 * @param clocksourceNs the clocksource reading the snapshot was taken at ({@code cycle_last})
 * @param realtimeNs CLOCK_REALTIME ({@code xtime}), ns since the Unix epoch
 * @param monotonicNs CLOCK_MONOTONIC, ns since the timekeeper started
 * @param boottimeNs CLOCK_BOOTTIME: monotonic plus all injected sleep time
 * @param taiOffsetSeconds TAI - UTC
 * @param rawNs CLOCK_MONOTONIC_RAW: clocksource ns since the timekeeper started, never adjusted
 * @param frequencyScaledPpm NTP frequency correction, 2^-16 ppm
 * @param status STA_* bits
 * @param maxErrorUs maxerror, us
 * @param estErrorUs esterror, us
 * @param clockWasSetSeq number of clock_was_set events so far
 */
public record TimekeeperSnapshot(
        long clocksourceNs,
        long realtimeNs,
        long monotonicNs,
        long boottimeNs,
        int taiOffsetSeconds,
        long rawNs,
        long frequencyScaledPpm,
        int status,
        long maxErrorUs,
        long estErrorUs,
        long clockWasSetSeq) {

    /** CLOCK_TAI: realtime plus the TAI offset. */
    public long taiNs() {
        return realtimeNs + taiOffsetSeconds * 1_000_000_000L;
    }
}
