package io.wallsync.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

class ScenarioLoaderTest {
    static final java.util.List<String> EMBEDDED = ScenarioLoader.EMBEDDED;

    @ParameterizedTest
    @FieldSource("EMBEDDED")
    void everyEmbeddedScenarioLoads(String name) throws ScenarioException {
        Scenario s = ScenarioLoader.load(name);
        assertThat(s.name()).isEqualTo(name);
        assertThat(s.policies()).isNotEmpty();
        assertThat(s.guestCount()).isPositive();
    }

    @Test
    void theDefaultScenarioIsTheHistoricalBug() throws ScenarioException {
        Scenario s = ScenarioLoader.load("default");
        assertThat(s.host().rtc().errorNs()).isEqualTo(3 * 3_600_000_000_000L);
        assertThat(s.host().ntp().firstPollNs()).isEqualTo(30_000_000_000L);
        assertThat(s.hypervisor().pushPeriodNs()).isEqualTo(660_000_000_000L);
        assertThat(s.policies()).containsExactly(Policy.values());
    }

    @Test
    void theLargeScenarioHasAThousandGuestsOverADay() throws ScenarioException {
        Scenario s = ScenarioLoader.load("large");
        assertThat(s.guestCount()).isEqualTo(1_000);
        assertThat(s.durationNs()).isEqualTo(86_400_000_000_000L);
    }

    @Test
    void missingSectionsTakeTheDocumentedDefaults() throws ScenarioException {
        Scenario s = ScenarioLoader.parse("t.yaml", "name: t\nduration: 1h\n");
        assertThat(s.start()).isEqualTo(Instant.parse("2026-11-25T08:00:00Z"));
        assertThat(s.tickNs()).isEqualTo(1_000_000_000L);
        assertThat(s.sampleIntervalNs()).isEqualTo(1_000_000_000L);
        assertThat(s.host().ntp().stepThresholdNs()).isEqualTo(128_000_000L);
        assertThat(s.host().ntp().maxSlewPpm()).isEqualTo(500.0);
        assertThat(s.host().ntp().pollIntervalNs()).isEqualTo(64_000_000_000L);
        assertThat(s.costs()).isEqualTo(CostModel.defaults());
        assertThat(s.guests()).isEmpty();
    }

    @Test
    void aBadDurationNamesFileLineFieldAndTheExpectedForm() {
        String yaml = """
                name: t
                duration: 1h
                host:
                  ntp:
                    poll_interval: often
                """;
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.file()).isEqualTo("bad.yaml");
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.field()).isEqualTo("host.ntp.poll_interval");
                    assertThat(e.problem())
                            .contains("expected a duration such as")
                            .contains("'often'");
                })
                .hasMessageStartingWith("bad.yaml:5: field 'host.ntp.poll_interval': ");
    }

    @Test
    void aMisspeltKeyIsRejectedWithTheKnownOnes() {
        String yaml = "name: t\nduration: 1h\nhypervisor:\n  push_perod: 11m\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.field()).isEqualTo("hypervisor.push_perod");
                    assertThat(e.problem()).contains("unknown field").contains("push_period");
                });
    }

    @Test
    void aMisspeltRequiredTopLevelKeyIsNamedAsTheTypoNotReportedAsMissing() {
        // "duraton" is one deletion away from "duration": the error points at line 2 and that key.
        String yaml = "name: t\nduraton: 1h\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isEqualTo(2);
                    assertThat(e.field()).isEqualTo("duraton");
                    assertThat(e.problem()).startsWith("unknown field; did you mean 'duration'?");
                });
    }

    @Test
    void editDistanceCountsInsertionsDeletionsAndSubstitutions() {
        assertThat(Spelling.editDistance("duration", "duration")).isZero();
        assertThat(Spelling.editDistance("duraton", "duration")).isEqualTo(1); // one deletion
        assertThat(Spelling.editDistance("durations", "duration")).isEqualTo(1); // one insertion
        assertThat(Spelling.editDistance("nmae", "name")).isEqualTo(2); // two substitutions
        assertThat(Spelling.editDistance("", "seed")).isEqualTo(4);
        // g->h, u->o (no o or h in guests), drop e and the last s: 6 - 4 = 2 deletions at least
        assertThat(Spelling.editDistance("guests", "host")).isEqualTo(4);
    }

    @Test
    void aDirectoryIsNotTakenForAMissingFile(@TempDir Path dir) {
        assertThatThrownBy(() -> ScenarioLoader.load(dir.toString()))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.problem()).isEqualTo("is a directory; expected a scenario YAML file");
                    // No line when no line was read: "DIR: ...", not "DIR:0: ...".
                    assertThat(e.getMessage()).startsWith(dir + ": is a directory");
                });
    }

    @Test
    void anUnknownPolicyListsTheValidOnes() {
        String yaml = "name: t\nduration: 1h\npolicies:\n  - legacy-periodic\n  - ntp-magic\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isEqualTo(5);
                    assertThat(e.field()).isEqualTo("policies[1]");
                    assertThat(e.problem()).contains("kvm-per-tick").contains("'ntp-magic'");
                });
    }

    @Test
    void aGuestBootingAfterTheEndIsRejected() {
        String yaml = "name: t\nduration: 1h\nguests:\n  - {name: g, boot_at: 2h}\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isEqualTo(4);
                    assertThat(e.field()).isEqualTo("guests[0].boot_at");
                    assertThat(e.problem()).contains("within the run");
                });
    }

    @Test
    void aMissingRequiredFieldSaysWhatIsExpected() {
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", "duration: 1h\n"))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.field()).isEqualTo("name");
                    assertThat(e.problem()).startsWith("missing; expected");
                });
    }

    @Test
    void anEventWithTwoKindsIsRejected() {
        String yaml = "name: t\nduration: 1h\nevents:\n  - {at: 10m, step: 1s, suspend: 1m}\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.field()).isEqualTo("events[0]");
                    assertThat(e.problem()).contains("exactly one of");
                });
    }

    @Test
    void anEventDuringASuspendIsRejected() {
        String yaml = "name: t\nduration: 1h\nevents:\n  - {at: 10m, suspend: 20m}\n  - {at: 20m, step: 1s}\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(
                        ScenarioException.class, e -> assertThat(e.problem()).contains("while the host is suspended"));
    }

    @Test
    void aFractionalTimeOffsetIsRejectedBecauseXenKeepsWholeSeconds() {
        String yaml = "name: t\nduration: 1h\nguests:\n  - {name: g, boot_at: 1m, time_offset: 1.5s}\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(
                        ScenarioException.class, e -> assertThat(e.field()).isEqualTo("guests[0].time_offset"));
    }

    @Test
    void malformedYamlReportsTheLine() {
        String yaml = "name: t\nduration: 1h\nguests: [\n  {name: g\n";
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isGreaterThanOrEqualTo(3);
                    assertThat(e.problem()).startsWith("not valid YAML");
                });
    }

    @Test
    void aDuplicateKeyIsRejected() {
        assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", "name: t\nduration: 1h\nduration: 2h\n"))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.problem()).contains("duplicate key 'duration'");
                });
    }

    @Test
    void aMissingFileIsNamedWithTheEmbeddedAlternatives(@TempDir Path dir) {
        String path = dir.resolve("nope.yaml").toString();
        assertThatThrownBy(() -> ScenarioLoader.load(path)).isInstanceOfSatisfying(ScenarioException.class, e -> {
            assertThat(e.file()).isEqualTo(path);
            assertThat(e.problem()).contains("default").contains("large");
        });
    }

    @Test
    void aFileLoadsWithItsPathInErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.yaml");
        Files.writeString(file, "name: s\nduration: 10m\nseed: x\n");
        assertThatThrownBy(() -> ScenarioLoader.load(file.toString()))
                .isInstanceOfSatisfying(ScenarioException.class, e -> {
                    assertThat(e.file()).isEqualTo(file.toString());
                    assertThat(e.line()).isEqualTo(3);
                    assertThat(e.field()).isEqualTo("seed");
                });
    }
}
