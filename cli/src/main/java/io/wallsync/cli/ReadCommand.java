package io.wallsync.cli;

import io.wallsync.adapters.linux.LinuxClocks;
import io.wallsync.adapters.linux.UnixDatagramSender;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.client.CounterReading;
import io.wallsync.client.PageStatus;
import io.wallsync.client.ReadPath;
import io.wallsync.client.Reading;
import io.wallsync.client.StepEvent;
import io.wallsync.client.WallclockPage;
import io.wallsync.client.WallclockUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallsync read}: one domain's wall time, sync state and step generation from its page. */
@Command(
        name = "read",
        mixinStandardHelpOptions = true,
        description = {
            "Print a domain's wall time, sync state and step generation.",
            "Reads them from the domain's page, as any reader would; then, on a second line, the counter path's",
            "time (the page's vmclock + this host's TSC, no system call) with its error bound, or why there is",
            "none. With --watch, print a line on every step, when the page goes stale (its heartbeat is older",
            "than its bound: the daemon stopped) and when it recovers, until interrupted. Exit 1 when the page",
            "is stale or unreadable, or the file is not a page (a FIFO, a directory, a device: refused without",
            "opening it)."
        })
public final class ReadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "Page directory (default as for serve).")
    Path dir;

    @Option(
            names = "--domain",
            paramLabel = "NAME",
            defaultValue = "host",
            description = "Domain to read (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(
            names = "--watch",
            description = "Print a line on every step (generation change), when the page goes stale and when it"
                    + " recovers.")
    boolean watch;

    @Option(names = "--json", description = "Print one JSON object per line instead of text (fields in docs/serve.md).")
    boolean json;

    @Option(
            names = "--steps",
            paramLabel = "N",
            description = "With --watch: stop after N steps (default: run until interrupted).")
    Integer steps;

    @Option(
            names = "--poll",
            paramLabel = "DURATION",
            defaultValue = "50ms",
            converter = DurationConverter.class,
            description = "With --watch: how often to look at the generation and the heartbeat (default:"
                    + " ${DEFAULT-VALUE}).")
    Duration poll;

    @Option(
            names = "--chrony-sock",
            paramLabel = "PATH",
            description = {
                "Feed the page to chronyd as a SOCK refclock: send a struct sock_sample to the Unix socket",
                "PATH every --chrony-interval (chrony.conf: refclock SOCK PATH). Samples are sent only while",
                "the page says its host is synchronised."
            })
    Path chronySock;

    @Option(
            names = "--chrony-interval",
            paramLabel = "DURATION",
            defaultValue = "1s",
            converter = DurationConverter.class,
            description = "With --chrony-sock: time between samples (default: ${DEFAULT-VALUE}).")
    Duration chronyInterval;

    @Option(
            names = "--chrony-samples",
            paramLabel = "N",
            description = "With --chrony-sock: stop after N attempts (default: run until interrupted).")
    Long chronySamples;

    @Override
    public Integer call() throws Exception {
        Path path = DomainPages.path(spec, dir, domain);
        DomainName name = new DomainName(domain); // valid: DomainPages.path checked it
        if (steps != null && steps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be at least 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        WallclockPage page;
        try {
            page = WallclockPage.open(path);
        } catch (NoSuchFileException e) {
            err.println("wallsync: no page for domain " + name + " at " + path + " (is wallsync serve running?)"
                    + availableDomains(path.getParent()));
            return 1;
        }
        try (page) {
            if (chronySock != null) {
                return feedChrony(page, out, err);
            }
            Reading first = page.read();
            int rc = printOnce(name, page, first, out, err);
            if (!watch) {
                return rc;
            }
            return watch(name, page, first, out);
        }
    }

    /** What a watcher reports changes of. */
    private enum Health {
        VALID,
        STALE,
        WRITER_STUCK;

        static Health of(Reading r) {
            return switch (r) {
                case Reading.Valid v -> VALID;
                case Reading.Stale s -> STALE;
                case Reading.WriterStuck w -> WRITER_STUCK;
            };
        }
    }

    /**
     * Polls every --poll: a line when the health of the page changes (stale, recovered, writer
     * stuck), then a line per step. Ends after --steps steps, else when interrupted.
     */
    private int watch(DomainName name, WallclockPage page, Reading first, PrintWriter out) throws InterruptedException {
        WallclockPage opened = page;
        try {
            return watchFollowingReplacements(name, page, first, out);
        } finally {
            if (current != opened) {
                current.close();
            }
        }
    }

    /** The page being watched: the daemon may recreate it under a new inode (page repair). */
    private WallclockPage current;

    private int watchFollowingReplacements(DomainName name, WallclockPage page, Reading first, PrintWriter out)
            throws InterruptedException {
        current = page;
        Health health = Health.of(first);
        long seen = 0;
        while (steps == null || seen < steps) {
            Thread.sleep(poll);
            if (current.replacedOnDisk() && !reopen(name, page, out)) {
                continue; // deleted or truncated and not yet recreated: look again at the next poll
            }
            Reading r;
            try {
                r = current.read();
            } catch (InternalError e) {
                // The mapped file was truncated between the check above and this read (the JVM
                // turns the SIGBUS of a truncated shared mapping into an InternalError): the next
                // poll reopens it.
                continue;
            }
            Health now = Health.of(r);
            if (now != health) {
                printHealthChange(name, current, r, now, out);
                health = now;
            }
            Optional<StepEvent> step;
            try {
                step = current.pollSteps();
            } catch (WallclockUnavailableException | InternalError e) {
                continue; // a stuck writer (reported above) or a truncated file: the next poll looks again
            }
            if (step.isPresent()) {
                printStep(name, current, step.get(), out);
                seen++;
            }
        }
        return 0;
    }

    /**
     * Opens the page's path again after {@link WallclockPage#replacedOnDisk()}; prints a
     * {@code reopened} line and returns true when the path holds a page again, false (and keeps
     * the old one) while it does not.
     */
    private boolean reopen(DomainName name, WallclockPage original, PrintWriter out) {
        WallclockPage next;
        try {
            next = WallclockPage.open(current.path());
        } catch (IOException | RuntimeException e) {
            return false;
        }
        if (current != original) {
            current.close();
        }
        current = next;
        Reading r = next.read();
        if (json) {
            emitEvent(out, "reopened", name, next, r);
        } else {
            String when = r instanceof Reading.Valid v ? v.instant().toString() : "unavailable";
            emit(
                    out,
                    when + " reopened: " + next.path() + " now names another page file (wallsync serve recreates"
                            + " a page that was deleted, truncated or overwritten)");
        }
        return true;
    }

    private int printOnce(DomainName name, WallclockPage page, Reading r, PrintWriter out, PrintWriter err) {
        PageStatus s;
        try {
            s = page.status();
        } catch (WallclockUnavailableException e) {
            s = null;
        }
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            if (watch) {
                fields.put("event", "reading");
            }
            fields.putAll(readingFields(name, page, r, s));
            emit(out, JsonLines.of(fields));
            return r instanceof Reading.Valid ? 0 : 1;
        }
        switch (r) {
            case Reading.Valid v -> {
                emit(out, v.instant() + " generation=" + s.stepGeneration() + " " + describe(s) + " path=monotonic");
                if (!watch) {
                    emit(out, describeCounterPath(page));
                }
                return 0;
            }
            case Reading.Stale st -> {
                err.println("wallsync: " + st);
                err.flush();
                return 1;
            }
            case Reading.WriterStuck w -> {
                err.println("wallsync: " + w);
                err.flush();
                return 1;
            }
        }
    }

    /** The fields of one reading (docs/serve.md, "read --json"); status is null if seq_count is stuck. */
    static Map<String, Object> readingFields(DomainName name, WallclockPage page, Reading r, PageStatus s) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("domain", name.toString());
        f.put(
                "state",
                switch (r) {
                    case Reading.Valid v -> "valid";
                    case Reading.Stale st -> "stale";
                    case Reading.WriterStuck w -> "writer-stuck";
                });
        Long wallNs = switch (r) {
            case Reading.Valid v -> v.wallTimeNs();
            case Reading.Stale st -> st.unvouchedWallTimeNs();
            case Reading.WriterStuck w -> null;
        };
        // A stale page's time is what it would say, not vouched for by a running daemon.
        f.put("time", wallNs == null ? null : instantOf(wallNs).toString());
        f.put("wall_time_ns", wallNs);
        f.put("message", r instanceof Reading.Valid ? null : r.toString());
        f.put("stale_after_ms", page.staleAfter().toMillis());
        if (s != null) {
            f.put("generation", s.stepGeneration());
            f.put("clock_status", s.clockStatus().name().toLowerCase(Locale.ROOT));
            f.put("synchronised", s.synchronised());
            f.put("max_error_ns", s.maxErrorNs().isPresent() ? s.maxErrorNs().getAsLong() : null);
            f.put("est_error_ns", s.estErrorNs().isPresent() ? s.estErrorNs().getAsLong() : null);
            f.put(
                    "tai_offset_s",
                    s.taiOffsetSec().isPresent() ? s.taiOffsetSec().getAsInt() : null);
            f.put("leap", s.leap().name().toLowerCase(Locale.ROOT));
            f.put("offset_s", s.timeOffsetSec());
            f.put(
                    "last_push",
                    s.lastPushReason() == null ? null : s.lastPushReason().label());
            f.put("heartbeat_age_ms", s.heartbeatAge().toMillis());
            f.put("heartbeat_period_ms", s.heartbeatPeriod().toMillis());
            f.put("writer_pid", s.writerPid());
        }
        f.putAll(counterFields(page));
        return f;
    }

    /** The counter path's reading for --json: "path" is the one instant() takes. */
    static Map<String, Object> counterFields(WallclockPage page) {
        Map<String, Object> f = new LinkedHashMap<>();
        ReadPath path = page.readPath();
        Optional<CounterReading> c = counterReading(page);
        f.put("path", c.isPresent() ? "counter" : "monotonic");
        f.put("counter_time", c.map(r -> r.instant().toString()).orElse(null));
        f.put("counter_wall_time_ns", c.map(CounterReading::wallTimeNs).orElse(null));
        f.put(
                "counter_max_error_ns",
                c.map(r -> r.maxErrorNs() < 0 ? null : r.maxErrorNs()).orElse(null));
        f.put(
                "counter_est_error_ns",
                c.map(r -> r.estErrorNs() < 0 ? null : r.estErrorNs()).orElse(null));
        f.put("counter_ns_per_tick", c.map(r -> r.fields().nsPerTick()).orElse(null));
        f.put(
                "counter_disruption_marker",
                c.map(r -> r.fields().disruptionMarker()).orElse(null));
        f.put("counter_unavailable", c.isPresent() ? null : counterUnavailable(page, path));
        return f;
    }

    private static Optional<CounterReading> counterReading(WallclockPage page) {
        try {
            return page.readCounter();
        } catch (WallclockUnavailableException e) {
            return Optional.empty();
        }
    }

    private static String counterUnavailable(WallclockPage page, ReadPath path) {
        if (!path.counter()) {
            return path.reason();
        }
        try {
            return page.vmclockFields()
                    .map(v -> "vmclock clock_status " + v.status().name().toLowerCase(Locale.ROOT)
                            + (v.counterUsable() ? " (reference older than the stale limit)" : ""))
                    .orElse("no vmclock structure");
        } catch (WallclockUnavailableException e) {
            return e.getMessage();
        }
    }

    /** The second line of a plain read: the counter path's time and bound, or why there is none. */
    static String describeCounterPath(WallclockPage page) {
        Optional<CounterReading> c = counterReading(page);
        if (c.isEmpty()) {
            return "counter path: unavailable: " + counterUnavailable(page, page.readPath());
        }
        CounterReading r = c.get();
        StringBuilder b = new StringBuilder("counter path: ").append(r.instant());
        b.append(" maxerror=").append(r.maxErrorNs() < 0 ? "unknown" : r.maxErrorNs() + "ns");
        b.append(" esterror=").append(r.estErrorNs() < 0 ? "unknown" : r.estErrorNs() + "ns");
        b.append(" (against the host clock; the host's own maxerror is above)");
        b.append(String.format(Locale.ROOT, " period=%.6fns", r.fields().nsPerTick()));
        b.append(" disruption=").append(Long.toUnsignedString(r.fields().disruptionMarker()));
        return b.toString();
    }

    private static Instant instantOf(long ns) {
        return Instant.ofEpochSecond(Math.floorDiv(ns, 1_000_000_000L), Math.floorMod(ns, 1_000_000_000L));
    }

    private void printHealthChange(DomainName name, WallclockPage page, Reading r, Health now, PrintWriter out) {
        String event = switch (now) {
            case VALID -> "recovered";
            case STALE -> "stale";
            case WRITER_STUCK -> "writer-stuck";
        };
        if (json) {
            emitEvent(out, event, name, page, r);
            return;
        }
        String line = switch (r) {
            case Reading.Valid v ->
                v.instant() + " recovered: daemon heartbeat " + heartbeatAgeMs(page) + " ms old (limit "
                        + page.staleAfter().toMillis() + " ms)";
            case Reading.Stale st -> instantOf(st.unvouchedWallTimeNs()) + " stale: " + st;
            case Reading.WriterStuck w -> "unavailable writer-stuck: " + w;
        };
        emit(out, line);
    }

    /** One --watch --json event: its name and the reading's fields (status null if seq_count is stuck). */
    private static void emitEvent(PrintWriter out, String event, DomainName name, WallclockPage page, Reading r) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", event);
        PageStatus s;
        try {
            s = page.status();
        } catch (WallclockUnavailableException e) {
            s = null;
        }
        fields.putAll(readingFields(name, page, r, s));
        emit(out, JsonLines.of(fields));
    }

    private static String heartbeatAgeMs(WallclockPage page) {
        try {
            return Long.toString(page.status().heartbeatAge().toMillis());
        } catch (WallclockUnavailableException e) {
            return "?";
        }
    }

    private void printStep(DomainName name, WallclockPage page, StepEvent e, PrintWriter out) {
        Reading r = page.read();
        String when = r instanceof Reading.Valid v ? v.instant().toString() : "unavailable";
        String reason = e.reason() == null ? "unknown" : e.reason().label();
        if (json) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("event", "step");
            fields.put("domain", name.toString());
            fields.put("time", r instanceof Reading.Valid v ? v.instant().toString() : null);
            fields.put("generation", e.generation());
            fields.put("previous_generation", e.previousGeneration());
            fields.put("change_ns", e.wallclockChangeNs());
            fields.put("reason", reason);
            emit(out, JsonLines.of(fields));
            return;
        }
        emit(
                out,
                when + " step generation=" + e.generation() + " previous=" + e.previousGeneration() + " change="
                        + e.wallclockChangeNs() + "ns reason=" + reason);
    }

    private static void emit(PrintWriter out, String line) {
        synchronized (out) {
            out.println(line);
            out.flush();
        }
    }

    static String describe(PageStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("status=").append(s.clockStatus().name().toLowerCase(Locale.ROOT));
        s.maxErrorNs().ifPresent(v -> b.append(" maxerror=").append(v / 1000).append("us"));
        s.estErrorNs().ifPresent(v -> b.append(" esterror=").append(v / 1000).append("us"));
        s.taiOffsetSec().ifPresent(v -> b.append(" tai=").append(v).append("s"));
        b.append(" leap=").append(s.leap().name().toLowerCase(Locale.ROOT));
        b.append(" offset=").append(s.timeOffsetSec()).append("s");
        b.append(" last-push=")
                .append(
                        s.lastPushReason() == null
                                ? "unknown"
                                : s.lastPushReason().label());
        b.append(" heartbeat-age=").append(s.heartbeatAge().toMillis()).append("ms");
        return b.toString();
    }

    private int feedChrony(WallclockPage page, PrintWriter out, PrintWriter err) throws InterruptedException {
        if (chronyInterval.toMillis() < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chrony-interval must be at least 1ms");
        }
        if (chronySamples != null && chronySamples < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--chrony-samples must be at least 1");
        }
        UnixDatagramSender sender;
        try {
            sender = new UnixDatagramSender(chronySock);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try (sender;
                LinuxClocks clocks = new LinuxClocks()) {
            ChronySockFeed feed = new ChronySockFeed(page, clocks::realtimeNs);
            out.println("feeding " + page.path() + " to chronyd at " + chronySock + " every " + chronyInterval);
            out.flush();
            String lastProblem = null;
            long sent = 0;
            for (long i = 0; chronySamples == null || i < chronySamples; i++) {
                String problem = feed.sendOne(sender);
                if (problem == null) {
                    sent++;
                } else if (!problem.equals(lastProblem)) {
                    err.println("wallsync: " + problem);
                    err.flush();
                }
                lastProblem = problem;
                Thread.sleep(chronyInterval);
            }
            out.println("sent " + sent + " sample(s)");
            out.flush();
            return 0;
        }
    }

    /** " Pages here: a, b." listing the domains that do have a page in {@code dir}, or "". */
    static String availableDomains(Path dir) {
        if (dir == null) {
            return "";
        }
        if (!Files.isDirectory(dir)) {
            return "; directory " + dir + " does not exist (wrong --dir?)";
        }
        try (var files = Files.list(dir)) {
            var names = files.map(f -> f.getFileName().toString())
                    .filter(n -> n.endsWith(".page"))
                    .map(n -> n.substring(0, n.length() - ".page".length()))
                    .sorted()
                    .toList();
            return names.isEmpty() ? "" : "; pages here: " + String.join(", ", names) + " (use --domain NAME)";
        } catch (IOException e) {
            return "";
        }
    }
}
