package io.wallsync.daemon;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import java.io.IOException;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Prometheus metrics of the daemon, served on loopback only:
 *
 * <pre>
 *  wallsync_pushes_total{reason}              pushes of one page, by reason
 *  wallsync_steps_total                       clock_was_set events seen by the step watcher
 *  wallsync_last_push_age_seconds             time since the last push of any page
 *  wallsync_host_clock_synchronised           1 when the pages say SYNCHRONIZED (what readers see)
 *  wallsync_host_clock_max_error_seconds      adjtimex maxerror as published
 *  wallsync_host_clock_est_error_seconds      adjtimex esterror as published
 *  wallsync_vmclock_calibrated                 1 while the vmclock pages carry a counter relation
 *  wallsync_vmclock_counter_hz                 the calibrated counter frequency
 *  wallsync_vmclock_max_error_seconds          time_maxerror_nanosec at the last calibration
 *  wallsync_vmclock_disruptions_total          disruption marker changes after the first
 * </pre>
 */
public final class ServeMetrics implements PushObserver {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final MonotonicClock monotonic;
    private final Counter pushes;
    private final Counter steps;
    private final AtomicLong lastPushNs = new AtomicLong(Long.MIN_VALUE);
    private final AtomicReference<SyncState> sync = new AtomicReference<>();
    private final PushObserver next;
    private final AtomicReference<io.wallsync.core.vmclock.VmclockCalibrator.Result> calibration =
            new AtomicReference<>();
    private final Counter disruptions;

    public ServeMetrics(MonotonicClock monotonic, PushObserver next) {
        this.monotonic = monotonic;
        this.next = next;
        pushes = Counter.builder()
                .name("wallsync_pushes_total")
                .help("Pushes of one domain's page, by reason")
                .labelNames("reason")
                .register(registry);
        for (PushReason r : PushReason.values()) {
            pushes.labelValues(r.label()); // export zeros so rates work from the start
        }
        steps = Counter.builder()
                .name("wallsync_steps_total")
                .help("clock_was_set events seen by the step watcher")
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_last_push_age_seconds")
                .help("Seconds since the last push of any page")
                .callback(cb -> {
                    long last = lastPushNs.get();
                    if (last != Long.MIN_VALUE) {
                        cb.call((monotonic.nanos() - last) / 1e9);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_host_clock_synchronised")
                .help("1 when the pages tell readers the host clock is synchronised, else 0")
                .callback(cb -> {
                    SyncState s = sync.get();
                    if (s != null) {
                        cb.call(s.synchronised() ? 1 : 0);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_host_clock_max_error_seconds")
                .help("adjtimex maxerror as published in the pages")
                .callback(cb -> {
                    SyncState s = sync.get();
                    if (s != null) {
                        cb.call(s.maxErrorUs() / 1e6);
                    }
                })
                .register(registry);
        disruptions = Counter.builder()
                .name("wallsync_vmclock_disruptions_total")
                .help("Changes of the vmclock disruption_marker after the first calibration")
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_vmclock_calibrated")
                .help("1 while the pages' vmclock structures carry a calibrated counter relation, else 0")
                .callback(cb -> {
                    var r = calibration.get();
                    if (r != null) {
                        cb.call(r instanceof io.wallsync.core.vmclock.VmclockCalibrator.Result.Calibrated ? 1 : 0);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_vmclock_counter_hz")
                .help("The calibrated counter frequency (ticks per second of the host clock)")
                .callback(cb -> {
                    if (calibration.get() instanceof io.wallsync.core.vmclock.VmclockCalibrator.Result.Calibrated c) {
                        cb.call(1e9 / c.nsPerTick());
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_vmclock_max_error_seconds")
                .help("time_maxerror_nanosec of the last calibration: the bound at the reference")
                .callback(cb -> {
                    if (calibration.get() instanceof io.wallsync.core.vmclock.VmclockCalibrator.Result.Calibrated c) {
                        cb.call(c.maxErrorNs() / 1e9);
                    }
                })
                .register(registry);
        GaugeWithCallback.builder()
                .name("wallsync_host_clock_est_error_seconds")
                .help("adjtimex esterror as published in the pages")
                .callback(cb -> {
                    SyncState s = sync.get();
                    if (s != null) {
                        cb.call(s.estErrorUs() / 1e6);
                    }
                })
                .register(registry);
    }

    @Override
    public void calibrated(io.wallsync.core.vmclock.VmclockCalibrator.Result result) {
        var before = calibration.getAndSet(result);
        if (before != null && before.disruptionMarker() != result.disruptionMarker()) {
            disruptions.inc();
        }
        next.calibrated(result);
    }

    @Override
    public void pushed(DomainName domain, PushReason reason, long wallclockNs, long stepGeneration, SyncState state) {
        pushes.labelValues(reason.label()).inc();
        lastPushNs.set(monotonic.nanos());
        sync.set(state);
        next.pushed(domain, reason, wallclockNs, stepGeneration, state);
    }

    @Override
    public void heartbeat(SyncState state) {
        sync.set(state);
        next.heartbeat(state);
    }

    @Override
    public void pushFailed(io.wallsync.core.dom0.PushRecord push) {
        next.pushFailed(push);
    }

    @Override
    public void pageRepaired(DomainName domain, String damage, String where) {
        next.pageRepaired(domain, damage, where);
    }

    @Override
    public void pageRepairFailed(DomainName domain, String why) {
        next.pageRepairFailed(domain, why);
    }

    @Override
    public void directoryRelocked(String what) {
        next.directoryRelocked(what);
    }

    @Override
    public void stepSeen() {
        steps.inc();
        next.stepSeen();
    }

    public long pushCount(PushReason reason) {
        return (long) pushes.labelValues(reason.label()).get();
    }

    public long stepCount() {
        return (long) steps.get();
    }

    /** The Prometheus text exposition (format 0.0.4) of these metrics now. */
    public MetricsHttpServer.Body scrape() {
        PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            writer.write(out, registry.scrape());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return new MetricsHttpServer.Body(writer.getContentType(), out.toByteArray());
    }

    /**
     * Serves /metrics on 127.0.0.1:port (port 0 picks a free one) with {@link
     * MetricsHttpServer.Limits#DEFAULTS}; close the server to stop.
     *
     * @throws IOException naming the port and the reason when it cannot be bound
     */
    public MetricsHttpServer serve(int port) throws IOException {
        return serve(port, line -> {});
    }

    /** As {@link #serve(int)}, logging refusals, timeouts and accept failures (rate-limited) to {@code log}. */
    public MetricsHttpServer serve(int port, java.util.function.Consumer<String> log) throws IOException {
        return MetricsHttpServer.start(
                InetAddress.getLoopbackAddress(), port, this::scrape, MetricsHttpServer.Limits.DEFAULTS, log);
    }
}
