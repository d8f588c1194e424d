package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.client.TscCounter;
import io.wallsync.daemon.DaemonConfig;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import io.wallsync.daemon.VmclockOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code wallsync read} against a daemon on the real host clock: with this host's TSC it shows
 * the counter path's time and bound beside the monotonic path; with {@code --no-counter}'s options
 * it says why there is no counter path. The host clock is only read, never set.
 */
class ReadCounterPathTest {
    @TempDir
    Path tmp;

    private ServeDaemon daemon(Path dir, VmclockOptions vmclock, LinuxHostClock host) throws Exception {
        ServeDaemon d = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web:3600")), Duration.ofMinutes(11), Duration.ofMillis(100))
                        .withVmclock(vmclock),
                host,
                MonotonicClocks.linux(),
                FilePageSink.lock(dir),
                PushObserver.NONE,
                line -> {});
        d.start();
        return d;
    }

    @Test
    void readShowsTheCounterPathAndItsBoundBesideTheMonotonicPath() throws Exception {
        TscCounter.Availability a = TscCounter.open();
        assumeTrue(
                a instanceof TscCounter.Available,
                () -> "no usable TSC on this host: " + a.support().reason());
        Path dir = tmp.resolve("pages");
        try (LinuxHostClock host = new LinuxHostClock()) {
            ServeDaemon d = daemon(
                    dir, VmclockOptions.realMode(a.optionalCounter().orElseThrow(), Duration.ofMillis(10), 500), host);
            try {
                // The first calibration needs 200 ms of baseline: wait for it (bounded) instead of sleeping.
                long deadline = System.nanoTime() + 10_000_000_000L;
                CommandRunner r;
                do {
                    Thread.sleep(100);
                    r = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web");
                } while (!r.out().contains("counter path: 2") && System.nanoTime() < deadline);
                assertThat(r.exitCode()).as(r.err()).isZero();
                String[] lines = r.out().strip().split("\n");
                assertThat(lines[0]).endsWith("path=monotonic");
                Matcher m = Pattern.compile("counter path: (\\S+) maxerror=(\\d+)ns esterror=(\\d+)ns")
                        .matcher(lines[1]);
                assertThat(m.find()).as(lines[1]).isTrue();
                // poll 10 ms -> 20 ms latency; 500 ppm slews either way, a 1000 ppm change: 20 us unseen,
                // plus a few ns of bracket
                assertThat(Long.parseLong(m.group(2))).isBetween(20_000L, 30_000L);
                // the domain runs an hour ahead of the host: within a second of now + 3600 s
                long counterSec = java.time.Instant.parse(m.group(1)).getEpochSecond();
                assertThat(counterSec - System.currentTimeMillis() / 1000).isBetween(3599L, 3601L);

                CommandRunner json = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web", "--json");
                JsonNode j = new ObjectMapper().readTree(json.out().strip());
                assertThat(j.get("path").asText()).isEqualTo("counter");
                assertThat(j.get("counter_max_error_ns").asLong()).isBetween(20_000L, 30_000L);
                assertThat(j.get("counter_ns_per_tick").asDouble()).isBetween(0.05, 5.0); // 0.2 .. 20 GHz
                assertThat(j.get("counter_unavailable").isNull()).isTrue();
            } finally {
                d.close();
            }
        }
    }

    @Test
    void withoutACounterReadSaysWhyThereIsNoCounterPath() throws Exception {
        Path dir = tmp.resolve("pages");
        try (LinuxHostClock host = new LinuxHostClock()) {
            ServeDaemon d = daemon(dir, VmclockOptions.noCounter("--no-counter"), host);
            try {
                CommandRunner r = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web");
                assertThat(r.exitCode()).as(r.err()).isZero();
                assertThat(r.out())
                        .contains("counter path: unavailable: the daemon publishes no counter (vmclock"
                                + " counter_id INVALID)");
                CommandRunner json = CommandRunner.run("read", "--dir", dir.toString(), "--domain", "web", "--json");
                JsonNode j = new ObjectMapper().readTree(json.out().strip());
                assertThat(j.get("path").asText()).isEqualTo("monotonic");
                assertThat(j.get("counter_unavailable").asText()).contains("counter_id INVALID");
            } finally {
                d.close();
            }
        }
    }

    @Test
    void serveRefusesASlewBoundOutOfRange() {
        CommandRunner r = CommandRunner.run("serve", "--dir", tmp.toString(), "--max-slew-ppm", "-1");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--max-slew-ppm -1.0 is out of range: expected 0..1000000 ppm");
        CommandRunner nan = CommandRunner.run("serve", "--dir", tmp.toString(), "--max-slew-ppm", "NaN");
        assertThat(nan.exitCode()).isEqualTo(2);
        CommandRunner poll = CommandRunner.run("serve", "--dir", tmp.toString(), "--rate-poll", "0s");
        assertThat(poll.exitCode()).isEqualTo(2);
        assertThat(poll.err()).contains("--rate-poll");
        // a poll longer than the heartbeat (which recalibrates anyway) would only inflate the bound
        CommandRunner slow = CommandRunner.run("serve", "--dir", tmp.toString(), "--rate-poll", "10000d");
        assertThat(slow.exitCode()).isEqualTo(2);
        assertThat(slow.err()).contains("--rate-poll 10000d is longer than --heartbeat 1s");
    }
}
