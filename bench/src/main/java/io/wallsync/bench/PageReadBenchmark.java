package io.wallsync.bench;

import io.wallsync.adapters.linux.LinuxClocks;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.adapters.page.PageWriter;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.WallclockPage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Java page read against the JDK's wall clocks, in one run: {@code WallclockPage.instant()} vs
 * {@code Instant.now()}, {@code WallclockPage.millis()} vs {@code System.currentTimeMillis()}, and
 * {@code System.nanoTime()} (the one system call a page read makes) for scale. Report ratios, not
 * absolute numbers: see docs/serve.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Benchmark)
public class PageReadBenchmark {
    private Path dir;
    private PageFile file;
    private WallclockPage page;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        dir = Files.createTempDirectory("wallsync-bench");
        file = PageFile.openForWriting(dir.resolve("pages"), new DomainName("bench"));
        PageWriter writer = new PageWriter(file.segment());
        writer.initialise(ProcessHandle.current().pid(), 1000, io.wallsync.core.vmclock.VmclockLayout.COUNTER_INVALID);
        try (LinuxClocks clocks = new LinuxClocks()) {
            long wallclockNs = clocks.realtimeNs() - clocks.monotonicNs();
            writer.publishWallclock(
                    Math.floorDiv(wallclockNs, 1_000_000_000L), (int) Math.floorMod(wallclockNs, 1_000_000_000L));
            writer.heartbeat(clocks.monotonicNs());
        }
        file.publish();
        // No daemon runs here: a long stale limit keeps the heartbeat check in the path without failing.
        page = WallclockPage.open(file.path(), ReaderOptions.defaults().withStaleAfter(Duration.ofDays(1)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        page.close();
        file.delete();
        Files.deleteIfExists(dir.resolve("pages"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Instant pageInstant() {
        return page.instant();
    }

    @Benchmark
    public Instant instantNow() {
        return Instant.now();
    }

    @Benchmark
    public long pageMillis() {
        return page.millis();
    }

    @Benchmark
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Benchmark
    public long pageWallTimeNs() {
        return page.wallTimeNs();
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
