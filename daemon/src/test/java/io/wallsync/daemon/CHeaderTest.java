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
