package io.wallsync.cli;

import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.sim.story.HistoricalBugStory;
import io.wallsync.sim.story.PolicyOutcome;
import io.wallsync.sim.story.StoryConfig;
import io.wallsync.sim.story.StoryTable;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code wallsync demo}: the historical bug and its fix, on demo's own story ({@link StoryConfig#defaults()}). */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            // One element per paragraph: picocli wraps each, and the root command's list shows the
            // first, so that one must be a whole sentence.
            "Show the historical Xen wallclock bug and its fix, side by side.",
            "Runs demo's own short story (not simulate's default scenario) in virtual time under both dom0"
                    + " policies and under wallsync serve's own wiring, and prints, per guest, the date it"
                    + " believed at boot, its error, and when its"
                    + " wallclock became right.",
            "Story: the host boots with its battery RTC 5 h behind; NTP steps dom0's clock at +1:00 and"
                    + " reports sync at +3:00; PV guests boot at +0:30, +2:00 and +15:00; 20 minutes, 1 s ticks."
        })
final class DemoCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        StoryConfig config = StoryConfig.defaults();
        HistoricalBugStory story = new HistoricalBugStory(config);
        List<PolicyOutcome> outcomes = new ArrayList<>();
        for (SyncPolicy policy : SyncPolicy.values()) {
            outcomes.add(story.run(policy));
        }
        // The daemon itself (what serve runs), on memory pages in the same virtual time.
        outcomes.add(story.runServe());
        Instant rtc = config.hostBootTrue().plusNanos(config.rtcErrorNs());
        out.printf(
                "Host and Xen boot at %s (true); the battery RTC says %s, so Xen's wallclock and dom0's clock"
                        + " start wrong.%n",
                config.hostBootTrue(), rtc);
        out.printf(
                "NTP steps dom0's clock right at +%s and reports sync at +%s; periodic pushes every 11 min.%n%n",
                StoryTable.minutesSeconds(config.ntpStepAtNs()), StoryTable.minutesSeconds(config.ntpSyncedAtNs()));
        out.print(StoryTable.render(config, outcomes));
        out.println();
        out.println(
                "legacy-periodic (Linux < 3.11) pushes only once NTP reports sync, then every 11 min: the 'window' guest,");
        out.println(
                "booted after the NTP step but before sync, still gets the 5 h old date; step-and-periodic pushes on the");
        out.println("step, so it boots right.");
        out.println("wallsync-serve is the daemon behind 'wallsync serve' (its push loop beating every second): it"
                + " pushes on the step too.");
        out.flush();
        return 0;
    }
}
