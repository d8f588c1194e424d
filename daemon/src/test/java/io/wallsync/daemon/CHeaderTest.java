package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** include/wallsync.h: its unit tests, and a live page read by C (layout: PageAbiConsistencyTest). */
class CHeaderTest {
    @TempDir
    Path tmp;

    @Test
    void cUnitTestsPassWhenCompiledWithGcc() throws Exception {
        Path bin = CBuild.compile(tmp, "tests/c/wallsync_test.c", "wallsync_test");
        CBuild.Result r = CBuild.run(bin);
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains(" passed, 0 failed");
    }

    /**
     * The counter path on a page v2 whose vmclock part the C test writer calibrated from real TSC /
     * CLOCK_REALTIME pairs (tests/c/vmclock_fixture.c): every read of the bracketed accuracy run
     * (tests/c/wallsync_bench.c accuracy) lies within the bound the page publishes, and the example
     * reports the counter path with a finite bound.
     */
    @Test
    void cCounterPathReadsACalibratedPageV2WithinItsPublishedBound() throws Exception {
        Path fixture = CBuild.compile(tmp, "tests/c/vmclock_fixture.c", "vmclock_fixture");
        Path bench = CBuild.compile(tmp, "tests/c/wallsync_bench.c", "wallsync_bench");
        Path example = CBuild.compile(tmp, "examples/c/wallsync_example.c", "wallsync_example");
        Path page = tmp.resolve("fixture.page");
        CBuild.Result w = CBuild.run(fixture, "write", page.toString());
        assertThat(w.exitCode()).as(w.output()).isZero();
        CBuild.Result r = CBuild.run(bench, "accuracy", page.toString(), "200000");
        assertThat(r.exitCode()).as(r.output()).isZero();
        Matcher m = Pattern.compile("accuracy offset_s 0 reads 200000 worst_outside_ns (\\d+) .* violations 0")
                .matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        System.out.println("C counter path on a calibrated page: " + r.output().strip());
        // A generous sanity limit; the real check is the page's own bound (violations 0).
        assertThat(Long.parseLong(m.group(1))).isLessThan(1_000_000);
        CBuild.Result e = CBuild.run(example, page.toString());
        assertThat(e.exitCode()).as(e.output()).isZero();
        assertThat(e.output()).containsPattern("vmclock \\d+\\.\\d{9} maxerror \\d+ ns path counter");
    }

    @Test
    void cExampleReadsALivePageWithinTenMicrosecondsOfClockRealtime() throws Exception {
        Path bin = CBuild.compile(tmp, "examples/c/wallsync_example.c", "wallsync_example");
        Path dir = tmp.resolve("pages");
        try (LinuxHostClock host = new LinuxHostClock();
                PagePublisher publisher = new PagePublisher(
                        FilePageSink.lock(dir),
                        host,
                        MonotonicClocks.linux(),
                        660_000_000_000L,
                        1,
                        60_000,
                        VmclockOptions.noCounter("test"),
                        PushObserver.NONE)) {
            publisher.addDomain(DomainSpec.parse("host"));
            CBuild.Result r = CBuild.run(bin, dir.resolve("host.page").toString(), "200000");
            assertThat(r.exitCode()).as(r.output()).isZero();
            Matcher m = Pattern.compile("compare reads 200000 worst_ns (\\d+)").matcher(r.output());
            assertThat(m.find()).as(r.output()).isTrue();
            long worstNs = Long.parseLong(m.group(1));
            System.out.println("C reader vs CLOCK_REALTIME: worst " + worstNs + " ns over 200000 reads");
            assertThat(worstNs).isLessThan(10_000);
            assertThat(r.output()).contains("generation 1 status 3 offset 0");
        }
    }
}
