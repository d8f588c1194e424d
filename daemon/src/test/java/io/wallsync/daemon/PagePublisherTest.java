package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.client.PageStatus;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.StepEvent;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PagePublisherTest {
    @TempDir
    Path dir;

    // W = 1_700_000_000 s exactly; monotonic frozen at 10 s.
    private final FakeHostClock host = FakeHostClock.frozen(1_700_000_000_000_000_000L, 10_000_000_000L);
    private final List<String> pushes = new ArrayList<>();
    private static final long PERIOD_NS = 660_000_000_000L; // 11 min

    private FilePageSink sink;

    @org.junit.jupiter.api.AfterEach
    void releaseTheDirectory() {
        if (sink != null) {
            sink.close();
        }
    }

    /** A publisher on the test's directory; a "restarted" one shares the directory lock (same process). */
    private PagePublisher publisher() throws java.io.IOException {
        if (sink == null) {
            sink = FilePageSink.lock(dir);
        }
        return new PagePublisher(
                sink,
                host,
                host,
                PERIOD_NS,
                4242,
                1000,
                VmclockOptions.noCounter("test"),
                (domain, reason, wallclockNs, generation, sync) ->
                        pushes.add(domain + " " + reason.label() + " " + wallclockNs + " " + generation));
    }

    private WallclockPage reader(String domain) throws Exception {
        return WallclockPage.open(dir.resolve(domain + ".page"), ReaderOptions.defaults(), host);
    }

    @Test
    void startPushWritesWallclockAtMonotonicZeroPlusTheDomainOffset() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
            p.addDomain(DomainSpec.parse("db:-3600"));
            try (WallclockPage web = reader("web");
                    WallclockPage db = reader("db")) {
                // wall = W + monotonic = 1_700_000_000 + 10 = 1_700_000_010 s.
                assertThat(web.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L));
                // db lives one hour behind.
                assertThat(db.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L - 3600));
                assertThat(web.status().lastPushReason()).isEqualTo(PushReason.START);
                assertThat(web.status().stepGeneration()).isEqualTo(1);
                assertThat(db.status().timeOffsetSec()).isEqualTo(-3600);
            }
            // Observed wallclock W + offset: 1_700_000_000 s and 1_700_000_000 - 3_600 = 1_699_996_400 s.
            // First the agent's START push while no page existed yet, then one entry per new page.
            assertThat(pushes)
                    .containsExactly(
                            "null start 1700000000000000000 0",
                            "web start 1700000000000000000 1",
                            "db start 1699996400000000000 1");
            assertThat(p.agent().hypercalls()).isEqualTo(1);
        }
    }

    @Test
    void hostStepGivesEveryPageTheNewTimeAndANewGeneration() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
            try (WallclockPage web = reader("web")) {
                List<StepEvent> steps = new ArrayList<>();
                web.onStep(steps::add);
                host.step(-7_200_000_000_000L); // settimeofday two hours back
                p.clockWasSet();
                assertThat(web.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L - 7200));
                web.pollSteps();
                assertThat(steps).containsExactly(new StepEvent(1, 2, -7_200_000_000_000L, PushReason.STEP));
                // A tick before the period passed pushes nothing.
                p.tick();
                assertThat(web.status().lastPushReason()).isEqualTo(PushReason.STEP);
                // 11 minutes later the agent's periodic push comes, and keeps the generation.
                host.monotonicNs.addAndGet(PERIOD_NS);
                p.tick();
                p.heartbeat();
                assertThat(web.status().stepGeneration()).isEqualTo(2);
                assertThat(web.status().lastPushReason()).isEqualTo(PushReason.PERIODIC);
                // wall = W + monotonic = (1_700_000_000 - 7200) + (10 + 660) s.
                assertThat(web.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L - 7200 + 670));
                assertThat(p.agent().hypercalls()).isEqualTo(3);
            }
        }
    }

    @Test
    void offsetChangeMovesOnlyThatDomain() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
            p.addDomain(DomainSpec.parse("db"));
            assertThat(p.setTimeOffset(new DomainName("db"), 86_400)).isTrue();
            assertThat(p.setTimeOffset(new DomainName("nope"), 1)).isFalse();
            try (WallclockPage web = reader("web");
                    WallclockPage db = reader("db")) {
                assertThat(db.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L + 86_400));
                assertThat(db.status().stepGeneration()).isEqualTo(2);
                assertThat(db.status().lastPushReason()).isEqualTo(PushReason.OFFSET_CHANGE);
                assertThat(web.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L));
                assertThat(web.status().stepGeneration()).isEqualTo(1);
            }
        }
    }

    @Test
    void theS32OffsetBoundsArePublishedExactlyAndListAndGetOffsetReportThePage() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("lo:-2147483648"));
            p.addDomain(DomainSpec.parse("hi"));
            assertThat(p.setTimeOffset(new DomainName("hi"), 2_147_483_647L)).isTrue();
            try (WallclockPage lo = reader("lo");
                    WallclockPage hi = reader("hi")) {
                assertThat(lo.status().timeOffsetSec()).isEqualTo(Integer.MIN_VALUE);
                assertThat(hi.status().timeOffsetSec()).isEqualTo(Integer.MAX_VALUE);
                // wall = 1_700_000_000 + 10 (monotonic) + offset
                assertThat(lo.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L - 2_147_483_648L));
                assertThat(hi.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L + 2_147_483_647L));
            }
            assertThat(p.timeOffsetSeconds(new DomainName("lo"))).hasValue(-2_147_483_648L);
            assertThat(p.domains())
                    .extracting(PagePublisher.DomainInfo::timeOffsetSeconds)
                    .containsExactly(-2_147_483_648L, 2_147_483_647L);
        }
    }

    @Test
    void anOffsetBeyondTheS32IsRefusedAndThePageKeepsItsOffsetAndGeneration() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web:60"));
            // 2^31 would have been stored as (int) 2^31 = -2^31: 136 years the other way.
            assertThatThrownBy(() -> p.setTimeOffset(new DomainName("web"), 2_147_483_648L))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("2147483648 s out of range");
            assertThatThrownBy(() -> p.setTimeOffset(new DomainName("web"), Long.MIN_VALUE))
                    .hasMessageContaining("out of range");
            try (WallclockPage web = reader("web")) {
                assertThat(web.status().timeOffsetSec()).isEqualTo(60);
                assertThat(web.status().stepGeneration()).isEqualTo(1);
                assertThat(web.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L + 60));
            }
            assertThat(p.timeOffsetSeconds(new DomainName("web"))).hasValue(60);
        }
    }

    @Test
    void syncStateIsPublishedInVmclockTermsAndRefreshedByTheHeartbeat() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
            try (WallclockPage web = reader("web")) {
                PageStatus before = web.status();
                assertThat(before.clockStatus()).isEqualTo(ClockStatus.FREERUNNING);
                // 16 s maxerror = 16_000_000 us = 16_000_000_000 ns.
                assertThat(before.maxErrorNs()).hasValue(16_000_000_000L);
                assertThat(before.taiOffsetSec()).isEmpty();
                // NTP synchronises the host: maxerror 1.5 ms, esterror 20 us, TAI 37 s, insert pending.
                host.sync.set(new SyncState(true, 1_500, 20, 37, LeapIndicator.INSERT));
                p.heartbeat();
                PageStatus after = web.status();
                assertThat(after.clockStatus()).isEqualTo(ClockStatus.SYNCHRONIZED);
                assertThat(after.maxErrorNs()).hasValue(1_500_000L);
                assertThat(after.estErrorNs()).hasValue(20_000L);
                assertThat(after.taiOffsetSec()).hasValue(37);
                assertThat(after.leap()).isEqualTo(PageLeapIndicator.PRE_POS);
                // A state refresh is not a step.
                assertThat(after.stepGeneration()).isEqualTo(1);
                assertThat(after.heartbeatAge()).isEqualTo(Duration.ZERO);
            }
        }
    }

    @Test
    void restartReusesThePageAndAdvancesTheGeneration() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
            host.step(1_000_000_000L);
            p.clockWasSet();
        }
        try (WallclockPage web = reader("web");
                PagePublisher restarted = publisher()) {
            assertThat(web.status().stepGeneration()).isEqualTo(2);
            restarted.addDomain(DomainSpec.parse("web"));
            // The old mapping sees the new daemon's push: same file, generation 3.
            assertThat(web.status().stepGeneration()).isEqualTo(3);
            assertThat(web.status().lastPushReason()).isEqualTo(PushReason.START);
        }
    }

    @Test
    void restartRepairsAPageLeftMidUpdateByAKilledWriter() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
        }
        try (WallclockPage web = WallclockPage.open(
                dir.resolve("web.page"),
                io.wallsync.client.ReaderOptions.defaults().withMaxWriterWait(Duration.ofMillis(10)),
                host)) {
            // A daemon killed between its two wc_version stores leaves the version odd (2 -> 3).
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    dir.resolve("web.page"), java.nio.file.StandardOpenOption.WRITE)) {
                ch.write(java.nio.ByteBuffer.wrap(new byte[] {3, 0, 0, 0}), 3072);
            }
            assertThat(web.read()).isInstanceOf(io.wallsync.client.Reading.WriterStuck.class);
            try (PagePublisher restarted = publisher()) {
                restarted.addDomain(DomainSpec.parse("web"));
                // The same mapping now reads again: version advanced to even, wc rewritten.
                assertThat(web.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_010L));
                assertThat(web.status().lastPushReason()).isEqualTo(PushReason.REPAIR);
            }
        }
    }

    @Test
    void removeDeletesThePage() throws Exception {
        try (PagePublisher p = publisher()) {
            p.addDomain(DomainSpec.parse("web"));
            assertThat(p.removeDomain(new DomainName("web"))).isTrue();
            assertThat(dir.resolve("web.page")).doesNotExist();
            assertThat(p.removeDomain(new DomainName("web"))).isFalse();
        }
    }
}
