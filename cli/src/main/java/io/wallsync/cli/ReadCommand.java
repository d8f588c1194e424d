package io.wallsync.cli;

import io.wallsync.adapters.linux.LinuxClocks;
import io.wallsync.adapters.linux.UnixDatagramSender;
import io.wallsync.adapters.page.DomainName;
import io.wallsync.adapters.page.PageDirectory;
import io.wallsync.adapters.page.PageFile;
import io.wallsync.client.PageStatus;
import io.wallsync.client.Reading;
import io.wallsync.client.StepEvent;
import io.wallsync.client.WallclockPage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallsync read}: one domain's wall time, sync state and step generation from its page. */
@Command(
        name = "read",
        mixinStandardHelpOptions = true,
        description = {
            "Print a domain's wall time, sync state and step generation.",
            "Reads them from the domain's page, as any reader would.",
            "With --watch, print a line on every step until interrupted."
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

    @Option(names = "--watch", description = "Print a line on every step (generation change).")
    boolean watch;

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
            description = "With --watch: how often to look at the generation (default: ${DEFAULT-VALUE}).")
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
        DomainName name;
        try {
            name = new DomainName(domain);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (steps != null && steps < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--steps must be at least 1");
        }
        Path path = PageFile.pathOf(dir != null ? dir : PageDirectory.defaultDirectory(), name);
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
            int rc = printOnce(page, out, err);
            if (!watch) {
                return rc;
            }
            AtomicInteger seen = new AtomicInteger();
            CountDownLatch enough = new CountDownLatch(1);
            page.onStep(event -> {
                printStep(page, event, out);
                if (steps != null && seen.incrementAndGet() >= steps) {
                    enough.countDown();
                }
            });
            AutoCloseable watching = page.watchSteps(poll);
            try {
                enough.await();
            } finally {
                watching.close();
            }
            return 0;
        }
    }

    private static int printOnce(WallclockPage page, PrintWriter out, PrintWriter err) {
        Reading r = page.read();
        PageStatus s = page.status();
        switch (r) {
            case Reading.Valid v -> {
                out.println(v.instant() + " generation=" + s.stepGeneration() + " " + describe(s));
                out.flush();
                return 0;
            }
            case Reading.Stale st -> {
                err.println("wallsync: " + st);
                return 1;
            }
            case Reading.WriterStuck w -> {
                err.println("wallsync: " + w);
                return 1;
            }
        }
    }

    private static void printStep(WallclockPage page, StepEvent e, PrintWriter out) {
        String when = page.read() instanceof Reading.Valid v ? v.instant().toString() : "unavailable";
        synchronized (out) {
            out.println(when + " step generation=" + e.generation() + " previous=" + e.previousGeneration()
                    + " change=" + e.wallclockChangeNs() + "ns reason="
                    + (e.reason() == null ? "unknown" : e.reason().label()));
            out.flush();
        }
    }

    static String describe(PageStatus s) {
        StringBuilder b = new StringBuilder();
        b.append("status=").append(s.clockStatus().name().toLowerCase(java.util.Locale.ROOT));
        s.maxErrorNs().ifPresent(v -> b.append(" maxerror=").append(v / 1000).append("us"));
        s.estErrorNs().ifPresent(v -> b.append(" esterror=").append(v / 1000).append("us"));
        s.taiOffsetSec().ifPresent(v -> b.append(" tai=").append(v).append("s"));
        b.append(" leap=").append(s.leap().name().toLowerCase(java.util.Locale.ROOT));
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
    private static String availableDomains(Path dir) {
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
