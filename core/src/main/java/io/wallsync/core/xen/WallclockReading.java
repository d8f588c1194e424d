package io.wallsync.core.xen;

/**
 * The outcome of reading the shared_info wallclock with the seqlock protocol: a consistent value,
 * or an explicit failure after a bounded number of attempts (a writer stuck with an odd version, or
 * one that kept changing the fields under the reader). A read never hangs.
 */
public sealed interface WallclockReading {

    /**
     * A consistent snapshot of wc_sec_hi:wc_sec and wc_nsec, read between two equal even versions.
     *
     * @param seconds (wc_sec_hi &lt;&lt; 32) | wc_sec, the full 64-bit seconds
     * @param nanos wc_nsec as stored (a well-behaved writer keeps it below 10^9)
     * @param version the even wc_version both checks saw
     */
    record Value(long seconds, int nanos, int version) implements WallclockReading {
        /**
         * The value as a {@link Wallclock}.
         *
         * @throws IllegalArgumentException if the writer stored wc_nsec &gt;= 10^9
         */
        public Wallclock wallclock() {
            return new Wallclock(seconds, nanos);
        }
    }

    /**
     * No consistent snapshot after {@code attempts} tries.
     *
     * @param attempts how many times the reader tried
     * @param lastVersion the wc_version seen last
     * @param why what went wrong, e.g. "writer stuck: version odd"
     */
    record Failed(int attempts, int lastVersion, String why) implements WallclockReading {}
}
