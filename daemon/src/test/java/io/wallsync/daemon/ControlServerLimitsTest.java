package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket's bounds, in process (the test runs as root, so per-uid limits are in ControlFloodTest). */
class ControlServerLimitsTest {
    @TempDir
    Path dir;

    private ServeDaemon daemon;
    private final List<String> log = new CopyOnWriteArrayList<>();
    private final List<SocketChannel> clients = new ArrayList<>();

    @BeforeEach
    void startDaemon() throws Exception {
        daemon = ControlServerMain.webDaemon(dir);
    }

    @AfterEach
    void stop() throws Exception {
        for (SocketChannel c : clients) {
            c.close();
        }
        daemon.close();
    }

    private ControlServer server(ControlServer.Limits limits) throws Exception {
        return ControlServer.start(
                dir, new ControlProtocol(daemon, AccessPolicy.rootOr(Optional.empty())), log::add, limits);
    }

    private SocketChannel connect(ControlServer server) throws Exception {
        SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
        ch.connect(UnixDomainSocketAddress.of(server.socketPath()));
        clients.add(ch);
        return ch;
    }

    private static BufferedReader reader(SocketChannel ch) {
        return new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
    }

    private static void send(SocketChannel ch, String text) throws Exception {
        ch.write(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }

    private void awaitLog(String text) throws InterruptedException {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (log.stream().noneMatch(l -> l.contains(text))) {
            assertThat(System.nanoTime() < deadline)
                    .as("log has no '" + text + "': " + log)
                    .isTrue();
            Thread.sleep(10);
        }
    }

    @Test
    void aClientThatSendsNothingIsDroppedAfterTheIdleTimeout() throws Exception {
        try (ControlServer server =
                server(new ControlServer.Limits(8, 4, 2, Duration.ofMillis(300), Duration.ofSeconds(5)))) {
            SocketChannel ch = connect(server);
            long t0 = System.nanoTime();
            // readLine returns null at end of stream: the server closed the connection.
            assertThat(reader(ch).readLine()).isNull();
            assertThat((System.nanoTime() - t0) / 1_000_000)
                    .isGreaterThanOrEqualTo(250)
                    .isLessThan(15_000);
            awaitLog("control: closed the connection of uid 0 (root) pid "
                    + ProcessHandle.current().pid() + ": it sent no request within 300 ms");
        }
    }

    @Test
    void aPartialRequestLineIsAnsweredWithTheTimeoutAndDropped() throws Exception {
        try (ControlServer server =
                server(new ControlServer.Limits(8, 4, 2, Duration.ofSeconds(30), Duration.ofMillis(300)))) {
            SocketChannel ch = connect(server);
            send(ch, "li");
            BufferedReader in = reader(ch);
            assertThat(in.readLine()).isEqualTo("error request not completed within 300 ms; closing");
            assertThat(in.readLine()).isNull();
            awaitLog("did not finish its request line within 300 ms");
        }
    }

    @Test
    void connectionsOverTheTotalAreRefusedWithTheReasonAndASlotFreedIsUsedAgain() throws Exception {
        try (ControlServer server =
                server(new ControlServer.Limits(3, 2, 1, Duration.ofSeconds(30), Duration.ofSeconds(5)))) {
            List<SocketChannel> held = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                SocketChannel ch = connect(server);
                send(ch, "list\n");
                assertThat(reader(ch).readLine()).isEqualTo("ok web:0:1"); // admitted, and served
                held.add(ch);
            }
            SocketChannel fourth = connect(server);
            BufferedReader in = reader(fourth);
            assertThat(in.readLine())
                    .isEqualTo("error too many connections: 3 connections are open (limit 3); try again later");
            assertThat(in.readLine()).isNull();
            awaitLog("control: refused a connection from uid 0 (root)");
            held.getFirst().close();
            // The server notices the close at its next poll; then a new connection is served.
            long deadline = System.nanoTime() + 20_000_000_000L;
            String answer;
            do {
                SocketChannel again = connect(server);
                send(again, "get-offset web\n");
                answer = reader(again).readLine();
            } while (!"ok web 0".equals(answer) && System.nanoTime() < deadline);
            assertThat(answer).isEqualTo("ok web 0");
        }
    }

    @Test
    void pipelinedRequestsAndALastLineWithoutNewlineAreAllAnswered() throws Exception {
        try (ControlServer server = server(ControlServer.Limits.DEFAULTS)) {
            SocketChannel ch = connect(server);
            send(ch, "list\nget-offset web\n\nget-offset nope");
            ch.shutdownOutput(); // as `printf ... | socat` does at end of input
            BufferedReader in = reader(ch);
            assertThat(in.readLine()).isEqualTo("ok web:0:1");
            assertThat(in.readLine()).isEqualTo("ok web 0");
            assertThat(in.readLine()).isEqualTo("error empty request");
            assertThat(in.readLine()).isEqualTo("error no domain nope");
            assertThat(in.readLine()).isNull();
        }
    }

    @Test
    void theRateLimitedLogWritesOneLinePerReasonPerIntervalAndCountsTheRest() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        RateLimitedLog limited = new RateLimitedLog(lines::add, now::get, 1_000_000_000L);
        for (int i = 0; i < 1000; i++) {
            limited.log("control: refused connections", "refused " + i);
        }
        limited.log("control: timeouts", "timeout 0");
        // One line per reason so far; 999 refusals held back.
        assertThat(lines).containsExactly("refused 0", "timeout 0");
        now.set(999_999_999L);
        limited.flush();
        assertThat(lines).hasSize(2); // less than an interval: nothing yet
        now.set(1_000_000_000L);
        limited.log("control: refused connections", "refused 1000");
        assertThat(lines.getLast()).isEqualTo("refused 1000 (999 more like this suppressed)");
        limited.log("control: refused connections", "refused 1001");
        now.set(2_000_000_000L);
        limited.flush();
        assertThat(lines.getLast()).isEqualTo("control: refused connections: 1 more suppressed");
        assertThat(lines).hasSize(4);
    }
}
