package io.wallsync.sim.world;

/**
 * True UTC as a function of true elapsed time, with leap seconds. A leap second inserted at the end
 * of a UTC day makes UTC repeat the last second (23:59:59 twice, as POSIX clocks do); a deleted one
 * makes it skip 23:59:59. Only one leap second per run is modelled (the scenario validates that).
 */
public final class TrueTime {
    private static final long NS_PER_SECOND = 1_000_000_000L;

    private final long startUtcNs;
    private final long leapTrueNs;
    private final int leapDirection;

    /** No leap second. */
    public TrueTime(long startUtcNs) {
        this(startUtcNs, Long.MAX_VALUE, 0);
    }

    /**
     * @param startUtcNs true UTC at true time 0, ns since the epoch
     * @param leapTrueNs true elapsed time at which UTC takes the leap: midnight for an insertion
     *     (UTC goes back to 23:59:59), the start of 23:59:59 for a deletion (UTC goes on to 00:00:00)
     * @param leapDirection +1 insert (UTC goes back one second), -1 delete (UTC skips a second), 0 none
     */
    public TrueTime(long startUtcNs, long leapTrueNs, int leapDirection) {
        if (leapDirection < -1 || leapDirection > 1) {
            throw new IllegalArgumentException("leapDirection must be -1, 0 or +1, got " + leapDirection);
        }
        this.startUtcNs = startUtcNs;
        this.leapTrueNs = leapTrueNs;
        this.leapDirection = leapDirection;
    }

    /** True UTC at true elapsed time {@code trueNs}, ns since the epoch. */
    public long utcNs(long trueNs) {
        long utc = startUtcNs + trueNs;
        return trueNs >= leapTrueNs ? utc - leapDirection * NS_PER_SECOND : utc;
    }

    /** True UTC at true time 0. */
    public long startUtcNs() {
        return startUtcNs;
    }

    /**
     * True elapsed time at which the first UTC midnight after {@code afterTrueNs} falls (the instant a
     * leap second announced then takes effect).
     */
    public static long nextMidnightTrueNs(long startUtcNs, long afterTrueNs) {
        long day = 86_400L * NS_PER_SECOND;
        long utc = startUtcNs + afterTrueNs;
        long midnight = Math.floorDiv(utc, day) * day + day;
        return midnight - startUtcNs;
    }
}
