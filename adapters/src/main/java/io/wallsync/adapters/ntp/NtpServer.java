package io.wallsync.adapters.ntp;

import io.wallsync.core.ntp.DropReason;
import io.wallsync.core.ntp.NtpPacket;
import io.wallsync.core.ntp.NtpRequest;
import io.wallsync.core.ntp.NtpTimestamp;
import io.wallsync.core.ntp.RateLimiter;
import io.wallsync.core.ntp.ReferenceTime;
import io.wallsync.core.ntp.ResponseHeader;
import io.wallsync.core.ntp.ServerPolicy;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An NTP server (RFC 5905 server mode, answering mode 3 with mode 4) over one domain's wallclock.
 *
 * <p>Per datagram, on a receive thread: receive; read the wallclock (the receive timestamp T2,
 * as early as user space can: Java has no SO_TIMESTAMPNS); classify ({@link NtpRequest#classify});
 * rate-limit by source address; write the 40 header bytes; read the wallclock again and stamp the
 * transmit timestamp T3 as the last write before the send. Header fields that come from the host's
 * state (leap, stratum, root delay and dispersion, reference timestamp) are recomputed by a refresh
 * thread every {@code stateRefresh} (adjtimex is a system call; not per packet) and published
 * through a volatile field.
 *
 * <p>Safety: only plain 48-byte client requests are answered, with 48 bytes, so no answer is larger
 * than its request; everything else is dropped and counted ({@link NtpCounters}); no input makes a
 * receive thread stop (an exception is counted and logged, and the loop goes on). With more than
 * one thread, each has its own socket on the same port (SO_REUSEPORT; the kernel spreads clients by
 * address hash) and they share one rate limiter under a lock.
 */
public final class NtpServer implements AutoCloseable {
    /** wallsync's default NTP port on loopback: unprivileged, so tests and users need no root. */
    public static final int DEFAULT_PORT = 11123;

    /**
     * @param bind address and port to listen on (port 0 picks a free one)
     * @param stratum stratum while the host is synchronised (1..15)
     * @param referenceId reference id while synchronised
     * @param localStratum stratum to serve at while unsynchronised (chrony's {@code local}), or empty
     * @param rateLimit per-client limits, or empty for none
     * @param threads receive threads (1..64)
     * @param stateRefresh how often the sync state (adjtimex) is read again
     */
    public record Config(
            InetSocketAddress bind,
            int stratum,
            int referenceId,
            OptionalInt localStratum,
            Optional<RateLimiter.Config> rateLimit,
            int threads,
            Duration stateRefresh) {
        public Config {
            Objects.requireNonNull(bind, "bind");
            Objects.requireNonNull(localStratum, "localStratum");
            Objects.requireNonNull(rateLimit, "rateLimit");
            if (threads < 1 || threads > 64) {
                throw new IllegalArgumentException("threads must be 1..64, got " + threads);
            }
            if (stateRefresh.isNegative()
                    || stateRefresh.isZero()
                    || stateRefresh.compareTo(Duration.ofMinutes(1)) > 0) {
                throw new IllegalArgumentException("state refresh must be in (0, 1 min], got " + stateRefresh);
            }
            // Checked here so a bad stratum is a usage error at start, not at the first refresh.
            new ServerPolicy(stratum, referenceId, localStratum, 0);
        }

        /** Defaults: stratum 3, refid 127.127.1.1, no local stratum, default rate limits, 1 thread, 1 s refresh. */
        public static Config defaults(InetSocketAddress bind) {
            return new Config(
                    bind,
                    ServerPolicy.DEFAULT_STRATUM,
                    ServerPolicy.DEFAULT_REFERENCE_ID,
                    OptionalInt.empty(),
                    Optional.of(RateLimiter.Config.DEFAULT),
                    1,
                    Duration.ofSeconds(1));
        }

        public Config withRateLimit(Optional<RateLimiter.Config> limits) {
            return new Config(bind, stratum, referenceId, localStratum, limits, threads, stateRefresh);
        }

        public Config withLocalStratum(OptionalInt local) {
            return new Config(bind, stratum, referenceId, local, rateLimit, threads, stateRefresh);
        }

        public Config withBind(InetSocketAddress address) {
            return new Config(address, stratum, referenceId, localStratum, rateLimit, threads, stateRefresh);
        }

        public Config withThreads(int n) {
            return new Config(bind, stratum, referenceId, localStratum, rateLimit, n, stateRefresh);
        }
    }

    private final Config config;
    private final HostClock clock;
    private final MonotonicClock monotonic;
    private final Consumer<String> log;
    private final ServerPolicy policy;
    private final RateLimiter limiter;
    private final NtpCounters counters = new NtpCounters();
    private final ReferenceTime referenceTime = new ReferenceTime();
    private final List<DatagramChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final InetSocketAddress localAddress;
    private volatile ResponseHeader header;
    private volatile SyncState lastState;
    private volatile boolean running = true;

    private NtpServer(Config config, HostClock clock, MonotonicClock monotonic, Consumer<String> log)
            throws IOException {
        this.config = config;
        this.clock = clock;
        this.monotonic = monotonic;
        this.log = log;
        this.policy = new ServerPolicy(
                config.stratum(),
                config.referenceId(),
                config.localStratum(),
                ServerPolicy.precisionLog2FromReadCost(readCostNs(clock, monotonic)));
        this.limiter = config.rateLimit()
                .map(c -> new RateLimiter(c, new SplittableRandom(new SecureRandom().nextLong())))
                .orElse(null);
        refreshHeader();
        try {
            DatagramChannel first = open(config.bind(), config.threads() > 1);
            channels.add(first);
            this.localAddress = (InetSocketAddress) first.getLocalAddress();
            for (int i = 1; i < config.threads(); i++) {
                channels.add(open(localAddress, true));
            }
        } catch (IOException | RuntimeException e) {
            closeChannels();
            throw e;
        }
    }

    /**
     * Binds and starts serving {@code clock} (a domain's wallclock and its sync state).
     *
     * @param monotonic for rate limiting and the read-cost measurement
     * @param log one line per notable event (start, errors)
     * @throws IOException if the address cannot be bound (in use, not permitted)
     */
    public static NtpServer start(Config config, HostClock clock, MonotonicClock monotonic, Consumer<String> log)
            throws IOException {
        NtpServer server = new NtpServer(config, clock, monotonic, log);
        server.startThreads();
        return server;
    }

    private static DatagramChannel open(InetSocketAddress address, boolean reusePort) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            if (reusePort) {
                channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
            }
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            try {
                channel.bind(address);
            } catch (java.net.BindException e) {
                java.net.BindException named = new java.net.BindException("cannot bind NTP to "
                        + address.getAddress().getHostAddress() + ":" + address.getPort() + ": " + e.getMessage());
                named.initCause(e);
                throw named;
            }
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Cost of one wallclock read, for the precision field: 200_000 warm-up reads (so the JIT has
     * compiled the read path, as it has while serving; fewer left FFM reads interpreted at about
     * 500 ns instead of 50 ns), then the mean over 100_000 timed reads (two clock reads amortised
     * over the batch instead of added to each read).
     */
    static long readCostNs(HostClock clock, MonotonicClock monotonic) {
        long sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += clock.realtimeNs();
        }
        int reads = 100_000;
        long t0 = monotonic.nanos();
        for (int i = 0; i < reads; i++) {
            sink += clock.realtimeNs();
        }
        long elapsed = monotonic.nanos() - t0;
        // Keep the reads observable so the JIT cannot drop them.
        if (sink == 42) {
            elapsed++;
        }
        return Math.max(1, elapsed / reads);
    }

    private void startThreads() {
        for (int i = 0; i < channels.size(); i++) {
            DatagramChannel channel = channels.get(i);
            threads.add(
                    Thread.ofPlatform().name("wallsync-ntp-" + i).daemon(true).start(() -> serve(channel)));
        }
        long refreshNs = config.stateRefresh().toNanos();
        threads.add(Thread.ofPlatform().name("wallsync-ntp-state").daemon(true).start(() -> {
            try {
                while (!stopped.await(refreshNs, TimeUnit.NANOSECONDS)) {
                    refreshHeader();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
    }

    private void refreshHeader() {
        try {
            SyncState state = clock.syncState();
            long now = clock.realtimeNs();
            long reference = referenceTime.observe(state, now);
            header = ResponseHeader.of(state, policy, now, reference);
            lastState = state;
        } catch (RuntimeException e) {
            // Keep the previous header; a broken adjtimex must not stop the answers.
            log.accept("ntp: could not read the sync state: " + e);
        }
    }

    private void serve(DatagramChannel channel) {
        // Direct buffers: the channel reads and writes them without a copy through a temporary
        // native buffer; the codec works on small heap arrays copied from and to them.
        byte[] in = new byte[NtpPacket.HEADER_BYTES + 1];
        ByteBuffer inBuffer = ByteBuffer.allocateDirect(2048);
        byte[] out = new byte[NtpPacket.HEADER_BYTES];
        ByteBuffer outBuffer = ByteBuffer.allocateDirect(NtpPacket.HEADER_BYTES);
        while (running) {
            try {
                inBuffer.clear();
                SocketAddress from = channel.receive(inBuffer);
                // T2: the first thing after the datagram arrives.
                long receiveNs = clock.realtimeNs();
                counters.received();
                // Only the first 49 bytes matter: a 48-byte header, and whether anything follows it.
                int length = inBuffer.position();
                inBuffer.get(0, in, 0, Math.min(length, in.length));
                NtpRequest request = NtpRequest.classify(in, Math.min(length, in.length));
                if (request instanceof DropReason reason) {
                    counters.dropped(reason);
                    continue;
                }
                NtpRequest.Client client = (NtpRequest.Client) request;
                RateLimiter.Decision decision = decide(from);
                ResponseHeader h = header;
                long receiveTs = NtpTimestamp.fromUnixNanos(receiveNs);
                switch (decision) {
                    case PASS, LEAK -> h.writeResponse(out, client, receiveTs);
                    case KISS_RATE ->
                        h.writeKissRate(out, client, receiveTs, limiter.config().intervalLog2());
                    case DROP -> {
                        counters.dropped(DropReason.RATE_LIMITED);
                        continue;
                    }
                }
                // T3: the last write before the send.
                ResponseHeader.stampTransmit(out, NtpTimestamp.fromUnixNanos(clock.realtimeNs()));
                outBuffer.clear();
                outBuffer.put(0, out);
                if (channel.send(outBuffer, from) == 0) {
                    counters.sendError();
                    continue;
                }
                switch (decision) {
                    case PASS -> counters.answered();
                    case LEAK -> {
                        counters.answered();
                        counters.leaked();
                    }
                    case KISS_RATE -> counters.kissRate();
                    case DROP -> throw new IllegalStateException("dropped requests are not sent");
                }
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // ICMP errors surface as PortUnreachableException on a later call, send buffers fill:
                // count and carry on.
                counters.sendError();
            } catch (RuntimeException e) {
                counters.sendError();
                log.accept("ntp: error while answering (answer skipped): " + e);
            }
        }
    }

    private RateLimiter.Decision decide(SocketAddress from) {
        if (limiter == null) {
            return RateLimiter.Decision.PASS;
        }
        InetAddress address = ((InetSocketAddress) from).getAddress();
        long hi;
        long lo;
        if (address instanceof Inet4Address v4) {
            // ::ffff:a.b.c.d; Inet4Address.hashCode() is the address itself and allocates nothing.
            hi = 0;
            lo = 0xFFFF_0000_0000L | (v4.hashCode() & 0xFFFF_FFFFL);
        } else {
            byte[] b = address.getAddress();
            hi = NtpPacket.getLong(b, 0);
            lo = NtpPacket.getLong(b, 8);
        }
        long now = monotonic.nanos();
        synchronized (limiter) {
            return limiter.decide(hi, lo, now);
        }
    }

    /** The bound address (with the real port when port 0 was asked). */
    public InetSocketAddress localAddress() {
        return localAddress;
    }

    public NtpCounters.Snapshot counters() {
        return counters.snapshot();
    }

    /** The header the next answer will carry. */
    public ResponseHeader header() {
        return header;
    }

    /** The sync state behind {@link #header()}. */
    public SyncState syncState() {
        return lastState;
    }

    public ServerPolicy policy() {
        return policy;
    }

    /** Clients in the rate limiter's table (0 without rate limiting). */
    public int clientsTracked() {
        if (limiter == null) {
            return 0;
        }
        synchronized (limiter) {
            return limiter.clients();
        }
    }

    public Config config() {
        return config;
    }

    /** Stops the threads and closes the sockets; waits up to 2 s for the threads. */
    @Override
    public void close() {
        running = false;
        stopped.countDown();
        closeChannels();
        for (Thread t : threads) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void closeChannels() {
        for (DatagramChannel c : channels) {
            try {
                c.close();
            } catch (IOException e) {
                log.accept("ntp: closing " + c + ": " + e);
            }
        }
    }
}
