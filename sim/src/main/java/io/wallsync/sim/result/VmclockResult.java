package io.wallsync.sim.result;

/**
 * What guests read from their pages' vmclock structure (page v2, byte 4096) on the counter path:
 * the time at the TSC, {@code fields.epochNanosAt(tsc)}, and the published maximum error at that
 * counter, {@code fields.maxErrorNsAt(tsc)} (time_maxerror_nanosec plus the period's maximum error
 * times the ticks since counter_value). Only the {@code wallsync} policy publishes one.
 *
 * <p>The bound is the calibration's: the error of the counter path against dom0's
 * CLOCK_REALTIME (plus the domain's offset), which is what the daemon pairs the counter with. How
 * far dom0's clock itself is from true UTC is NTP's business (adjtimex maxerror) and not in it, so
 * an error against true UTC above the bound ({@code utcAboveBound}) is expected; one against dom0's
 * clock above it ({@code violations}) is a broken bound. A bound against UTC is the sum of both,
 * meaningful while the host is synchronised: the vmclock bound plus the host's maxerror that the
 * page's extension publishes ({@code utcAboveTotalBound} counts the reads beyond it).
 *
 * @param reads vmclock reads taken (one per guest sample, boot included)
 * @param counterReads reads whose page had a usable counter relation (a period, clock_status
 *     SYNCHRONIZED or FREERUNNING, both maxerror flags); the others find no time to read
 * @param maxAbsErrorVsHostNs largest |counter-path time - (dom0 CLOCK_REALTIME + offset)|
 * @param maxAbsErrorVsUtcNs largest |counter-path time - (true UTC + offset)|
 * @param maxErrorToBound largest |error vs dom0| / published bound
 * @param violations counter reads with |error vs dom0| above the published bound: must be 0
 * @param utcAboveBound counter reads with |error vs true UTC| above the published bound
 * @param synchronisedReads counter reads while the page said SYNCHRONIZED and published the host's
 *     maxerror
 * @param utcAboveTotalBound of those, reads with |error vs true UTC| above the published bound plus
 *     the host's maxerror
 * @param maxBoundNs largest published bound at a counter read
 * @param p50BoundNs median published bound over the counter reads (within 0.8 %; 0 per guest,
 *     where no histogram is kept)
 * @param p50AbsErrorVsHostNs median |error vs dom0| over the counter reads (same precision)
 */
public record VmclockResult(
        long reads,
        long counterReads,
        long maxAbsErrorVsHostNs,
        long maxAbsErrorVsUtcNs,
        double maxErrorToBound,
        long violations,
        long utcAboveBound,
        long synchronisedReads,
        long utcAboveTotalBound,
        long maxBoundNs,
        long p50BoundNs,
        long p50AbsErrorVsHostNs) {

    /** Collects reads; with {@code withQuantiles} also the medians (a policy's total, not each guest). */
    public static final class Accumulator {
        private final AbsErrorHistogram bounds;
        private final AbsErrorHistogram hostErrors;
        private long reads;
        private long counterReads;
        private long maxAbsErrorVsHostNs;
        private long maxAbsErrorVsUtcNs;
        private double maxErrorToBound;
        private long violations;
        private long utcAboveBound;
        private long synchronisedReads;
        private long utcAboveTotalBound;
        private long maxBoundNs;

        public Accumulator(boolean withQuantiles) {
            this.bounds = withQuantiles ? new AbsErrorHistogram() : null;
            this.hostErrors = withQuantiles ? new AbsErrorHistogram() : null;
        }

        /** A read that found no usable counter relation (initialising, unreliable, no period). */
        public void noCounter() {
            reads++;
        }

        /**
         * A counter-path read.
         *
         * @param errorVsHostNs time read - (dom0 CLOCK_REALTIME + offset), signed
         * @param errorVsUtcNs time read - (true UTC + offset), signed
         * @param boundNs the published maximum error at the counter read, ns (>= 0)
         * @param hostMaxErrorNs the host's maxerror the page published, -1 when not synchronised
         */
        public void counter(long errorVsHostNs, long errorVsUtcNs, long boundNs, long hostMaxErrorNs) {
            reads++;
            counterReads++;
            long host = Math.abs(errorVsHostNs);
            long utc = Math.abs(errorVsUtcNs);
            maxAbsErrorVsHostNs = Math.max(maxAbsErrorVsHostNs, host);
            maxAbsErrorVsUtcNs = Math.max(maxAbsErrorVsUtcNs, utc);
            maxBoundNs = Math.max(maxBoundNs, boundNs);
            double ratio = boundNs > 0 ? (double) host / boundNs : (host == 0 ? 0 : Double.POSITIVE_INFINITY);
            maxErrorToBound = Math.max(maxErrorToBound, ratio);
            if (host > boundNs) {
                violations++;
            }
            if (utc > boundNs) {
                utcAboveBound++;
            }
            if (hostMaxErrorNs >= 0) {
                synchronisedReads++;
                if (utc - boundNs > hostMaxErrorNs) {
                    utcAboveTotalBound++;
                }
            }
            if (bounds != null) {
                bounds.add(boundNs);
                hostErrors.add(host);
            }
        }

        public VmclockResult result() {
            return new VmclockResult(
                    reads,
                    counterReads,
                    maxAbsErrorVsHostNs,
                    maxAbsErrorVsUtcNs,
                    maxErrorToBound,
                    violations,
                    utcAboveBound,
                    synchronisedReads,
                    utcAboveTotalBound,
                    maxBoundNs,
                    bounds == null ? 0 : bounds.quantile(0.5),
                    hostErrors == null ? 0 : hostErrors.quantile(0.5));
        }
    }
}
