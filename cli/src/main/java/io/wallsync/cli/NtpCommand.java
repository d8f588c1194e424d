package io.wallsync.cli;

import io.wallsync.adapters.linux.ConcurrentHostClock;
import io.wallsync.adapters.ntp.NtpEndpoint;
import io.wallsync.adapters.ntp.NtpServer;
import io.wallsync.core.ntp.ResponseHeader;
import io.wallsync.core.port.MonotonicClock;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wallsync ntp}: the NTP face alone, serving the host's CLOCK_REALTIME with the kernel's
 * sync state (adjtimex, read only) for machines that only need NTP. The same options as {@code
 * wallsync serve --ntp}.
 */
@Command(
        name = "ntp",
        mixinStandardHelpOptions = true,
        description = {
            "Serve the host clock over NTP with the kernel's sync state.",
            "RFC 5905 server mode: leap indicator 3 and stratum 0 (RFC 5905: 16 is sent as 0) while the host"
                    + " is unsynchronised, --stratum while it is.",
            "Never changes the host clock."
        })
public final class NtpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--ntp",
            paramLabel = "[DOMAIN@]ADDR:PORT",
            description = "Where to listen (repeatable; default host@127.0.0.1:" + NtpServer.DEFAULT_PORT
                    + "). Only the domain 'host' exists here; per-domain offsets need 'wallsync serve --ntp'.")
    List<String> endpoints = new ArrayList<>();

    @CommandLine.Mixin
    NtpOptions options;

    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Stop after this long (default: run until SIGTERM/SIGINT).")
    Duration duration;

    @Option(
            names = "--stats",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Print the counters this often (default: only at exit).")
    Duration stats;

    @Override
    public Integer call() throws Exception {
        List<NtpEndpoint> where = new ArrayList<>();
        NtpServer.Config base;
        try {
            for (String e : endpoints) {
                NtpEndpoint endpoint = NtpEndpoint.parse(e);
                if (!endpoint.domain().equals(NtpEndpoint.HOST_DOMAIN)) {
                    throw new IllegalArgumentException("--ntp " + e + ": wallsync ntp serves only the domain 'host';"
                            + " use 'wallsync serve --domain " + endpoint.domain() + " --ntp " + e + "'");
                }
                where.add(endpoint);
            }
            if (where.isEmpty()) {
                where.add(NtpEndpoint.defaultEndpoint());
            }
            NtpOptions.requireDistinct(where);
            base = options.config(where.getFirst().address());
            if (duration != null && (duration.isNegative() || duration.isZero())) {
                throw new IllegalArgumentException("--duration must be positive");
            }
            if (stats != null && stats.toMillis() < 1) {
                throw new IllegalArgumentException("--stats must be at least 1ms");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }

        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> log = line -> {
            synchronized (out) {
                out.println(Instant.now() + " " + line);
                out.flush();
            }
        };
        MonotonicClock monotonic = System::nanoTime;
        List<NtpServer> servers = new ArrayList<>();
        try (ConcurrentHostClock host = new ConcurrentHostClock()) {
            try {
                for (NtpEndpoint e : where) {
                    NtpServer server = NtpServer.start(base.withBind(e.address()), host, monotonic, log);
                    servers.add(server);
                    log.accept(describe(e, server));
                }
            } catch (IOException e) {
                servers.forEach(NtpServer::close);
                spec.commandLine()
                        .getErr()
                        .println("wallsync: cannot serve NTP: " + e.getMessage()
                                + " (port in use, or below 1024 without privilege?)");
                return 1;
            }
            CountDownLatch done = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                done.countDown();
                servers.forEach(NtpServer::close);
            });
            Runtime.getRuntime().addShutdownHook(hook);
            long deadline = duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
            long statsNs = stats == null ? Long.MAX_VALUE : stats.toNanos();
            while (true) {
                long wait = Math.min(statsNs, deadline - System.nanoTime());
                if (wait <= 0 || done.await(wait, TimeUnit.NANOSECONDS)) {
                    break;
                }
                if (stats != null) {
                    servers.forEach(s -> log.accept("ntp " + s.localAddress() + ": " + s.counters()));
                }
            }
            servers.forEach(s -> log.accept("ntp " + s.localAddress() + " stopped: " + s.counters()));
            servers.forEach(NtpServer::close);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
        }
        return 0;
    }

    static String describe(NtpEndpoint e, NtpServer server) {
        ResponseHeader h = server.header();
        var state = server.syncState();
        return "ntp: serving domain " + e.domain() + " on "
                + server.localAddress().getAddress().getHostAddress() + ":"
                + server.localAddress().getPort() + " host synchronised=" + state.synchronised() + " maxerror="
                + state.maxErrorUs() + "us esterror=" + state.estErrorUs() + "us -> leap=" + h.leap() + " stratum="
                + h.stratum() + " refid=" + NtpEndpoint.formatReferenceId(h.referenceId()) + " precision=2^"
                + h.precisionLog2() + "s ratelimit: "
                + NtpOptions.describe(server.config().rateLimit()) + "; threads="
                + server.config().threads();
    }
}
