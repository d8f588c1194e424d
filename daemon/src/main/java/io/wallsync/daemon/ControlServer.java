package io.wallsync.daemon;

import io.wallsync.adapters.linux.UnixStreamSockets;
import io.wallsync.adapters.linux.UnixStreamSockets.Accepted;
import io.wallsync.adapters.linux.UnixStreamSockets.PeerCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * The Unix domain control socket {@code <dir>/control.sock} (mode 0666: anyone may connect and ask;
 * {@link AccessPolicy} decides who may change). One thread runs a poll(2) loop over the listening
 * socket and every connection; each request line is answered on a virtual thread (the answer may
 * wait for the push thread) and handed back to the loop to write.
 *
 * <p>What a local peer can do to it is bounded ({@link Limits}):
 *
 * <ul>
 *   <li>connections: at most {@code maxConnections} in all, at most {@code maxPerUid} per
 *       unprivileged uid, and {@code privilegedReserve} of them only for root (uid 0), so root is
 *       answered while other users hold every connection they may. The peer's uid is known only
 *       after accept(2), so a connection over a limit is accepted, told why and closed at once.
 *   <li>time: a connection that sends no request for {@code idleTimeout}, or does not finish a
 *       request line (or read its answer) within {@code requestTimeout}, is closed.
 *   <li>descriptors: when accept fails with EMFILE, ENFILE, ENOBUFS or ENOMEM the loop stops
 *       polling the listening socket for a back-off that doubles from 10 ms to 1 s, instead of
 *       spinning on a socket that stays readable.
 *   <li>the log: refusals, timeouts and accept failures go through a {@link RateLimitedLog} (one
 *       line per reason per second, with the count held back), each naming the peer's uid, name
 *       and pid and, for a refused request, the request.
 * </ul>
 */
public final class ControlServer implements AutoCloseable {
    public static final String SOCKET_NAME = "control.sock";

    /**
     * Bounds on what connections may hold.
     *
     * @param maxConnections connections open at once, root's included
     * @param maxPerUid connections open at once from one unprivileged uid
     * @param privilegedReserve connections of {@code maxConnections} that only root may use
     * @param idleTimeout how long a connection may wait before sending a request
     * @param requestTimeout how long a started request line may take to complete, and its answer to
     *     be read
     */
    public record Limits(
            int maxConnections, int maxPerUid, int privilegedReserve, Duration idleTimeout, Duration requestTimeout) {
        /** 256 connections, 16 per uid, 32 kept for root; 30 s idle, 5 s per request. */
        public static final Limits DEFAULTS = new Limits(256, 16, 32, Duration.ofSeconds(30), Duration.ofSeconds(5));

        public Limits {
            if (maxConnections < 1 || maxPerUid < 1 || privilegedReserve < 0 || privilegedReserve >= maxConnections) {
                throw new IllegalArgumentException("control limits: expected maxConnections >= 1, maxPerUid >= 1 and"
                        + " 0 <= privilegedReserve < maxConnections; got " + maxConnections + ", " + maxPerUid + ", "
                        + privilegedReserve);
            }
            if (!positive(idleTimeout) || !positive(requestTimeout)) {
                throw new IllegalArgumentException(
                        "control timeouts must be positive; got " + idleTimeout + ", " + requestTimeout);
            }
        }

        private static boolean positive(Duration d) {
            return !d.isNegative() && !d.isZero();
        }

        /** Connections that peers other than root may hold in all. */
        public int unprivilegedMax() {
            return maxConnections - privilegedReserve;
        }
    }

    /** Listen backlog; the kernel caps it at net.core.somaxconn. */
    static final int BACKLOG = 512;

    static final long BACKOFF_MIN_NS = 10_000_000L;
    static final long BACKOFF_MAX_NS = 1_000_000_000L;
    /** Accepts per loop round, so that answering keeps pace with a flood of connects. */
    static final int ACCEPTS_PER_ROUND = 64;

    private final Path socketPath;
    private final ControlProtocol protocol;
    private final Consumer<String> log;
    private final RateLimitedLog limitedLog;
    private final Limits limits;
    private final UnixStreamSockets sockets;
    private final int listenFd;
    private final int wakeFd;
    private final Object wakeLock = new Object();
    private boolean wakeClosed;
    private final Queue<Completed> completed = new ConcurrentLinkedQueue<>();
    private final Map<Integer, Connection> connections = new HashMap<>();
    private final Map<Long, Integer> perUid = new HashMap<>();
    private int unprivileged;
    private final Thread loop;
    private volatile boolean stopping;

    private record Completed(Connection connection, String answer) {}

    /** One accepted connection; touched by the loop thread only. */
    private static final class Connection {
        final int fd;
        final PeerCredentials peer;
        final byte[] in = new byte[4096];
        int inLength;
        final StringBuilder line = new StringBuilder();
        boolean lineTooLong;
        boolean busy;
        boolean eof;
        byte[] out;
        int outOffset;
        long deadlineNs;
        String deadlineReason;
        boolean closed;

        Connection(int fd, PeerCredentials peer) {
            this.fd = fd;
            this.peer = peer;
        }
    }

    static {
        // Loading a class can need a file descriptor (a class file in a directory): the classes of
        // the paths taken when the process is out of descriptors are loaded before that can happen.
        for (Class<?> c : List.of(
                Accepted.Failed.class,
                Accepted.NoneWaiting.class,
                Accepted.Connection.class,
                Connection.class,
                Completed.class,
                RateLimitedLog.class,
                ControlProtocol.Answer.class)) {
            c.getName();
        }
    }

    private ControlServer(
            Path socketPath,
            ControlProtocol protocol,
            Consumer<String> log,
            Limits limits,
            UnixStreamSockets sockets,
            int listenFd,
            int wakeFd) {
        this.socketPath = socketPath;
        this.protocol = protocol;
        this.log = log;
        this.limitedLog = new RateLimitedLog(log, System::nanoTime, 1_000_000_000L);
        this.limits = limits;
        this.sockets = sockets;
        this.listenFd = listenFd;
        this.wakeFd = wakeFd;
        this.loop = Thread.ofPlatform().name("wallsync-control").daemon(true).unstarted(this::run);
    }

    /** Binds the socket in {@code dir} with {@link Limits#DEFAULTS}. */
    public static ControlServer start(Path dir, ControlProtocol protocol, Consumer<String> log) throws IOException {
        return start(dir, protocol, log, Limits.DEFAULTS);
    }

    /**
     * Binds the socket in {@code dir} (replacing a stale socket file, never another kind of file).
     *
     * @throws IOException naming the socket path and the reason it could not be bound
     */
    public static ControlServer start(Path dir, ControlProtocol protocol, Consumer<String> log, Limits limits)
            throws IOException {
        Path path = dir.resolve(SOCKET_NAME);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)
                    && !Files.isSymbolicLink(path)) {
                Files.delete(path); // a socket left by an earlier daemon
            } else {
                throw new IOException("cannot bind control socket " + path
                        + ": it exists and is not a socket; refusing to replace it");
            }
        }
        UnixStreamSockets sockets = new UnixStreamSockets();
        int listenFd;
        try {
            listenFd = sockets.listen(path, BACKLOG);
        } catch (IOException e) {
            sockets.close();
            throw new IOException("control socket: " + e.getMessage(), e);
        }
        int wakeFd;
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            wakeFd = sockets.eventFd();
        } catch (IOException | RuntimeException e) {
            sockets.close(listenFd);
            sockets.close();
            Files.deleteIfExists(path);
            throw e;
        }
        ControlServer cs = new ControlServer(path, protocol, log, limits, sockets, listenFd, wakeFd);
        cs.loop.start();
        return cs;
    }

    public Path socketPath() {
        return socketPath;
    }

    public Limits limits() {
        return limits;
    }

    private void run() {
        long backoffNs = 0;
        long acceptPausedUntilNs = System.nanoTime();
        int[] fds = new int[0];
        short[] events = new short[0];
        short[] revents = new short[0];
        List<Connection> polled = new ArrayList<>();
        try {
            while (!stopping) {
                try {
                    long now = System.nanoTime();
                    boolean acceptPaused = now - acceptPausedUntilNs < 0;
                    int count = 2 + connections.size();
                    if (fds.length < count) {
                        fds = new int[count * 2];
                        events = new short[count * 2];
                        revents = new short[count * 2];
                    }
                    fds[0] = wakeFd;
                    events[0] = UnixStreamSockets.POLLIN;
                    // A paused listening socket is polled for nothing (fd -1 is skipped by poll(2)).
                    fds[1] = acceptPaused ? -1 : listenFd;
                    events[1] = UnixStreamSockets.POLLIN;
                    polled.clear();
                    long nextDeadline = acceptPaused ? acceptPausedUntilNs : now + 1_000_000_000L;
                    int n = 2;
                    for (Connection c : connections.values()) {
                        short want = 0;
                        if (c.out != null) {
                            want = UnixStreamSockets.POLLOUT;
                        } else if (!c.busy && !c.eof) {
                            want = UnixStreamSockets.POLLIN;
                        }
                        fds[n] = c.fd;
                        events[n] = want;
                        polled.add(c);
                        n++;
                        if (!c.busy && c.deadlineNs - nextDeadline < 0) {
                            nextDeadline = c.deadlineNs;
                        }
                    }
                    int timeoutMs = (int) Math.max(1, Math.min(1000, (nextDeadline - now + 999_999) / 1_000_000));
                    sockets.poll(fds, events, revents, n, timeoutMs);
                    if ((revents[0] & UnixStreamSockets.POLLIN) != 0) {
                        sockets.drain(wakeFd);
                    }
                    Completed done;
                    while ((done = completed.poll()) != null) {
                        answerReady(done.connection(), done.answer());
                    }
                    for (int i = 0; i < polled.size(); i++) {
                        Connection c = polled.get(i);
                        if (!c.closed && revents[i + 2] != 0) {
                            serviceConnection(c, revents[i + 2]);
                        }
                    }
                    if (!acceptPaused && (revents[1] & UnixStreamSockets.POLLIN) != 0) {
                        long pause = acceptSome();
                        if (pause > 0) {
                            backoffNs = backoffNs == 0 ? BACKOFF_MIN_NS : Math.min(BACKOFF_MAX_NS, backoffNs * 2);
                            acceptPausedUntilNs = System.nanoTime() + backoffNs;
                        } else {
                            backoffNs = 0;
                        }
                    }
                    expire(System.nanoTime());
                    limitedLog.flush();
                } catch (RuntimeException | LinkageError e) {
                    // A bug, or a class that could not be loaded while out of descriptors: the
                    // socket keeps serving after a pause.
                    limitedLog.log("control: loop errors", "control: error in the control socket loop: " + e);
                    sleepQuietly(100);
                }
            }
        } finally {
            for (Connection c : List.copyOf(connections.values())) {
                drop(c);
            }
            sockets.close(listenFd);
        }
    }

    /** Accepts up to a round of waiting connections; > 0 when the loop must back off. */
    private long acceptSome() {
        for (int i = 0; i < ACCEPTS_PER_ROUND; i++) {
            switch (sockets.accept(listenFd)) {
                case Accepted.NoneWaiting none -> {
                    return 0;
                }
                case Accepted.Failed f -> {
                    if (f.outOfDescriptors()) {
                        limitedLog.log(
                                "control: accept failed",
                                "control: accept failed (" + f.why() + "); not accepting for up to 1 s, "
                                        + connections.size() + " connection(s) open");
                        return 1;
                    }
                    if (f.errno() != UnixStreamSockets.ECONNABORTED && f.errno() != UnixStreamSockets.EINTR) {
                        limitedLog.log("control: accept failed", "control: accept failed (" + f.why() + ")");
                        return 1;
                    }
                }
                case Accepted.Connection c -> admit(c.fd(), c.peer());
            }
        }
        return 0;
    }

    private void admit(int fd, PeerCredentials peer) {
        boolean privileged = peer.uid() == 0;
        int ofUid = perUid.getOrDefault(peer.uid(), 0);
        String refusal = null;
        if (connections.size() >= limits.maxConnections()) {
            refusal = connections.size() + " connections are open (limit " + limits.maxConnections() + ")";
        } else if (!privileged && unprivileged >= limits.unprivilegedMax()) {
            refusal = unprivileged + " connections of users other than root are open (limit " + limits.unprivilegedMax()
                    + "; " + limits.privilegedReserve() + " are kept for root)";
        } else if (!privileged && ofUid >= limits.maxPerUid()) {
            refusal = "uid " + peer.uid() + " has " + ofUid + " connections open (limit " + limits.maxPerUid() + ")";
        }
        if (refusal != null) {
            try {
                byte[] text = ("error too many connections: " + refusal + "; try again later\n")
                        .getBytes(StandardCharsets.UTF_8);
                sockets.write(fd, text, 0, text.length);
            } catch (IOException e) {
                // the peer is gone already; nothing to tell
            }
            sockets.close(fd);
            limitedLog.log(
                    "control: refused connections",
                    "control: refused a connection from " + protocol.policy().describe(peer) + ": " + refusal);
            return;
        }
        Connection c = new Connection(fd, peer);
        connections.put(fd, c);
        perUid.merge(peer.uid(), 1, Integer::sum);
        if (!privileged) {
            unprivileged++;
        }
        waitForRequest(c, System.nanoTime());
    }

    private void waitForRequest(Connection c, long now) {
        c.deadlineNs = now + limits.idleTimeout().toNanos();
        c.deadlineReason = "sent no request within " + seconds(limits.idleTimeout());
    }

    private void serviceConnection(Connection c, short revents) {
        try {
            if ((revents & UnixStreamSockets.POLLOUT) != 0 && c.out != null) {
                flushOutput(c);
            } else if ((revents & UnixStreamSockets.POLLIN) != 0) {
                int n = sockets.read(c.fd, c.in);
                if (n == 0) {
                    c.eof = true;
                } else if (n > 0) {
                    c.inLength = n;
                }
                nextRequest(c);
            } else if ((revents & (UnixStreamSockets.POLLERR | UnixStreamSockets.POLLHUP | UnixStreamSockets.POLLNVAL))
                    != 0) {
                drop(c);
            }
        } catch (IOException e) {
            drop(c); // the peer went away (ECONNRESET, EPIPE)
        }
    }

    /** Takes bytes from the connection's input into its line; dispatches a complete line. */
    private void nextRequest(Connection c) {
        int consumed = 0;
        String request = null;
        while (consumed < c.inLength) {
            byte b = c.in[consumed++];
            if (b == '\n') {
                request = c.lineTooLong ? null : c.line.toString();
                break;
            }
            if (c.line.isEmpty() && !c.lineTooLong) {
                c.deadlineNs = System.nanoTime() + limits.requestTimeout().toNanos();
                c.deadlineReason = "did not finish its request line within " + seconds(limits.requestTimeout());
            }
            if (c.line.length() >= ControlProtocol.MAX_LINE) {
                c.lineTooLong = true; // keep reading to the newline, storing nothing
            } else if (!c.lineTooLong) {
                c.line.append((char) (b & 0xff));
            }
        }
        boolean complete = consumed > 0 && c.in[consumed - 1] == '\n';
        System.arraycopy(c.in, consumed, c.in, 0, c.inLength - consumed);
        c.inLength -= consumed;
        if (!complete && c.eof) {
            // The last line without a newline is still a request (as `printf list | socat` sends).
            if (c.line.isEmpty() && !c.lineTooLong) {
                drop(c);
                return;
            }
            request = c.lineTooLong ? null : c.line.toString();
            complete = true;
        }
        if (!complete) {
            return;
        }
        boolean tooLong = c.lineTooLong;
        c.line.setLength(0);
        c.lineTooLong = false;
        if (tooLong) {
            answerReady(c, "error request longer than " + ControlProtocol.MAX_LINE + " bytes");
        } else if (request.isBlank()) {
            answerReady(c, "error empty request");
        } else {
            dispatch(c, request);
        }
    }

    private void dispatch(Connection c, String request) {
        c.busy = true;
        Thread.ofVirtual().name("wallsync-control-request").start(() -> {
            String text;
            try {
                ControlProtocol.Answer answer = protocol.respond(request, c.peer);
                text = answer.text();
                String who = protocol.policy().describe(c.peer);
                if (answer.refused()) {
                    limitedLog.log(
                            "control: refused requests", "control: refused '" + request.trim() + "' from " + who);
                } else if (answer.ok()
                        && answer.request() != null
                        && answer.request().isChange()) {
                    log.accept("control: " + who + " " + request.trim() + " -> " + text);
                }
            } catch (RuntimeException e) {
                text = "error internal error: " + e;
                log.accept("control: '" + request.trim() + "' failed: " + e);
            }
            completed.add(new Completed(c, text));
            synchronized (wakeLock) {
                if (!wakeClosed) {
                    UnixStreamSockets.wake(wakeFd);
                }
            }
        });
    }

    private void answerReady(Connection c, String answer) {
        c.busy = false;
        if (c.closed) {
            return;
        }
        c.out = (answer + "\n").getBytes(StandardCharsets.UTF_8);
        c.outOffset = 0;
        c.deadlineNs = System.nanoTime() + limits.requestTimeout().toNanos();
        c.deadlineReason = "did not read its answer within " + seconds(limits.requestTimeout());
        try {
            flushOutput(c);
        } catch (IOException e) {
            drop(c);
        }
    }

    private void flushOutput(Connection c) throws IOException {
        c.outOffset += sockets.write(c.fd, c.out, c.outOffset, c.out.length - c.outOffset);
        if (c.outOffset < c.out.length) {
            return; // POLLOUT again
        }
        c.out = null;
        if (c.eof && c.inLength == 0) {
            drop(c);
            return;
        }
        waitForRequest(c, System.nanoTime());
        if (c.inLength > 0) {
            nextRequest(c); // a pipelined request already read
        }
    }

    private void expire(long now) {
        for (Connection c : List.copyOf(connections.values())) {
            if (!c.busy && now - c.deadlineNs >= 0) {
                if (c.out == null && (!c.line.isEmpty() || c.lineTooLong)) {
                    byte[] text = ("error request not completed within " + seconds(limits.requestTimeout())
                                    + "; closing\n")
                            .getBytes(StandardCharsets.UTF_8);
                    try {
                        sockets.write(c.fd, text, 0, text.length);
                    } catch (IOException e) {
                        // closing anyway
                    }
                }
                limitedLog.log(
                        "control: timeouts",
                        "control: closed the connection of " + protocol.policy().describe(c.peer) + ": it "
                                + c.deadlineReason);
                drop(c);
            }
        }
    }

    private void drop(Connection c) {
        if (c.closed) {
            return;
        }
        c.closed = true;
        connections.remove(c.fd);
        perUid.computeIfPresent(c.peer.uid(), (uid, k) -> k > 1 ? k - 1 : null);
        if (c.peer.uid() != 0) {
            unprivileged--;
        }
        sockets.close(c.fd);
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    @Override
    public void close() throws IOException {
        stopping = true;
        synchronized (wakeLock) {
            if (!wakeClosed) {
                UnixStreamSockets.wake(wakeFd);
            }
        }
        try {
            loop.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (wakeLock) {
            if (!wakeClosed) {
                wakeClosed = true;
                sockets.close(wakeFd);
            }
        }
        if (!loop.isAlive()) {
            sockets.close();
        }
        Files.deleteIfExists(socketPath);
    }
}
