package io.wallsync.daemon;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What {@code wallsync serve} was asked to do, checked: the domains at start, the periodic push
 * interval, the heartbeat, the control socket (off, or on with the group allowed to change things),
 * the metrics port, where log lines go and whom to tell about liveness.
 *
 * @param domains domains at start, each name once
 * @param period periodic push interval (Linux's 11 minutes by default)
 * @param heartbeat heartbeat interval, 1 ms .. Integer.MAX_VALUE ms
 * @param control the control socket: empty for none, else the group whose members may change the
 *     daemon (an empty group: root only)
 * @param metricsPort Prometheus on 127.0.0.1:PORT (0 picks one), empty for none
 * @param log one line per event
 * @param liveness told when ready, after every heartbeat and when stopping
 * @param vmclock how the pages' vmclock structures are published (counter, poll, bounds)
 */
public record DaemonConfig(
        List<DomainSpec> domains,
        Duration period,
        Duration heartbeat,
        Optional<Optional<String>> control,
        OptionalInt metricsPort,
        Consumer<String> log,
        Liveness liveness,
        VmclockOptions vmclock) {
    public DaemonConfig {
        domains = List.copyOf(domains);
        Set<Object> seen = new HashSet<>();
        for (DomainSpec d : domains) {
            if (!seen.add(d.name())) {
                throw new Invalid("domain", d.name() + " is given twice: expected each domain once");
            }
        }
        if (period.isNegative() || period.isZero()) {
            throw new Invalid("period", period + " must be positive");
        }
        if (heartbeat.toMillis() < 1 || heartbeat.toMillis() > Integer.MAX_VALUE) {
            throw new Invalid("heartbeat", "must be at least 1ms and at most " + Integer.MAX_VALUE + "ms");
        }
        Objects.requireNonNull(control, "control");
        if (metricsPort.isPresent() && (metricsPort.getAsInt() < 0 || metricsPort.getAsInt() > 65535)) {
            throw new Invalid(
                    "metrics-port",
                    metricsPort.getAsInt() + " is out of range: expected 0..65535 (0 picks a free port)");
        }
        Objects.requireNonNull(log, "log");
        Objects.requireNonNull(liveness, "liveness");
        Objects.requireNonNull(vmclock, "vmclock");
    }

    /**
     * A field out of range. {@code field} is named as serve's option ({@code domain}, {@code period},
     * {@code heartbeat}, {@code metrics-port}); the message reads "FIELD MESSAGE".
     */
    public static final class Invalid extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        private final String field;
        private final String problem;

        Invalid(String field, String problem) {
            super(field + " " + problem);
            this.field = field;
            this.problem = problem;
        }

        public String field() {
            return field;
        }

        /** The message without the field name. */
        public String problem() {
            return problem;
        }
    }

    /**
     * The domains with these intervals; no control socket, no metrics, no log, no liveness, and
     * vmclock structures without a counter (counter_id INVALID).
     */
    public DaemonConfig(List<DomainSpec> domains, Duration period, Duration heartbeat) {
        this(
                domains,
                period,
                heartbeat,
                Optional.empty(),
                OptionalInt.empty(),
                line -> {},
                Liveness.NONE,
                VmclockOptions.noCounter("no counter configured"));
    }

    /** With a control socket whose changes are allowed to root and the members of {@code group}. */
    public DaemonConfig withControl(Optional<String> group) {
        return new DaemonConfig(domains, period, heartbeat, Optional.of(group), metricsPort, log, liveness, vmclock);
    }

    public DaemonConfig withMetricsPort(int port) {
        return new DaemonConfig(domains, period, heartbeat, control, OptionalInt.of(port), log, liveness, vmclock);
    }

    public DaemonConfig withLog(Consumer<String> log) {
        return new DaemonConfig(domains, period, heartbeat, control, metricsPort, log, liveness, vmclock);
    }

    /** With these vmclock options (a calibrated counter, the poll, the bounds). */
    public DaemonConfig withVmclock(VmclockOptions vmclock) {
        return new DaemonConfig(domains, period, heartbeat, control, metricsPort, log, liveness, vmclock);
    }

    public DaemonConfig withLiveness(Liveness liveness) {
        return new DaemonConfig(domains, period, heartbeat, control, metricsPort, log, liveness, vmclock);
    }
}
