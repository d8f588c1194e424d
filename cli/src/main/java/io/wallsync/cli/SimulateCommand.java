package io.wallsync.cli;

import io.wallsync.adapters.linux.Terminals;
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
import java.util.function.DoubleSupplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code wallsync simulate}: runs a scenario under every policy in virtual time and reports. */
@Command(
        name = "simulate",
        mixinStandardHelpOptions = true,
        description = {
            // The first paragraph is the line 'wallsync --help' lists: one short sentence.
            "Compare the sync policies on a scenario in virtual time.",
            "Runs the scenario under each sync policy (legacy-periodic, step-and-periodic, kvm-per-tick,"
                    + " wallsync) on the same world and seed, and reports how wrong the guests were and what it"
                    + " cost.",
            "Embedded scenarios: default (the historical bug), drift, leap-second, suspend-resume, large, slew."
                    + " The schema of scenario files and the limits on them are in docs/simulator.md."
        },
        sortOptions = false)
public final class SimulateCommand implements Callable<Integer> {
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
        try {
            OutputPaths outputs = new OutputPaths();
            outputs.file("--csv", csv);
            outputs.file("--summary-json", summaryJson);
            if (plot != null) {
                Plots.Format.of(plot);
            }
            outputs.file("--plot", plot);
            outputs.directory("--report", report);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
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
        ProgressBar bar = quiet || !Terminals.isTerminal(Terminals.STDERR)
                ? null
                : ProgressBar.start(progress::fraction, spec.commandLine().getErr());
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
     * A progress bar on stderr, drawn from the start of the run (0 %) when stderr is a terminal and
     * not {@code --quiet}: the share of virtual time done over all policies, never going back, the
     * wall time so far and an estimate of the time left. The only wall-clock reads of the simulator
     * are here, in the face.
     */
    static final class ProgressBar {
        private static final int WIDTH = 40;
        /** Frames per second: 5. */
        private static final long FRAME_MS = 200;

        private final Thread thread;
        private volatile boolean done;

        private ProgressBar(DoubleSupplier fraction, PrintWriter err) {
            this.thread = Thread.ofPlatform().daemon().name("wallsync-progress").unstarted(() -> loop(fraction, err));
        }

        static ProgressBar start(DoubleSupplier fraction, PrintWriter err) {
            ProgressBar bar = new ProgressBar(fraction, err);
            bar.thread.start();
            return bar;
        }

        private void loop(DoubleSupplier fraction, PrintWriter err) {
            long startNs = System.nanoTime();
            Frames frames = new Frames();
            try {
                while (!done) {
                    long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;
                    err.print("\r" + frames.next(fraction.getAsDouble(), elapsedMs));
                    err.flush();
                    Thread.sleep(FRAME_MS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            err.print("\r" + " ".repeat(WIDTH + 45) + "\r");
            err.flush();
        }

        /** Successive frames: the fraction shown never decreases, even if a reading does. */
        static final class Frames {
            private double shown;

            String next(double fraction, long elapsedMs) {
                shown = Math.max(shown, Math.max(0, Math.min(1, fraction)));
                return render(shown, elapsedMs);
            }
        }

        /**
         * One frame of the bar, e.g. {@code [##########          ]  25%   2.5 s, about 7.5 s left}:
         * the time left is elapsed x (1 - f) / f, shown once 1 % is done and a second has passed.
         */
        static String render(double fraction, long elapsedMs) {
            double f = Math.max(0, Math.min(1, fraction));
            int filled = (int) Math.floor(f * WIDTH);
            String eta = f >= 0.01 && elapsedMs >= 1_000
                    ? String.format(Locale.ROOT, ", about %.1f s left", elapsedMs * (1 - f) / f / 1000.0)
                    : ", estimating time left";
            return String.format(
                    Locale.ROOT,
                    "[%s%s] %3.0f%% %5.1f s%s",
                    "#".repeat(filled),
                    " ".repeat(WIDTH - filled),
                    Math.floor(f * 100),
                    elapsedMs / 1000.0,
                    eta);
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
