package io.wallsync.daemon;

import io.wallsync.client.ReaderOptions;
import io.wallsync.client.WallclockPage;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The Java side of the cross-process soak: another JVM that maps the page through the client
 * library and checks every wallclock read against the writer's invariant. Prints "reads N torn M".
 */
public final class SoakReaderMain {
    static final long BASE_NS = ((1L << 32) - 1000) * 1_000_000_000L;
    static final long STEP_NS = 1_000_000_007L;
    static final int CYCLE = 2000;

    private SoakReaderMain() {}

    static boolean consistent(long wallclockNs) {
        long d = wallclockNs - BASE_NS;
        return d >= 0 && d % STEP_NS == 0 && d / STEP_NS < CYCLE;
    }

    static long value(long k) {
        return BASE_NS + (k % CYCLE) * STEP_NS;
    }

    public static void main(String[] args) throws Exception {
        long seconds = Long.parseLong(args[1]);
        long reads = 0;
        long torn = 0;
        try (WallclockPage page = WallclockPage.open(
                Path.of(args[0]), ReaderOptions.defaults().withMaxWriterWait(Duration.ofSeconds(5)))) {
            long end = System.nanoTime() + seconds * 1_000_000_000L;
            while (System.nanoTime() < end) {
                for (int i = 0; i < 4096; i++) {
                    reads++;
                    if (!consistent(page.wallclockNs())) {
                        torn++;
                    }
                }
            }
        }
        System.out.println("reads " + reads + " torn " + torn);
    }
}
