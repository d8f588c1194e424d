package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.adapters.linux.ConcurrentHostClock;
import io.wallsync.adapters.ntp.NtpServer;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import io.wallsync.daemon.DaemonConfig;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import io.wallsync.daemon.ServeMetrics;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ntp.NTPUDPClient;
import org.apache.commons.net.ntp.TimeInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NtpCommandTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @TempDir
    Path dir;

    private static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            return s.getLocalPort();
        }
    }

    @Test
    void badOptionsAreUsageErrorsNamingTheOption() {
        CommandRunner r = CommandRunner.run("ntp", "--ntp", "web@127.0.0.1:11123", "--duration", "1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("serves only the domain 'host'").contains("wallsync serve --domain web");
        r = CommandRunner.run("ntp", "--stratum", "16", "--duration", "1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("stratum must be 1..15");
        r = CommandRunner.run("ntp", "--refid", "not-an-id", "--duration", "1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("reference id 'not-an-id'");
        r = CommandRunner.run("ntp", "--ntp", "127.0.0.1", "--duration", "1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no port");
        r = CommandRunner.run("ntp", "--client-table", "100", "--duration", "1s");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("power of two");
        r = CommandRunner.run("serve", "--dir", "/nonexistent", "--domain", "web", "--ntp", "db@127.0.0.1:11123");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no domain 'db'");
    }

    @Test
    void servesTheHostClockWithTheKernelsSyncStateForTheGivenDuration() throws Exception {
        int port = freePort();
        CompletableFuture<CommandRunner> run = CompletableFuture.supplyAsync(() -> CommandRunner.run(
                "ntp", "--ntp", "127.0.0.1:" + port, "--duration", "2s", "--refid", "GPS", "--stratum", "1"));
        NTPUDPClient client = new NTPUDPClient();
        client.setDefaultTimeout(Duration.ofMillis(200));
        TimeInfo info = null;
        try {
            client.open();
            for (int i = 0; i < 25 && info == null; i++) {
                try {
                    info = client.getTime(LOOPBACK, port);
                } catch (java.net.SocketTimeoutException notYet) {
                    // the command is still starting
                } catch (java.io.IOException late) {
                    // On a loaded machine the answer to a request that timed out can arrive while
                    // the next one waits: commons-net refuses it ("Originate time does not match the
                    // request"); ask again.
                    if (!String.valueOf(late.getMessage()).contains("Originate time")) {
                        throw late;
                    }
                }
            }
        } finally {
            client.close();
        }
        CommandRunner r = run.get(10, TimeUnit.SECONDS);
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(info).as("an answer within 5 s").isNotNull();
        info.computeDetails();
        // The served clock is this machine's CLOCK_REALTIME: offset well under 50 ms on loopback.
        assertThat(Math.abs(info.getOffset())).isLessThan(50);
        boolean synced;
        try (ConcurrentHostClock host = new ConcurrentHostClock()) {
            synced = host.syncState().synchronised();
        }
        if (synced) {
            // "GPS" left-justified, zero-filled: 0x47505300.
            assertThat(info.getMessage().getStratum()).isEqualTo(1);
            assertThat(info.getMessage().getReferenceId()).isEqualTo(0x4750_5300);
        } else {
            assertThat(info.getMessage().getLeapIndicator()).isEqualTo(3);
            // RFC 5905 7.3 and chrony transmit_packet send an unsynchronised stratum as 0.
            assertThat(info.getMessage().getStratum()).isZero();
        }
        assertThat(r.out()).contains("serving domain host on 127.0.0.1:" + port).contains("stopped: received=");
    }

    @Test
    void serveNtpAnswersWithTheDomainsPageIncludingItsOffset() throws Exception {
        // Domain "web" runs one hour ahead (Xen time_offset 3600 s); the page says synchronised.
        ChronySockFeedTest.AheadHost host =
                new ChronySockFeedTest.AheadHost(0, new SyncState(true, 1000, 100, 37, LeapIndicator.INSERT));
        ServeDaemon daemon = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web:3600")), Duration.ofMinutes(11), Duration.ofMillis(50)),
                host,
                host,
                FilePageSink.lock(dir),
                new ServeMetrics(host, PushObserver.NONE),
                line -> {});
        daemon.start();
        try (WallclockPage page = WallclockPage.open(dir.resolve("web.page"));
                NtpServer server = NtpServer.start(
                        NtpServer.Config.defaults(new InetSocketAddress(LOOPBACK, 0)),
                        new PageHostClock(page),
                        System::nanoTime,
                        line -> {})) {
            NTPUDPClient client = new NTPUDPClient();
            client.setDefaultTimeout(Duration.ofSeconds(2));
            client.open();
            try {
                TimeInfo info = client.getTime(LOOPBACK, server.localAddress().getPort());
                info.computeDetails();
                assertThat(info.getOffset()).isBetween(3_600_000L - 50, 3_600_000L + 50);
                assertThat(info.getMessage().getLeapIndicator()).isEqualTo(1);
                assertThat(info.getMessage().getStratum()).isEqualTo(3);
            } finally {
                client.close();
            }
        } finally {
            daemon.close();
        }
    }
}
