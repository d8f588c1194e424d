package io.wallsync.sim.story;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.dom0.SyncPolicy;
import io.wallsync.core.page.PushReason;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The historical bug and its fix on the same inputs: host RTC 5 h behind, NTP steps dom0's clock at
 * +60 s and reports sync at +180 s, a guest boots at +120 s (the window).
 */
class HistoricalBugStoryTest {
    private static final long S = 1_000_000_000L;
    // 2026-11-25T09:00:00Z = 1_795_597_200 s since the epoch (20_417 days * 86_400 + 9 h).
    private static final long BOOT_EPOCH_S = 1_795_597_200L;
    private static final long FIVE_HOURS_NS = 18_000 * S;

    private final HistoricalBugStory story = new HistoricalBugStory(StoryConfig.defaults());

    private static GuestOutcome guest(PolicyOutcome outcome, String name) {
        return outcome.guests().stream()
                .filter(g -> g.guest().name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void theDaemonsOwnWiringPushesOnTheStepAsStepAndPeriodicDoes() {
        PolicyOutcome serve = story.runServe();
        PolicyOutcome fixed = story.run(SyncPolicy.STEP_AND_PERIODIC);
        // START when the daemon starts (0 s), STEP at the NTP step (+1:00 = 60 s, pushed from
        // clock_was_set like serve's timerfd), PERIODIC 11 min after it: 60 s + 660 s = 720 s,
        // found by the beat at that second.
        assertThat(serve.policy()).isEqualTo(HistoricalBugStory.SERVE);
        assertThat(serve.pushes()).extracting(PolicyOutcome.TimedPush::atNs).containsExactly(0L, 60 * S, 720 * S);
        assertThat(serve.pushes())
                .extracting(PolicyOutcome.TimedPush::reason)
                .containsExactly(PushReason.START, PushReason.STEP, PushReason.PERIODIC);
        // Every guest believes what it believes under step-and-periodic.
        assertThat(serve.guests())
                .extracting(GuestOutcome::believedBootEpochNs)
                .isEqualTo(fixed.guests().stream()
                        .map(GuestOutcome::believedBootEpochNs)
                        .toList());
    }

    @Test
    void legacyGuestBootingAfterTheStepStillBelievesTheRtcDateUntilNtpReportsSync() {
        PolicyOutcome legacy = story.run(SyncPolicy.LEGACY_PERIODIC);

        GuestOutcome window = guest(legacy, "window");
        // True date at boot: 1_795_597_200 + 120 s. W is still the RTC's: 1_795_597_200 - 18_000 s.
        assertThat(window.bootTrueEpochNs()).isEqualTo((BOOT_EPOCH_S + 120) * S);
        assertThat(window.believedBootEpochNs()).isEqualTo((BOOT_EPOCH_S - 18_000 + 120) * S);
        assertThat(window.bootErrorNs()).isEqualTo(-FIVE_HOURS_NS);
        // Linux 3.10 sync_cmos_clock is not armed while unsynchronised; the adjtimex that reports
        // sync (180 s, realtime x.0 s after the step) kicks it (notify_cmos_timer); it aims at
        // next.tv_nsec = 0.5 s - 0 - TICK_NSEC/2 = 0.498 s, so it pushes at the next 1 s tick, 181 s;
        // then 659 s + 0.498 s later, at the 841 s tick.
        assertThat(window.rightFromNs()).hasValue(181 * S);
        assertThat(window.fixedBy()).contains(PushReason.PERIODIC);
        assertThat(legacy.pushes()).extracting(PolicyOutcome.TimedPush::atNs).containsExactly(181 * S, 841 * S);
    }

    @Test
    void stepAndPeriodicGuestBootingAfterTheStepBootsWithTheRightDate() {
        PolicyOutcome fixed = story.run(SyncPolicy.STEP_AND_PERIODIC);

        GuestOutcome window = guest(fixed, "window");
        assertThat(window.bootErrorNs()).isZero();
        assertThat(window.believedBootEpochNs()).isEqualTo((BOOT_EPOCH_S + 120) * S);
        assertThat(window.rightFromNs()).hasValue(120 * S);
        assertThat(window.fixedBy()).isEmpty();
        // Pushes: registration (0 s), the step (60 s), then 11 min after the step (60 + 660 = 720 s).
        assertThat(fixed.pushes())
                .extracting(PolicyOutcome.TimedPush::reason)
                .containsExactly(PushReason.START, PushReason.STEP, PushReason.PERIODIC);
        assertThat(fixed.pushes()).extracting(PolicyOutcome.TimedPush::atNs).containsExactly(0L, 60 * S, 720 * S);
    }

    @Test
    void aGuestBootingBeforeTheStepIsWrongUnderBothPoliciesButItsWallclockIsFixedSoonerWithTheStepPush() {
        for (SyncPolicy policy : SyncPolicy.values()) {
            assertThat(guest(story.run(policy), "early").bootErrorNs()).isEqualTo(-FIVE_HOURS_NS);
        }
        assertThat(guest(story.run(SyncPolicy.STEP_AND_PERIODIC), "early").rightFromNs())
                .hasValue(60 * S);
        assertThat(guest(story.run(SyncPolicy.LEGACY_PERIODIC), "early").rightFromNs())
                .hasValue(181 * S);
    }

    @Test
    void aGuestBootingAfterTheFirstPeriodicPushIsRightUnderBothPolicies() {
        for (SyncPolicy policy : SyncPolicy.values()) {
            GuestOutcome late = guest(story.run(policy), "late");
            assertThat(late.bootErrorNs()).isZero();
            assertThat(late.rightFromNs()).hasValue(900 * S);
        }
    }

    @Test
    void storyIsDeterministic() {
        assertThat(story.run(SyncPolicy.STEP_AND_PERIODIC)).isEqualTo(story.run(SyncPolicy.STEP_AND_PERIODIC));
    }

    @Test
    void tableShowsBothPoliciesForEveryGuest() {
        StoryConfig config = StoryConfig.defaults();
        String table = StoryTable.render(
                config, List.of(story.run(SyncPolicy.LEGACY_PERIODIC), story.run(SyncPolicy.STEP_AND_PERIODIC)));
        assertThat(table)
                .contains(
                        "legacy-periodic    window  +2:00    2026-11-25T04:02:00Z      -5h 00m 00s      +3:01 (periodic push)*")
                .contains("step-and-periodic  window  +2:00    2026-11-25T09:02:00Z      0 ns             at boot");
    }

    @Test
    void durationsAreFormattedForPeople() {
        assertThat(StoryTable.signedDuration(0)).isEqualTo("0 ns");
        assertThat(StoryTable.signedDuration(-FIVE_HOURS_NS)).isEqualTo("-5h 00m 00s");
        assertThat(StoryTable.signedDuration(1_500)).isEqualTo("+1500 ns");
        assertThat(StoryTable.signedDuration(61 * S + 7)).isEqualTo("+0h 01m 01s +7 ns");
        assertThat(StoryTable.minutesSeconds(900 * S)).isEqualTo("15:00");
    }
}
