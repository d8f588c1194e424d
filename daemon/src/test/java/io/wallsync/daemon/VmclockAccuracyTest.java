package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.adapters.linux.LinuxClocks;
import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.client.CounterReading;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.TscCounter;
import io.wallsync.client.WallclockPage;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real host, the Java counter path: the daemon's publisher calibrates this host's TSC into a
 * page v2 and republishes it every 100 ms as serve's heartbeat would; the client reads the page's
 * time with its bound 500 000 times, each read bracketed by two CLOCK_REALTIME reads. A read is a
 * violation when its distance from the bracket exceeds the published maximum error. The host clock
 * is only read.
 */
class VmclockAccuracyTest {
    @TempDir
    Path dir;

    @Test
    void counterPathTimeStaysWithinItsPublishedBoundOfClockRealtime() throws Exception {
        TscCounter.Availability a = TscCounter.open();
        assumeTrue(
                a instanceof TscCounter.Available,
                () -> "no usable TSC on this host: " + a.support().reason());
        VmclockOptions options = VmclockOptions.realMode(a.optionalCounter().orElseThrow(), Duration.ofMillis(10), 500);
        try (LinuxHostClock host = new LinuxHostClock();
                LinuxClocks clocks = new LinuxClocks();
                PagePublisher publisher = new PagePublisher(
                        FilePageSink.lock(dir),
                        host,
                        MonotonicClocks.linux(),
                        660_000_000_000L,
                        1,
                        100,
                        options,
                        PushObserver.NONE)) {
            publisher.addDomain(DomainSpec.parse("host"));
            Thread.sleep(250); // a baseline of at least 200 ms for the first calibration
            publisher.beat();
            try (WallclockPage page = WallclockPage.open(
                    dir.resolve("host.page"), ReaderOptions.defaults().withStaleAfter(Duration.ofSeconds(30)))) {
                assertThat(page.readPath().counter())
                        .as(page.readPath().toString())
                        .isTrue();
                int samples = 500_000;
                long worstNs = 0;
                long worstBoundNs = 0;
                long minBoundNs = Long.MAX_VALUE;
                long violations = 0;
                long lastBeat = System.nanoTime();
                for (int i = 0; i < samples; i++) {
                    if (System.nanoTime() - lastBeat > 100_000_000L) {
                        publisher.beat();
                        lastBeat = System.nanoTime();
                    }
                    long before = clocks.realtimeNs();
                    CounterReading r = page.readCounter().orElseThrow();
                    long after = clocks.realtimeNs();
                    long t = r.wallTimeNs();
                    long off = t < before ? before - t : t > after ? t - after : 0;
                    worstNs = Math.max(worstNs, off);
                    worstBoundNs = Math.max(worstBoundNs, r.maxErrorNs());
                    minBoundNs = Math.min(minBoundNs, r.maxErrorNs());
                    if (off > r.maxErrorNs()) {
                        violations++;
                    }
                }
                System.out.println("Java counter path vs CLOCK_REALTIME over " + samples + " bracketed reads: worst "
                        + worstNs + " ns outside the bracket, published bound " + minBoundNs + ".." + worstBoundNs
                        + " ns, violations " + violations);
                assertThat(violations).isZero();
                assertThat(worstNs).isLessThan(10_000);
            }
        }
    }
}
