package io.wallsync.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A daemon for {@link ControlFloodTest} in its own process (so that the test can give it the fd
 * limit a systemd service gets, 1024, with prlimit): one domain {@code web}, the control socket in
 * DIR, the log on standard output as {@code wallsync serve} writes it. Prints "ready" once the
 * socket listens; stops when standard input ends or on SIGTERM.
 *
 * <p>Arguments: DIR [MAX_CONNECTIONS MAX_PER_UID]; without the two numbers, {@link
 * ControlServer.Limits#DEFAULTS}.
 */
public final class ControlServerMain {
    private ControlServerMain() {}

    /** A started daemon with one domain {@code web} (offset 0) on a live fake host, heartbeat 1 s. */
    static ServeDaemon webDaemon(Path dir) throws java.io.IOException {
        return webDaemon(dir, Duration.ofSeconds(1));
    }

    /** {@link #webDaemon(Path)} with the given heartbeat. */
    static ServeDaemon webDaemon(Path dir, Duration heartbeat) throws java.io.IOException {
        FakeHostClock host = FakeHostClock.live(1_700_000_000_000_000_000L);
        ServeDaemon daemon = new ServeDaemon(
                new DaemonConfig(List.of(DomainSpec.parse("web")), Duration.ofMinutes(11), heartbeat),
                host,
                host,
                FilePageSink.lock(dir),
                PushObserver.NONE,
                line -> {});
        daemon.start();
        return daemon;
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        ControlServer.Limits d = ControlServer.Limits.DEFAULTS;
        ControlServer.Limits limits = args.length >= 3
                ? new ControlServer.Limits(
                        Integer.parseInt(args[1]),
                        Integer.parseInt(args[2]),
                        d.privilegedReserve(),
                        d.idleTimeout(),
                        d.requestTimeout())
                : d;
        ServeDaemon daemon = webDaemon(dir);
        java.util.function.Consumer<String> log = line -> {
            synchronized (System.out) {
                System.out.println(Instant.now() + " " + line);
                System.out.flush();
            }
        };
        try (ControlServer server = ControlServer.start(
                dir, new ControlProtocol(daemon, AccessPolicy.rootOr(Optional.empty())), log, limits)) {
            log.accept("ready " + server.socketPath());
            while (System.in.read() >= 0) {
                // until the test closes our standard input
            }
        } finally {
            daemon.close();
        }
    }
}
