package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.client.WallclockPage;
import io.wallsync.core.page.PushReason;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeDaemonTest {
    @TempDir
    Path dir;

    private static void await(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }

    @Test
    void stepSeenByTheWatcherIsPushedAtOnceWithANewGeneration() throws Exception {
        FakeHostClock host = FakeHostClock.live(1_700_000_000_000_000_000L);
        List<String> log = new CopyOnWriteArrayList<>();
        ServeMetrics metrics = new ServeMetrics(host, PushObserver.NONE);
        ServeDaemon daemon = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web")), Duration.ofMinutes(11), Duration.ofMillis(20)),
                host,
                host,
                FilePageSink.lock(dir),
                metrics,
                log::add);
        daemon.start();
        try (WallclockPage page = WallclockPage.open(dir.resolve("web.page"))) {
            long firstReadStartNs = System.nanoTime();
            long before = page.wallTimeNs();
            host.step(3_600_000_000_000L); // +1 h through the HostClock port
            daemon.clockWasSet();
            await(() -> page.status().stepGeneration() == 2);
            long after = page.wallTimeNs();
            long secondReadEndNs = System.nanoTime();
            // The page runs on CLOCK_MONOTONIC (= System.nanoTime here) between the reads, so W
            // moved by exactly 1 h plus the time between them, which is at most the bracket
            // (however long the wait for generation 2 took on a loaded machine); 1 ms more covers
            // each push pairing realtime with the midpoint of a monotonic bracket (HostClock.sample).
            long betweenReadsNs = secondReadEndNs - firstReadStartNs;
            assertThat(after - before).isBetween(3_600_000_000_000L, 3_600_000_000_000L + betweenReadsNs + 1_000_000L);
            assertThat(page.status().lastPushReason()).isEqualTo(PushReason.STEP);
            assertThat(metrics.stepCount()).isEqualTo(1);
            assertThat(metrics.pushCount(PushReason.STEP)).isEqualTo(1);
            // START: the agent's first push (no page yet) and the page's creation.
            assertThat(metrics.pushCount(PushReason.START)).isEqualTo(2);
            // The heartbeat keeps the page fresh (20 ms period, 1 s minimum limit).
            assertThat(page.status().heartbeatAge()).isLessThan(Duration.ofMillis(500));
        } finally {
            daemon.close();
        }
        assertThat(log).isEmpty();
    }

    @Test
    void periodicPushHappensEveryPeriod() throws Exception {
        FakeHostClock host = FakeHostClock.live(1_700_000_000_000_000_000L);
        ServeMetrics metrics = new ServeMetrics(host, PushObserver.NONE);
        ServeDaemon daemon = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web")), Duration.ofMillis(50), Duration.ofMillis(20)),
                host,
                host,
                FilePageSink.lock(dir),
                metrics,
                line -> {});
        daemon.start();
        try {
            await(() -> metrics.pushCount(PushReason.PERIODIC) >= 3);
        } finally {
            daemon.close();
        }
        // Stopped: no more pushes after close.
        long count = metrics.pushCount(PushReason.PERIODIC);
        Thread.sleep(120);
        assertThat(metrics.pushCount(PushReason.PERIODIC)).isEqualTo(count);
    }

    @Test
    void stoppedDaemonLeavesAPageThatReadersReportStale() throws Exception {
        ServeDaemon daemon = ControlServerMain.webDaemon(dir, Duration.ofMillis(20));
        daemon.close();
        try (WallclockPage page = WallclockPage.open(
                dir.resolve("web.page"),
                io.wallsync.client.ReaderOptions.defaults().withStaleAfter(Duration.ofMillis(100)))) {
            Thread.sleep(150);
            assertThat(page.read()).isInstanceOf(io.wallsync.client.Reading.Stale.class);
        }
    }
}
