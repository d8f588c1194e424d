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
        assertThat(r.err()).contains(file + ":3: field 'tick': expected a duration");
        assertThat(json).doesNotExist();
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
    void anOutputFileInAMissingDirectoryIsARuntimeErrorSayingWhy(@TempDir Path dir) {
        Path csv = dir.resolve("no/such/dir/s.csv");
        CommandRunner r = CommandRunner.run("simulate", "--quiet", "--csv", csv.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        // Before: "wallsync: <path>" and nothing else.
        assertThat(r.err()).isEqualTo("wallsync: " + csv + ": no such file or directory" + System.lineSeparator());
    }

    @Test
    void aReportDirectoryThatIsAFileIsARuntimeErrorSayingWhy(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "x");
        CommandRunner r = CommandRunner.run("simulate", "--quiet", "--report", file.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).startsWith("wallsync: " + file + ": ").contains("already exists");
    }

    @Test
    void aPlotThatIsNeitherPngNorSvgIsAUsageError(@TempDir Path dir) {
        CommandRunner r =
                CommandRunner.run("simulate", "--plot", dir.resolve("x.gif").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("must end in .png or .svg");
    }

    @Test
    void theProgressBarFillsInProportionToVirtualTimeDone() {
        // 40 cells: a quarter is 10 '#', then 30 spaces
        assertThat(SimulateCommand.ProgressBar.render(0.25, 2_500))
                .isEqualTo("[" + "#".repeat(10) + " ".repeat(30) + "]  25%   2.5 s");
        assertThat(SimulateCommand.ProgressBar.render(1.0, 12_000)).startsWith("[" + "#".repeat(40) + "] 100%");
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
