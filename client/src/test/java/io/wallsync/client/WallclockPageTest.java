package io.wallsync.client;

import static io.wallsync.core.page.PageExtensionLayout.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WallclockPageTest {
    @TempDir
    Path tmp;

    private final AtomicLong monotonicNs = new AtomicLong(5_000_000_000L);

    private WallclockPage open(HandWrittenPage p) throws IOException {
        return WallclockPage.open(p.path, ReaderOptions.defaults(), monotonicNs::get);
    }

    @Test
    void nonRegularFilesAreRefusedBeforeOpenNamingWhatTheyAre() throws Exception {
        Path fifo = tmp.resolve("fifo.page");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor()).isZero();
        // open(2) of a FIFO for reading would block until a writer came: bounded, this must not hang.
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> assertThatThrownBy(() -> WallclockPage.open(fifo))
                        .isInstanceOf(PageFormatException.class)
                        .hasMessage(
                                fifo + " is a FIFO (named pipe), not a wallsync page (a regular file of at least 4096"
                                        + " bytes written by wallsync serve)"));
        assertThatThrownBy(() -> WallclockPage.open(tmp))
                .isInstanceOf(PageFormatException.class)
                .hasMessageStartingWith(tmp + " is a directory, not a wallsync page");
        assertThatThrownBy(() -> WallclockPage.open(Path.of("/dev/zero")))
                .hasMessageStartingWith("/dev/zero is a character device, not a wallsync page");
        Path link = Files.createSymbolicLink(tmp.resolve("null.page"), Path.of("/dev/null"));
        assertThatThrownBy(() -> WallclockPage.open(link))
                .hasMessageStartingWith(link + " is a character device, not a wallsync page");
        assertThatThrownBy(() -> WallclockPage.open(tmp.resolve("absent.page")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
    }

    @Test
    void wallTimeIsWcPlusMonotonic() throws IOException {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            // W = 1_700_000_000.250000000; monotonic = 5 s  =>  wall = 1_700_000_005.250000000.
            p.wc(2, 1_700_000_000L, 250_000_000);
            p.heartbeat(5_000_000_000L);
            try (WallclockPage page = open(p)) {
                assertThat(page.instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_005L, 250_000_000));
                assertThat(page.millis()).isEqualTo(1_700_000_005_250L);
                assertThat(page.wallTimeNs()).isEqualTo(1_700_000_005_250_000_000L);
                assertThat(page.clock().instant()).isEqualTo(Instant.ofEpochSecond(1_700_000_005L, 250_000_000));
            }
        }
    }

    @Test
    void datesAfter2106NeedWcSecHi() throws IOException {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            // wc_sec_hi = 1, wc_sec = 10: W = 4_294_967_306 s (2106-02-07T06:28:26Z); + 5 s monotonic.
            p.wc(2, (1L << 32) + 10, 0);
            p.heartbeat(5_000_000_000L);
            try (WallclockPage page = open(p)) {
                assertThat(page.instant()).isEqualTo(Instant.parse("2106-02-07T06:28:31Z"));
            }
        }
    }

    @Test
    void versionThatStaysOddEndsInWriterStuckAfterTheBoundedWait() throws IOException {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            p.wc(2, 1_700_000_000L, 0);
            p.heartbeat(5_000_000_000L);
            try (WallclockPage page =
                    WallclockPage.open(p.path, ReaderOptions.defaults().withMaxWriterWait(Duration.ofMillis(20)))) {
                p.heartbeat(System.nanoTime());
                p.wc(7, 1_700_000_000L, 0); // a writer killed between its two version stores
                long start = System.nanoTime();
                Reading r = page.read();
                long tookMs = (System.nanoTime() - start) / 1_000_000;
                assertThat(r).isInstanceOf(Reading.WriterStuck.class);
                assertThat(((Reading.WriterStuck) r).lastVersion()).isEqualTo(7);
                assertThat(tookMs).isLessThan(2_000);
                assertThatThrownBy(page::instant)
                        .isInstanceOf(WallclockUnavailableException.class)
                        .hasMessageContaining("restart wallsync serve");
            }
        }
    }

    @Test
    void heartbeatOlderThanThreePeriodsIsStale() throws IOException {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            p.wc(2, 1_700_000_000L, 0);
            p.heartbeat(5_000_000_000L);
            try (WallclockPage page = open(p)) {
                // Period 1000 ms => limit 3 s. At monotonic 8 s the heartbeat is exactly 3 s old: fine.
                monotonicNs.set(8_000_000_000L);
                assertThat(page.read()).isInstanceOf(Reading.Valid.class);
                // 1 ns later it is too old.
                monotonicNs.set(8_000_000_001L);
                Reading r = page.read();
                assertThat(r).isInstanceOf(Reading.Stale.class);
                assertThat(((Reading.Stale) r).heartbeatAge()).isEqualTo(Duration.ofNanos(3_000_000_001L));
                assertThatThrownBy(page::instant)
                        .isInstanceOf(WallclockUnavailableException.class)
                        .hasMessageContaining("stale");
            }
        }
    }

    @Test
    void fileThatIsNotAPageIsRefusedAtOpen() throws IOException {
        Path junk = tmp.resolve("junk.page");
        Files.write(junk, new byte[4096]);
        assertThatThrownBy(() -> WallclockPage.open(junk))
                .isInstanceOf(PageFormatException.class)
                .hasMessageContaining("not a wallsync page");
        Path small = tmp.resolve("small.page");
        Files.write(small, new byte[100]);
        assertThatThrownBy(() -> WallclockPage.open(small))
                .isInstanceOf(PageFormatException.class)
                .hasMessageContaining("has 100 bytes");
    }

    @Test
    void aLayout2PageCutToItsFirst4096BytesIsRefusedAtOpen() throws IOException {
        // A page v2 header (magic "WYNC", layout 2) in a file cut short: mapping 8192 bytes of it
        // would fault at byte 4096, so open says what is missing instead.
        Path cut = tmp.resolve("cut.page");
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4096).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC_OFFSET, MAGIC).putShort(LAYOUT_VERSION_OFFSET, (short) 2);
        Files.write(cut, b.array());
        assertThatThrownBy(() -> WallclockPage.open(cut))
                .isInstanceOf(PageFormatException.class)
                .hasMessageContaining("has 4096 bytes; layout 2 needs 8192 (truncated?)");
    }

    @Test
    void stepListenerHearsGenerationChangesWithTheWallclockJump() throws Exception {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            p.wc(2, 1_700_000_000L, 0);
            p.generation(1, PushReason.START.code());
            p.heartbeat(5_000_000_000L);
            try (WallclockPage page = open(p)) {
                List<StepEvent> events = new ArrayList<>();
                page.onStep(events::add);
                assertThat(page.pollSteps()).isEmpty();
                // The daemon saw a step of +1 h 0.5 s: wc first, then the generation.
                p.wc(4, 1_700_003_600L, 500_000_000);
                p.generation(2, PushReason.STEP.code());
                assertThat(page.pollSteps()).isPresent();
                assertThat(events).containsExactly(new StepEvent(1, 2, 3_600_500_000_000L, PushReason.STEP));
                assertThat(page.pollSteps()).isEmpty();
            }
        }
    }

    @Test
    void statusDecodesTheExtension() throws IOException {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            p.wc(2, 1_700_000_000L, 0);
            p.heartbeat(4_000_000_000L);
            p.seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, CLOCK_STATUS_OFFSET, (byte) 2);
            p.seg.set(java.lang.foreign.ValueLayout.JAVA_BYTE, LEAP_INDICATOR_OFFSET, (byte) 2);
            p.seg.set(HandWrittenPage.U16, TAI_OFFSET_SEC_OFFSET, (short) 37);
            p.seg.set(HandWrittenPage.U64, FLAGS_OFFSET, FLAG_TAI_OFFSET_VALID | FLAG_TIME_MAXERROR_VALID);
            p.seg.set(HandWrittenPage.U64, TIME_MAXERROR_NANOSEC_OFFSET, 1_000_000L);
            p.seg.set(HandWrittenPage.U64, TIME_ESTERROR_NANOSEC_OFFSET, 99L);
            p.seg.set(HandWrittenPage.U32, TIME_OFFSET_SEC_OFFSET, -3600);
            p.generation(12, PushReason.OFFSET_CHANGE.code());
            try (WallclockPage page = open(p)) {
                PageStatus s = page.status();
                assertThat(s.clockStatus()).isEqualTo(ClockStatus.SYNCHRONIZED);
                assertThat(s.synchronised()).isTrue();
                assertThat(s.leap()).isEqualTo(PageLeapIndicator.PRE_NEG);
                assertThat(s.taiOffsetSec()).hasValue(37);
                assertThat(s.maxErrorNs()).hasValue(1_000_000L);
                // esterror flag not set: unknown even though bytes are there.
                assertThat(s.estErrorNs()).isEmpty();
                assertThat(s.timeOffsetSec()).isEqualTo(-3600);
                assertThat(s.stepGeneration()).isEqualTo(12);
                assertThat(s.lastPushReason()).isEqualTo(PushReason.OFFSET_CHANGE);
                // monotonic 5 s - heartbeat 4 s.
                assertThat(s.heartbeatAge()).isEqualTo(Duration.ofSeconds(1));
                assertThat(s.heartbeatPeriod()).isEqualTo(Duration.ofSeconds(1));
            }
        }
    }

    @Test
    void extensionSeqCountStuckOddFailsStatusInsteadOfHanging() throws IOException {
        try (HandWrittenPage p = new HandWrittenPage(tmp.resolve("web.page"))) {
            p.wc(2, 1_700_000_000L, 0);
            p.heartbeat(System.nanoTime());
            try (WallclockPage page =
                    WallclockPage.open(p.path, ReaderOptions.defaults().withMaxWriterWait(Duration.ofMillis(10)))) {
                p.seg.set(HandWrittenPage.U32, SEQ_COUNT_OFFSET, 5);
                assertThatThrownBy(page::status)
                        .isInstanceOf(WallclockUnavailableException.class)
                        .hasMessageContaining("seq_count");
            }
        }
    }
}
