package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry point that takes a time offset refuses one the page's s32 time_offset_sec cannot
 * carry: usage error (exit 2), the value and the range in the message, nothing started.
 */
class TimeOffsetRangeCommandTest {
    private static final String RANGE = " s out of range: expected -2147483648..2147483647 s";

    @TempDir
    Path tmp;

    @Test
    void serveDomainWithAnOffsetBeyondS32IsAUsageErrorAndNoPageIsWritten() {
        CommandRunner r =
                CommandRunner.run("serve", "--dir", tmp.toString(), "--no-control", "--domain", "web:2147483648");
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).contains("2147483648" + RANGE);
        assertThat(tmp.resolve("web.page")).doesNotExist();
    }

    @Test
    void controlSetOffsetLongMinValueAndAddBeyondS32AreUsageErrorsBeforeAnyConnection() {
        CommandRunner min =
                CommandRunner.run("control", "--dir", tmp.toString(), "set-offset", "a", "-9223372036854775808");
        assertThat(min.exitCode()).as(min.err()).isEqualTo(2);
        assertThat(min.err()).contains("-9223372036854775808" + RANGE).doesNotContain("cannot connect");
        CommandRunner big = CommandRunner.run("control", "--dir", tmp.toString(), "set-offset", "a", "2147483648");
        assertThat(big.exitCode()).isEqualTo(2);
        assertThat(big.err()).contains("2147483648" + RANGE);
        CommandRunner add = CommandRunner.run("control", "--dir", tmp.toString(), "add", "a", "-2147483649");
        assertThat(add.exitCode()).isEqualTo(2);
        assertThat(add.err()).contains("-2147483649" + RANGE);
    }

    @Test
    void aScenarioTimeOffsetBeyondS32IsAUsageErrorNamingTheField() throws Exception {
        Path file = tmp.resolve("far.yaml");
        // 2^31 s = 2147483648 s
        Files.writeString(
                file, "name: far\nduration: 1h\nguests:\n  - {name: g, boot_at: 1m, time_offset: 2147483648s}\n");
        CommandRunner r = CommandRunner.run("simulate", "--scenario", file.toString());
        assertThat(r.exitCode()).as(r.err()).isEqualTo(2);
        // The scenario loader words it as its other range errors (sim's ScenarioLoader).
        assertThat(r.err())
                .contains("field 'guests[0].time_offset': '2147483648s' is out of range")
                .contains("expected whole seconds from -2147483648 to 2147483647");
    }
}
