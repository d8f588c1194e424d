package io.wallsync.daemon;

import io.wallsync.core.port.PairedCounter;
import io.wallsync.core.vmclock.VmclockCalibrator;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the daemon publishes each page's vmclock structure (page v2, byte 4096): with a calibrated
 * counter, or with counter_id INVALID (a disruption and status signal only, as QEMU and
 * Firecracker publish it) and the reason why.
 *
 * @param counter the counter to calibrate, empty for counter_id INVALID
 * @param noCounterReason why there is no counter (for logs and {@code read}); empty with a counter
 * @param ratePoll how often the push thread looks at the kernel's discipline (adjtimex, adjtime)
 *     between heartbeats; a change is republished at once
 * @param calibration the calibrator's settings; its detection latency must cover {@code ratePoll}
 */
public record VmclockOptions(
        Optional<PairedCounter> counter,
        String noCounterReason,
        Duration ratePoll,
        VmclockCalibrator.Settings calibration) {
    /** The default poll of the kernel's discipline: 10 ms. */
    public static final Duration DEFAULT_RATE_POLL = Duration.ofMillis(10);

    public VmclockOptions {
        Objects.requireNonNull(counter, "counter");
        Objects.requireNonNull(noCounterReason, "noCounterReason");
        Objects.requireNonNull(calibration, "calibration");
        if (ratePoll.isNegative() || ratePoll.isZero()) {
            throw new DaemonConfig.Invalid("rate-poll", ratePoll + " must be positive");
        }
        if (calibration.detectionLatencyNs() < ratePoll.toNanos()) {
            throw new IllegalArgumentException("detection latency " + calibration.detectionLatencyNs()
                    + " ns is shorter than the rate poll " + ratePoll + ": the bounds would not cover it");
        }
    }

    /** The real mode with {@code counter}: poll every {@code ratePoll}, {@code maxSlewPpm} unseen. */
    public static VmclockOptions realMode(PairedCounter counter, Duration ratePoll, double maxSlewPpm) {
        return new VmclockOptions(
                Optional.of(counter),
                "",
                ratePoll,
                VmclockCalibrator.Settings.realMode(ratePoll.toNanos(), maxSlewPpm));
    }

    /** These options with another poll and unseen-slew bound (the counter stays). */
    public VmclockOptions withRatePoll(Duration ratePoll, double maxSlewPpm) {
        return new VmclockOptions(
                counter,
                noCounterReason,
                ratePoll,
                VmclockCalibrator.Settings.realMode(ratePoll.toNanos(), maxSlewPpm));
    }

    /** One line for the daemon's log: the counter or why there is none, and what the bounds cover. */
    public String describe() {
        return counter.map(c -> "vmclock: counter " + c + ", discipline polled every " + ratePoll.toMillis()
                        + " ms, up to " + calibration.maxUnseenSlewPpm() + " ppm unseen for "
                        + calibration.detectionLatencyNs() / 1_000_000 + " ms in every maximum error")
                .orElse("vmclock: no counter (" + noCounterReason + "): counter_id INVALID, readers take the"
                        + " monotonic path");
    }

    /** No counter: counter_id INVALID, readers take the monotonic path. */
    public static VmclockOptions noCounter(String reason) {
        return new VmclockOptions(
                Optional.empty(),
                reason,
                DEFAULT_RATE_POLL,
                VmclockCalibrator.Settings.realMode(
                        DEFAULT_RATE_POLL.toNanos(), VmclockCalibrator.Settings.CHRONY_MAX_SLEW_PPM));
    }
}
