package io.wallsync.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.run.Simulator;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.awt.BasicStroke;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

class PlotsAndTablesTest {
    private static SimulationResult result;

    @BeforeAll
    static void runAScenarioWithALongGuestName() throws Exception {
        result = new Simulator(1).run(ScenarioLoader.parse("names.yaml", """
                        name: names
                        duration: 20m
                        sample_interval: 10s
                        host:
                          rtc: {error: 3h}
                        guests:
                          - {name: a-guest-with-a-name-of-38-characters, boot_at: 1m}
                          - {name: b, kind: hvm, boot_at: 2m}
                        """));
    }

    @Test
    void anHourScaleErrorAxisIsInSecondsWithPlainLabels() {
        // 1 us .. 3 h (1.08e13 ns). Longest decade label per unit: s: 10^-6 "0.000001" (8) and
        // 10^5 "100,000" (7) -> 8; ms: 10^-3 (5) and 10^8 "100,000,000" (11) -> 11; us: 10^11 -> 15;
        // min: 1 us = 1.7e-8 min -> 10^-8 "0.00000001" (10). Seconds win.
        assertThat(AxisUnit.forLogRange(1e3, 1.08e13)).isEqualTo(AxisUnit.S);
        // 1 us .. 66 ms: ms has 10^-3 (5) and 10^2 (3) -> 5; us has 10^5 "100,000" (7): ms.
        assertThat(AxisUnit.forLogRange(1e3, 6.6e7)).isEqualTo(AxisUnit.MS);
        assertThat(AxisUnit.decadeLabelLength(-3)).isEqualTo("0.001".length());
        assertThat(AxisUnit.decadeLabelLength(4)).isEqualTo("10,000".length());
        assertThat(AxisUnit.decadeLabelLength(6)).isEqualTo("1,000,000".length());
        // Time axes: the largest unit the run spans twice: 1 h is 60 min, 24 h is 24 h, 90 s is 90 s.
        assertThat(AxisUnit.forLinearRange(3.6e12)).isEqualTo(AxisUnit.MIN);
        assertThat(AxisUnit.forLinearRange(8.64e13)).isEqualTo(AxisUnit.H);
        assertThat(AxisUnit.forLinearRange(9e10)).isEqualTo(AxisUnit.S);
    }

    @Test
    void errorChartsLabelBothAxesWithTheChosenUnits() {
        // The RTC is 3 h ahead and guests boot with it: errors reach 3 h, the floor is 1 us -> s.
        XYChart chart = Plots.errorChart(result, Plots.ErrorView.BOOTING_NOW);
        assertThat(chart.getYAxisTitle()).isEqualTo("boot error (s, log scale)");
        assertThat(chart.getXAxisTitle()).isEqualTo("true time since host boot (min)"); // 20 min
        assertThat(chart.getStyler().getYAxisDecimalPattern()).doesNotContain("E");
        // The last point is at 20 min and is drawn at x = 20 (minutes), not 0.33 (hours).
        XYSeries first = chart.getSeriesMap().values().iterator().next();
        assertThat(first.getXMax()).isEqualTo(20.0);
    }

    @Test
    void equalSeriesSaySoInTheLegendAndEveryPolicyHasItsOwnDashPattern() {
        var a = new Plots.Line("legacy-periodic", List.of(0.0, 1.0), List.of(5.0, 6.0));
        var b = new Plots.Line("step-and-periodic", List.of(0.0, 1.0), List.of(5.0, 6.0));
        var c = new Plots.Line("kvm-per-tick", List.of(0.0, 1.0), List.of(5.0, 7.0));
        var d = new Plots.Line("wallsync", List.of(0.0, 1.0), List.of(5.0, 7.0));
        assertThat(Plots.legend(List.of(a, b, c, d)))
                .containsExactly(
                        "legacy-periodic",
                        "step-and-periodic (same as legacy-periodic)",
                        "kvm-per-tick",
                        "wallsync (same as kvm-per-tick)");
        List<BasicStroke> strokes = Plots.STROKES;
        for (int i = 0; i < strokes.size(); i++) {
            for (int j = 0; j < i; j++) {
                boolean sameDash = Arrays.equals(
                        strokes.get(i).getDashArray(), strokes.get(j).getDashArray());
                assertThat(sameDash).as("strokes %d and %d", i, j).isFalse();
            }
        }
        XYChart chart = Plots.errorChart(result, Plots.ErrorView.RUNNING_MEDIAN);
        List<BasicStroke> used = chart.getSeriesMap().values().stream()
                .map(XYSeries::getLineStyle)
                .toList();
        assertThat(used).containsExactlyElementsOf(strokes);
    }

    @Test
    void columnsAreAsWideAsTheirWidestCell() {
        TextTable.Columns t = new TextTable.Columns(List.of("guest", "n"), "l");
        t.row("a-very-long-guest-name", "5");
        t.row("b", "12345");
        StringWriter w = new StringWriter();
        t.print(new PrintWriter(w, true), "  ");
        // widths 22 ("a-very-long-guest-name") and 5 ("12345"); two spaces between columns
        assertThat(w.toString().lines().toList())
                .containsExactly(
                        "  guest" + " ".repeat(17) + "  " + "    n",
                        "  a-very-long-guest-name" + "  " + "    5",
                        "  b" + " ".repeat(21) + "  " + "12345");
    }

    @Test
    void noCellOfTheSummaryRunsIntoItsNeighbour() {
        StringWriter w = new StringWriter();
        TextTable.print(result, new PrintWriter(w, true), 20);
        List<String> lines = w.toString().lines().toList();
        int boots = lines.indexOf("boot error per guest (guest wall time at boot - true UTC):");
        List<String> table = lines.subList(boots + 1, boots + 4); // header + 2 guests
        // The last column is right-aligned, so every line of a well-sized table has the same length,
        // and the long name is followed by the two-space gap, not by the kind.
        assertThat(table).allSatisfy(l -> assertThat(l).hasSameSizeAs(table.getFirst()));
        assertThat(table.get(1)).startsWith("  a-guest-with-a-name-of-38-characters  pv");
        List<String> policies = lines.subList(lines.indexOf("") + 1, lines.indexOf("") + 6);
        assertThat(policies.getFirst()).startsWith("policy  ");
        assertThat(policies).allSatisfy(l -> assertThat(l).hasSameSizeAs(policies.getFirst()));
    }

    @Test
    void theVmclockSectionHasTheWallsyncPolicyAndEachGuestInAlignedColumns() {
        StringWriter w = new StringWriter();
        TextTable.print(result, new PrintWriter(w, true), 20);
        List<String> lines = w.toString().lines().toList();
        int at = lines.indexOf(lines.stream()
                .filter(l -> l.startsWith("vmclock counter path"))
                .findFirst()
                .orElseThrow());
        List<String> policy = lines.subList(at + 1, at + 3);
        assertThat(policy.get(0)).startsWith("  policy    counter reads");
        assertThat(policy.get(1)).startsWith("  wallsync  ");
        assertThat(policy).allSatisfy(l -> assertThat(l).hasSameSizeAs(policy.getFirst()));
        assertThat(lines.get(at + 3)).isEqualTo("  per guest (wallsync):");
        List<String> guests = lines.subList(at + 4, at + 7);
        assertThat(guests.get(1)).startsWith("    a-guest-with-a-name-of-38-characters  ");
        assertThat(guests).allSatisfy(l -> assertThat(l).hasSameSizeAs(guests.getFirst()));
        // Violations is the 7th column of the policy line: none.
        assertThat(policy.get(1).trim().split("\\s{2,}")[6]).isEqualTo("0");
    }

    @Test
    void theVmclockChartDrawsErrorAndBoundAtTheSameInstantOfEachBucket() {
        XYChart chart = Plots.vmclockChart(result).orElseThrow();
        assertThat(chart.getSeriesMap().keySet())
                .containsExactly(
                        "wallsync: |time - dom0 CLOCK_REALTIME|",
                        "wallsync: published max error",
                        "wallsync: |time - true UTC|");
        XYSeries error = chart.getSeriesMap().get("wallsync: |time - dom0 CLOCK_REALTIME|");
        XYSeries bound = chart.getSeriesMap().get("wallsync: published max error");
        assertThat(error.getXData()).isEqualTo(bound.getXData());
        double[] e = error.getYData();
        double[] b = bound.getYData();
        for (int i = 0; i < e.length; i++) {
            assertThat(e[i]).isLessThanOrEqualTo(b[i]);
        }
    }
}
