package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.ntp.RateLimiter;
import io.wallsync.sim.scenario.ScenarioException;
import io.wallsync.sim.scenario.ScenarioLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Rough edges of the command line (issue 10): suggestions, durations, --ntp twice, help lines. */
class CommandLineEdgesTest {
    @Test
    void aMisspeltOptionSuggestsTheNearestOptionNotTheOneWithTheLongestPrefix() {
        CommandRunner r = CommandRunner.run("simulate", "--senario", "x");
        assertThat(r.exitCode()).isEqualTo(2);
        // --senario -> --scenario is one insertion; picocli offered --seed.
        assertThat(r.err()).contains("Did you mean '--scenario'?").doesNotContain("--seed");
        CommandRunner value = CommandRunner.run("simulate", "--sumary-json=x.json");
        assertThat(value.err()).contains("Did you mean '--summary-json'?");
        CommandRunner sub = CommandRunner.run("simulat");
        assertThat(sub.exitCode()).isEqualTo(2);
        assertThat(sub.err()).contains("Did you mean 'simulate'?");
        // A one-letter option is no typo of another one-letter option.
        assertThat(CommandRunner.run("simulate", "-x").err()).doesNotContain("Did you mean");
        // Nothing near: no guess, the usage instead.
        CommandRunner far = CommandRunner.run("simulate", "--zzzzzzzzzz");
        assertThat(far.exitCode()).isEqualTo(2);
        assertThat(far.err()).doesNotContain("Did you mean").contains("Usage: wallsync simulate");
    }

    @Test
    void theCommandLineTakesTheScenarioDurationGrammarWithTheSameWords() throws Exception {
        DurationConverter c = new DurationConverter();
        assertThat(c.convert("1ns")).isEqualTo(Duration.ofNanos(1));
        assertThat(c.convert("1000d")).isEqualTo(Duration.ofDays(1000));
        assertThat(c.convert("2h10m")).isEqualTo(Duration.ofMinutes(130));
        assertThat(c.convert("1.5s")).isEqualTo(Duration.ofMillis(1500));
        for (String bad : List.of("often", "0s", "1.5ns", "99999999999999999999s")) {
            String cli = assertThatThrownBy(() -> c.convert(bad))
                    .isInstanceOf(CommandLine.TypeConversionException.class)
                    .actual()
                    .getMessage();
            ScenarioException e = scenarioError("name: t\nduration: 1h\ntick: " + bad + "\n");
            assertThat(cli).as(bad).isEqualTo(e.problem());
        }
    }

    private static ScenarioException scenarioError(String yaml) {
        try {
            ScenarioLoader.parse("t.yaml", yaml);
        } catch (ScenarioException e) {
            return e;
        }
        throw new AssertionError("accepted " + yaml);
    }

    @Test
    void theSameNtpAddressTwiceIsAUsageErrorBeforeAnythingIsServed(@TempDir Path dir) {
        CommandRunner serve = CommandRunner.run(
                "serve",
                "--dir",
                dir.toString(),
                "--no-control",
                "--ntp",
                "host@127.0.0.1:11999",
                "--ntp",
                "host@127.0.0.1:11999");
        assertThat(serve.exitCode()).isEqualTo(2);
        assertThat(serve.err())
                .contains("--ntp host@127.0.0.1:11999 and --ntp host@127.0.0.1:11999 bind the same UDP port");
        assertThat(serve.out()).doesNotContain("serving");
        assertThat(dir.resolve("host.page")).doesNotExist();
        CommandRunner ntp = CommandRunner.run("ntp", "--ntp", "0.0.0.0:11998", "--ntp", "127.0.0.1:11998");
        assertThat(ntp.exitCode()).isEqualTo(2);
        assertThat(ntp.err()).contains("bind the same UDP port");
        assertThat(ntp.out()).doesNotContain("serving");
    }

    @Test
    void portZeroTwiceIsTwoFreePortsNotAClash() {
        var a = io.wallsync.adapters.ntp.NtpEndpoint.parse("127.0.0.1:0");
        NtpOptions.requireDistinct(List.of(a, a));
    }

    @Test
    void theNtpLogSaysTheRateLimitInWordsNotAsARecord() {
        // DEFAULT: interval 2^1 s, burst 8, leak 1 in 2^2, KoD 1 in 2^2, 16384 clients
        assertThat(NtpOptions.describe(Optional.of(RateLimiter.Config.DEFAULT)))
                .isEqualTo("1 answer per 2s per client after a burst of 8, 1/4 of the rest answered, 1/4 KoD RATE,"
                        + " 16384 clients");
        // interval 2^-1 s = 500 ms, no KoD
        assertThat(NtpOptions.describe(Optional.of(new RateLimiter.Config(-1, 4, 1, 0, 1024))))
                .isEqualTo("1 answer per 500ms per client after a burst of 4, 1/2 of the rest answered, no KoD,"
                        + " 1024 clients");
        assertThat(NtpOptions.describe(Optional.empty())).isEqualTo("off");
    }

    @Test
    void everySubcommandIsListedWithAWholeShortSentence() {
        CommandLine root = WallsyncCommand.commandLine();
        String help = root.getUsageMessage();
        for (var entry : root.getSubcommands().entrySet()) {
            // What picocli lists: the header if the command has one (picocli's own 'help'), else the
            // first description paragraph.
            var usage = entry.getValue().getCommandSpec().usageMessage();
            String[] shown = usage.header().length > 0 ? usage.header() : usage.description();
            String first = shown.length > 0 ? shown[0] : "";
            assertThat(first).as(entry.getKey()).endsWith(".");
            // The whole sentence on the command's own line of 'wallsync --help', not wrapped.
            Pattern line =
                    Pattern.compile("(?m)^  " + Pattern.quote(entry.getKey()) + " +" + Pattern.quote(first) + "$");
            assertThat(line.matcher(help).find())
                    .as(entry.getKey() + " in:\n" + help)
                    .isTrue();
        }
    }

    @Test
    void demoSaysItRunsItsOwnStoryNotTheDefaultScenario() {
        CommandRunner r = CommandRunner.run("demo", "--help");
        assertThat(r.out()).contains("Runs demo's own short story (not simulate's default scenario)");
        assertThat(r.out()).doesNotContain("default story");
    }

    @Test
    void anInternalErrorWithoutAMessageNamesWhereNotAnExceptionClass() {
        NullPointerException bare = new NullPointerException();
        bare.setStackTrace(new StackTraceElement[] {new StackTraceElement("io.wallsync.X", "run", "X.java", 7)});
        String text = RuntimeErrors.describe(bare);
        assertThat(text)
                .isEqualTo("internal error without a message at io.wallsync.X.run(X.java:7) (please report it"
                        + " with the command line)");
        // A wrapper whose message is only its cause's toString() gives the cause's words.
        String wrapped = RuntimeErrors.describe(new IllegalStateException(new java.io.IOException("disk full")));
        assertThat(wrapped).isEqualTo("disk full");
    }
}
