package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wallsync.core.port.HostClock;
import io.wallsync.daemon.AccessPolicy;
import io.wallsync.daemon.ControlProtocol;
import io.wallsync.daemon.ControlServer;
import io.wallsync.daemon.DaemonConfig;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** read and control as scripts and impatient users meet them: odd files, wedged daemons, JSON. */
class ReadControlCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** W of the test host: CLOCK_REALTIME = CLOCK_MONOTONIC + 1.7e18 ns (2023-11-14T22:13:20Z). */
    private static final long W_NS = 1_700_000_000_000_000_000L;

    @TempDir
    Path tmp;

    private static final HostClock HOST = ServeReadCommandTest.unsyncedHostAt(new AtomicLong(W_NS));

    private static ServeDaemon daemon(Path dir, Duration heartbeat) throws Exception {
        ServeDaemon d = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web:60")), Duration.ofMinutes(11), heartbeat),
                HOST,
                System::nanoTime,
                FilePageSink.lock(dir),
                PushObserver.NONE,
                line -> {});
        d.start();
        return d;
    }

    @Test
    void readRefusesAFifoADirectoryAndACharacterDeviceAtOnce() throws Exception {
        Path fifo = tmp.resolve("fifo.page");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(mkfifo.exitValue()).isZero();
        Files.createDirectory(tmp.resolve("dir.page"));
        Files.createSymbolicLink(tmp.resolve("zero.page"), Path.of("/dev/zero"));
        // Before the fix open(2) of the FIFO blocked until a writer came: the test would time out.
        CommandRunner onFifo = assertTimeoutPreemptively(
                Duration.ofSeconds(20), () -> CommandRunner.run("read", "--dir", tmp.toString(), "--domain", "fifo"));
        assertThat(onFifo.exitCode()).isEqualTo(1);
        assertThat(onFifo.err())
                .contains(fifo + " is a FIFO (named pipe), not a wallsync page (a regular file of at least 4096 bytes");
        CommandRunner onDir = CommandRunner.run("read", "--dir", tmp.toString(), "--domain", "dir");
        assertThat(onDir.exitCode()).isEqualTo(1);
        assertThat(onDir.err()).contains("dir.page is a directory, not a wallsync page");
        CommandRunner onZero = assertTimeoutPreemptively(
                Duration.ofSeconds(20), () -> CommandRunner.run("read", "--dir", tmp.toString(), "--domain", "zero"));
        assertThat(onZero.exitCode()).isEqualTo(1);
        assertThat(onZero.err()).contains("zero.page is a character device, not a wallsync page");
        // With --watch too: refused before any watching starts.
        CommandRunner watchFifo = assertTimeoutPreemptively(
                Duration.ofSeconds(20),
                () -> CommandRunner.run("read", "--dir", tmp.toString(), "--domain", "fifo", "--watch"));
        assertThat(watchFifo.exitCode()).isEqualTo(1);
    }

    /** A "daemon" that accepts and never answers: control gives up after --timeout with exit 1. */
    @Test
    void controlGivesUpOnAWedgedDaemonWithinItsTimeout() throws Exception {
        Path socket = tmp.resolve(ControlServer.SOCKET_NAME);
        try (ServerSocketChannel wedged = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            wedged.bind(UnixDomainSocketAddress.of(socket));
            List<SocketChannel> accepted = new ArrayList<>();
            Thread acceptor = Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(wedged.accept()); // and never a word back
                    }
                } catch (Exception e) {
                    // closed at the end of the test
                }
            });
            long t0 = System.nanoTime();
            CommandRunner r = assertTimeoutPreemptively(
                    Duration.ofSeconds(30),
                    () -> CommandRunner.run("control", "--dir", tmp.toString(), "--timeout", "500ms", "list"));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err())
                    .contains("wallsync: no answer from the daemon at " + socket + " within 500 ms (connected; the"
                            + " daemon is wedged or overloaded); see --timeout");
            assertThat(ms)
                    .as("gave up after %d ms", ms)
                    .isGreaterThanOrEqualTo(500)
                    .isLessThan(10_000);
            wedged.close();
            acceptor.join(5000);
            for (SocketChannel c : accepted) {
                c.close();
            }
        }
        assertThat(CommandRunner.run("control", "--help").out()).contains("(default: 5s)");
        CommandRunner bad = CommandRunner.run("control", "--dir", tmp.toString(), "--timeout", "0s", "list");
        assertThat(bad.exitCode()).isEqualTo(2);
    }

    @Test
    void readWatchReportsWhenThePageGoesStaleAndWhenItRecovers() throws Exception {
        Path dir = tmp.resolve("pages");
        ServeDaemon first = daemon(dir, Duration.ofMillis(50));
        ServeDaemon second = null;
        CommandRunner.Running watch = CommandRunner.start(
                "read", "--dir", dir.toString(), "--domain", "web", "--watch", "--steps", "1", "--poll", "20ms");
        try {
            watch.awaitOutput("generation=1");
            // The heartbeats stop: with a 50 ms period the reader's bound is max(1 s, 3 x 50 ms) = 1 s.
            first.close();
            watch.awaitOutput(" stale: wallclock page is stale: daemon heartbeat ");
            assertThat(watch.out().toString()).contains("limit 1000 ms (is wallsync serve running?)");
            // A daemon again on the same directory: the page is reused in place, heartbeats resume.
            second = daemon(dir, Duration.ofMillis(50));
            watch.awaitOutput(" recovered: daemon heartbeat ");
            if (!watch.exit().isDone()) {
                second.clockWasSet(); // a step ends the watch (--steps 1) if the restart made none
            }
            CommandRunner r = watch.finish();
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<String> lines = r.out().lines().toList();
            assertThat(lines.get(0)).contains("generation=1").contains("offset=60s");
            assertThat(lines.get(1)).contains(" stale: ");
            assertThat(lines.get(2)).contains(" recovered: daemon heartbeat ").contains("(limit 1000 ms)");
            assertThat(lines.get(3)).contains(" step generation=2 previous=1");
        } finally {
            if (second != null) {
                second.close();
            }
            first.close();
        }
    }

    @Test
    void readWatchFollowsAPageThatIsTruncatedAndRecreatedInsteadOfCrashing() throws Exception {
        // Attack: truncate -s 0 on the page while a watcher maps it. Before, the watcher's next
        // read faulted (SIGBUS on a truncated shared mapping, an InternalError in the JVM) and
        // `read --watch` died with a stack trace; the daemon recreates the page under a new inode,
        // so the watcher must open the path again and keep reporting steps from the new file.
        Path dir = tmp.resolve("pages");
        ServeDaemon d = daemon(dir, Duration.ofMillis(50));
        CommandRunner.Running watch = CommandRunner.start(
                "read", "--dir", dir.toString(), "--domain", "web", "--watch", "--steps", "1", "--poll", "20ms");
        try {
            watch.awaitOutput("generation=1");
            try (FileChannel ch = FileChannel.open(dir.resolve("web.page"), StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            watch.awaitOutput(" reopened: " + dir.resolve("web.page"));
            // A step now reaches the watcher only through the recreated file.
            d.clockWasSet();
            CommandRunner r = watch.finish();
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.err()).doesNotContain("Exception").doesNotContain("InternalError");
            List<String> lines = r.out().lines().toList();
            assertThat(lines.getLast()).contains(" step generation=").contains("reason=step");
        } finally {
            d.close();
        }
    }

    @Test
    void readJsonGivesOneObjectWithThePagesFields() throws Exception {
        Path dir = tmp.resolve("pages");
        ServeDaemon d = daemon(dir, Duration.ofMillis(50));
        try {
            long before = System.nanoTime() + W_NS + 60_000_000_000L; // web is 60 s ahead
            CommandRunner r = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web", "--json");
            long after = System.nanoTime() + W_NS + 60_000_000_000L;
            assertThat(r.exitCode()).as(r.err()).isZero();
            assertThat(r.out().lines().count()).isEqualTo(1);
            JsonNode j = JSON.readTree(r.out());
            assertThat(j.get("domain").asText()).isEqualTo("web");
            assertThat(j.get("state").asText()).isEqualTo("valid");
            // wall time = W + offset + CLOCK_MONOTONIC at the read, bracketed by the two sums above
            // (100 ms of slack for the pairing of realtime and monotonic at the push).
            assertThat(j.get("wall_time_ns").asLong()).isBetween(before - 100_000_000L, after + 100_000_000L);
            assertThat(java.time.Instant.parse(j.get("time").asText()).getEpochSecond())
                    .isEqualTo(Math.floorDiv(j.get("wall_time_ns").asLong(), 1_000_000_000L));
            assertThat(j.get("generation").asLong()).isEqualTo(1);
            assertThat(j.get("offset_s").asInt()).isEqualTo(60);
            assertThat(j.get("synchronised").asBoolean()).isFalse();
            assertThat(j.get("clock_status").asText()).isEqualTo("freerunning");
            assertThat(j.get("max_error_ns").asLong()).isEqualTo(16_000_000_000L); // 16 000 000 us
            assertThat(j.get("tai_offset_s").isNull()).isTrue(); // tai 0 is "not known" in SyncState
            assertThat(j.get("last_push").asText()).isEqualTo("start");
            assertThat(j.get("heartbeat_period_ms").asLong()).isEqualTo(50);
            assertThat(j.get("stale_after_ms").asLong()).isEqualTo(1000);
            assertThat(j.get("writer_pid").asLong())
                    .isEqualTo(ProcessHandle.current().pid());
            assertThat(j.get("message").isNull()).isTrue();
        } finally {
            d.close();
        }
        // Stopped: the page goes stale after 1 s; --json still prints the object, with exit 1.
        long deadline = System.nanoTime() + 30_000_000_000L;
        CommandRunner stale;
        do {
            Thread.sleep(100);
            stale = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web", "--json");
        } while (stale.exitCode() == 0 && System.nanoTime() < deadline);
        assertThat(stale.exitCode()).isEqualTo(1);
        JsonNode j = JSON.readTree(stale.out());
        assertThat(j.get("state").asText()).isEqualTo("stale");
        assertThat(j.get("message").asText()).startsWith("wallclock page is stale: daemon heartbeat ");
        assertThat(j.get("heartbeat_age_ms").asLong()).isGreaterThan(1000);
    }

    @Test
    void readWatchJsonPrintsOneObjectPerEvent() throws Exception {
        Path dir = tmp.resolve("pages");
        ServeDaemon d = daemon(dir, Duration.ofMillis(50));
        try {
            CommandRunner.Running watch = CommandRunner.start(
                    "read",
                    "--dir",
                    dir.toString(),
                    "--domain",
                    "web",
                    "--watch",
                    "--json",
                    "--steps",
                    "1",
                    "--poll",
                    "10ms");
            watch.awaitOutput("\"event\":\"reading\"");
            d.call(p -> p.setTimeOffset(new io.wallsync.adapters.page.DomainName("web"), 3660));
            CommandRunner r = watch.finish();
            assertThat(r.exitCode()).as(r.err()).isZero();
            List<JsonNode> events = new ArrayList<>();
            for (String line : r.out().lines().toList()) {
                events.add(JSON.readTree(line));
            }
            assertThat(events).hasSize(2);
            assertThat(events.get(0).get("event").asText()).isEqualTo("reading");
            assertThat(events.get(0).get("state").asText()).isEqualTo("valid");
            JsonNode step = events.get(1);
            assertThat(step.get("event").asText()).isEqualTo("step");
            assertThat(step.get("generation").asLong()).isEqualTo(2);
            assertThat(step.get("previous_generation").asLong()).isEqualTo(1);
            // 60 s -> 3660 s: W jumps by 3600 s exactly (the host clock did not move).
            assertThat(step.get("change_ns").asLong()).isEqualTo(3_600_000_000_000L);
            assertThat(step.get("reason").asText()).isEqualTo("offset-change");
        } finally {
            d.close();
        }
    }

    @Test
    void controlJsonGivesTheDomainsAndOffsets() throws Exception {
        Path dir = tmp.resolve("pages");
        ServeDaemon d = daemon(dir, Duration.ofSeconds(1));
        try (ControlServer server =
                ControlServer.start(dir, new ControlProtocol(d, AccessPolicy.rootOr(Optional.empty())), l -> {})) {
            CommandRunner list = CommandRunner.run("control", "--dir", dir.toString(), "--json", "list");
            assertThat(list.exitCode()).as(list.err()).isZero();
            JsonNode j = JSON.readTree(list.out());
            assertThat(j.get("domains")).hasSize(1);
            assertThat(j.get("domains").get(0).get("name").asText()).isEqualTo("web");
            assertThat(j.get("domains").get(0).get("offset_s").asLong()).isEqualTo(60);
            assertThat(j.get("domains").get(0).get("generation").asLong()).isEqualTo(1);
            JsonNode get =
                    JSON.readTree(CommandRunner.run("control", "--dir", dir.toString(), "--json", "get-offset", "web")
                            .out());
            assertThat(get.get("name").asText()).isEqualTo("web");
            assertThat(get.get("offset_s").asLong()).isEqualTo(60);
            JsonNode added =
                    JSON.readTree(CommandRunner.run("control", "--dir", dir.toString(), "--json", "add", "db", "-5")
                            .out());
            assertThat(added.get("added").asText()).isEqualTo("db");
            JsonNode both = JSON.readTree(CommandRunner.run("control", "--dir", dir.toString(), "--json", "list")
                    .out());
            assertThat(both.get("domains")).hasSize(2);
            assertThat(both.get("domains").get(1).get("offset_s").asLong()).isEqualTo(-5);
            CommandRunner missing = CommandRunner.run("control", "--dir", dir.toString(), "--json", "get-offset", "x");
            assertThat(missing.exitCode()).isEqualTo(1);
            assertThat(missing.out()).isEmpty();
            assertThat(missing.err()).contains("error no domain x");
        } finally {
            d.close();
        }
    }

    @Test
    void serveRejectsAControlGroupThatDoesNotExistByName() throws Exception {
        // Before, serve accepted the group and ran (until a signal): bounded here.
        CommandRunner r = assertTimeoutPreemptively(
                Duration.ofSeconds(30),
                () -> CommandRunner.run("serve", "--dir", tmp.toString(), "--control-group", "nosuchgroup-wallsync"));
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--control-group nosuchgroup-wallsync: no such group in /etc/group");
        assertThat(tmp.resolve("host.page")).doesNotExist();
    }

    @Test
    void serveReportsAMetricsPortInUseWithThePortAndTheCause() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            CommandRunner r = CommandRunner.run(
                    "serve", "--dir", tmp.toString(), "--no-control", "--metrics-port", String.valueOf(port));
            assertThat(r.exitCode()).isEqualTo(1);
            assertThat(r.err())
                    .contains("wallsync: cannot serve metrics on 127.0.0.1:" + port + ": Address already in use");
        }
    }
}
