package io.wallsync.core.vmclock;

import io.wallsync.core.port.CounterPairing;
import io.wallsync.core.time.Discipline;
import java.util.Objects;

/**
 * Turns counter pairings ({@link CounterPairing}: counter, CLOCK_REALTIME, counter,
 * CLOCK_MONOTONIC, counter) into the relation a vmclock page publishes, with error bounds that
 * hold. Pure and single-threaded: the daemon feeds it a pairing and the kernel's {@link
 * Discipline} at every heartbeat, on every clock step and whenever the discipline changes.
 *
 * <p><b>Rate.</b> Measured against CLOCK_MONOTONIC, which runs at CLOCK_REALTIME's rate (one
 * timekeeper, one NTP-adjusted mult) but never steps: period = (monotonic now - monotonic at the
 * base) / (counter now - counter at the base). The base is kept while the discipline keeps the
 * same rate, so the baseline grows and the rate's uncertainty, (half bracket at the base + half
 * bracket now + 2 granularity) / baseline, shrinks. When adjtimex's tick or frequency, the adjtime
 * slew or the PLL mode changes, the period is rescaled by the ratio of the kernel's rates at once
 * ({@link Discipline#rateFactor()}, the arithmetic of ntp_update_frequency) and a new base starts;
 * until it is {@link Settings#minBaselineNs()} long the rescaled period carries the whole change
 * as uncertainty, after that the kernel's lag in applying it ({@link Settings#kernelLagNs()}).
 *
 * <p><b>Time.</b> The reference is the realtime read of the latest pairing at the middle of its
 * bracket; its error is at most half the bracket plus the kernel's granularity and rounding.
 *
 * <p><b>What is not seen.</b> A discipline change between two polls runs unseen for at most the
 * detection latency; {@link Settings#maxUnseenSlewPpm()} times that latency is added to every
 * maximum error. The PLL's own slewing (which changes every second) adds its bound to the rate's.
 *
 * <p>A pairing whose measured rate is implausibly far from the last one (more than {@link
 * Settings#maxPlausibleRateChange()}), or whose counter went backwards, is a counter disruption
 * (suspend, migration, a TSC reset): the calibration starts again and the disruption marker changes.
 */
public final class VmclockCalibrator {
    /**
     * @param detectionLatencyNs longest time a discipline change can go unseen (the poll interval
     *     of the daemon, plus its scheduling slack); 0 when changes are delivered as they happen
     * @param maxUnseenSlewPpm largest rate change the kernel can make unseen, ppm (twice the largest
     *     slew: a slew can reverse)
     * @param granularityNs the kernel clock's own granularity around its linear rate, ns
     * @param minBaselineNs shortest baseline a measured period is taken from
     * @param kernelLagNs how long the kernel may take to apply a new rate after adjtimex returned
     * @param maxPlausibleRateChange a measured rate further than this (relative) from the last one
     *     is a counter disruption
     */
    public record Settings(
            long detectionLatencyNs,
            double maxUnseenSlewPpm,
            long granularityNs,
            long minBaselineNs,
            long kernelLagNs,
            double maxPlausibleRateChange) {
        /** chrony's default maxslewrate, 83 333.333 ppm, rounded up (chrony.conf(5)). */
        public static final double CHRONY_MAX_SLEW_PPM = 83_334;

        public Settings {
            if (detectionLatencyNs < 0 || granularityNs < 0 || minBaselineNs <= 0 || kernelLagNs < 0) {
                throw new IllegalArgumentException("negative latency, granularity or lag, or a baseline <= 0: "
                        + detectionLatencyNs + ", " + granularityNs + ", " + minBaselineNs + ", " + kernelLagNs);
            }
            if (!(maxUnseenSlewPpm >= 0) || !(maxPlausibleRateChange > 0)) {
                throw new IllegalArgumentException("maxUnseenSlewPpm " + maxUnseenSlewPpm
                        + " must be >= 0 and maxPlausibleRateChange " + maxPlausibleRateChange + " > 0");
            }
        }

        /**
         * The real mode: changes seen within {@code pollIntervalNs} (doubled for scheduling slack);
         * an NTP daemon that slews at up to {@code maxSlewPpm} either way can change the rate by
         * twice that unseen (a slew that reverses), so the unseen rate change is 2 x maxSlewPpm;
         * granularity 2 ns, baseline 200 ms, kernel lag 10 ms (one tick at HZ=100), disruption
         * beyond 20 % (more than the kernel's ±10 % tick range).
         */
        public static Settings realMode(long pollIntervalNs, double maxSlewPpm) {
            return new Settings(2 * pollIntervalNs, 2 * maxSlewPpm, 2, 200_000_000L, 10_000_000L, 0.2);
        }
    }

    /** What to publish after a pairing. */
    public sealed interface Result {
        /** The disruption marker to publish. */
        long disruptionMarker();

        /** No period yet: the first pairing after a start or a disruption. */
        record Initializing(long disruptionMarker) implements Result {}

        /**
         * A calibrated relation: at counter {@code counterValue} the kernel's CLOCK_REALTIME was
         * {@code realtimeNs}; each tick lasts {@code periodFracSec} * 2^-(64 + shift) s.
         *
         * @param periodEsterrorRateFracSec estimated error of the period, same unit
         * @param periodMaxerrorRateFracSec maximum error of the period, same unit
         * @param estErrorNs estimated error at the reference
         * @param maxErrorNs maximum error at the reference
         */
        record Calibrated(
                long disruptionMarker,
                long counterValue,
                long realtimeNs,
                long periodFracSec,
                int shift,
                long periodEsterrorRateFracSec,
                long periodMaxerrorRateFracSec,
                long estErrorNs,
                long maxErrorNs)
                implements Result {
            /** The period in ns per tick (for logs and metrics). */
            public double nsPerTick() {
                return VmclockFields.nsPerTick(periodFracSec, shift);
            }
        }
    }

    private final Settings settings;
    private long disruptionMarker;
    private CounterPairing base;
    private Discipline baseDiscipline;
    /** ns per tick, or 0 before the first measurement. */
    private double nsPerTick;
    /** Relative rate change of the last discipline change, carried as uncertainty. */
    private double lastChange;

    private long disruptions;

    /**
     * @param initialDisruptionMarker the marker of the first calibration: a value this page never
     *     had (a restarted daemon continues from the page's last marker + 1)
     */
    public VmclockCalibrator(Settings settings, long initialDisruptionMarker) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.disruptionMarker = initialDisruptionMarker;
    }

    /** How many counter disruptions were seen. */
    public long disruptions() {
        return disruptions;
    }

    /**
     * Takes one pairing made under {@code discipline}.
     *
     * @return what to publish now
     */
    public Result update(CounterPairing pairing, Discipline discipline) {
        Objects.requireNonNull(pairing, "pairing");
        Objects.requireNonNull(discipline, "discipline");
        if (base == null) {
            return restart(pairing, discipline);
        }
        if (!discipline.sameRateAs(baseDiscipline)) {
            if (nsPerTick > 0) {
                double ratio = discipline.rateFactor() / baseDiscipline.rateFactor();
                nsPerTick *= ratio;
                lastChange = Math.abs(ratio - 1);
            }
            base = pairing;
            baseDiscipline = discipline;
            return nsPerTick > 0 ? calibrated(pairing, discipline, lastChange, 0) : initializing();
        }
        long baselineNs = pairing.monotonicNs() - base.monotonicNs();
        long ticks = pairing.monotonicCounter() - base.monotonicCounter();
        if (ticks < 0 || baselineNs < 0) {
            return disrupted(pairing, discipline);
        }
        if (baselineNs < settings.minBaselineNs() || ticks == 0) {
            return nsPerTick > 0 ? calibrated(pairing, discipline, lastChange, 0) : initializing();
        }
        double measured = (double) baselineNs / (double) ticks;
        if (nsPerTick > 0 && Math.abs(measured / nsPerTick - 1) > settings.maxPlausibleRateChange()) {
            return disrupted(pairing, discipline);
        }
        nsPerTick = measured;
        double halfBrackets = (base.monotonicBracketTicks() + pairing.monotonicBracketTicks()) / 2.0 * nsPerTick;
        double bracketRate = (halfBrackets + 2.0 * settings.granularityNs()) / baselineNs;
        double lagRate = lastChange * settings.kernelLagNs() / baselineNs;
        return calibrated(pairing, discipline, bracketRate + lagRate, bracketRate);
    }

    private Result restart(CounterPairing pairing, Discipline discipline) {
        base = pairing;
        baseDiscipline = discipline;
        nsPerTick = 0;
        lastChange = 0;
        return initializing();
    }

    private Result disrupted(CounterPairing pairing, Discipline discipline) {
        disruptions++;
        disruptionMarker++;
        return restart(pairing, discipline);
    }

    private Result initializing() {
        return new Result.Initializing(disruptionMarker);
    }

    private Result calibrated(CounterPairing p, Discipline d, double rateMax, double rateEst) {
        // 2^(64 + shift) * ns/tick / 1e9 just below 2^62: 62 significant bits, and room for the
        // error rates (a few ppm of the period) without overflow.
        double fracPerTick = nsPerTick / 1e9;
        int shift = Math.clamp(62 - Math.getExponent(fracPerTick) - 64 - 1, 0, 63);
        double scale = Math.scalb(1.0, 64 + shift);
        long period = (long) Math.rint(fracPerTick * scale);
        double rateMaxTotal = rateMax + d.pllSlewBound();
        long periodMax = ceilToLong(rateMaxTotal * period);
        long periodEst = ceilToLong((rateEst + d.pllSlewBound() / 2) * period);
        double halfBracketNs = p.realtimeBracketTicks() / 2.0 * nsPerTick;
        long unseen = ceilToLong(settings.maxUnseenSlewPpm() * 1e-6 * settings.detectionLatencyNs());
        long maxErr = ceilToLong(halfBracketNs) + settings.granularityNs() + 1 + unseen;
        long estErr = ceilToLong(halfBracketNs / 2) + settings.granularityNs();
        return new Result.Calibrated(
                disruptionMarker,
                p.realtimeCounter(),
                p.realtimeNs(),
                period,
                shift,
                periodEst,
                periodMax,
                estErr,
                maxErr);
    }

    private static long ceilToLong(double v) {
        if (!(v >= 0)) {
            return 0;
        }
        return v >= 0x1p63 ? Long.MAX_VALUE : (long) Math.ceil(v);
    }
}
