package io.wallsync.cli;

import io.wallsync.adapters.linux.ClockStepWatcher;
import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.adapters.linux.StepWait;
import io.wallsync.adapters.ntp.NtpEndpoint;
import io.wallsync.adapters.ntp.NtpServer;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.daemon.AccessPolicy;
import io.wallsync.daemon.ControlProtocol;
import io.wallsync.daemon.ControlServer;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.MetricsHttpServer;
import io.wallsync.daemon.PushObserver;
import io.wallsync.daemon.ServeDaemon;
import io.wallsync.daemon.ServeMetrics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code wallsync serve}: the host kernel plays dom0, CLOCK_MONOTONIC plays the hypervisor's system
 * time, every named domain gets a page file. Pushes on start, on every clock step (timerfd
 * TFD_TIMER_CANCEL_ON_SET), periodically and on offset changes; stops cleanly on SIGTERM.
 */
@Command(
        name = "serve",
        mixinStandardHelpOptions = true,
        description = {
            "Publish the host wallclock to processes and containers through page files.",
            "Each domain gets <dir>/<domain>.page (Xen shared_info wallclock + wallsync extension).",
            "Pushes on start, on every clock step, every --period and on offset changes."
        })
public final class ServeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description =
                    "Page directory (default: /run/wallsync when /run is writable, else $XDG_RUNTIME_DIR/wallsync).")
    Path dir;

    @Option(
            names = "--domain",
            paramLabel = "NAME[:OFFSET_S]",
            description = "A domain and its wall clock offset in whole seconds, -2147483648..2147483647 (the page's"
                    + " s32 time_offset_sec; repeatable; default: one domain 'host').")
    List<String> domains = new ArrayList<>();

    @Option(
            names = "--period",
            paramLabel = "DURATION",
            defaultValue = "11m",
            converter = DurationConverter.class,
            description = "Periodic push interval (default: ${DEFAULT-VALUE}, as Linux's sync_cmos_clock).")
    Duration period;

    @Option(
            names = "--heartbeat",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description =
                    "Heartbeat interval; readers call a page stale after 3 missed beats (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Option(
            names = "--metrics-port",
            paramLabel = "PORT",
            description = "Serve Prometheus metrics on 127.0.0.1:PORT (0 picks a free port; off when absent).")
    Integer metricsPort;

    @Option(
            names = "--control-group",
            paramLabel = "GROUP",
            description = "Group whose members may change the daemon through the control socket (root always may).")
    String controlGroup;

    @Option(names = "--no-control", description = "Do not open the control socket.")
    boolean noControl;

    @Option(
            names = "--ntp",
            paramLabel = "DOMAIN@ADDR:PORT",
            description = "Serve DOMAIN's wallclock (what its page says) over NTP on ADDR:PORT (repeatable;"
                    + " e.g. host@127.0.0.1:11123). NTP options as for 'wallsync ntp'.")
    List<String> ntpEndpoints = new ArrayList<>();

    @CommandLine.Mixin
    NtpOptions ntpOptions;

    @Override
    public Integer call() throws Exception {
        List<DomainSpec> specs = new ArrayList<>();
        AccessPolicy policy;
        try {
            Set<DomainName> seen = new HashSet<>();
            for (String d : domains) {
                DomainSpec parsed = DomainSpec.parse(d);
                if (!seen.add(parsed.name())) {
                    throw new IllegalArgumentException(
                            "--domain " + parsed.name() + " is given twice: expected each domain once");
                }
                specs.add(parsed);
            }
            if (specs.isEmpty()) {
                specs.add(new DomainSpec(new DomainName("host"), 0));
            }
            if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
                throw new IllegalArgumentException(
                        "--metrics-port " + metricsPort + " is out of range: expected 0..65535 (0 picks a free port)");
            }
            if (heartbeat.toMillis() < 1) {
                throw new IllegalArgumentException("--heartbeat must be at least 1ms");
            }
            policy = AccessPolicy.checked(Optional.ofNullable(controlGroup));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        List<NtpEndpoint> ntp = new ArrayList<>();
        try {
            for (String e : ntpEndpoints) {
                NtpEndpoint endpoint = NtpEndpoint.parse(e);
                if (specs.stream().noneMatch(d -> d.name().toString().equals(endpoint.domain()))) {
                    throw new IllegalArgumentException("--ntp " + e + ": no domain '" + endpoint.domain()
                            + "' (add --domain " + endpoint.domain() + ")");
                }
                ntp.add(endpoint);
            }
            if (!ntp.isEmpty()) {
                ntpOptions.config(ntp.getFirst().address());
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path pageDir = dir != null ? dir : PageDirectory.defaultDirectory();
        PrintWriter out = spec.commandLine().getOut();
        java.util.function.Consumer<String> log = line -> {
            synchronized (out) {
                out.println(Instant.now() + " " + line);
                out.flush();
            }
        };

        MonotonicClock monotonic = MonotonicClocks.linux();
        LinuxHostClock host = new LinuxHostClock();
        PushObserver logger = (domain, reason, wallclockNs, generation, sync) -> log.accept("push domain="
                + (domain == null ? "-" : domain)
                + " reason=" + reason.label() + " wallclock=" + wallclockNs + "ns generation=" + generation
                + " synchronised=" + sync.synchronised() + " maxerror=" + sync.maxErrorUs() + "us");
        ServeMetrics metrics = new ServeMetrics(monotonic, logger);
        ServeDaemon daemon = new ServeDaemon(
                new ServeDaemon.Config(pageDir, specs, period, heartbeat), host, monotonic, metrics, log);
        daemon.start();
        log.accept("serving " + specs.size() + " domain(s) in " + pageDir + ", period " + period + ", heartbeat "
                + heartbeat);

        MetricsHttpServer http;
        ControlServer control;
        try {
            http = metricsPort == null ? null : metrics.serve(metricsPort, log);
            control = noControl ? null : ControlServer.start(pageDir, new ControlProtocol(daemon, policy), log);
        } catch (java.io.IOException | RuntimeException e) {
            daemon.close(); // a bind error (it names the port or path and the cause) ends serve: exit 1
            throw e;
        }
        if (http != null) {
            log.accept("metrics on http://127.0.0.1:" + http.port() + "/metrics");
        }
        if (control != null) {
            log.accept("control socket " + control.socketPath());
        }

        List<AutoCloseable> ntpParts = new ArrayList<>();
        for (NtpEndpoint e : ntp) {
            // The NTP face reads the domain's page like a guest would: same W, same offset, same state.
            WallclockPage page = WallclockPage.open(PageFile.pathOf(pageDir, new DomainName(e.domain())));
            ntpParts.add(page);
            NtpServer server = NtpServer.start(ntpOptions.config(e.address()), new PageHostClock(page), monotonic, log);
            ntpParts.add(server);
            log.accept(NtpCommand.describe(e, server));
        }

        ClockStepWatcher watcher = ClockStepWatcher.open();
        CountDownLatch stopped = new CountDownLatch(1);
        Thread watch = Thread.ofPlatform().name("wallsync-step-watch").start(() -> {
            while (stopped.getCount() > 0) {
                if (watcher.await(Duration.ofMillis(250)) instanceof StepWait.ClockWasSet) {
                    log.accept("clock_was_set: CLOCK_REALTIME was stepped");
                    daemon.clockWasSet();
                }
            }
        });

        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            log.accept("stopping (signal)");
            stopped.countDown();
            done.countDown();
            try {
                watch.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (AutoCloseable part : ntpParts.reversed()) {
                try {
                    part.close();
                } catch (Exception e) {
                    log.accept("error while stopping NTP: " + e);
                }
            }
            shutdown(daemon, control, http, watcher, host, log);
        });
        Runtime.getRuntime().addShutdownHook(hook);
        done.await();
        // The shutdown hook finishes the work; the JVM exits when it returns.
        return 0;
    }

    private static void shutdown(
            ServeDaemon daemon,
            ControlServer control,
            MetricsHttpServer http,
            ClockStepWatcher watcher,
            HostClock host,
            java.util.function.Consumer<String> log) {
        try {
            if (control != null) {
                control.close();
            }
            if (http != null) {
                http.close();
            }
            daemon.close();
            watcher.close();
            if (host instanceof AutoCloseable c) {
                c.close();
            }
            log.accept("stopped; pages stay in place, their heartbeat stops (readers report stale)");
        } catch (Exception e) {
            log.accept("error while stopping: " + e);
        }
    }
}
