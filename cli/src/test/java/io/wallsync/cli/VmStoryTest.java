package io.wallsync.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.wallsync.adapters.kvm.Kvm;
import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.daemon.vm.VmOutcome;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code wallsync vm story}: the bug and the fix, read by real guests on /dev/kvm. */
class VmStoryTest {
    private static final long S = 1_000_000_000L;
    private static final long MS = 1_000_000L;
    /** StoryConfig.defaults(): the battery RTC is 5 h = 18_000 s behind. */
    private static final long RTC_ERROR_NS = -18_000 * S;

    private static VmStory.Row row(List<VmStory.Row> rows, SyncPolicy policy, String guest) {
        return rows.stream()
                .filter(r -> r.policy() == policy && r.guest().name().equals(guest))
                .findFirst()
                .orElseThrow();
    }

    /**
     * The kvm wall clock error is measured against true time at the guest's wall-clock MSR exit;
     * the guest reads its kvmclock a little later (the exit's return and some emulated
     * instructions), so the error is the modelled one plus 0..100 ms (generous for a loaded box),
     * less 1 ms for the pairing of KVM_GET_CLOCK with the domain read. The CMOS shows whole seconds,
     * truncated: the modelled error minus 0..1 s.
     */
    private static void readsWithError(VmStory.Row r, long modelErrorNs) {
        assertThat(r.outcome()).isInstanceOf(VmOutcome.Reset.class);
        assertThat(r.kvmErrorNs()).isBetween(modelErrorNs - MS, modelErrorNs + 100 * MS);
        assertThat(r.cmosErrorNs()).isBetween(modelErrorNs - S - 100 * MS, modelErrorNs + MS);
    }

    @Test
    void theWindowGuestBootsFiveHoursWrongUnderLegacyAndRightUnderStepAndPeriodic() throws Exception {
        String why = Kvm.unavailableReason();
        assumeTrue(why == null, () -> "skipped: wallsync vm story needs /dev/kvm: " + why);
        List<VmStory.Row> rows = VmStory.run(Duration.ofSeconds(60));

        assertThat(rows).hasSize(6);
        // Before the step (+0:30) both policies still hand out the RTC's date.
        readsWithError(row(rows, SyncPolicy.LEGACY_PERIODIC, "early"), RTC_ERROR_NS);
        readsWithError(row(rows, SyncPolicy.STEP_AND_PERIODIC, "early"), RTC_ERROR_NS);
        // The window (+2:00, after the step at +1:00): the bug, and the fix.
        readsWithError(row(rows, SyncPolicy.LEGACY_PERIODIC, "window"), RTC_ERROR_NS);
        readsWithError(row(rows, SyncPolicy.STEP_AND_PERIODIC, "window"), 0);
        // After the first legacy periodic push (+11:00) both are right at +15:00.
        readsWithError(row(rows, SyncPolicy.LEGACY_PERIODIC, "late"), 0);
        readsWithError(row(rows, SyncPolicy.STEP_AND_PERIODIC, "late"), 0);

        String table = VmStory.render(rows);
        assertThat(table)
                .contains("legacy-periodic    window  +2:00  2026-11-25T09:02:00Z  2026-11-25T04:02:0")
                .contains("step-and-periodic  window  +2:00  2026-11-25T09:02:00Z  2026-11-25T09:02:0");
    }

    @Test
    void errorsArePrintedAsSignedSecondsWithMilliseconds() {
        assertThat(VmStory.seconds(RTC_ERROR_NS)).isEqualTo("-18000.000 s");
        assertThat(VmStory.seconds(1_500_000)).isEqualTo("+0.002 s"); // 1.5 ms rounds half up
        assertThat(VmStory.seconds(0)).isEqualTo("+0.000 s");
    }
}
