package io.wallsync.cli;

import io.wallsync.adapters.linux.LinuxHostClock;
import io.wallsync.adapters.linux.MonotonicClocks;
import io.wallsync.adapters.linux.SdNotify;
import io.wallsync.adapters.ntp.NtpEndpoint;
import io.wallsync.adapters.ntp.NtpServer;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.client.TscCounter;
import io.wallsync.client.WallclockPage;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.Durations;
import io.wallsync.daemon.AccessPolicy;
import io.wallsync.daemon.Daemon;
import io.wallsync.daemon.DaemonConfig;
import io.wallsync.daemon.DomainSpec;
import io.wallsync.daemon.FilePageSink;
import io.wallsync.daemon.Liveness;
import io.wallsync.daemon.ServeDaemon;
import io.wallsync.daemon.VmclockOptions;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
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
            "Publish the host wallclock to processes and containers.",
            "Each domain gets a page file, <dir>/<domain>.page: the Xen shared_info wallclock and the wallsync",
            "extension, then a Linux vmclock structure with this host's TSC calibrated against CLOCK_REALTIME and",
            "error bounds (counter_id INVALID where the host has no usable TSC; docs/vmclock.md).",
            "Pushes on start, on every clock step, every --period and on offset changes; recalibrates the",
            "vmclock at every heartbeat, on every step and when the kernel's discipline changes."
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

    @Option(
            names = "--rate-poll",
            paramLabel = "DURATION",
            defaultValue = "10ms",
            converter = DurationConverter.class,
            description = "How often to look at the kernel's discipline (adjtimex frequency and tick, adjtime) between"
                    + " heartbeats, at most --heartbeat; a change republishes the vmclock pages at once (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration ratePoll;

    @Option(
            names = "--max-slew-ppm",
            paramLabel = "PPM",
            defaultValue = "83334",
            description = "The fastest the host's NTP daemon slews, either way; a change between two polls can be"
                    + " twice that, and 2 x PPM x 2 x --rate-poll is part of every published maximum error (default:"
                    + " ${DEFAULT-VALUE}, chrony's maxslewrate; 500 for ntpd or chrony with maxslewrate 500).")
    double maxSlewPpm;

    @Option(
            names = "--no-counter",
            description = "Publish the vmclock pages without a counter (counter_id INVALID), even on a host with a"
                    + " usable TSC: readers then take the monotonic path.")
    boolean noCounter;

    @Override
    public Integer call() throws Exception {
        DaemonConfig config;
        List<NtpEndpoint> ntp = new ArrayList<>();
        try {
            List<DomainSpec> specs = new ArrayList<>();
            for (String d : domains) {
                specs.add(DomainSpec.parse(d));
            }
            if (specs.isEmpty()) {
                specs.add(new DomainSpec(new DomainName("host"), 0));
            }
            config = new DaemonConfig(specs, period, heartbeat);
            if (metricsPort != null) {
                config = config.withMetricsPort(metricsPort);
            }
            if (!noControl) {
                config = config.withControl(Optional.ofNullable(controlGroup));
            }
            for (String e : ntpEndpoints) {
                NtpEndpoint endpoint = NtpEndpoint.parse(e);
                if (specs.stream().noneMatch(d -> d.name().toString().equals(endpoint.domain()))) {
                    throw new IllegalArgumentException("--ntp " + e + ": no domain '" + endpoint.domain()
                            + "' (add --domain " + endpoint.domain() + ")");
                }
                ntp.add(endpoint);
            }
            NtpOptions.requireDistinct(ntp);
            if (!noControl) {
                AccessPolicy.checked(Optional.ofNullable(controlGroup)); // an unknown group: exit 2, named
            }
            if (!ntp.isEmpty()) {
                ntpOptions.config(ntp.getFirst().address());
            }
            if (ratePoll.compareTo(heartbeat) > 0) {
                // Every heartbeat reads the discipline and recalibrates anyway: a longer poll would
                // only inflate the bound it is charged for (2 x poll in every maximum error).
                throw new IllegalArgumentException("--rate-poll " + Durations.format(ratePoll)
                        + " is longer than --heartbeat " + Durations.format(heartbeat)
                        + ": expected at most the heartbeat, which recalibrates anyway");
            }
            if (!(maxSlewPpm >= 0 && maxSlewPpm <= 1_000_000)) {
                throw new IllegalArgumentException(
                        "--max-slew-ppm " + maxSlewPpm + " is out of range: expected 0..1000000 ppm");
            }
            config = config.withVmclock(vmclockOptions());
        } catch (DaemonConfig.Invalid e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--" + e.field() + " " + e.problem());
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path pageDir = dir != null ? dir : PageDirectory.defaultDirectory();
        PrintWriter out = spec.commandLine().getOut();
        Consumer<String> log = line -> {
            synchronized (out) {
                out.println(Instant.now() + " " + line);
                out.flush();
            }
        };
        MonotonicClock monotonic = MonotonicClocks.linux();
        SdNotify sd;
        try {
            sd = SdNotify.fromEnvironment();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("wallsync: " + e.getMessage());
            return 1;
        }
        try {
            sd.requireHeartbeatWithin(heartbeat);
        } catch (IllegalArgumentException e) {
            sd.close();
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Liveness liveness =
                new SystemdLiveness(sd, "serving " + config.domains().size() + " domain(s) in " + pageDir, log);
        try (sd;
                LinuxHostClock host = new LinuxHostClock();
                Daemon daemon = Daemon.start(
                        config.withLog(log).withLiveness(liveness), host, monotonic, FilePageSink.lock(pageDir))) {
            // The NTP face reads a domain's page like a guest would: same W, same offset, same state.
            List<AutoCloseable> ntpParts = new ArrayList<>();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                log.accept("stopping (signal)");
                closeAll(ntpParts, log);
                try {
                    daemon.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
            for (NtpEndpoint e : ntp) {
                WallclockPage page = WallclockPage.open(PageFile.pathOf(pageDir, new DomainName(e.domain())));
                ntpParts.add(page);
                NtpServer server =
                        NtpServer.start(ntpOptions.config(e.address()), new PageHostClock(page), monotonic, log);
                ntpParts.add(server);
                log.accept(NtpCommand.describe(e, server));
            }
            if (daemon.awaitStop() instanceof ServeDaemon.Stop.Failed failed) {
                closeAll(ntpParts, log);
                out.flush();
                spec.commandLine()
                        .getErr()
                        .println("wallsync: push loop failed, pages no longer written: "
                                + RuntimeErrors.describe(failed.cause()));
                return 1;
            }
            // Stopped by the signal: the shutdown hook finishes the work; the JVM exits when it returns.
            return 0;
        }
    }

    /** The TSC of this host, unless --no-counter or the host has none (then counter_id INVALID, with the reason). */
    private VmclockOptions vmclockOptions() {
        if (noCounter) {
            return VmclockOptions.noCounter("--no-counter").withRatePoll(ratePoll, maxSlewPpm);
        }
        TscCounter.Availability a;
        try {
            a = TscCounter.open();
        } catch (java.io.IOException e) {
            return VmclockOptions.noCounter("the TSC helper cannot be loaded: " + e.getMessage())
                    .withRatePoll(ratePoll, maxSlewPpm);
        }
        return switch (a) {
            case TscCounter.Available av -> VmclockOptions.realMode(av.counter(), ratePoll, maxSlewPpm);
            case TscCounter.Unavailable u ->
                VmclockOptions.noCounter(u.reason()).withRatePoll(ratePoll, maxSlewPpm);
        };
    }

    private static void closeAll(List<AutoCloseable> parts, Consumer<String> log) {
        synchronized (parts) {
            for (AutoCloseable part : parts.reversed()) {
                try {
                    part.close();
                } catch (Exception e) {
                    log.accept("error while stopping NTP: " + e);
                }
            }
            parts.clear();
        }
    }
}
