package io.wallsync.stress;

import io.wallsync.adapters.page.PageWriter;
import io.wallsync.core.page.PageExtensionLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of wallsync pages in one file mapped MAP_SHARED (in /dev/shm when present), so the
 * seqlocks are exercised over mapped file memory as in production. jcstress creates a state object
 * per trial; each takes the next page round-robin. The pool is large enough that a page is not
 * reused while an earlier trial on it can still be running: jcstress 0.16 keeps strideSize x
 * strideCount states alive at once (its console: "Test stride: 40 strides x 256 tests" = 10,240
 * with the defaults) and recreates them all between epochs, so {@value #PAGES} pages (128 MB of
 * 8192-byte pages) give every live state its own page. With fewer, two states of one epoch share a
 * page and a reader sees the other state's writes (VmclockSeqlockTest counts those as torn).
 */
final class MappedPages {
    static final int PAGES = 16_384;
    private static final MemorySegment POOL = map();
    private static final AtomicLong NEXT = new AtomicLong();

    private MappedPages() {}

    private static MemorySegment map() {
        try {
            Path shm = Path.of("/dev/shm");
            Path file = Files.createTempFile(
                    Files.isDirectory(shm) ? shm : Path.of(System.getProperty("java.io.tmpdir")),
                    "wallsync-jcstress",
                    ".pages");
            file.toFile().deleteOnExit();
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long size = (long) PAGES * PageExtensionLayout.PAGE_SIZE;
                MemorySegment pool = ch.map(FileChannel.MapMode.READ_WRITE, 0, size, Arena.global());
                for (int i = 0; i < PAGES; i++) {
                    new PageWriter(slice(pool, i))
                            .initialise(
                                    ProcessHandle.current().pid(),
                                    1000,
                                    io.wallsync.core.vmclock.VmclockLayout.COUNTER_INVALID);
                }
                return pool;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MemorySegment slice(MemorySegment pool, long i) {
        return pool.asSlice(i * PageExtensionLayout.PAGE_SIZE, PageExtensionLayout.PAGE_SIZE);
    }

    static MemorySegment next() {
        return slice(POOL, Math.floorMod(NEXT.getAndIncrement(), PAGES));
    }

    /** Wallclock values the writers publish: hi flips every cycle, so mixing two writes shows. */
    static final long BASE_NS = ((1L << 32) - 1000) * 1_000_000_000L;

    static final long STEP_NS = 1_000_000_007L;
    static final int CYCLE = 2000;

    static long value(long k) {
        return BASE_NS + Math.floorMod(k, CYCLE) * STEP_NS;
    }

    static boolean consistent(long wallclockNs) {
        long d = wallclockNs - BASE_NS;
        return d >= 0 && d % STEP_NS == 0 && d / STEP_NS < CYCLE;
    }

    static void publish(PageWriter writer, long k) {
        long v = value(k);
        writer.publishWallclock(Math.floorDiv(v, 1_000_000_000L), (int) Math.floorMod(v, 1_000_000_000L));
    }
}
