package io.wallsync.cli;

import io.wallsync.sim.report.HtmlReport;
import io.wallsync.sim.report.Plots;
import io.wallsync.sim.report.SeriesCsv;
import io.wallsync.sim.report.SummaryJson;
import io.wallsync.sim.report.TextTable;
import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.run.Simulator;
import io.wallsync.sim.scenario.Scenario;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallsync simulate}: runs a scenario under every policy in virtual time and reports. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a scenario in virtual time under each sync policy (legacy-periodic, step-and-periodic,"
                    + " kvm-per-tick, wallsync) on the same world and seed, and reports how wrong the guests were"
                    + " and what it cost.",
            "Embedded scenarios: default (the historical bug), drift, leap-second, suspend-resume, large."
                    + " The schema of scenario files is in docs/simulator.md."
        },
        sortOptions = false)
public final class SimulateCommand implements Callable<Integer> {
    /** Runs shorter than this show no progress bar. */
    static final long PROGRESS_AFTER_MS = 2_000;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--scenario",
            paramLabel = "FILE|NAME",
            defaultValue = "default",
            description = "A scenario YAML file or the name of an embedded one (default: ${DEFAULT-VALUE}).")
    String scenario;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the random streams (default: the scenario's).")
    Long seed;

    @Option(names = "--csv", paramLabel = "FILE", description = "Write the error series as CSV.")
    Path csv;

    @Option(names = "--summary-json", paramLabel = "FILE", description = "Write the summary JSON.")
    Path summaryJson;

    @Option(names = "--plot", paramLabel = "FILE.png|FILE.svg", description = "Write the error-over-time plot.")
    Path plot;

    @Option(names = "--report", paramLabel = "DIR", description = "Write an HTML report with table and plots into DIR.")
    Path report;

    @Option(names = "--print-scenario", description = "Print the YAML of the (embedded) scenario and exit.")
    boolean printScenario;

    @Option(names = "--quiet", description = "No table and no progress bar; only errors, on stderr.")
    boolean quiet;

    @Override
    public Integer call() throws IOException {
        if (plot != null) {
            try {
                Plots.Format.of(plot);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--plot: " + e.getMessage());
            }
        }
        if (printScenario) {
            if (ScenarioLoader.EMBEDDED.contains(scenario)) {
                spec.commandLine().getOut().print(ScenarioLoader.embeddedText(scenario));
            } else if (Files.isRegularFile(Path.of(scenario))) {
                spec.commandLine().getOut().print(Files.readString(Path.of(scenario)));
            } else {
                throw new CommandLine.ParameterException(
                        spec.commandLine(),
                        "--scenario '" + scenario + "': no such file, and not an embedded scenario; expected a YAML"
                                + " file or one of " + ScenarioLoader.EMBEDDED);
            }
            spec.commandLine().getOut().flush();
            return 0;
        }
        Scenario loaded;
        try {
            loaded = ScenarioLoader.load(scenario);
        } catch (ScenarioException e) {
            spec.commandLine().getErr().println("wallsync simulate: bad scenario: " + e.getMessage());
            spec.commandLine().getErr().println("(nothing was run; the schema is in docs/simulator.md)");
            return 2;
        }
        if (seed != null) {
            loaded = loaded.withSeed(seed);
        }
        Simulator.Progress progress = Simulator.progressFor(loaded);
        ProgressBar bar =
                quiet ? null : ProgressBar.start(progress, spec.commandLine().getErr());
        SimulationResult result;
        try {
            result = Simulator.forThisMachine().run(loaded, progress);
        } finally {
            if (bar != null) {
                bar.stop();
            }
        }
        if (!quiet) {
            PrintWriter out = spec.commandLine().getOut();
            TextTable.print(result, out, 20);
        }
        if (csv != null) {
            try (Writer w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
                SeriesCsv.write(result, w);
            }
            note("series CSV: " + csv);
        }
        if (summaryJson != null) {
            try (Writer w = Files.newBufferedWriter(summaryJson, StandardCharsets.UTF_8)) {
                SummaryJson.write(result, w);
            }
            note("summary JSON: " + summaryJson);
        }
        if (plot != null) {
            Plots.save(Plots.errorCharts(result), plot);
            note("plot: " + plot);
        }
        if (report != null) {
            Path index = HtmlReport.write(result, report);
            note("report: " + index);
        }
        return 0;
    }

    private void note(String line) {
        if (!quiet) {
            spec.commandLine().getOut().println(line);
            spec.commandLine().getOut().flush();
        }
    }

    /**
     * A progress bar on stderr, shown only on a terminal and only once a run has taken more than
     * {@link #PROGRESS_AFTER_MS}. The only wall-clock reads of the simulator are here, in the face.
     */
    static final class ProgressBar {
        private static final int WIDTH = 40;
        private final Thread thread;
        private volatile boolean done;

        private ProgressBar(Simulator.Progress progress, PrintWriter err) {
            this.thread = Thread.ofPlatform().daemon().name("wallsync-progress").unstarted(() -> loop(progress, err));
        }

        static ProgressBar start(Simulator.Progress progress, PrintWriter err) {
            var console = System.console();
            if (console == null || !console.isTerminal()) {
                return null;
            }
            ProgressBar bar = new ProgressBar(progress, err);
            bar.thread.start();
            return bar;
        }

        private void loop(Simulator.Progress progress, PrintWriter err) {
            long startNs = System.nanoTime();
            boolean shown = false;
            try {
                while (!done) {
                    Thread.sleep(200);
                    long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
                    if (elapsedMs < PROGRESS_AFTER_MS || done) {
                        continue;
                    }
                    err.print("\r" + render(progress.fraction(), elapsedMs));
                    err.flush();
                    shown = true;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (shown) {
                err.print("\r" + " ".repeat(WIDTH + 20) + "\r");
                err.flush();
            }
        }

        /** One frame of the bar, e.g. {@code [##########          ]  50%   3.2 s}. */
        static String render(double fraction, long elapsedMs) {
            double f = Math.max(0, Math.min(1, fraction));
            int filled = (int) Math.round(f * WIDTH);
            return String.format(
                    Locale.ROOT,
                    "[%s%s] %3.0f%% %5.1f s",
                    "#".repeat(filled),
                    " ".repeat(WIDTH - filled),
                    f * 100,
                    elapsedMs / 1000.0);
        }

        void stop() {
            done = true;
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
