package io.wallsync.daemon;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.LeapTracker;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.PairedCounter;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.time.Discipline;
import io.wallsync.core.vmclock.VmclockCalibrator;
import io.wallsync.core.vmclock.VmclockFields;
import io.wallsync.core.vmclock.VmclockLayout;
import java.util.Optional;

/**
 * What every page's vmclock structure says, computed once for all domains: the counter's
 * calibration against the host clock ({@link VmclockCalibrator}, fed with a fresh pairing at every
 * {@link #recalibrate()}), the kernel's discipline (clock_status, leap_indicator) and, per domain,
 * the time at counter_value with the domain's offset. Single-threaded: the push thread owns it.
 *
 * <p>Two markers, two meanings (docs/page-abi.md): vmclock's disruption_marker changes when the
 * counter relation is discontinuous (daemon start, a counter disruption); the extension's
 * disruption_marker (the step generation) changes when the domain's wall time steps. Either change
 * voids a reader's own extrapolation.
 */
final class VmclockFeed {
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    private final Optional<PairedCounter> counter;
    private final HostClock host;
    private final VmclockCalibrator calibrator;
    private final LeapTracker leap = new LeapTracker();
    private VmclockCalibrator.Result result;
    private Discipline discipline;
    private PageLeapIndicator leapNow = PageLeapIndicator.NONE;
    private long calibrations;

    /**
     * @param initialMarker the first disruption_marker: a value no earlier run published (the
     *     daemon uses its start time in ns, which never repeats on one host)
     */
    VmclockFeed(VmclockOptions options, HostClock host, long initialMarker) {
        this.counter = options.counter();
        this.host = host;
        this.calibrator = new VmclockCalibrator(options.calibration(), initialMarker);
        this.result = new VmclockCalibrator.Result.Initializing(initialMarker);
        this.discipline = host.discipline();
        this.leapNow = leap.update(discipline.state(), discipline.status());
    }

    /** counter_id for the constant header: X86_TSC (or the counter's own) or INVALID. */
    int counterId() {
        return counter.map(PairedCounter::counterId).orElse(VmclockLayout.COUNTER_INVALID);
    }

    /** Pairs the counter with the host clocks now and recalibrates (no-op without a counter). */
    void recalibrate() {
        discipline = host.discipline();
        leapNow = leap.update(discipline.state(), discipline.status());
        if (counter.isPresent()) {
            result = calibrator.update(counter.get().pair(), discipline);
            calibrations++;
        }
    }

    /**
     * Looks at the kernel's discipline (cheap: adjtimex and adjtime queries); true when the rate,
     * the sync state or the leap state changed since the last calibration, so that the pages must
     * be republished now.
     */
    boolean disciplineChanged() {
        Discipline now = host.discipline();
        return !now.sameRateAs(discipline) || now.state() != discipline.state() || now.status() != discipline.status();
    }

    /** The last calibration (for logs, metrics and tests). */
    VmclockCalibrator.Result result() {
        return result;
    }

    long calibrations() {
        return calibrations;
    }

    long disruptions() {
        return calibrator.disruptions();
    }

    /** The leap state in vmclock's vocabulary as of the last calibration, for the extension too. */
    PageLeapIndicator leap() {
        return leapNow;
    }

    /** Looks at the kernel's leap state now (the heartbeat), without touching the calibration. */
    PageLeapIndicator observeLeap() {
        Discipline now = host.discipline();
        leapNow = leap.update(now.state(), now.status());
        return leapNow;
    }

    /** The fields of a domain whose wall time is the host's plus {@code offsetSeconds}. */
    VmclockFields fieldsFor(long offsetSeconds, SyncState sync) {
        long flags = sync.taiOffsetSeconds() != 0 ? VmclockLayout.FLAG_TAI_OFFSET_VALID : 0;
        short tai = (short) Math.clamp(sync.taiOffsetSeconds(), Short.MIN_VALUE, Short.MAX_VALUE);
        int status = statusCode(sync);
        return switch (result) {
            case VmclockCalibrator.Result.Calibrated c
            when counter.isPresent() -> {
                long realtime = c.realtimeNs();
                long seconds = Math.floorDiv(realtime, NANOS_PER_SECOND) + offsetSeconds;
                long nanos = Math.floorMod(realtime, NANOS_PER_SECOND);
                yield new VmclockFields(
                        c.disruptionMarker(),
                        flags
                                | VmclockLayout.FLAG_PERIOD_ESTERROR_VALID
                                | VmclockLayout.FLAG_PERIOD_MAXERROR_VALID
                                | VmclockLayout.FLAG_TIME_ESTERROR_VALID
                                | VmclockLayout.FLAG_TIME_MAXERROR_VALID,
                        status,
                        VmclockLayout.SMEARING_STRICT,
                        tai,
                        leapNow.code(),
                        c.shift(),
                        c.counterValue(),
                        c.periodFracSec(),
                        c.periodEsterrorRateFracSec(),
                        c.periodMaxerrorRateFracSec(),
                        seconds,
                        VmclockFields.fracOfNanos(nanos),
                        c.estErrorNs(),
                        c.maxErrorNs(),
                        0);
            }
            default ->
                // No counter, or no period yet: status and leap only, no time (counter_period 0).
                new VmclockFields(
                        result.disruptionMarker(),
                        flags,
                        counter.isPresent() ? ClockStatus.INITIALIZING.code() : status,
                        VmclockLayout.SMEARING_STRICT,
                        tai,
                        leapNow.code(),
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0,
                        0);
        };
    }

    private int statusCode(SyncState sync) {
        if (discipline.clockError()) {
            return ClockStatus.UNRELIABLE.code();
        }
        return sync.synchronised() ? ClockStatus.SYNCHRONIZED.code() : ClockStatus.FREERUNNING.code();
    }
}
