package io.wallsync.adapters.ntp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.abort;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real NTP clients from Debian against the server on loopback: chronyd -Q (chrony 4.3, unpacked by
 * .ci/run from {@code apt-get download chrony}, never installed) and ntpdig (ntpsec-ntpdig). Neither
 * can change this machine's clock: -Q only prints the offset, ntpdig runs without -s/-S. Each run is
 * bounded (chronyd -t, ntpdig -t, and a process timeout).
 */
class RealClientsTest {
    private static final long NS = 1_000_000_000L;
    private static final Pattern CHRONY_WRONG_BY = Pattern.compile("System clock wrong by (-?\\d+\\.\\d+) seconds");

    @TempDir
    Path dir;

    static Path chronyd() {
        String env = System.getenv("WALLSYNC_CHRONYD");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path p = here; p != null; p = p.getParent()) {
            Path candidate = p.resolve(".ci/tools/chrony/usr/sbin/chronyd");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return abort(
                "chronyd not found: run .ci/run (it unpacks chrony into .ci/tools/chrony) or set WALLSYNC_CHRONYD");
    }

    static Path ntpdig() {
        for (String dirName : List.of("/usr/bin", "/usr/local/bin")) {
            Path p = Path.of(dirName, "ntpdig");
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return abort("ntpdig not found: run .ci/run (it installs ntpsec-ntpdig)");
    }

    private record Run(int exitCode, String output) {}

    private static Run run(List<String> command, long timeoutSeconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Run(p.isAlive() ? -1 : p.exitValue(), out);
    }

    private Run chronydQ(int port) throws IOException, InterruptedException {
        Path conf = dir.resolve("chrony.conf");
        // Only our loopback port; its own pid and drift files; no command port; polls of 1/16 s
        // so that -Q has its samples in well under a second.
        Files.writeString(
                conf,
                "server 127.0.0.1 port " + port + " iburst minpoll -4 maxpoll -4\n"
                        + "pidfile " + dir.resolve("chronyd.pid") + "\n"
                        + "driftfile " + dir.resolve("chrony.drift") + "\n"
                        + "cmdport 0\n");
        // -Q: print the offset, never set the clock; -t 10: exit after 10 s whatever happens;
        // -u root: the unpacked package has no _chrony user to drop to.
        return run(List.of(chronyd().toString(), "-Q", "-f", conf.toString(), "-u", "root", "-t", "10"), 20);
    }

    private static NtpServer.Config loopback(int port) {
        return NtpServer.Config.defaults(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    @Test
    void chronydMeasuresTheServedWallclockTwoAndAHalfSecondsAhead() throws Exception {
        Path chronyd = chronyd();
        assertThat(chronyd).isNotNull();
        // The domain runs 2.5 s ahead of this machine, so chrony finds the system clock 2.5 s behind
        // and prints "wrong by +2.5" (reference.c logs -offset; chrony's offset is local - source).
        TestClock clock = TestClock.realPlus(2_500_000_000L);
        try (NtpServer server = NtpServer.start(loopback(0), clock, System::nanoTime, line -> {})) {
            Run r = chronydQ(server.localAddress().getPort());
            Matcher m = CHRONY_WRONG_BY.matcher(r.output());
            assertThat(m.find()).as("chronyd output:%n%s", r.output()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isBetween(2.45, 2.55);
            assertThat(r.exitCode()).isZero();
            assertThat(server.counters().answered()).isPositive();
            assertThat(server.counters().kissRate()).isZero();
        }
    }

    @Test
    void chronydRefusesAnUnsynchronisedHost() throws Exception {
        chronyd();
        // Leap indicator 3 / stratum 0: chrony takes no sample from it, so -Q finds no source.
        TestClock clock = TestClock.realPlus(2_500_000_000L)
                .state(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE));
        try (NtpServer server = NtpServer.start(loopback(0), clock, System::nanoTime, line -> {})) {
            Run r = chronydQ(server.localAddress().getPort());
            assertThat(r.output()).contains("No suitable source for synchronisation");
            assertThat(CHRONY_WRONG_BY.matcher(r.output()).find()).isFalse();
            assertThat(server.counters().answered()).isPositive();
        }
    }

    @Test
    void ntpdigOnPort123SeesTheOffsetStratumAndPendingLeapSecond() throws Exception {
        Path ntpdig = ntpdig();
        // ntpdig asks only port 123. The domain runs 1.5 s ahead, synchronised, stratum 3, a leap
        // second announced: ntpdig prints offset +1.5, "s3" and "add-leap".
        TestClock clock =
                TestClock.realPlus(1_500_000_000L).state(new SyncState(true, 2000, 100, 37, LeapIndicator.INSERT));
        NtpServer server;
        try {
            server =
                    NtpServer.start(loopback(123).withRateLimit(Optional.empty()), clock, System::nanoTime, line -> {});
        } catch (BindException e) {
            abort("127.0.0.1:123 is taken (" + e.getMessage()
                    + "): ntpdig only asks port 123, so this test is skipped");
            return;
        }
        try (server) {
            Run r = run(List.of(ntpdig.toString(), "-t", "2", "127.0.0.1"), 10);
            // e.g. "2026-11-25 15:47:01.123456 (+0000) +1.500123 +/- 0.001050 127.0.0.1 s3 add-leap"
            Matcher m = Pattern.compile(
                            "\\(\\+0000\\) ([+-]\\d+\\.\\d+) \\+/- (\\d+\\.\\d+) 127\\.0\\.0\\.1 s(\\d+) (\\S+)")
                    .matcher(r.output());
            assertThat(m.find()).as("ntpdig output:%n%s", r.output()).isTrue();
            assertThat(Double.parseDouble(m.group(1))).isBetween(1.45, 1.55);
            assertThat(m.group(3)).isEqualTo("3");
            assertThat(m.group(4)).isEqualTo("add-leap");
            assertThat(r.exitCode()).isZero();
        }
    }
}
