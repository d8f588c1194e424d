package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.daemon.DaemonConfig;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import io.wallsync.daemon.ServeMetrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wallsync read --chrony-sock} against a real chronyd (4.3, unpacked by .ci/run, run with
 * -Q so it only prints the offset) with {@code refclock SOCK}: the page's host runs 1.25 s ahead of
 * this machine, so chrony, disciplined by the page, finds the system clock 1.25 s wrong.
 */
class ChronySockFeedTest {
    @TempDir
    Path dir;

    /** A synchronised host whose wall clock is this machine's plus {@code aheadNs}. */
    record AheadHost(long aheadNs, SyncState state) implements HostClock, MonotonicClock {
        @Override
        public HostSample sample() {
            long monotonicNs = System.nanoTime();
            return new HostSample(realtimeNs(), monotonicNs);
        }

        @Override
        public long realtimeNs() {
            Instant now = Instant.now();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano() + aheadNs;
        }

        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public SyncState syncState() {
            return state;
        }
    }

    static Path chronyd() {
        String env = System.getenv("WALLSYNC_CHRONYD");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path candidate = p.resolve(".ci/tools/chrony/usr/sbin/chronyd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return abort(
                "chronyd not found: run .ci/run (it unpacks chrony into .ci/tools/chrony) or set WALLSYNC_CHRONYD");
    }

    /** A serve daemon publishing one domain, {@code host}, from {@code host}, heartbeat 50 ms. */
    private ServeDaemon startDaemon(AheadHost host) throws Exception {
        ServeDaemon daemon = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("host")), Duration.ofMinutes(11), Duration.ofMillis(50)),
                host,
                host,
                FilePageSink.lock(dir),
                new ServeMetrics(host, PushObserver.NONE),
                line -> {});
        daemon.start();
        return daemon;
    }

    /** {@code wallsync read --domain host --chrony-sock SOCK} with the given interval and count. */
    private CommandRunner feed(String sock, String interval, String samples) {
        return CommandRunner.run(
                "read",
                "--dir",
                dir.toString(),
                "--domain",
                "host",
                "--chrony-sock",
                sock,
                "--chrony-interval",
                interval,
                "--chrony-samples",
                samples);
    }

    @Test
    void chronydDisciplinedByThePageSeesTheHostsOffset() throws Exception {
        Path chronyd = chronyd();
        AheadHost host = new AheadHost(1_250_000_000L, new SyncState(true, 1000, 100, 37, LeapIndicator.NONE));
        ServeDaemon daemon = startDaemon(host);
        Path sock = dir.resolve("chrony.sock");
        Path conf = dir.resolve("chrony.conf");
        Files.writeString(
                conf,
                "refclock SOCK " + sock + " poll 0 refid WSYN\n"
                        + "pidfile " + dir.resolve("chronyd.pid") + "\n"
                        + "driftfile " + dir.resolve("chrony.drift") + "\n"
                        + "cmdport 0\n");
        Process chrony = new ProcessBuilder(chronyd.toString(), "-Q", "-f", conf.toString(), "-u", "root", "-t", "10")
                .redirectErrorStream(true)
                .start();
        try {
            CompletableFuture<CommandRunner> feed =
                    CompletableFuture.supplyAsync(() -> feed(sock.toString(), "50ms", "120"));
            boolean exited = chrony.waitFor(15, TimeUnit.SECONDS);
            String output = new String(chrony.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(exited).as("chronyd exits by itself").isTrue();
            Matcher m = Pattern.compile("System clock wrong by (-?\\d+\\.\\d+) seconds")
                    .matcher(output);
            assertThat(m.find()).as("chronyd output:%n%s", output).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isBetween(1.24, 1.26);
            CommandRunner r = feed.get(20, TimeUnit.SECONDS);
            assertThat(r.exitCode()).isZero();
            assertThat(r.out()).contains("feeding").contains("sample(s)");
        } finally {
            chrony.destroyForcibly();
            daemon.close();
        }
    }

    @Test
    void noSamplesAreSentWhileTheHostIsUnsynchronised() throws Exception {
        AheadHost host = new AheadHost(0, new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE));
        ServeDaemon daemon = startDaemon(host);
        try {
            // No chronyd at all: had a sample been sent, the error would be ENOENT instead.
            CommandRunner r = feed(dir.resolve("none.sock").toString(), "10ms", "3");
            assertThat(r.exitCode()).isZero();
            assertThat(r.err()).contains("not synchronised").doesNotContain("ENOENT");
            assertThat(r.out()).contains("sent 0 sample(s)");
        } finally {
            daemon.close();
        }
    }

    @Test
    void aMissingChronySocketIsReportedOnce() throws Exception {
        AheadHost host = new AheadHost(0, new SyncState(true, 1000, 100, 37, LeapIndicator.NONE));
        ServeDaemon daemon = startDaemon(host);
        try {
            CommandRunner r = feed(dir.resolve("none.sock").toString(), "10ms", "3");
            assertThat(r.err()).containsOnlyOnce("ENOENT");
            assertThat(r.out()).contains("sent 0 sample(s)");
        } finally {
            daemon.close();
        }
    }
}
