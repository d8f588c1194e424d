package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
    @Test
    void demoPrintsBothPoliciesAndExplainsTheTable() {
        CommandRunner r = CommandRunner.run("demo");

        assertThat(r.exitCode()).isZero();
        assertThat(r.out())
                .contains("the battery RTC says 2026-11-25T04:00:00Z")
                .contains("legacy-periodic    window  +2:00    2026-11-25T04:02:00Z      -5h 00m 00s")
                .contains("step-and-periodic  window  +2:00    2026-11-25T09:02:00Z      0 ns")
                .contains(
                        "step-and-periodic  3 hypercall(s) in 20:00: start at +0:00, step at +1:00, periodic at +12:00")
                // Linux 3.10 sync_cmos_clock runs first from the adjtimex that reports sync (+3:00)
                // and pushes at the next x.5 s (the +3:01 tick), then every 660 s (+14:01).
                .contains("legacy-periodic    2 hypercall(s) in 20:00: periodic at +3:01, periodic at +14:01")
                .contains("legacy-periodic    window  +2:00    2026-11-25T04:02:00Z      -5h 00m 00s      +3:01")
                .contains("step-and-periodic pushes on the")
                .contains("step, so it boots right.")
                // The daemon's own wiring (what serve runs) in the same story: same pushes, same dates.
                .contains("wallsync-serve     window  +2:00    2026-11-25T09:02:00Z      0 ns")
                .contains(
                        "wallsync-serve     3 hypercall(s) in 20:00: start at +0:00, step at +1:00, periodic at +12:00");
    }

    @Test
    void unknownSubcommandIsAUsageError() {
        CommandRunner r = CommandRunner.run("demon");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unmatched argument").contains("demon");
    }

    @Test
    void noSubcommandIsAUsageError() {
        CommandRunner r = CommandRunner.run();
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Missing subcommand");
    }

    @Test
    void helpListsTheDemo() {
        CommandRunner r = CommandRunner.run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("demo");
    }

    @Test
    void theRootHelpShowsEachCommandsWholeFirstSentence() {
        // The list shows each subcommand's first description element: it must not stop mid-sentence
        // (it once read "...and prints, per guest,").
        // CommandLineEdgesTest checks every subcommand's line; this one is the demo's.
        String help = CommandRunner.run("--help").out();
        assertThat(help).contains("  demo      Show the historical Xen wallclock bug and its fix, side by side.\n");
    }
}
