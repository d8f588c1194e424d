package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} under a {@code Type=notify} unit, with systemd played by a python3 AF_UNIX datagram
 * receiver bound at {@code $NOTIFY_SOCKET}: the push loop sends READY=1 once its pages are
 * published, WATCHDOG=1 while its heartbeats reach every page, STOPPING=1 on SIGTERM
 * (sd_notify(3)); a heartbeat longer than half of WatchdogSec is refused before anything starts.
 */
class ServeSystemdNotifyTest {
    @TempDir
    Path tmp;

    private static final String RECEIVER = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            s.bind(sys.argv[1])
            s.settimeout(60)
            print("bound", flush=True)
            while True:
                data = s.recv(4096).decode()
                print(data.replace("\\n", "|"), flush=True)
                if "STOPPING=1" in data:
                    break
            """;

    @Test
    void serveSendsReadyThenWatchdogPingsThenStopping() throws Exception {
        Path socket = tmp.resolve("notify.sock");
        Path received = tmp.resolve("received.txt");
        Process receiver = new ProcessBuilder("python3", "-c", RECEIVER, socket.toString())
                .redirectErrorStream(true)
                .redirectOutput(received.toFile())
                .start();
        Process serve = null;
        try {
            awaitFile(received, "bound");
            Path log = tmp.resolve("serve.log");
            // WatchdogSec=2s: pings at most every 0.5 s, heartbeat 100 ms is well within half of it.
            serve = ServeProcess.start(
                    log,
                    Map.of("NOTIFY_SOCKET", socket.toString(), "WATCHDOG_USEC", "2000000"),
                    "--dir",
                    tmp.resolve("pages").toString(),
                    "--domain",
                    "web",
                    "--heartbeat",
                    "100ms",
                    "--no-control");
            awaitFile(received, "READY=1|STATUS=serving 1 domain(s) in");
            awaitFile(received, "WATCHDOG=1");
            serve.destroy(); // SIGTERM, as systemctl stop
            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
            awaitFile(received, "STOPPING=1");
            String got = Files.readString(received, StandardCharsets.UTF_8);
            assertThat(got.indexOf("READY=1")).isLessThan(got.indexOf("WATCHDOG=1"));
            assertThat(got.indexOf("WATCHDOG=1")).isLessThan(got.indexOf("STOPPING=1"));
            assertThat(Pattern.compile("READY=1").matcher(got).results().count())
                    .isEqualTo(1);
        } finally {
            if (serve != null) {
                serve.destroyForcibly();
            }
            receiver.destroyForcibly();
        }
    }

    @Test
    void aHeartbeatLongerThanHalfTheWatchdogIsAUsageError() throws Exception {
        Path log = tmp.resolve("serve.log");
        Process serve = ServeProcess.start(
                log,
                Map.of("NOTIFY_SOCKET", tmp.resolve("none.sock").toString(), "WATCHDOG_USEC", "1000000"),
                "--dir",
                tmp.resolve("pages").toString(),
                "--heartbeat",
                "1s",
                "--no-control");
        try {
            assertThat(serve.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.exitValue()).isEqualTo(2);
            assertThat(Files.readString(log, StandardCharsets.UTF_8)).contains("heartbeat");
            assertThat(tmp.resolve("pages")).doesNotExist();
        } finally {
            serve.destroyForcibly();
        }
    }

    private static void awaitFile(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)
                    && Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no '" + text + "' within 30 s in:\n"
                + (Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "(nothing)"));
    }
}
