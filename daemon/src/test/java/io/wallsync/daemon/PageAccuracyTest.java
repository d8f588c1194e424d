package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.linux.LinuxClocks;
import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.port.MonotonicClock;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real host: wall time read from the page agrees with CLOCK_REALTIME within 10 us. */
class PageAccuracyTest {
    @TempDir
    Path dir;

    @Test
    void pageWallTimeMatchesClockRealtimeWithinTenMicroseconds() throws Exception {
        MonotonicClock monotonic = MonotonicClocks.linux();
        try (LinuxHostClock host = new LinuxHostClock();
                LinuxClocks clocks = new LinuxClocks();
                PagePublisher publisher = new PagePublisher(
                        FilePageSink.lock(dir),
                        host,
                        monotonic,
                        660_000_000_000L,
                        1,
                        1000,
                        VmclockOptions.noCounter("test"),
                        PushObserver.NONE)) {
            publisher.addDomain(DomainSpec.parse("host"));
            try (WallclockPage page = WallclockPage.open(dir.resolve("host.page"))) {
                long worstNs = 0;
                int samples = 200_000;
                for (int i = 0; i < samples; i++) {
                    if (i % 20_000 == 0) {
                        publisher.heartbeat();
                    }
                    long before = clocks.realtimeNs();
                    long fromPage = page.wallTimeNs();
                    long after = clocks.realtimeNs();
                    // Distance of the page's time from the [before, after] bracket of true readings.
                    long off = fromPage < before ? before - fromPage : fromPage > after ? fromPage - after : 0;
                    worstNs = Math.max(worstNs, off);
                }
                System.out.println("page vs CLOCK_REALTIME: worst deviation outside bracket " + worstNs + " ns over "
                        + samples + " reads");
                assertThat(worstNs).isLessThan(10_000);
            }
        }
    }
}
