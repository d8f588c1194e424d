package io.wallsync.daemon;

import io.wallsync.client.ReaderOptions;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageExtensionLayout;
import io.wallsync.core.port.CycleCounter;
import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockFields;
import io.wallsync.core.vmclock.VmclockLayout;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * The Java side of the cross-process soak: another JVM that maps the page through the client
 * library and checks every read against the writer's invariants: the wallclock (W_k below), the
 * vmclock fields under seq_count ({@link WallclockPage#vmclockFields}, the client's bounded
 * seqlock read) and the vmclock fast path ({@link Vmclock#epochNanos}, one attempt, at a fixed
 * counter). Prints
 *
 * <pre>
 *   reads N torn M
 *   vmclock reads N torn M
 *   vmclock-fast reads N torn M retries R
 * </pre>
 *
 * <p>The writer's write k publishes wallclock W_k = BASE + (k mod CYCLE) * STEP and the vmclock
 * fields {@link #vmclockFields vmclockFields(k)}, where every field is derived from k:
 *
 * <pre>
 *  disruption_marker  k                        counter_period_shift     s = k mod 2
 *  flags              0x79 | k &lt;&lt; 16           counter_value            C - (2 (k mod 23) + 1) * 100_000
 *  clock_status       2 (k even), 3 (k odd)    counter_period_frac_sec  P0 &lt;&lt; s, P0 = 18_446_744_074
 *  smearing_hint      k mod 3                  period esterror/maxerror 3k + 1, 5k + 2
 *  tai_offset_sec     37 + k mod 5             time_sec                 S0 + k, S0 = 1_700_000_000
 *  leap_indicator     k mod 3                  time_frac_sec            fracOfNanos((k mod 97) * 10^7)
 *  time esterror/maxerror  7k + 3, 11k + 4     vm_generation_counter    13k + 5
 * </pre>
 *
 * (C = 2^44; 0x79 = TAI_OFFSET_VALID and the four *_ERROR_VALID bits). A fields read is whole when
 * it equals vmclockFields(disruption_marker). At counter C the time of write k is, by hand (P0 =
 * ceil(2^64 / 10^9): a tick is 1 + 1.6e-11 ns, so the D &lt;= 4.5e6 ticks add D ns and under 1e-4 ns;
 * fracOfNanos rounds up by under 2^-64 s):
 *
 * <pre>  E(k) = (S0 + k) * 10^9 + (k mod 97) * 10^7 + (2 (k mod 23) + 1) * 10^5  ns</pre>
 *
 * <p>A fast-path time is whole when it equals E(k) for the k its seconds name (the sub-second part
 * stays below 0.97 s): time_frac_sec and counter_value from another write move it by 10 ms steps or
 * odd multiples of 100 µs, a period and shift of different parity double or halve the delta.
 */
public final class SoakReaderMain {
    static final long BASE_NS = ((1L << 32) - 1000) * 1_000_000_000L;
    static final long STEP_NS = 1_000_000_007L;
    static final int CYCLE = 2000;

    /** C: the counter the fast-path reader reads. */
    static final long READER_COUNTER = 1L << 44;

    /** P0 = ceil(2^64 / 10^9) (2^64 / 10^9 = 18_446_744_073.709551616): a 1 GHz counter. */
    static final long PERIOD_1GHZ = 18_446_744_074L;

    static final long BASE_SECONDS = 1_700_000_000L;

    private static final long FLAGS = VmclockLayout.FLAG_TAI_OFFSET_VALID
            | VmclockLayout.FLAG_PERIOD_ESTERROR_VALID
            | VmclockLayout.FLAG_PERIOD_MAXERROR_VALID
            | VmclockLayout.FLAG_TIME_ESTERROR_VALID
            | VmclockLayout.FLAG_TIME_MAXERROR_VALID;

    private SoakReaderMain() {}

    static boolean consistent(long wallclockNs) {
        long d = wallclockNs - BASE_NS;
        return d >= 0 && d % STEP_NS == 0 && d / STEP_NS < CYCLE;
    }

    static long value(long k) {
        return BASE_NS + (k % CYCLE) * STEP_NS;
    }

    /** The vmclock fields of write k (table above). */
    static VmclockFields vmclockFields(long k) {
        int s = (int) (k % 2);
        return new VmclockFields(
                k,
                FLAGS | (k << 16),
                s == 0 ? ClockStatus.SYNCHRONIZED.code() : ClockStatus.FREERUNNING.code(),
                (int) (k % 3),
                (short) (37 + k % 5),
                (int) (k % 3),
                s,
                READER_COUNTER - deltaTicks(k),
                PERIOD_1GHZ << s,
                3 * k + 1,
                5 * k + 2,
                BASE_SECONDS + k,
                VmclockFields.fracOfNanos(k % 97 * 10_000_000L),
                7 * k + 3,
                11 * k + 4,
                13 * k + 5);
    }

    private static long deltaTicks(long k) {
        return (2 * (k % 23) + 1) * 100_000L;
    }

    /** E(k): the time of write k at {@link #READER_COUNTER}, ns since the epoch. */
    static long epochNanos(long k) {
        return (BASE_SECONDS + k) * 1_000_000_000L + k % 97 * 10_000_000L + deltaTicks(k);
    }

    static boolean whole(VmclockFields f) {
        return f.disruptionMarker() >= 0 && f.equals(vmclockFields(f.disruptionMarker()));
    }

    static boolean whole(long epochNanos) {
        long k = Math.floorDiv(epochNanos, 1_000_000_000L) - BASE_SECONDS;
        return k >= 0 && epochNanos == epochNanos(k);
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        long seconds = Long.parseLong(args[1]);
        long reads = 0;
        long torn = 0;
        long fieldReads = 0;
        long fieldsTorn = 0;
        long fastReads = 0;
        long fastTorn = 0;
        long fastRetries = 0;
        CycleCounter counter = () -> READER_COUNTER;
        try (WallclockPage page =
                        WallclockPage.open(path, ReaderOptions.defaults().withMaxWriterWait(Duration.ofSeconds(5)));
                Arena arena = Arena.ofConfined();
                FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            // The client keeps its fast path to itself (falling back to the monotonic path on
            // NO_TIME), so this reader maps the page once more to call Vmclock.epochNanos directly.
            Vmclock clock =
                    Vmclock.ofPage(ch.map(FileChannel.MapMode.READ_ONLY, 0, PageExtensionLayout.PAGE_SIZE, arena));
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 4096; i++) {
                    reads++;
                    if (!consistent(page.wallclockNs())) {
                        torn++;
                    }
                }
                for (int i = 0; i < 4096; i++) {
                    fieldReads++;
                    if (!whole(page.vmclockFields().orElseThrow())) {
                        fieldsTorn++;
                    }
                }
                for (int i = 0; i < 4096; i++) {
                    long ns = clock.epochNanos(counter, 1_000_000_000L);
                    if (ns == Vmclock.NO_TIME) {
                        fastRetries++;
                    } else {
                        fastReads++;
                        if (!whole(ns)) {
                            fastTorn++;
                        }
                    }
                }
            }
        }
        System.out.println("reads " + reads + " torn " + torn);
        System.out.println("vmclock reads " + fieldReads + " torn " + fieldsTorn);
        System.out.println("vmclock-fast reads " + fastReads + " torn " + fastTorn + " retries " + fastRetries);
    }
}
