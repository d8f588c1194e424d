package io.wallsync.bench;

import io.wallsync.adapters.linux.LinuxClocks;
import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.adapters.page.PageWriter;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.TscCounter;
import io.wallsync.client.WallclockPage;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.PagePublisher;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.VmclockOptions;
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
 * Java page read against the JDK's wall clocks, in one run: {@code WallclockPage.instant()} on the
 * counter path (page v2 vmclock + TSC, calibrated by the daemon's own publisher with this host's
 * {@link TscCounter}) and on the monotonic path (wc + CLOCK_MONOTONIC) vs {@code Instant.now()},
 * {@code WallclockPage.millis()} vs {@code System.currentTimeMillis()}, and {@code
 * System.nanoTime()} (the one system call a monotonic-path read makes) for scale. Report ratios,
 * not absolute numbers: see docs/serve.md. On a host without a usable TSC the counter benchmarks
 * measure the monotonic path (the setup prints which).
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
    private PagePublisher publisher;
    private FilePageSink sink;
    private LinuxHostClock host;
    private WallclockPage counterPage;

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
        page = WallclockPage.open(
                file.path(), ReaderOptions.defaults().withStaleAfter(Duration.ofDays(1)), System::nanoTime, null);
        counterPage = calibratedPage();
        System.out.println("# counter page path: " + counterPage.readPath());
    }

    /** A page v2 whose vmclock the daemon's publisher calibrated from two pairings 300 ms apart. */
    private WallclockPage calibratedPage() throws Exception {
        host = new LinuxHostClock();
        sink = FilePageSink.lock(dir.resolve("v2"));
        VmclockOptions options = switch (TscCounter.open()) {
            case TscCounter.Available a -> VmclockOptions.realMode(a.counter(), Duration.ofMillis(10), 500);
            case TscCounter.Unavailable u -> VmclockOptions.noCounter(u.reason());
        };
        publisher = new PagePublisher(sink, host, host, 660_000_000_000L, 1, 1000, options, PushObserver.NONE);
        publisher.addDomain(DomainSpec.parse("bench"));
        Thread.sleep(300);
        publisher.beat();
        return WallclockPage.open(
                dir.resolve("v2").resolve("bench.page"),
                ReaderOptions.defaults().withStaleAfter(Duration.ofDays(1)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        counterPage.close();
        publisher.close();
        sink.close();
        host.close();
        page.close();
        file.delete();
        Files.deleteIfExists(dir.resolve("pages"));
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Instant pageInstant() {
        return counterPage.instant();
    }

    @Benchmark
    public Instant pageInstantMonotonicPath() {
        return page.instant();
    }

    @Benchmark
    public Instant instantNow() {
        return Instant.now();
    }

    @Benchmark
    public long pageMillis() {
        return counterPage.millis();
    }

    @Benchmark
    public long currentTimeMillis() {
        return System.currentTimeMillis();
    }

    @Benchmark
    public long pageWallTimeNs() {
        return counterPage.wallTimeNs();
    }

    @Benchmark
    public long pageWallTimeNsMonotonicPath() {
        return page.wallTimeNs();
    }

    @Benchmark
    public long nanoTime() {
        return System.nanoTime();
    }
}
