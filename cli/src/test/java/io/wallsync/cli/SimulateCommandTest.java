package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SimulateCommandTest {
    @Test
    void theDefaultScenarioPrintsTheTableAndWritesEveryOutput(@TempDir Path dir) {
        CommandRunner r = CommandRunner.run(
                "simulate",
                "--summary-json",
                dir.resolve("s.json").toString(),
                "--csv",
                dir.resolve("s.csv").toString(),
                "--plot",
                dir.resolve("e.svg").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("scenario default (seed 1)", "legacy-periodic", "in-window", "3.00 h");
        assertThat(dir.resolve("s.json")).content().contains("\"max_abs_error_ns\"");
        assertThat(dir.resolve("s.csv")).content().startsWith("policy,time_ns");
        assertThat(dir.resolve("e.svg")).exists();
    }

    @Test
    void aBadScenarioFileIsAUsageErrorNamingLineAndFieldAndNothingRuns(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: bad\nduration: 1h\ntick: fast\n");
        Path json = dir.resolve("s.json");
        CommandRunner r =
                CommandRunner.run("simulate", "--scenario", file.toString(), "--summary-json", json.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains(file + ":3: field 'tick': 'fast' is not a duration: expected a positive duration");
        assertThat(r.err()).doesNotContain("Exception");
        assertThat(json).doesNotExist();
    }

    @Test
    void absurdEventCountsAndBinaryFilesAreUsageErrorsAtOnce(@TempDir Path dir) throws Exception {
        Path tick = Files.writeString(dir.resolve("tick.yaml"), "name: t\nduration: 6h\ntick: 1ns\n");
        CommandRunner r = CommandRunner.run("simulate", "--scenario", tick.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        // 6 h / 1 ns = 21,600,000,000,000 ticks per policy
        assertThat(r.err()).contains(tick + ":3: field 'tick': this asks for 21,600,000,000,000 host ticks");
        assertThat(r.out()).isEmpty();
        Path binary = dir.resolve("binary.yaml");
        Files.write(binary, new byte[] {'n', 'a', 'm', 'e', ':', ' ', 0, 1, 2, '\n'});
        CommandRunner b = CommandRunner.run("simulate", "--scenario", binary.toString());
        assertThat(b.exitCode()).isEqualTo(2);
        assertThat(b.err()).contains(binary + ":1: a NUL byte").doesNotContain("Exception");
    }

    @Test
    void quietPrintsNothingButStillWrites(@TempDir Path dir) {
        Path json = dir.resolve("s.json");
        CommandRunner r = CommandRunner.run("simulate", "--quiet", "--seed", "7", "--summary-json", json.toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(json).content().contains("\"seed\" : 7");
    }

    @Test
    void anOutputFileInAMissingDirectoryIsAUsageErrorBeforeAnythingRuns(@TempDir Path dir) {
        Path csv = dir.resolve("no/such/dir/s.csv");
        CommandRunner r = CommandRunner.run("simulate", "--csv", csv.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        // Before: exit 1 after the whole run, "wallsync: <path>: no such file or directory".
        assertThat(r.err())
                .startsWith("--csv " + csv + ": directory " + dir.resolve("no/such/dir") + " does not exist");
        assertThat(r.out()).as("nothing ran: no table").isEmpty();
    }

    @Test
    void outputPathsAreCheckedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CommandRunner report = CommandRunner.run("simulate", "--report", file.toString());
        assertThat(report.exitCode()).isEqualTo(2);
        assertThat(report.err()).startsWith("--report " + file + ": exists and is not a directory");
        CommandRunner summary = CommandRunner.run("simulate", "--summary-json", dir.toString());
        assertThat(summary.exitCode()).isEqualTo(2);
        assertThat(summary.err()).startsWith("--summary-json " + dir + ": is a directory; expected a file name");
        CommandRunner under =
                CommandRunner.run("simulate", "--plot", file.resolve("e.png").toString());
        assertThat(under.exitCode()).isEqualTo(2);
        assertThat(under.err()).startsWith("--plot " + file.resolve("e.png") + ": " + file + " is not a directory");
        Path same = dir.resolve("same.csv");
        CommandRunner twice =
                CommandRunner.run("simulate", "--csv", same.toString(), "--summary-json", same.toString());
        assertThat(twice.exitCode()).isEqualTo(2);
        assertThat(twice.err()).contains("--csv writes the same path");
        assertThat(same).doesNotExist();
        assertThat(report.out() + summary.out() + under.out() + twice.out()).isEmpty();
    }

    @Test
    void aReportDirectoryIsCreatedWhenItsParentExists(@TempDir Path dir) throws Exception {
        Path small = Files.writeString(dir.resolve("small.yaml"), "name: small\nduration: 10m\nsample_interval: 10s\n");
        CommandRunner r = CommandRunner.run(
                "simulate",
                "--quiet",
                "--scenario",
                small.toString(),
                "--report",
                dir.resolve("out").toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(dir.resolve("out/index.html")).exists();
    }

    @Test
    void aPlotThatIsNeitherPngNorSvgIsAUsageError(@TempDir Path dir) {
        CommandRunner r =
                CommandRunner.run("simulate", "--plot", dir.resolve("x.gif").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("must end in .png or .svg");
    }

    @Test
    void theProgressBarFillsInProportionToVirtualTimeDoneAndSaysHowLongIsLeft() {
        // 40 cells: a quarter is 10 '#', then 30 spaces; 2.5 s for 25 % leaves 2.5 * 0.75 / 0.25 = 7.5 s
        assertThat(SimulateCommand.ProgressBar.render(0.25, 2_500))
                .isEqualTo("[" + "#".repeat(10) + " ".repeat(30) + "]  25%   2.5 s, about 7.5 s left");
        assertThat(SimulateCommand.ProgressBar.render(1.0, 12_000))
                .startsWith("[" + "#".repeat(40) + "] 100%")
                .endsWith("about 0.0 s left");
    }

    @Test
    void theProgressBarStartsAtZeroAndNeverGoesBack() {
        var frames = new SimulateCommand.ProgressBar.Frames();
        assertThat(frames.next(0, 0)).isEqualTo("[" + " ".repeat(40) + "]   0%   0.0 s, estimating time left");
        assertThat(frames.next(0.5, 1_000)).contains(" 50% ");
        // A reading below the last one (it cannot happen with per-policy maxima, but the bar must not
        // depend on it) still shows 50 %.
        assertThat(frames.next(0.3, 1_200)).contains(" 50% ");
        assertThat(frames.next(0.75, 1_500)).contains(" 75% ");
    }

    @Test
    void printScenarioOfAMissingFileIsAUsageError() {
        CommandRunner r = CommandRunner.run("simulate", "--scenario", "/nonexistent/x.yaml", "--print-scenario");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("no such file, and not an embedded scenario");
    }

    @Test
    void printScenarioShowsTheEmbeddedYaml() {
        CommandRunner r = CommandRunner.run("simulate", "--scenario", "leap-second", "--print-scenario");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("name: leap-second", "leap_second: insert");
    }
}
