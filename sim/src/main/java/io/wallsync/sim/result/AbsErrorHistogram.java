package io.wallsync.sim.result;

/**
 * Counts of absolute errors in nanoseconds, in log-linear buckets (like HdrHistogram): values below
 * 256 ns are exact, above that each power of two is cut into 128 buckets, so a quantile read from it
 * is within 1/128 (0.8 %) of the true sample quantile. Fixed memory (about 7,000 counters), O(1) add,
 * so a day of samples for a thousand guests costs no more than a minute of them.
 */
public final class AbsErrorHistogram {
    private static final int SUB_BITS = 7;
    private static final int SUB_COUNT = 1 << SUB_BITS;
    /** Exact buckets 0..255, then 128 per power of two from 2^8 up to 2^63. */
    private static final int BUCKETS = 2 * SUB_COUNT + (63 - SUB_BITS - 1) * SUB_COUNT;

    private final long[] counts = new long[BUCKETS];
    private long total;
    private long max;

    /** Adds one absolute error (negative values are taken as their magnitude). */
    public void add(long errorNs) {
        long abs = errorNs == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(errorNs);
        counts[index(abs)]++;
        total++;
        if (abs > max) {
            max = abs;
        }
    }

    /** Adds every count of {@code other}. */
    public void addAll(AbsErrorHistogram other) {
        for (int i = 0; i < BUCKETS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        max = Math.max(max, other.max);
    }

    public long count() {
        return total;
    }

    /** Largest value added (exact). */
    public long max() {
        return max;
    }

    /**
     * The {@code q}-quantile (0 &lt; q &lt;= 1): the upper edge of the bucket holding the value at rank
     * ceil(q * count), capped at {@link #max()}; 0 when empty.
     */
    public long quantile(double q) {
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in (0, 1], got " + q);
        }
        if (total == 0) {
            return 0;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdge(i), max);
            }
        }
        return max;
    }

    static int index(long abs) {
        if (abs < 2 * SUB_COUNT) {
            return (int) abs;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(abs); // >= 8
        int sub = (int) (abs >>> (exponent - SUB_BITS)) & (SUB_COUNT - 1);
        return 2 * SUB_COUNT + (exponent - SUB_BITS - 1) * SUB_COUNT + sub;
    }

    static long upperEdge(int index) {
        if (index < 2 * SUB_COUNT) {
            return index;
        }
        int rel = index - 2 * SUB_COUNT;
        int exponent = rel / SUB_COUNT + SUB_BITS + 1;
        long sub = rel % SUB_COUNT;
        long lower = (SUB_COUNT + sub) << (exponent - SUB_BITS);
        long width = 1L << (exponent - SUB_BITS);
        return lower + width - 1 < 0 ? Long.MAX_VALUE : lower + width - 1;
    }
}
