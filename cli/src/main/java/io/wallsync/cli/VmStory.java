package io.wallsync.cli;

import io.wallsync.adapters.kvm.KvmException;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.rtc.RtcFlavor;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.WallclockReading;
import io.wallsync.daemon.vm.BadGuestException;
import io.wallsync.daemon.vm.DomainClock;
import io.wallsync.daemon.vm.Guests;
import io.wallsync.daemon.vm.MicroVm;
import io.wallsync.daemon.vm.VmConfig;
import io.wallsync.daemon.vm.VmOutcome;
import io.wallsync.daemon.vm.VmReport;
import io.wallsync.sim.story.HistoricalBugStory;
import io.wallsync.sim.story.StoryConfig;
import io.wallsync.sim.story.StoryGuest;
import io.wallsync.sim.story.StoryTable;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The seed's story on real vCPUs: {@link HistoricalBugStory} (dom0's clock and Xen's wallclock
 * start 5 h wrong from the battery RTC, NTP steps dom0 right) runs in virtual time, and at each
 * story guest's boot the wallclock-probe guest boots on /dev/kvm with that domain's wallclock:
 * Xen's W + system time at the boot, advancing in real time while the VM runs.
 */
final class VmStory {
    private static final long NS = 1_000_000_000L;

    /** What one real guest read. */
    record Row(
            SyncPolicy policy,
            StoryGuest guest,
            long trueEpochNs,
            VmOutcome outcome,
            long kvmWallNs,
            long kvmErrorNs,
            long cmosEpochSeconds,
            long cmosErrorNs) {}

    private VmStory() {}

    /** Runs the story under legacy and step-and-periodic, one probe VM per guest boot. */
    static List<Row> run(Duration timeout) throws IOException, BadGuestException {
        byte[] probe = Guests.builtIn(Guests.WALLCLOCK_PROBE);
        VmConfig config = new VmConfig(Guests.WALLCLOCK_PROBE, probe, "", 64L << 20, timeout, RtcFlavor.XEN);
        HistoricalBugStory story = new HistoricalBugStory(StoryConfig.defaults());
        List<Row> rows = new ArrayList<>();
        for (SyncPolicy policy : List.of(SyncPolicy.LEGACY_PERIODIC, SyncPolicy.STEP_AND_PERIODIC)) {
            List<Exception> failures = new ArrayList<>();
            story.run(policy, (guest, domain, atNs, trueEpochNs) -> {
                try {
                    rows.add(boot(config, policy, guest, domain, atNs, trueEpochNs));
                } catch (BadGuestException | KvmException e) {
                    failures.add(e);
                }
            });
            if (!failures.isEmpty()) {
                Exception first = failures.getFirst();
                if (first instanceof BadGuestException b) {
                    throw b;
                }
                throw (KvmException) first;
            }
        }
        return rows;
    }

    private static Row boot(
            VmConfig config, SyncPolicy policy, StoryGuest guest, Domain domain, long atNs, long trueEpochNs)
            throws BadGuestException, KvmException {
        if (!(domain.sharedInfo().readWallclock(SharedInfo.DEFAULT_MAX_RETRIES) instanceof WallclockReading.Value w)) {
            throw new IllegalStateException("domain " + domain.id() + ": wallclock unreadable");
        }
        // The guest's wallclock at its boot: W + system time (= atNs in the story); the true date then.
        long domainAtBootNs = w.wallclock().toEpochNanos() + atNs;
        long realStartNs = System.nanoTime();
        DomainClock clock = new DomainClock() {
            @Override
            public long wallNs() {
                return domainAtBootNs + (System.nanoTime() - realStartNs);
            }

            @Override
            public void moveOffset(long deltaSeconds) throws IOException {
                throw new IOException("the story's guests do not write the RTC");
            }
        };
        VmReport r = MicroVm.run(config, clock, OutputStream.nullOutputStream());
        // Errors against true time at the same real instants: the domain's clock runs at true rate
        // from domainAtBootNs, so true = domain time - (domainAtBootNs - trueEpochNs).
        long modelErrorNs = domainAtBootNs - trueEpochNs;
        long kvmWallNs = parse(r.value("kvm_wall_ns"));
        long kvmErrorNs = r.wallClockWrites().isEmpty()
                ? 0
                : kvmWallNs - (r.wallClockWrites().getFirst() - modelErrorNs);
        String cmos = r.value("cmos");
        long cmosS = cmos == null ? 0 : LocalDateTime.parse(cmos).toEpochSecond(ZoneOffset.UTC);
        long cmosErrorNs = cmos == null ? 0 : cmosS * NS - (r.line("cmos").domainWallNs() - modelErrorNs);
        return new Row(policy, guest, trueEpochNs, r.outcome(), kvmWallNs, kvmErrorNs, cmosS, cmosErrorNs);
    }

    private static long parse(String v) {
        return v == null ? 0 : Long.parseLong(v);
    }

    static String render(List<Row> rows) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(
                Locale.ROOT,
                "%-18s %-7s %-6s %-21s %-25s %-15s %-20s %s%n",
                "policy",
                "guest",
                "boot",
                "true date",
                "kvm wall clock",
                "error",
                "cmos",
                "error"));
        for (Row r : rows) {
            if (!(r.outcome() instanceof VmOutcome.Reset)) {
                sb.append(String.format(
                        Locale.ROOT,
                        "%-18s %-7s +%-5s %s%n",
                        StoryTable.policyName(r.policy()),
                        r.guest().name(),
                        StoryTable.minutesSeconds(r.guest().bootAfterHostBootNs()),
                        r.outcome().describe()));
                continue;
            }
            sb.append(String.format(
                    Locale.ROOT,
                    "%-18s %-7s +%-5s %-21s %-25s %-15s %-20s %s%n",
                    StoryTable.policyName(r.policy()),
                    r.guest().name(),
                    StoryTable.minutesSeconds(r.guest().bootAfterHostBootNs()),
                    Instant.ofEpochSecond(r.trueEpochNs() / NS) + "",
                    Instant.ofEpochSecond(Math.floorDiv(r.kvmWallNs(), NS), Math.floorMod(r.kvmWallNs(), NS))
                            .truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                    seconds(r.kvmErrorNs()),
                    Instant.ofEpochSecond(r.cmosEpochSeconds()),
                    seconds(r.cmosErrorNs())));
        }
        return sb.toString();
    }

    /** Signed seconds with millisecond precision: {@code -18000.000 s}. */
    static String seconds(long ns) {
        return String.format(Locale.ROOT, "%+.3f s", ns / 1e9);
    }
}
