package io.wallsync.daemon;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A minimal HTTP/1.0 responder for {@code GET /metrics}, in place of the Prometheus exporter's
 * HTTPServer: that one reads each request on one of at most ten pool threads with no read timeout,
 * so ten clients that send half a request line and wait stop /metrics for good.
 *
 * <p>Here every connection has a deadline ({@code requestTimeout} from accept to the end of the
 * request head, enforced with SO_TIMEOUT on every read), at most {@code maxConnections} are served
 * at once (each on a virtual thread; one over the cap is answered 503 and closed), the request head
 * may have at most 8 KiB, and every answer closes the connection (no keep-alive). Accept failures
 * (EMFILE) back off from 10 ms to 1 s and are logged at most once a second.
 */
public final class MetricsHttpServer implements AutoCloseable {
    /** Longest request head read (request line and headers). */
    static final int MAX_HEAD = 8192;

    /**
     * @param maxConnections connections served at once
     * @param requestTimeout time from accept until the request head must be complete
     */
    public record Limits(int maxConnections, Duration requestTimeout) {
        /** 32 connections, 5 s per request. */
        public static final Limits DEFAULTS = new Limits(32, Duration.ofSeconds(5));

        public Limits {
            if (maxConnections < 1 || requestTimeout.isNegative() || requestTimeout.isZero()) {
                throw new IllegalArgumentException("metrics limits: expected maxConnections >= 1 and a positive"
                        + " timeout; got " + maxConnections + ", " + requestTimeout);
            }
        }
    }

    /** A response body and its content type. */
    public record Body(String contentType, byte[] bytes) {}

    private final ServerSocket server;
    private final Supplier<Body> metrics;
    private final Limits limits;
    private final RateLimitedLog log;
    private final AtomicInteger active = new AtomicInteger();
    private final Thread acceptor;

    private MetricsHttpServer(ServerSocket server, Supplier<Body> metrics, Limits limits, Consumer<String> log) {
        this.server = server;
        this.metrics = metrics;
        this.limits = limits;
        this.log = new RateLimitedLog(log, System::nanoTime, 1_000_000_000L);
        this.acceptor =
                Thread.ofPlatform().name("wallsync-metrics").daemon(true).unstarted(this::acceptLoop);
    }

    /**
     * Serves {@code metrics} at {@code /metrics} on {@code address:port} (port 0 picks a free one).
     *
     * @throws IOException naming the address, the port and the reason it could not be bound
     */
    public static MetricsHttpServer start(
            InetAddress address, int port, Supplier<Body> metrics, Limits limits, Consumer<String> log)
            throws IOException {
        ServerSocket server = new ServerSocket();
        try {
            server.bind(new InetSocketAddress(address, port), 64);
        } catch (IOException e) {
            server.close();
            String why = e instanceof BindException && e.getMessage() != null ? e.getMessage() : String.valueOf(e);
            throw new IOException(
                    "cannot serve metrics on " + address.getHostAddress() + ":" + port + ": " + why
                            + (why.contains("in use")
                                    ? " (another process listens there; pick another --metrics-port)"
                                    : ""),
                    e);
        }
        MetricsHttpServer s = new MetricsHttpServer(server, metrics, limits, log);
        s.acceptor.start();
        return s;
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        long backoffMs = 0;
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
                backoffMs = 0;
            } catch (IOException e) {
                if (server.isClosed()) {
                    return;
                }
                backoffMs = backoffMs == 0 ? 10 : Math.min(1000, backoffMs * 2);
                log.log(
                        "metrics: accept failed",
                        "metrics: accept failed (" + e.getMessage() + "); pausing " + backoffMs + " ms");
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException ie) {
                    return;
                }
                continue;
            }
            if (active.incrementAndGet() > limits.maxConnections()) {
                active.decrementAndGet();
                log.log(
                        "metrics: refused connections",
                        "metrics: refused a connection from " + client.getRemoteSocketAddress() + ": "
                                + limits.maxConnections() + " are being served");
                try (client) {
                    client.setSoTimeout(100);
                    respond(
                            client.getOutputStream(),
                            503,
                            "Service Unavailable",
                            "text/plain; charset=utf-8",
                            "too many connections\n".getBytes(StandardCharsets.UTF_8),
                            false);
                } catch (IOException ignored) {
                    // closing anyway
                }
                continue;
            }
            Thread.ofVirtual().name("wallsync-metrics-request").start(() -> {
                try (client) {
                    serve(client);
                } catch (IOException e) {
                    // the client went away or timed out (logged in serve)
                } finally {
                    active.decrementAndGet();
                }
            });
        }
    }

    private void serve(Socket client) throws IOException {
        long deadline = System.nanoTime() + limits.requestTimeout().toNanos();
        String head;
        try {
            head = readHead(client, deadline);
        } catch (SocketTimeoutException e) {
            log.log(
                    "metrics: timeouts",
                    "metrics: closed the connection of " + client.getRemoteSocketAddress()
                            + ": no complete request within "
                            + limits.requestTimeout().toMillis() + " ms");
            return;
        }
        OutputStream out = client.getOutputStream();
        if (head == null) {
            respond(
                    out,
                    431,
                    "Request Header Fields Too Large",
                    "text/plain; charset=utf-8",
                    ("request head longer than " + MAX_HEAD + " bytes\n").getBytes(StandardCharsets.UTF_8),
                    false);
            return;
        }
        String[] requestLine = head.lines().findFirst().orElse("").split(" ");
        if (requestLine.length != 3 || !requestLine[2].startsWith("HTTP/")) {
            respond(
                    out,
                    400,
                    "Bad Request",
                    "text/plain; charset=utf-8",
                    "expected GET /metrics HTTP/1.x\n".getBytes(StandardCharsets.UTF_8),
                    false);
            return;
        }
        String method = requestLine[0];
        String path = requestLine[1];
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            respond(
                    out,
                    405,
                    "Method Not Allowed",
                    "text/plain; charset=utf-8",
                    "only GET and HEAD\n".getBytes(StandardCharsets.UTF_8),
                    false);
        } else if (!path.equals("/metrics")) {
            respond(
                    out,
                    404,
                    "Not Found",
                    "text/plain; charset=utf-8",
                    "metrics are at /metrics\n".getBytes(StandardCharsets.UTF_8),
                    method.equals("HEAD"));
        } else {
            Body body = metrics.get();
            respond(out, 200, "OK", body.contentType(), body.bytes(), method.equals("HEAD"));
        }
    }

    /** The request head up to the blank line, null when longer than {@link #MAX_HEAD}. */
    private static String readHead(Socket client, long deadline) throws IOException {
        InputStream in = client.getInputStream();
        byte[] head = new byte[MAX_HEAD];
        int length = 0;
        while (true) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMs <= 0) {
                throw new SocketTimeoutException("request deadline passed");
            }
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, leftMs));
            if (length == head.length) {
                return null;
            }
            int n = in.read(head, length, head.length - length);
            if (n < 0) {
                throw new SocketException("the client closed the connection mid-request");
            }
            length += n;
            String text = new String(head, 0, length, StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end < 0) {
                end = text.indexOf("\n\n");
            }
            if (end >= 0) {
                return text.substring(0, end);
            }
        }
    }

    private static void respond(
            OutputStream out, int status, String reason, String contentType, byte[] body, boolean headOnly)
            throws IOException {
        String head = "HTTP/1.0 " + status + " " + reason + "\r\nContent-Type: " + contentType + "\r\nContent-Length: "
                + body.length + "\r\nConnection: close\r\n\r\n";
        out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        if (!headOnly) {
            out.write(body);
        }
        out.flush();
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
