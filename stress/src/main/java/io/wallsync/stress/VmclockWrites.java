package io.wallsync.stress;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.vmclock.VmclockFields;
import io.wallsync.core.vmclock.VmclockLayout;

/**
 * The vmclock writes of the jcstress tests: write j stores a value derived from j in every field
 * under seq_count, so a read that mixes two writes is caught.
 *
 * <pre>
 *  field                                  write j                       carries
 *  disruption_marker                      j                             j
 *  flags                                  the four *_ERROR_VALID bits, TAI_OFFSET_VALID, j &lt;&lt; 16   j
 *  clock_status                           SYNCHRONIZED (j even), FREERUNNING (j odd)   j mod 2
 *  leap_second_smearing_hint              j mod 3                       j mod 3
 *  tai_offset_sec                         37 + j mod 5                  j mod 5
 *  leap_indicator                         j mod 3 (NONE, PRE_POS, PRE_NEG)   j mod 3
 *  counter_period_shift                   s = j mod 2                   j mod 2
 *  counter_value                          C - D, D = (2 (j mod 23) + 1) * 100_000   j mod 23
 *  counter_period_frac_sec                P0 &lt;&lt; s                      j mod 2
 *  counter_period_esterror_rate_frac_sec  3j + 1                        j
 *  counter_period_maxerror_rate_frac_sec  5j + 2                        j
 *  time_sec                               S0 + j                        j
 *  time_frac_sec                          fracOfNanos((j mod 97) * 10_000_000)   j mod 97
 *  time_esterror_nanosec                  7j + 3                        j
 *  time_maxerror_nanosec                  11j + 4                       j
 *  vm_generation_counter                  13j + 5                       j
 * </pre>
 *
 * <p>A reader of the fast path holds the counter at {@link #READER_COUNTER} = C, so the counter
 * delta is D ticks of P0 = ceil(2^64 / 10^9) units of 2^-64 s (a 1 GHz counter: one tick is
 * 1 + 1.6e-11 ns), and (P0 &lt;&lt; s) &gt;&gt; s = P0 whatever the parity. The time of write j at C,
 * worked out by hand: D ticks are D ns plus at most 4.5e6 * 1.6e-11 = 7e-5 ns, time_frac_sec is
 * (j mod 97) * 10 ms plus less than 2^-64 s (fracOfNanos rounds up), both below one second, so
 * the nanoseconds truncate to exactly
 *
 * <pre>  E(j) = (S0 + j) * 10^9 + (j mod 97) * 10^7 + (2 (j mod 23) + 1) * 10^5</pre>
 *
 * <p>A torn fast-path read is caught: the sub-second part stays below one second (96 * 10^7 +
 * 4.5 * 10^6 ns), so the seconds name the write j that time_sec came from, and the rest equals
 * E(j)'s only if time_frac_sec and counter_value are j's too (10 ms steps vs odd multiples of
 * 100 µs up to 4.5 ms) and period and shift have the same parity (else the delta doubles or halves:
 * an even multiple of 100 µs, or an odd multiple of 50 µs, never an odd multiple of 100 µs).
 * Writes j and j' that agree modulo 2, 23 and 97 store the same values in those fields; the
 * tests' writes are three consecutive j.
 */
final class VmclockWrites {
    /** C: the counter value the fast-path readers read. */
    static final long READER_COUNTER = 1L << 44;

    /** P0 = ceil(2^64 / 10^9): 2^64 / 10^9 = 18_446_744_073.709551616. */
    static final long PERIOD_1GHZ = 18_446_744_074L;

    /** S0: 2023-11-14T22:13:20Z. */
    static final long BASE_SECONDS = 1_700_000_000L;

    private static final long FLAGS = VmclockLayout.FLAG_TAI_OFFSET_VALID
            | VmclockLayout.FLAG_PERIOD_ESTERROR_VALID
            | VmclockLayout.FLAG_PERIOD_MAXERROR_VALID
            | VmclockLayout.FLAG_TIME_ESTERROR_VALID
            | VmclockLayout.FLAG_TIME_MAXERROR_VALID;

    private VmclockWrites() {}

    static VmclockFields fields(long j) {
        int s = (int) Math.floorMod(j, 2);
        return new VmclockFields(
                j,
                FLAGS | (j << 16),
                s == 0 ? ClockStatus.SYNCHRONIZED.code() : ClockStatus.FREERUNNING.code(),
                (int) Math.floorMod(j, 3),
                (short) (37 + Math.floorMod(j, 5)),
                (int) Math.floorMod(j, 3),
                s,
                READER_COUNTER - deltaTicks(j),
                PERIOD_1GHZ << s,
                3 * j + 1,
                5 * j + 2,
                BASE_SECONDS + j,
                VmclockFields.fracOfNanos(Math.floorMod(j, 97) * 10_000_000L),
                7 * j + 3,
                11 * j + 4,
                13 * j + 5);
    }

    /** D = (2 (j mod 23) + 1) * 100_000: an odd multiple of 100 µs, 0.1 to 4.5 ms. */
    private static long deltaTicks(long j) {
        return (2 * Math.floorMod(j, 23) + 1) * 100_000L;
    }

    /** E(j): the time of write j at {@link #READER_COUNTER}, in ns since the epoch (table above). */
    static long epochNanos(long j) {
        return (BASE_SECONDS + j) * 1_000_000_000L + Math.floorMod(j, 97) * 10_000_000L + deltaTicks(j);
    }

    /** The write a fast-path time names by its seconds (time_sec = S0 + j). */
    static long writeOf(long epochNanos) {
        return Math.floorDiv(epochNanos, 1_000_000_000L) - BASE_SECONDS;
    }

    /** Whether {@code f} is exactly write j for one j in [first, last]. */
    static boolean whole(VmclockFields f, long first, long last) {
        long j = f.disruptionMarker();
        return j >= first && j <= last && f.equals(fields(j));
    }

    /** Whether a fast-path time is E(j) for one j in [first, last]. */
    static boolean whole(long epochNanos, long first, long last) {
        long j = writeOf(epochNanos);
        return j >= first && j <= last && epochNanos == epochNanos(j);
    }
}
