package io.wallsync.sim.result;

import java.util.Arrays;

/**
 * One policy's error over time, one point per sample instant: the largest |error| over the guests
 * running then, their mean and median |error|, and the error of the published wallclock itself (what a guest
 * booting at that instant would read), and, where guests read a vmclock structure (the wallsync
 * policy), the largest |error| of its counter path against dom0's clock and against true UTC and
 * the smallest bound published with it (-1 at instants where no guest read a usable counter).
 * Grows by doubling; points are in time order.
 */
public final class ErrorSeries {
    private long[] timesNs = new long[256];
    private long[] maxAbsErrorNs = new long[256];
    private long[] meanAbsErrorNs = new long[256];
    private long[] medianAbsErrorNs = new long[256];
    private long[] publishedErrorNs = new long[256];
    private long[] vmclockMaxAbsErrorVsHostNs = new long[256];
    private long[] vmclockMaxAbsErrorVsUtcNs = new long[256];
    private long[] vmclockMinBoundNs = new long[256];
    private int[] liveGuests = new int[256];
    private int size;

    /**
     * Adds one sample instant; the vmclock values are -1 where no guest read a usable counter.
     */
    public void add(
            long timeNs,
            int live,
            long maxAbsNs,
            long meanAbsNs,
            long medianAbsNs,
            long publishedNs,
            long vmclockMaxAbsVsHostNs,
            long vmclockMaxAbsVsUtcNs,
            long vmclockMinBoundNs) {
        if (size == timesNs.length) {
            int n = size * 2;
            timesNs = Arrays.copyOf(timesNs, n);
            maxAbsErrorNs = Arrays.copyOf(maxAbsErrorNs, n);
            meanAbsErrorNs = Arrays.copyOf(meanAbsErrorNs, n);
            medianAbsErrorNs = Arrays.copyOf(medianAbsErrorNs, n);
            publishedErrorNs = Arrays.copyOf(publishedErrorNs, n);
            liveGuests = Arrays.copyOf(liveGuests, n);
            vmclockMaxAbsErrorVsHostNs = Arrays.copyOf(vmclockMaxAbsErrorVsHostNs, n);
            vmclockMaxAbsErrorVsUtcNs = Arrays.copyOf(vmclockMaxAbsErrorVsUtcNs, n);
            this.vmclockMinBoundNs = Arrays.copyOf(this.vmclockMinBoundNs, n);
        }
        timesNs[size] = timeNs;
        liveGuests[size] = live;
        maxAbsErrorNs[size] = maxAbsNs;
        meanAbsErrorNs[size] = meanAbsNs;
        medianAbsErrorNs[size] = medianAbsNs;
        publishedErrorNs[size] = publishedNs;
        vmclockMaxAbsErrorVsHostNs[size] = vmclockMaxAbsVsHostNs;
        vmclockMaxAbsErrorVsUtcNs[size] = vmclockMaxAbsVsUtcNs;
        this.vmclockMinBoundNs[size] = vmclockMinBoundNs;
        size++;
    }

    public int size() {
        return size;
    }

    public long timeNs(int i) {
        return timesNs[i];
    }

    public int liveGuests(int i) {
        return liveGuests[i];
    }

    public long maxAbsErrorNs(int i) {
        return maxAbsErrorNs[i];
    }

    public long meanAbsErrorNs(int i) {
        return meanAbsErrorNs[i];
    }

    /** Median |error| of the running guests at sample i (the lower median for an even count). */
    public long medianAbsErrorNs(int i) {
        return medianAbsErrorNs[i];
    }

    /** Signed error of the published wallclock (W + system time, or the KVM host copy) at sample i. */
    public long publishedErrorNs(int i) {
        return publishedErrorNs[i];
    }

    /** Largest |vmclock counter-path time - dom0 CLOCK_REALTIME (+ offset)| at sample i, -1 if none. */
    public long vmclockMaxAbsErrorVsHostNs(int i) {
        return vmclockMaxAbsErrorVsHostNs[i];
    }

    /** Largest |vmclock counter-path time - true UTC (+ offset)| at sample i, -1 if none. */
    public long vmclockMaxAbsErrorVsUtcNs(int i) {
        return vmclockMaxAbsErrorVsUtcNs[i];
    }

    /** Smallest published vmclock maximum error at sample i, -1 if none. */
    public long vmclockMinBoundNs(int i) {
        return vmclockMinBoundNs[i];
    }
}
