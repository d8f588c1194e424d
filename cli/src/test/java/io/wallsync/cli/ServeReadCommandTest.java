package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.page.DomainName;
import io.wallsync.client.ReaderOptions;
import io.wallsync.client.Reading;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeReadCommandTest {
    @TempDir
    Path tmp;

    @Test
    void readOfAMissingPageSaysSoAndExitsOne() {
        CommandRunner r = CommandRunner.run("read", "--dir", tmp.toString(), "--domain", "web");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no page for domain web").contains("is wallsync serve running?");
    }

    @Test
    void readFromADirectoryThatDoesNotExistSaysSo() {
        Path nowhere = tmp.resolve("nowhere");
        CommandRunner r = CommandRunner.run("read", "--dir", nowhere.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("directory " + nowhere + " does not exist (wrong --dir?)");
    }

    @Test
    void readOfAMissingPageNamesThePagesThatDoExist() throws Exception {
        java.nio.file.Files.createFile(tmp.resolve("db.page"));
        java.nio.file.Files.createFile(tmp.resolve("api.page"));
        java.nio.file.Files.createFile(tmp.resolve("control.sock"));

        CommandRunner r = CommandRunner.run("read", "--dir", tmp.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("no page for domain host").contains("pages here: api, db (use --domain NAME)");
    }

    @Test
    void badDomainNamesAndDurationsAreUsageErrors() {
        CommandRunner bad = CommandRunner.run("serve", "--dir", tmp.toString(), "--domain", "../etc");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("invalid domain name '../etc'");
        CommandRunner offset = CommandRunner.run("serve", "--dir", tmp.toString(), "--domain", "web:soon");
        assertThat(offset.exitCode()).isEqualTo(2);
        assertThat(offset.err()).contains("offset 'soon' is not a whole number of seconds");
        CommandRunner period = CommandRunner.run("serve", "--dir", tmp.toString(), "--period", "eleven");
        assertThat(period.exitCode()).isEqualTo(2);
        assertThat(period.err()).contains("'eleven' is not a duration");
        CommandRunner read = CommandRunner.run("read", "--dir", tmp.toString(), "--domain", "a/b");
        assertThat(read.exitCode()).isEqualTo(2);
    }

    @Test
    void zeroNegativeAndOverflowingDurationsAreUsageErrorsBeforeAnythingRuns() {
        for (String bad :
                List.of("0s", "0ms", "PT-5S", "999999999999999h", "999999999999999999h", "99999999999999999999s")) {
            CommandRunner r = CommandRunner.run("serve", "--dir", tmp.toString(), "--no-control", "--period", bad);
            assertThat(r.exitCode()).as(bad + ": " + r.err()).isEqualTo(2);
            assertThat(r.err()).contains("'" + bad + "'").contains("expected a positive duration");
        }
        CommandRunner poll = CommandRunner.run("read", "--dir", tmp.toString(), "--watch", "--poll", "0ms");
        assertThat(poll.exitCode()).isEqualTo(2);
        assertThat(poll.err()).contains("'0ms' is not positive");
        assertThat(tmp.resolve("host.page")).doesNotExist();
    }

    @Test
    void aDomainGivenTwiceOrAMetricsPortOutOfRangeIsAUsageErrorAndNoPageIsWritten() {
        CommandRunner twice = CommandRunner.run(
                "serve", "--dir", tmp.toString(), "--no-control", "--domain", "web", "--domain", "web:60");
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("--domain web is given twice");
        CommandRunner port =
                CommandRunner.run("serve", "--dir", tmp.toString(), "--no-control", "--metrics-port", "70000");
        assertThat(port.exitCode()).isEqualTo(2);
        assertThat(port.err()).contains("--metrics-port 70000 is out of range: expected 0..65535");
        assertThat(tmp.resolve("web.page")).doesNotExist();
        assertThat(tmp.resolve("host.page")).doesNotExist();
    }

    @Test
    void aMalformedControlRequestIsAUsageErrorBeforeAnyConnection() {
        // No daemon listens in tmp: exit 2 and the parser's words prove nothing was sent.
        CommandRunner unknown = CommandRunner.run("control", "--dir", tmp.toString(), "frobnicate");
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err())
                .contains("unknown request 'frobnicate': expected list, get-offset, set-offset, add or remove")
                .doesNotContain("cannot connect");
        CommandRunner offset = CommandRunner.run("control", "--dir", tmp.toString(), "set-offset", "web", "soon");
        assertThat(offset.exitCode()).isEqualTo(2);
        assertThat(offset.err()).contains("offset 'soon' is not a whole number of seconds");
        CommandRunner arity = CommandRunner.run("control", "--dir", tmp.toString(), "remove");
        assertThat(arity.exitCode()).isEqualTo(2);
        assertThat(arity.err()).contains("usage: remove NAME");
        CommandRunner wellFormed = CommandRunner.run("control", "--dir", tmp.toString(), "list");
        assertThat(wellFormed.exitCode()).isEqualTo(1);
        assertThat(wellFormed.err()).contains("cannot connect");
    }

    @Test
    void durationsParseInTheUnitsTheHelpShows() {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(c.convert("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.convert("11m")).isEqualTo(Duration.ofMinutes(11));
        assertThat(c.convert("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(c.convert("PT11M")).isEqualTo(Duration.ofMinutes(11));
    }

    /**
     * The real daemon in another JVM: pages appear, `read` prints them, metrics answer on loopback,
     * SIGTERM stops it cleanly (exit 143, "stopped" logged) and the page then reads as stale.
     */
    @Test
    void serveInAnotherProcessPublishesServesMetricsAndStopsOnSigterm() throws Exception {
        Path dir = tmp.resolve("pages");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "serve",
                "--dir",
                dir.toString(),
                "--domain",
                "web",
                "--domain",
                "db:-3600",
                "--heartbeat",
                "100ms",
                "--metrics-port",
                "0"));
        Path log = tmp.resolve("serve.log");
        Process serve = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            String metricsUrl = awaitLog(log, Pattern.compile("metrics on (http://127\\.0\\.0\\.1:\\d+/metrics)"));
            awaitLog(log, Pattern.compile("control socket"));

            Instant readStarted = Instant.now();
            CommandRunner web = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web");
            Instant readEnded = Instant.now();
            assertThat(web.exitCode()).as(web.err()).isZero();
            assertThat(web.out()).contains("generation=1").contains("offset=0s").contains("last-push=start");
            // The page's wall time was read between the two Instant.now() calls, whatever the load:
            // within 1 s of that bracket (the page itself is µs-accurate, see docs/serve.md).
            Instant printed = Instant.parse(web.out().substring(0, web.out().indexOf(' ')));
            assertThat(printed)
                    .isBetween(readStarted.minus(Duration.ofSeconds(1)), readEnded.plus(Duration.ofSeconds(1)));
            CommandRunner db = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "db");
            assertThat(db.out()).contains("offset=-3600s");

            HttpResponse<String> metrics = HttpClient.newHttpClient()
                    .send(HttpRequest.newBuilder(URI.create(metricsUrl)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.statusCode()).isEqualTo(200);
            // The agent's START push (no page yet) and one START per page: 3.
            assertThat(metrics.body()).contains("wallsync_pushes_total{reason=\"start\"} 3.0");
            assertThat(metrics.body()).contains("wallsync_host_clock_synchronised");
        } finally {
            serve.destroy(); // SIGTERM
            assertThat(serve.waitFor(20, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(serve.exitValue()).isEqualTo(143);
        String out = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(out).contains("stopping (signal)").contains("stopped; pages stay in place");
        try (WallclockPage page = WallclockPage.open(
                dir.resolve("web.page"), ReaderOptions.defaults().withStaleAfter(Duration.ofMillis(300)))) {
            Thread.sleep(400);
            assertThat(page.read()).isInstanceOf(Reading.Stale.class);
        }
        assertThat(dir.resolve("control.sock")).doesNotExist();
    }

    @Test
    void readWatchPrintsALineOnEveryStep() throws Exception {
        Path dir = tmp.resolve("pages");
        MonotonicClock mono = System::nanoTime;
        AtomicLong offsetNs = new AtomicLong(1_700_000_000_000_000_000L);
        HostClock host = unsyncedHostAt(offsetNs);
        ServeDaemon daemon = new ServeDaemon(
                new ServeDaemon.Config(
                        dir, List.of(DomainSpec.parse("web")), Duration.ofMinutes(11), Duration.ofMillis(50)),
                host,
                mono,
                PushObserver.NONE,
                line -> {});
        daemon.start();
        try {
            // The watcher's output is watched as it grows (StringWriter is synchronised), so each
            // change is made only after the watcher has shown the one before: no sleeps that a
            // loaded machine could outlast.
            CommandRunner.Running watch = CommandRunner.start(
                    "read", "--dir", dir.toString(), "--domain", "web", "--watch", "--steps", "2", "--poll", "10ms");
            watch.awaitOutput("generation=1");
            offsetNs.addAndGet(-60_000_000_000L); // the host clock goes back a minute
            daemon.clockWasSet();
            watch.awaitOutput("step generation=2");
            daemon.call(p -> p.setTimeOffset(new DomainName("web"), 3600));
            CommandRunner r = watch.finish();
            assertThat(r.exitCode()).as(r.err()).isZero();
            String[] lines = r.out().strip().split("\n");
            assertThat(lines).hasSize(3);
            assertThat(lines[0]).contains("generation=1");
            // -60 s step, then +3600 s offset: the change is W's jump, in ns.
            assertThat(lines[1]).contains("step generation=2 previous=1").contains("reason=step");
            Matcher m = Pattern.compile("change=(-?\\d+)ns").matcher(lines[1]);
            assertThat(m.find()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isBetween(-60_000_100_000L, -59_999_900_000L);
            assertThat(lines[2]).contains("step generation=3 previous=2").contains("reason=offset-change");
        } finally {
            daemon.close();
        }
    }

    @Test
    void controlCommandTalksToTheSocket() throws Exception {
        Path dir = tmp.resolve("pages");
        AtomicLong offsetNs = new AtomicLong(1_700_000_000_000_000_000L);
        HostClock host = unsyncedHostAt(offsetNs);
        ServeDaemon daemon = new ServeDaemon(
                new ServeDaemon.Config(
                        dir, List.of(DomainSpec.parse("web")), Duration.ofMinutes(11), Duration.ofSeconds(1)),
                host,
                System::nanoTime,
                PushObserver.NONE,
                line -> {});
        daemon.start();
        try (io.wallsync.daemon.ControlServer server = io.wallsync.daemon.ControlServer.start(
                dir,
                new io.wallsync.daemon.ControlProtocol(
                        daemon, io.wallsync.daemon.AccessPolicy.rootOr(java.util.Optional.empty())),
                l -> {})) {
            CommandRunner list = CommandRunner.run("control", "--dir", dir.toString(), "list");
            assertThat(list.exitCode()).isZero();
            assertThat(list.out().strip()).isEqualTo("web:0:1");
            CommandRunner unknown = CommandRunner.run("control", "--dir", dir.toString(), "get-offset", "nope");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.err()).contains("error no domain nope");
        } finally {
            daemon.close();
        }
        CommandRunner down = CommandRunner.run("control", "--dir", dir.toString(), "list");
        assertThat(down.exitCode()).isEqualTo(1);
        assertThat(down.err()).contains("is wallsync serve running?");
    }

    /**
     * An unsynchronised host whose CLOCK_REALTIME is System.nanoTime (the readers' monotonic clock)
     * plus {@code offsetNs}: a test steps the clock by changing the offset.
     */
    static HostClock unsyncedHostAt(AtomicLong offsetNs) {
        return new HostClock() {
            @Override
            public long realtimeNs() {
                return System.nanoTime() + offsetNs.get();
            }

            @Override
            public SyncState syncState() {
                return new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE);
            }
        };
    }

    private static String awaitLog(Path log, Pattern pattern) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                Matcher m = pattern.matcher(Files.readString(log, StandardCharsets.UTF_8));
                if (m.find()) {
                    return m.groupCount() > 0 ? m.group(1) : m.group();
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("serve did not log " + pattern + " within 30 s:\n"
                + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no log)"));
    }
}
