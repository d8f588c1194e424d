package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.client.CounterReading;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.port.CounterPairing;
import io.wallsync.core.port.PairedCounter;
import io.wallsync.core.time.Discipline;
import io.wallsync.core.vmclock.VmclockCalibrator;
import io.wallsync.core.vmclock.VmclockFields;
import io.wallsync.core.vmclock.VmclockLayout;
import io.wallsync.core.vmclock.VmclockTime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daemon's vmclock pages on a host whose clocks the test sets: W = 1_700_000_000 s, so
 * CLOCK_REALTIME = W + monotonic; a counter of exactly 2^32 Hz (counter = monotonic ns * 2^32 /
 * 1e9, exact at whole seconds) read inside brackets of zero width. Expected times follow from that.
 */
class VmclockPublishingTest {
    private static final long W_NS = 1_700_000_000_000_000_000L;
    private static final long TICKS_PER_S = 1L << 32;

    @TempDir
    Path dir;

    private final FakeHostClock host = FakeHostClock.frozen(W_NS, 10_000_000_000L);
    private final AtomicReference<Discipline> discipline = new AtomicReference<>(Discipline.NOMINAL);

    /** The counter at the host's monotonic time (whole seconds: exact). */
    private long counterNow() {
        long ns = host.nanos();
        return Math.floorDiv(ns, 1_000_000_000L) * TICKS_PER_S
                + Math.floorMod(ns, 1_000_000_000L) * TICKS_PER_S / 1_000_000_000L;
    }

    private final PairedCounter counter = new PairedCounter() {
        @Override
        public int counterId() {
            return VmclockLayout.COUNTER_X86_TSC;
        }

        @Override
        public CounterPairing pair() {
            long c = counterNow();
            return new CounterPairing(c, host.realtimeNs(), c, host.nanos(), c);
        }

        @Override
        public long read() {
            return counterNow();
        }
    };

    private final HostWithDiscipline hostClock = new HostWithDiscipline();
    private FilePageSink sink;

    @org.junit.jupiter.api.AfterEach
    void releaseTheDirectory() {
        if (sink != null) {
            sink.close();
        }
    }

    /** The fake host with a discipline the test changes. */
    private final class HostWithDiscipline implements io.wallsync.core.port.HostClock {
        @Override
        public io.wallsync.core.port.HostSample sample() {
            return host.sample();
        }

        @Override
        public io.wallsync.core.port.SyncState syncState() {
            return host.syncState();
        }

        @Override
        public Discipline discipline() {
            return discipline.get();
        }
    }

    private PagePublisher publisher(VmclockOptions options) throws Exception {
        if (sink == null) {
            sink = FilePageSink.lock(dir);
        }
        return new PagePublisher(sink, hostClock, host, 660_000_000_000L, 4242, 1000, options, PushObserver.NONE);
    }

    private static VmclockOptions withCounter(PairedCounter c) {
        // poll 10 ms -> 20 ms detection latency; slews of 500 ppm either way: a change of 1000 ppm
        // unseen -> 20_000 ns in every maximum error
        return new VmclockOptions(
                Optional.of(c), "", Duration.ofMillis(10), VmclockCalibrator.Settings.realMode(10_000_000L, 500));
    }

    private WallclockPage reader(String domain) throws Exception {
        return WallclockPage.open(
                dir.resolve(domain + ".page"),
                ReaderOptions.defaults().withStaleAfter(Duration.ofSeconds(5)),
                host,
                counter);
    }

    @Test
    void theFirstPageIsInitializingUntilABaselineExistsThenTheCounterPathGivesTheDomainsTime() throws Exception {
        try (PagePublisher p = publisher(withCounter(counter))) {
            p.addDomain(DomainSpec.parse("web"));
            p.addDomain(DomainSpec.parse("db:-3600"));
            try (WallclockPage web = reader("web");
                    WallclockPage db = reader("db")) {
                assertThat(web.readPath().counter()).isTrue();
                assertThat(web.vmclockFields().orElseThrow().status()).isEqualTo(ClockStatus.INITIALIZING);
                assertThat(web.readCounter()).isEmpty(); // not usable yet: readers take the monotonic path
                assertThat(web.wallTimeNs()).isEqualTo(W_NS + 10_000_000_000L);

                host.monotonicNs.set(11_000_000_000L); // one second of baseline
                p.beat();
                VmclockFields f = web.vmclockFields().orElseThrow();
                assertThat(f.status()).isEqualTo(ClockStatus.FREERUNNING); // the fake host is unsynchronised
                // reference: counter at 11 s, realtime W + 11 s
                assertThat(f.counterValue()).isEqualTo(11 * TICKS_PER_S);
                assertThat(f.timeAt(f.counterValue())).isEqualTo(new VmclockTime(1_700_000_011L, 0));
                // 2^32 ticks per second at 2^-32 s each: period 2^-32 s = 2^(32 + shift) units
                assertThat(f.counterPeriodFracSec()).isEqualTo(1L << (32 + f.counterPeriodShift()));

                host.monotonicNs.set(11_500_000_000L); // half a second later, no republish
                CounterReading r = web.readCounter().orElseThrow();
                assertThat(r.wallTimeNs()).isEqualTo(W_NS + 11_500_000_000L);
                assertThat(db.readCounter().orElseThrow().wallTimeNs())
                        .isEqualTo(W_NS + 11_500_000_000L - 3_600_000_000_000L);
                // max: 0-wide bracket + 2 granularity + 1 rounding + 1000 ppm * 20 ms = 20_003 ns at the
                // reference; the rate's 4 ns per second of baseline adds 2 ns over half a second (rounded up)
                assertThat(r.maxErrorNs()).isBetween(20_003L, 20_006L);
                assertThat(web.wallTimeNs()).isEqualTo(W_NS + 11_500_000_000L);
            }
        }
    }

    @Test
    void anOffsetChangeMovesOnlyThatDomainsVmclockTime() throws Exception {
        try (PagePublisher p = publisher(withCounter(counter))) {
            p.addDomain(DomainSpec.parse("web"));
            host.monotonicNs.set(11_000_000_000L);
            p.beat();
            try (WallclockPage web = reader("web")) {
                long marker = web.vmclockFields().orElseThrow().disruptionMarker();
                p.setTimeOffset(new io.wallsync.adapters.page.DomainName("web"), 60);
                assertThat(web.readCounter().orElseThrow().wallTimeNs())
                        .isEqualTo(W_NS + 11_000_000_000L + 60_000_000_000L);
                // an offset change is a wall step (the extension's generation), not a counter disruption
                assertThat(web.vmclockFields().orElseThrow().disruptionMarker()).isEqualTo(marker);
            }
        }
    }

    @Test
    void aClockStepIsRepublishedAtOnceFromAFreshPairing() throws Exception {
        try (PagePublisher p = publisher(withCounter(counter))) {
            p.addDomain(DomainSpec.parse("web"));
            host.monotonicNs.set(11_000_000_000L);
            p.beat();
            host.step(3_600_000_000_000L); // NTP steps the host an hour forward
            p.clockWasSet();
            try (WallclockPage web = reader("web")) {
                assertThat(web.readCounter().orElseThrow().wallTimeNs())
                        .isEqualTo(W_NS + 11_000_000_000L + 3_600_000_000_000L);
            }
        }
    }

    @Test
    void aNewFrequencyIsSeenAtThePollAndRescalesThePeriod() throws Exception {
        try (PagePublisher p = publisher(withCounter(counter))) {
            p.addDomain(DomainSpec.parse("web"));
            host.monotonicNs.set(11_000_000_000L);
            p.beat();
            assertThat(p.pollDiscipline()).isFalse();
            // +100 ppm (6_553_600 scaled ppm): the kernel's second becomes 1.0001 clocksource seconds
            discipline.set(new Discipline(io.wallsync.core.time.ClockState.TIME_OK, 0, 10_000, 6_553_600, 0, 0, 0));
            assertThat(p.pollDiscipline()).isTrue();
            try (WallclockPage web = reader("web")) {
                VmclockFields f = web.vmclockFields().orElseThrow();
                double ratio = (double) f.counterPeriodFracSec() / (1L << (32 + f.counterPeriodShift()));
                assertThat(ratio).isCloseTo(1.0001, org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void withoutACounterTheVmclockIsAStatusSignalWithCounterIdInvalid() throws Exception {
        try (PagePublisher p = publisher(VmclockOptions.noCounter("no TSC here"))) {
            p.addDomain(DomainSpec.parse("web"));
            host.monotonicNs.set(11_000_000_000L);
            p.beat();
            try (WallclockPage web = reader("web")) {
                assertThat(web.readPath().counter()).isFalse();
                assertThat(web.readPath().reason()).contains("counter_id INVALID");
                VmclockFields f = web.vmclockFields().orElseThrow();
                assertThat(f.status()).isEqualTo(ClockStatus.FREERUNNING);
                assertThat(f.counterPeriodFracSec()).isZero();
                assertThat(web.wallTimeNs()).isEqualTo(W_NS + 11_000_000_000L);
            }
        }
    }

    @Test
    void aRestartedDaemonPublishesANewDisruptionMarker() throws Exception {
        long first;
        try (PagePublisher p = publisher(withCounter(counter))) {
            p.addDomain(DomainSpec.parse("web"));
            try (WallclockPage web = reader("web")) {
                first = web.vmclockFields().orElseThrow().disruptionMarker();
            }
        }
        host.step(1); // the restarted daemon's start time differs
        try (PagePublisher p = publisher(withCounter(counter))) {
            p.addDomain(DomainSpec.parse("web"));
            try (WallclockPage web = reader("web")) {
                assertThat(web.vmclockFields().orElseThrow().disruptionMarker()).isNotEqualTo(first);
            }
        }
    }
}
