package io.wallsync.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MetricsHttpServerTest {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(5))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Connects and sends half a request line, never the rest. */
    private static Socket halfOpen(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.getOutputStream().write("GET /metr".getBytes(StandardCharsets.US_ASCII));
        s.getOutputStream().flush();
        return s;
    }

    /**
     * Issue 10's attack: ten half-open requests stopped the Prometheus exporter's HTTPServer (ten
     * pool threads, each blocked reading a request line that never ends). Now /metrics answers.
     */
    @Test
    void tenHalfOpenRequestsDoNotStopMetrics() throws Exception {
        FakeHostClock host = FakeHostClock.live(0);
        ServeMetrics metrics = new ServeMetrics(host, PushObserver.NONE);
        List<Socket> held = new ArrayList<>();
        // A request timeout far longer than the test: the answer cannot come from slots freed by it.
        try (MetricsHttpServer server = MetricsHttpServer.start(
                InetAddress.getLoopbackAddress(),
                0,
                metrics::scrape,
                new MetricsHttpServer.Limits(MetricsHttpServer.Limits.DEFAULTS.maxConnections(), Duration.ofMinutes(5)),
                line -> {})) {
            assertThat(get(server.port(), "/metrics").statusCode()).isEqualTo(200); // warm up client and server
            for (int i = 0; i < 10; i++) {
                held.add(halfOpen(server.port()));
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r = get(server.port(), "/metrics");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            // PushReason has five labels, each exported at zero from the start.
            assertThat(r.body()).contains("wallsync_pushes_total{reason=\"start\"} 0.0");
            // Before: no answer at all (the exporter's ten threads wait for the ten lines). 5 s: load slack.
            assertThat(ms).as("answered in %d ms", ms).isLessThan(5000);
        } finally {
            for (Socket s : held) {
                s.close();
            }
        }
    }

    @Test
    void aHalfOpenRequestIsClosedAfterTheRequestTimeoutAndLoggedOnce() throws Exception {
        List<String> log = new CopyOnWriteArrayList<>();
        try (MetricsHttpServer server = MetricsHttpServer.start(
                        InetAddress.getLoopbackAddress(),
                        0,
                        () -> new MetricsHttpServer.Body("text/plain", new byte[0]),
                        new MetricsHttpServer.Limits(4, Duration.ofMillis(300)),
                        log::add);
                Socket s = halfOpen(server.port())) {
            s.setSoTimeout(20_000); // far above the 300 ms the server allows: the server closes first
            long t0 = System.nanoTime();
            InputStream in = s.getInputStream();
            assertThat(in.read()).isEqualTo(-1);
            assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (log.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(log).singleElement().asString().contains("no complete request within 300 ms");
        }
    }

    @Test
    void connectionsOverTheCapAreAnswered503AtOnceAndOthersStillServed() throws Exception {
        List<Socket> held = new ArrayList<>();
        try (MetricsHttpServer server = MetricsHttpServer.start(
                InetAddress.getLoopbackAddress(),
                0,
                () -> new MetricsHttpServer.Body("text/plain", "m 1\n".getBytes(StandardCharsets.UTF_8)),
                new MetricsHttpServer.Limits(2, Duration.ofSeconds(2)),
                line -> {})) {
            held.add(halfOpen(server.port()));
            held.add(halfOpen(server.port()));
            // Both slots are taken (for up to 2 s): the third is refused, not queued.
            HttpResponse<String> refused = get(server.port(), "/metrics");
            if (refused.statusCode() == 503) {
                assertThat(refused.body()).isEqualTo("too many connections\n");
            } else {
                // Only if the machine was so slow that a held connection had already timed out.
                assertThat(refused.statusCode()).isEqualTo(200);
            }
            for (Socket s : held) {
                s.close();
            }
            // Slots are freed when the held connections end; then requests are served again.
            long deadline = System.nanoTime() + 10_000_000_000L;
            HttpResponse<String> r;
            do {
                r = get(server.port(), "/metrics");
            } while (r.statusCode() == 503 && System.nanoTime() < deadline);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("m 1\n");
            assertThat(get(server.port(), "/other").statusCode()).isEqualTo(404);
        }
    }

    @Test
    void aPortInUseIsReportedWithTheAddressPortAndCause() throws Exception {
        try (MetricsHttpServer first = MetricsHttpServer.start(
                InetAddress.getLoopbackAddress(),
                0,
                () -> new MetricsHttpServer.Body("text/plain", new byte[0]),
                MetricsHttpServer.Limits.DEFAULTS,
                line -> {})) {
            int port = first.port();
            assertThatThrownBy(() -> MetricsHttpServer.start(
                            InetAddress.getLoopbackAddress(),
                            port,
                            () -> new MetricsHttpServer.Body("text/plain", new byte[0]),
                            MetricsHttpServer.Limits.DEFAULTS,
                            line -> {}))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + port + ": Address already in use");
        }
    }
}
