package io.wallsync.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
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
        assertThat(s.hypervisor().tscPairingJitterNs()).isZero();
    }

    @Test
    void theSlewScenarioSlewsWithJitteredPairingsAndSamplesBetweenBeats() throws ScenarioException {
        Scenario s = ScenarioLoader.load("slew");
        assertThat(s.hypervisor().tscPairingJitterNs()).isEqualTo(40);
        // 130 ms is not a divisor of the 1 s beat: reads fall at 100 phases between two beats.
        assertThat(1_000_000_000L % s.sampleIntervalNs()).isNotZero();
        assertThat(s.host().ntp().maxSlewPpm()).isEqualTo(500.0);
        assertThat(s.policies()).containsExactly(Policy.STEP_AND_PERIODIC, Policy.WALLSYNC);
    }

    @Test
    void aTscPairingJitterMustBeANonNegativeDurationOfAtMostAMillisecond() {
        for (String bad : List.of("-1ns", "2ms", "fast")) {
            String yaml = "name: t\nduration: 1h\nhypervisor:\n  tsc_pairing_jitter: " + bad + "\n";
            assertThatThrownBy(() -> ScenarioLoader.parse("bad.yaml", yaml))
                    .isInstanceOfSatisfying(ScenarioException.class, e -> {
                        assertThat(e.line()).isEqualTo(4);
                        assertThat(e.field()).isEqualTo("hypervisor.tsc_pairing_jitter");
                    });
        }
        assertThatThrownBy(() -> ScenarioLoader.parse(
                        "bad.yaml", "name: t\nduration: 1h\nhypervisor:\n  tsc_pairing_jitter: 2ms\n"))
                .hasMessageContaining("expected at most 1ms");
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
                            .isEqualTo("'often' is not a duration: expected a positive duration such as 500us, 1.5s,"
                                    + " 11m, 2h, 1d or PT11M");
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
    void aDeviceIsNotReadAsAScenario() {
        // /dev/zero never ends and has no size: refused before any read.
        assertThatThrownBy(() -> ScenarioLoader.load("/dev/zero"))
                .isInstanceOfSatisfying(
                        ScenarioException.class,
                        e -> assertThat(e.getMessage())
                                .isEqualTo("/dev/zero: is not a regular file; expected a scenario YAML file"));
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

    // --- input checks before anything runs (issue 10, hardening 6) ---

    private static ScenarioException refused(String yaml) {
        try {
            ScenarioLoader.parse("bad.yaml", yaml);
        } catch (ScenarioException e) {
            return e;
        }
        throw new AssertionError("accepted:\n" + yaml);
    }

    private static ScenarioException refusedFile(Path file) {
        try {
            ScenarioLoader.load(file.toString());
        } catch (ScenarioException e) {
            return e;
        }
        throw new AssertionError("accepted " + file);
    }

    @Test
    void aNanosecondTickOverAnHourIsRefusedNamingTheFieldAndTheEstimate() {
        ScenarioException e = refused("name: t\nduration: 1h\ntick: 1ns\n");
        // Per policy: 3600 s / 1 ns = 3,600,000,000,000 ticks; 3600 s / 1 s + 1 = 3601 samples;
        // NTP polls at 30 s + k * 64 s up to 3600 s: floor(3570 / 64) + 1 = 56; two oscillators,
        // one random-walk step per 10 s: 2 * 360 = 720. Sum 3,600,000,004,377, times 4 policies.
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.field()).isEqualTo("tick");
        assertThat(e.problem())
                .contains("3,600,000,000,000 host ticks per policy run")
                .contains("an estimated 14,400,000,017,508 engine events for 4 policies")
                .contains("expected at most 1,000,000,000")
                .contains("use a longer tick");
    }

    @Test
    void theFieldAskingForMostOfTheWorkIsTheOneNamed() {
        // 1 guest re-reading every 1 us for 1 h: 3.6e9 re-reads per policy outweigh 3600 ticks.
        String reread = "name: t\nduration: 1h\nguests:\n  - name: g\n    boot_at: 0s\n    reads: boot-only\n"
                + "    reread_interval: 1us\n";
        ScenarioException e = refused(reread);
        assertThat(e.field()).isEqualTo("guests[0].reread_interval");
        assertThat(e.line()).isEqualTo(7);
        assertThat(e.problem()).contains("3,600,000,000 re-reads of its 1 guest");
        // Polling NTP every 1 us: floor((3600 s - 30 s) / 1 us) + 1 = 3,570,000,001 polls.
        ScenarioException polls = refused("name: t\nduration: 1h\nhost:\n  ntp:\n    poll_interval: 1us\n");
        assertThat(polls.field()).isEqualTo("host.ntp.poll_interval");
        assertThat(polls.line()).isEqualTo(5);
        assertThat(polls.problem()).contains("3,570,000,001 NTP polls");
    }

    @Test
    void tooManySampleInstantsAreRefusedEvenWithoutGuests() {
        // 1 h / 1 ms + 1 = 3,600,001 instants pass; 1 h / 100 us + 1 = 36,000,001 exceed 5,000,000.
        assertThat(RunEstimate.sampleInstants(3_600_000_000_000L, 1_000_000L)).isEqualTo(3_600_001.0);
        ScenarioException e = refused("name: t\nduration: 1h\nsample_interval: 100us\n");
        assertThat(e.field()).isEqualTo("sample_interval");
        assertThat(e.problem()).contains("36,000,001 sample instants per policy, expected at most 5,000,000");
    }

    @Test
    void aFileOverOneMebibyteIsRefusedBeforeItIsParsed(@TempDir Path dir) throws Exception {
        Path big = dir.resolve("big.yaml");
        // Valid YAML all the way (a comment), so only the size can be the reason.
        Files.writeString(big, "name: t\nduration: 1h\n#" + "x".repeat(1 << 20) + "\n");
        long size = Files.size(big); // "name: t\n" 8 + "duration: 1h\n" 13 + "#" 1 + 1048576 + "\n" 1
        assertThat(size).isEqualTo(1_048_599L);
        ScenarioException e = refusedFile(big);
        assertThat(e.line()).isZero();
        assertThat(e.problem())
                .isEqualTo("the file has 1048599 bytes; a scenario file is at most 1 MiB (1048576 bytes)");
    }

    @Test
    void binaryInputIsReportedWithItsLine(@TempDir Path dir) throws Exception {
        Path nul = dir.resolve("nul.yaml");
        Files.write(nul, "name: t\nduration: 1h\0\n".getBytes(StandardCharsets.UTF_8));
        ScenarioException e = refusedFile(nul);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.problem()).contains("NUL byte").contains("binary file");

        Path latin1 = dir.resolve("latin1.yaml");
        // "dur:1\nx:c\xe9\n", the \xe9 of ISO-8859-1 "café": at offset 9 (line 2) it starts a 3-byte
        // UTF-8 sequence that "\n" cannot continue.
        Files.write(latin1, new byte[] {'d', 'u', 'r', ':', '1', '\n', 'x', ':', 'c', (byte) 0xe9, '\n'});
        ScenarioException bad = refusedFile(latin1);
        assertThat(bad.line()).isEqualTo(2);
        assertThat(bad.problem()).isEqualTo("byte 0xe9 at offset 9 is not UTF-8: expected YAML text in UTF-8");
    }

    @Test
    void aTabInTheIndentationIsReportedWithLineAndColumn() {
        ScenarioException e = refused("name: t\nduration: 1h\nhost:\n  \tntp:\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem()).isEqualTo("a tab in the indentation (column 3); YAML indents with spaces only");
        // A tab inside a value is text, not indentation.
        assertThatNoException().isThrownBy(() -> ScenarioLoader.parse("ok.yaml", "name: \"a\tb\"\nduration: 1h\n"));
    }

    @Test
    void anchorsAndAliasesAreRefusedWithTheirLine() {
        ScenarioException anchor = refused("name: t\nduration: &d 1h\n");
        assertThat(anchor.line()).isEqualTo(2);
        assertThat(anchor.problem()).contains("YAML anchor '&d' is not supported");
        // A merge key with an alias (its anchor would be refused first): reported where it stands.
        ScenarioException merge = refused("name: t\nduration: 1h\nhost:\n  <<: *base\n");
        assertThat(merge.line()).isEqualTo(4);
        assertThat(merge.problem()).contains("YAML alias '*base' is not supported");
    }

    @Test
    void aSecondYamlDocumentIsRefusedWhereItStarts() {
        ScenarioException e = refused("name: t\nduration: 1h\n---\nname: u\n");
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.problem()).contains("a second YAML document starts here");
        ScenarioException afterEnd = refused("name: t\nduration: 1h\n...\nname: u\n");
        assertThat(afterEnd.line()).isEqualTo(4);
        // Content after an end marker needs a new '---': YAML itself refuses it, at that line.
        assertThat(afterEnd.problem()).startsWith("not valid YAML: expected '<document start>'");
        // A leading document marker and a closing one are plain YAML style.
        assertThatNoException()
                .isThrownBy(() -> ScenarioLoader.parse("ok.yaml", "# c\n---\nname: t\nduration: 1h\n...\n"));
    }

    @Test
    void aSyntaxErrorIsOneLineWithTheProblemAndWhereItsContextStarted() {
        ScenarioException e = refused("name: t\nduration: 1h\nhost: [1, 2\n");
        assertThat(e.line()).isEqualTo(4);
        assertThat(e.problem())
                .isEqualTo("not valid YAML: expected ',' or ']', but got <stream end> (while parsing a flow"
                        + " sequence from line 3)");
    }

    static final List<String> BAD_INPUTS = List.of(
            "name: t\nduration: 1h\nhost: [1, 2\n",
            "name: \"t\nduration: 1h\n",
            "name: t\nduration: 1h\n  x: 2\n",
            "name: t\nduration: 1h\nhost:\n\tntp: {}\n",
            "name: t\nduration: &d 1h\n",
            "name: t\nduration: 1h\n---\nname: u\n",
            "name: t\nduration: 1h\ntick: 1ns\n",
            "name: t\nduration: 1h\ntick: 99999999999999999999s\n",
            "name: t\nduration: 1h\ntick: PT99999999999999999999S\n",
            "name: t\nduration: 1h\nseed: 1e400\n",
            "name: t\nduration: 1h\nstart: yesterday\n",
            "name: t\nduration: 1h\nguests:\n  - {name: g, boot_at: 0s, time_offset: 99999999999999999999}\n",
            "[1, 2]\n",
            "name: t\nduration: 1h\nname\n");

    @ParameterizedTest
    @FieldSource("BAD_INPUTS")
    void noMessageNamesAJavaExceptionClass(String yaml) {
        ScenarioException e = refused(yaml);
        assertThat(e.getMessage())
                .doesNotContain("Exception")
                .doesNotContain("java.")
                .doesNotContain("jackson")
                .doesNotContain("snakeyaml")
                .doesNotContain("\n")
                .startsWith("bad.yaml:");
    }

    @Test
    void timeOffsetIsWholeSecondsAsABareIntegerOrADurationWithinS32() throws ScenarioException {
        String group = "name: t\nduration: 1h\nguests:\n  - {name: g, boot_at: 1m, time_offset: %s}\n";
        assertThat(ScenarioLoader.parse("t.yaml", group.formatted("3600"))
                        .guests()
                        .getFirst()
                        .timeOffsetSeconds())
                .isEqualTo(3600);
        assertThat(ScenarioLoader.parse("t.yaml", group.formatted("1h"))
                        .guests()
                        .getFirst()
                        .timeOffsetSeconds())
                .isEqualTo(3600);
        assertThat(ScenarioLoader.parse("t.yaml", group.formatted("-30s"))
                        .guests()
                        .getFirst()
                        .timeOffsetSeconds())
                .isEqualTo(-30);
        // shared_info publishes time_offset as s32: -2^31 .. 2^31 - 1.
        assertThat(ScenarioLoader.parse("t.yaml", group.formatted("-2147483648"))
                        .guests()
                        .getFirst()
                        .timeOffsetSeconds())
                .isEqualTo(Integer.MIN_VALUE);
        ScenarioException over = refused(group.formatted("2147483648"));
        assertThat(over.field()).isEqualTo("guests[0].time_offset");
        assertThat(over.problem())
                .startsWith("'2147483648' is out of range: expected whole seconds from -2147483648" + " to 2147483647");
        assertThat(refused(group.formatted("1.5s")).problem()).startsWith("'1.5s' is not whole seconds");
        assertThat(refused(group.formatted("soon")).problem()).startsWith("'soon' is not a number of seconds");
    }
}
