package io.wallsync.cli;

import io.wallsync.adapters.ntp.NtpEndpoint;
import io.wallsync.adapters.ntp.NtpServer;
import io.wallsync.core.ntp.RateLimiter;
import io.wallsync.core.time.Durations;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import picocli.CommandLine.Option;

/** The NTP server options shared by {@code wallsync ntp} and {@code wallsync serve --ntp}. */
public final class NtpOptions {
    @Option(
            names = "--stratum",
            paramLabel = "N",
            defaultValue = "3",
            description = "Stratum while the host is synchronised, 1..15 (Linux does not say the upstream's; "
                    + "default ${DEFAULT-VALUE}: a host synchronised to stratum-2 servers).")
    int stratum;

    @Option(
            names = "--refid",
            paramLabel = "ID",
            defaultValue = "127.127.1.1",
            description = "Reference id while synchronised: the upstream's IPv4 address, or 1-4 letters for"
                    + " stratum 1 (default ${DEFAULT-VALUE}, chrony's local reference id).")
    String refid;

    @Option(
            names = "--local-stratum",
            paramLabel = "N",
            description = "While the host is unsynchronised, serve anyway at stratum N with leap indicator 0"
                    + " (like chrony's 'local stratum N'). Off by default: an unsynchronised host says so.")
    Integer localStratum;

    @Option(names = "--no-ratelimit", description = "Answer every client request (benchmarks only).")
    boolean noRateLimit;

    @Option(
            names = "--ratelimit-interval",
            paramLabel = "LOG2_S",
            defaultValue = "1",
            description = "Per-client mean interval between answers, log2 seconds (default ${DEFAULT-VALUE}: 2 s).")
    int rateInterval;

    @Option(
            names = "--ratelimit-burst",
            paramLabel = "N",
            defaultValue = "8",
            description = "Answers a client may get at once (default ${DEFAULT-VALUE}).")
    int rateBurst;

    @Option(
            names = "--ratelimit-leak",
            paramLabel = "LOG2",
            defaultValue = "2",
            description = "One in 2^LOG2 limited requests is answered anyway (default ${DEFAULT-VALUE}: 1/4).")
    int rateLeak;

    @Option(
            names = "--ratelimit-kod",
            paramLabel = "LOG2",
            defaultValue = "2",
            description = "One in 2^LOG2 of the other limited requests gets a KoD RATE, 0 for none"
                    + " (default ${DEFAULT-VALUE}).")
    int rateKod;

    @Option(
            names = "--client-table",
            paramLabel = "N",
            defaultValue = "16384",
            description =
                    "Clients remembered for rate limiting, a power of two (32 bytes each; default ${DEFAULT-VALUE}).")
    int clientTable;

    @Option(
            names = "--threads",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Receive threads per endpoint, sharing the port with SO_REUSEPORT (default ${DEFAULT-VALUE}).")
    int threads;

    /**
     * Refuses two {@code --ntp} endpoints that would bind the same UDP port: the same address and
     * port, or the wildcard address and any address on one port. Port 0 (a free port each) never
     * clashes. Checked with the other options, so the command exits 2 before it serves anything.
     *
     * @throws IllegalArgumentException naming both endpoints
     */
    static void requireDistinct(List<NtpEndpoint> endpoints) {
        for (int i = 0; i < endpoints.size(); i++) {
            for (int j = 0; j < i; j++) {
                InetSocketAddress a = endpoints.get(i).address();
                InetSocketAddress b = endpoints.get(j).address();
                boolean samePort = a.getPort() == b.getPort() && a.getPort() != 0;
                boolean overlap = a.getAddress().equals(b.getAddress())
                        || a.getAddress().isAnyLocalAddress()
                        || b.getAddress().isAnyLocalAddress();
                if (samePort && overlap) {
                    throw new IllegalArgumentException("--ntp " + describe(endpoints.get(i)) + " and --ntp "
                            + describe(endpoints.get(j)) + " bind the same UDP port: expected each address:port once");
                }
            }
        }
    }

    private static String describe(NtpEndpoint e) {
        String host = e.address().getAddress().getHostAddress();
        return e.domain() + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + e.address().getPort();
    }

    /**
     * A readable line for the rate limit in logs, e.g. {@code 1 answer per 2s per client after a
     * burst of 8, 1/4 of the rest answered, 1/4 KoD RATE, 16384 clients}.
     */
    static String describe(Optional<RateLimiter.Config> limits) {
        if (limits.isEmpty()) {
            return "off";
        }
        RateLimiter.Config c = limits.get();
        return "1 answer per " + Durations.format(c.intervalNs()) + " per client after a burst of "
                + c.burst() + ", 1/" + (1 << c.leakLog2()) + " of the rest answered, "
                + (c.kodLog2() == 0 ? "no KoD" : "1/" + (1 << c.kodLog2()) + " KoD RATE") + ", " + c.capacity()
                + " clients";
    }

    /**
     * The server configuration for {@code bind}.
     *
     * @throws IllegalArgumentException naming the bad option
     */
    NtpServer.Config config(InetSocketAddress bind) {
        Optional<RateLimiter.Config> limits = noRateLimit
                ? Optional.empty()
                : Optional.of(new RateLimiter.Config(rateInterval, rateBurst, rateLeak, rateKod, clientTable));
        return new NtpServer.Config(
                bind,
                stratum,
                NtpEndpoint.parseReferenceId(refid),
                localStratum == null ? OptionalInt.empty() : OptionalInt.of(localStratum),
                limits,
                threads,
                Duration.ofSeconds(1));
    }
}
