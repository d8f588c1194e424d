package io.wallsync.daemon;

import io.wallsync.adapters.linux.ClockStepWatcher;
import io.wallsync.adapters.linux.StepWait;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.dom0.PushRecord;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.time.Durations;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The composition root of {@code wallsync serve}: the push loop ({@link ServeDaemon} over a
 * {@link PagePublisher} on the given {@link PageSink}), its metrics (Prometheus on loopback when
 * configured), the control socket next to the pages (when configured; page files only) and the
 * step watcher (timerfd TFD_TIMER_CANCEL_ON_SET: a push on every clock_was_set).
 *
 * <pre>
 * try (Daemon d = Daemon.start(config, host, monotonic, FilePageSink.lock(dir))) {
 *     d.awaitStop();
 * }
 * </pre>
 */
public final class Daemon implements AutoCloseable {
    private final DaemonConfig config;
    private final ServeDaemon loop;
    private final ServeMetrics metrics;
    private final List<AutoCloseable> parts = new ArrayList<>();
    private volatile boolean stopping;
    private MetricsHttpServer http;
    private ControlServer control;
    private Thread watch;
    private boolean closed;

    private Daemon(DaemonConfig config, ServeDaemon loop, ServeMetrics metrics) {
        this.config = config;
        this.loop = loop;
        this.metrics = metrics;
    }

    /**
     * Publishes every configured domain's page, starts the push loop and whatever else the config
     * asks for. On failure everything started so far is stopped again (and the sink released).
     *
     * @param pages where the pages go (owned by the daemon from now on)
     * @throws IOException if a page, the control socket or the metrics port cannot be set up
     */
    public static Daemon start(DaemonConfig config, HostClock host, MonotonicClock monotonic, PageSink pages)
            throws IOException, InterruptedException {
        Consumer<String> log = config.log();
        ServeMetrics metrics = new ServeMetrics(monotonic, logger(log));
        ServeDaemon loop = new ServeDaemon(config, host, monotonic, pages, metrics, log);
        Daemon daemon = new Daemon(config, loop, metrics);
        try {
            daemon.startParts(pages);
            return daemon;
        } catch (IOException | RuntimeException e) {
            daemon.close();
            throw e;
        }
    }

    private void startParts(PageSink pages) throws IOException {
        Consumer<String> log = config.log();
        loop.start();
        log.accept("serving " + config.domains().size() + " domain(s) in "
                + pages.directory().map(Object::toString).orElse("memory") + ", period "
                + Durations.format(config.period()) + ", heartbeat " + Durations.format(config.heartbeat()));
        log.accept(config.vmclock().describe());
        if (config.metricsPort().isPresent()) {
            http = metrics.serve(config.metricsPort().getAsInt(), log);
            log.accept("metrics on http://127.0.0.1:" + http.port() + "/metrics");
        }
        if (config.control().isPresent()) {
            var dir = pages.directory()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "a control socket needs page files: it lives in their directory"));
            control = ControlServer.start(
                    dir,
                    new ControlProtocol(
                            loop, AccessPolicy.checked(config.control().get())),
                    log);
            log.accept("control socket " + control.socketPath());
        }
        ClockStepWatcher watcher = ClockStepWatcher.open();
        parts.add(watcher);
        watch = Thread.ofPlatform().name("wallsync-step-watch").start(() -> {
            while (!stopping) {
                if (watcher.await(Duration.ofMillis(250)) instanceof StepWait.ClockWasSet) {
                    log.accept("clock_was_set: CLOCK_REALTIME was stepped");
                    loop.clockWasSet();
                }
            }
        });
    }

    private static PushObserver logger(Consumer<String> log) {
        return new PushObserver() {
            @Override
            public void pushed(
                    DomainName domain, PushReason reason, long wallclockNs, long generation, SyncState sync) {
                log.accept("push domain=" + (domain == null ? "-" : domain) + " reason=" + reason.label()
                        + " wallclock=" + wallclockNs + "ns generation=" + generation + " synchronised="
                        + sync.synchronised() + " maxerror=" + sync.maxErrorUs() + "us");
            }

            @Override
            public void pageRepaired(DomainName domain, String damage, String where) {
                log.accept("page of domain " + domain + " " + damage + ": recreated " + where);
            }

            @Override
            public void directoryRelocked(String what) {
                log.accept(what);
            }

            @Override
            public void pageRepairFailed(DomainName domain, String why) {
                log.accept("page of domain " + domain + " " + why + " (retrying every heartbeat)");
            }

            @Override
            public void pushFailed(PushRecord push) {
                log.accept("push refused by the hypervisor: " + push.result() + " (retried at the next tick)");
            }
        };
    }

    /**
     * Waits until the daemon stops: {@link ServeDaemon.Stop.Closed} after {@link #close()},
     * {@link ServeDaemon.Stop.Failed} when the push loop failed (the caller should exit non-zero).
     */
    public ServeDaemon.Stop awaitStop() throws InterruptedException {
        return loop.awaitStop();
    }

    /** The push loop, for requests on its thread ({@link ServeDaemon#call}). */
    public ServeDaemon loop() {
        return loop;
    }

    public ServeMetrics metrics() {
        return metrics;
    }

    /** The control socket, if configured. */
    public Optional<ControlServer> control() {
        return Optional.ofNullable(control);
    }

    /**
     * Stops the daemon: liveness STOPPING, then the step watcher, control socket, metrics and push
     * loop; the pages stay in place and their heartbeat stops (readers report stale). Idempotent.
     */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        config.liveness().stopping();
        stopping = true;
        if (watch != null) {
            watch.join(2000);
        }
        List<String> errors = new ArrayList<>();
        closeQuietly(control, errors);
        closeQuietly(http, errors);
        loop.close();
        for (AutoCloseable part : parts.reversed()) {
            closeQuietly(part, errors);
        }
        for (String e : errors) {
            config.log().accept("error while stopping: " + e);
        }
        config.log().accept("stopped; pages stay in place, their heartbeat stops (readers report stale)");
    }

    private static void closeQuietly(AutoCloseable part, List<String> errors) {
        if (part == null) {
            return;
        }
        try {
            part.close();
        } catch (Exception e) {
            errors.add(String.valueOf(e));
        }
    }
}
