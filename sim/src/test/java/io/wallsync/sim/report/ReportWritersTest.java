package io.wallsync.sim.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.wallsync.sim.result.SimulationResult;
import io.wallsync.sim.run.Simulator;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportWritersTest {
    private static SimulationResult result;

    @BeforeAll
    static void runSmallScenario() throws Exception {
        result = new Simulator(1).run(ScenarioLoader.parse("small.yaml", """
                        name: small
                        duration: 20m
                        sample_interval: 10s
                        host:
                          rtc: {error: 1h}
                        guests:
                          - {name: a, boot_at: 1m, reads: boot-only}
                          - {name: b, kind: hvm, boot_at: 2m, time_offset: 3600s}
                        """));
    }

    @Test
    void summaryJsonHasOneObjectPerPolicyWithTheDocumentedFields() throws Exception {
        StringWriter w = new StringWriter();
        SummaryJson.write(result, w);
        JsonNode root = new ObjectMapper().readTree(w.toString());
        assertThat(root.get("scenario").asText()).isEqualTo("small");
        assertThat(root.get("guests").asInt()).isEqualTo(2);
        JsonNode policies = root.get("policies");
        assertThat(policies.fieldNames())
                .toIterable()
                .containsExactly("legacy-periodic", "step-and-periodic", "kvm-per-tick", "wallsync");
        for (JsonNode p : policies) {
            assertThat(p.fieldNames())
                    .toIterable()
                    .contains(
                            "max_abs_error_ns",
                            "p99_abs_error_ns",
                            "time_to_correct_ns",
                            "boot_error_ns",
                            "updates",
                            "notifier_calls",
                            "cpu_ns_per_hour",
                            "guests");
            assertThat(p.get("boot_error_ns").fieldNames()).toIterable().containsExactly("a", "b");
            assertThat(p.get("guests")).hasSize(2);
        }
        // legacy-periodic: the guest booting at 1 min reads the RTC-based W, one hour ahead
        assertThat(policies.get("legacy-periodic").get("boot_error_ns").get("a").asLong())
                .isEqualTo(3_600_000_000_000L);
    }

    @Test
    void summaryJsonHasTheVmclockReadsOfTheWallsyncPolicyOnly() throws Exception {
        StringWriter w = new StringWriter();
        SummaryJson.write(result, w);
        JsonNode policies = new ObjectMapper().readTree(w.toString()).get("policies");
        List<String> keys = List.of(
                "reads",
                "counter_reads",
                "max_abs_error_vs_dom0_ns",
                "max_abs_error_vs_utc_ns",
                "max_error_to_bound",
                "violations",
                "utc_above_bound",
                "synchronised_reads",
                "utc_above_bound_plus_host_maxerror",
                "max_bound_ns");
        JsonNode v = policies.get("wallsync").get("vmclock");
        assertThat(v.fieldNames())
                .toIterable()
                .containsExactlyElementsOf(concat(keys, List.of("p50_bound_ns", "p50_abs_error_vs_dom0_ns")));
        // Guest a is sampled at 1 min (boot) and every 10 s from 1 min to 20 min: 1 + 115 reads;
        // guest b from 2 min: 1 + 109; all after the first calibrated beat (1 s).
        assertThat(v.get("reads").asLong()).isEqualTo(116 + 110);
        assertThat(v.get("counter_reads").asLong()).isEqualTo(116 + 110);
        assertThat(v.get("violations").asLong()).isZero();
        for (JsonNode g : policies.get("wallsync").get("guests")) {
            assertThat(g.get("vmclock").fieldNames()).toIterable().containsExactlyElementsOf(keys);
        }
        for (String other : List.of("legacy-periodic", "step-and-periodic", "kvm-per-tick")) {
            assertThat(policies.get(other).get("vmclock").isNull()).isTrue();
            assertThat(policies.get(other).get("guests").get(0).get("vmclock").isNull())
                    .isTrue();
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    @Test
    void csvHasVmclockCellsForTheWallsyncPolicyOnceAGuestReadsACounter() throws Exception {
        StringWriter w = new StringWriter();
        SeriesCsv.write(result, w);
        List<String> lines = w.toString().lines().toList();
        assertThat(lines.getFirst())
                .endsWith(",published_error_ns,vmclock_max_abs_error_vs_dom0_ns,vmclock_max_abs_error_vs_utc_ns,"
                        + "vmclock_min_bound_ns");
        // Before any guest runs (0 s) no one reads: empty cells; at 10 min both guests read a bound.
        assertThat(lines).anyMatch(l -> l.startsWith("wallsync,0,0,") && l.endsWith(",,,"));
        String atTenMinutes = lines.stream()
                .filter(l -> l.startsWith("wallsync,600000000000,"))
                .findFirst()
                .orElseThrow();
        String[] cells = atTenMinutes.split(",", -1);
        assertThat(cells).hasSize(10);
        assertThat(Long.parseLong(cells[9])).isPositive(); // the bound
        assertThat(Long.parseLong(cells[7])).isLessThanOrEqualTo(Long.parseLong(cells[9]));
        assertThat(lines)
                .filteredOn(l -> !l.startsWith("wallsync,") && !l.startsWith("policy,"))
                .allMatch(l -> l.endsWith(",,,"));
    }

    @Test
    void csvHasAHeaderAndOneRowPerPolicyAndSample() throws Exception {
        StringWriter w = new StringWriter();
        SeriesCsv.write(result, w);
        List<String> lines = w.toString().lines().toList();
        assertThat(lines.getFirst()).isEqualTo(SeriesCsv.HEADER);
        // samples at 0, 10 s, ..., 1200 s: 121 per policy, 4 policies
        assertThat(lines).hasSize(1 + 4 * 121);
        assertThat(lines.get(1)).startsWith("legacy-periodic,0,0,");
    }

    @Test
    void plotsAreWrittenAsPngOrSvgByExtension(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("e.png");
        Path svg = dir.resolve("e.svg");
        Plots.save(Plots.errorCharts(result), png);
        Plots.save(Plots.costChart(result), svg);
        byte[] head = Files.readAllBytes(png);
        assertThat(head).startsWith(0x89, 'P', 'N', 'G');
        assertThat(Files.readString(svg)).contains("<svg");
        assertThatThrownBy(() -> Plots.Format.of(dir.resolve("e.jpg")))
                .hasMessageContaining("must end in .png or .svg");
    }

    @Test
    void htmlReportLinksItsPlotsAndData(@TempDir Path dir) throws Exception {
        Path index = HtmlReport.write(result, dir.resolve("report"));
        String html = Files.readString(index);
        assertThat(html).contains("<h1>Scenario small</h1>", "src=\"error.png\"", "src=\"cost.png\"", "summary.json");
        assertThat(html).contains("<td>legacy-periodic</td>", "<td>kvm-per-tick</td>");
        assertThat(dir.resolve("report/error.png")).exists();
        assertThat(dir.resolve("report/cost.png")).exists();
        assertThat(dir.resolve("report/series.csv")).exists();
        assertThat(dir.resolve("report/summary.json")).exists();
        assertThat(html).contains("<h2>vmclock counter path</h2>", "src=\"vmclock.png\"");
        assertThat(dir.resolve("report/vmclock.png")).exists();
    }

    @Test
    void humanFormatsPickAReadableUnit() {
        assertThat(Human.ns(10_800_000_000_000L)).isEqualTo("3.00 h");
        assertThat(Human.ns(-66_000_000L)).isEqualTo("-66.0 ms");
        assertThat(Human.ns(512)).isEqualTo("512 ns");
        assertThat(Human.ns(90_000_000_000L)).isEqualTo("1.50 min");
    }

    @Test
    void htmlEscapesScenarioText() {
        assertThat(HtmlReport.esc("<a & \"b\">")).isEqualTo("&lt;a &amp; &quot;b&quot;&gt;");
    }
}
