package io.wallsync.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every step path does to REALTIME, MONOTONIC, BOOTTIME and TAI, and what it notifies. */
class TimekeeperStepsTest {
    private static final long S = 1_000_000_000L;
    /** 2023-11-14T22:13:20Z. */
    private static final long R0 = 1_700_000_000L * S;

    private FakeClocksource clock;
    private Timekeeper tk;
    private final List<GtodEvent> gtod = new ArrayList<>();
    private final List<ClockWasSetEvent> cws = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new FakeClocksource(5_000); // the raw origin is the first reading, not 0
        tk = new Timekeeper(clock, R0);
        Recorders.record(tk, gtod, cws);
    }

    private void assertClocks(long realtime, long monotonic, long boottime, long tai) {
        assertThat(tk.realtimeNs()).as("realtime").isEqualTo(realtime);
        assertThat(tk.monotonicNs()).as("monotonic").isEqualTo(monotonic);
        assertThat(tk.boottimeNs()).as("boottime").isEqualTo(boottime);
        assertThat(tk.taiNs()).as("tai").isEqualTo(tai);
    }

    @Test
    void freshTimekeeperStartsAtTheGivenRealtimeWithMonotonicAtZeroAndUnsynchronised() {
        assertClocks(R0, 0, 0, R0);
        assertThat(tk.rawNs()).isZero();
        clock.advance(2 * S);
        assertClocks(R0 + 2 * S, 2 * S, 2 * S, R0 + 2 * S);
        assertThat(tk.rawNs()).isEqualTo(2 * S);
        assertThat(tk.syncState()).isEqualTo(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE));
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_ERROR);
    }

    @Test
    void readingDoesNotAdvanceAndTickKeepsTheSameReading() {
        clock.advance(1_500_000_000L);
        long before = tk.realtimeNs();
        assertThat(tk.realtimeNs()).isEqualTo(before);
        tk.tick();
        assertThat(tk.realtimeNs()).isEqualTo(R0 + 1_500_000_000L);
        assertThat(tk.snapshot().realtimeNs()).isEqualTo(R0 + 1_500_000_000L);
    }

    @Test
    void tickRunsGtodWithWasSetFalseAndNoClockWasSet() {
        clock.advance(S);
        GtodEvent event = tk.tick();
        assertThat(event.wasSet()).isFalse();
        assertThat(gtod).containsExactly(event);
        assertThat(event.snapshot().realtimeNs()).isEqualTo(R0 + S);
        assertThat(event.snapshot().monotonicNs()).isEqualTo(S);
        assertThat(cws).isEmpty();
        assertThat(tk.clockWasSetSeq()).isZero();
        assertThat(tk.tickCount()).isEqualTo(1);
    }

    @Test
    void settimeofdayMovesRealtimeAndTaiOnly() {
        clock.advance(2 * S);
        // realtime R0 + 2 s -> 1_700_000_100 s: step = 98 s; monotonic/boottime stay at 2 s.
        long target = 1_700_000_100L * S;
        StepResult result = tk.settimeofday(target);

        assertClocks(target, 2 * S, 2 * S, target);
        ClockWasSetEvent event = ((StepResult.Stepped) result).event();
        assertThat(event.reason()).isEqualTo(ClockWasSetReason.SETTIMEOFDAY);
        assertThat(event.delayed()).isFalse();
        assertThat(event.realtimeStepNs()).isEqualTo(98 * S);
        assertThat(event.seq()).isEqualTo(1);
        assertThat(tk.clockWasSetSeq()).isEqualTo(1);
        assertThat(cws).containsExactly(event);
        assertThat(gtod).hasSize(1);
        assertThat(gtod.getFirst().wasSet()).isTrue();
        assertThat(gtod.getFirst().snapshot().realtimeNs()).isEqualTo(target);
        assertThat(gtod.getFirst().snapshot().clockWasSetSeq()).isEqualTo(1);

        clock.advance(S);
        assertClocks(target + S, 3 * S, 3 * S, target + S);
    }

    @Test
    void settimeofdayClearsNtpStateLikeNtpClear() {
        tk.adjtimex(Timex.builder().status(0).maxError(1_000).estError(100).build());
        assertThat(tk.syncState().synchronised()).isTrue();

        tk.settimeofday(R0 + 60 * S);

        assertThat(tk.syncState()).isEqualTo(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE));
    }

    @Test
    void settimeofdayRefusesNegativeAndBelowMonotonicTimes() {
        clock.advance(10 * S);
        assertThat(tk.settimeofday(-1)).isInstanceOf(StepResult.Rejected.class);
        // monotonic is 10 s: realtime 9.999999999 s would make wall_to_monotonic positive.
        StepResult below = tk.settimeofday(10 * S - 1);
        assertThat(below).isInstanceOf(StepResult.Rejected.class);
        assertThat(((StepResult.Rejected) below).reason()).contains("monotonic");
        // exactly equal to monotonic is allowed (wall_to_monotonic = 0).
        assertThat(tk.settimeofday(10 * S)).isInstanceOf(StepResult.Stepped.class);
        assertThat(tk.settimeofday(Timekeeper.TIME_SETTOD_SEC_MAX * S)).isInstanceOf(StepResult.Rejected.class);
        assertThat(cws).hasSize(1);
    }

    @Test
    void injectOffsetShiftsRealtimeAndTaiButNotMonotonicOrBoottime() {
        clock.advance(S);
        StepResult result = tk.injectOffset(-500_000_000L);

        assertClocks(R0 + 500_000_000L, S, S, R0 + 500_000_000L);
        ClockWasSetEvent event = ((StepResult.Stepped) result).event();
        assertThat(event.reason()).isEqualTo(ClockWasSetReason.INJECT_OFFSET);
        assertThat(event.realtimeStepNs()).isEqualTo(-500_000_000L);
        assertThat(gtod).singleElement().extracting(GtodEvent::wasSet).isEqualTo(true);
    }

    @Test
    void injectOffsetRefusesToPutRealtimeBelowMonotonic() {
        clock.advance(2 * S);
        // realtime R0 + 2 s, monotonic 2 s: -R0 lands exactly on monotonic (allowed), one ns more is refused.
        assertThat(tk.injectOffset(-R0 - 1)).isInstanceOf(StepResult.Rejected.class);
        assertClocks(R0 + 2 * S, 2 * S, 2 * S, R0 + 2 * S);
        assertThat(tk.injectOffset(-R0)).isInstanceOf(StepResult.Stepped.class);
        assertThat(tk.realtimeNs()).isEqualTo(2 * S);
        assertThat(tk.injectOffset(Long.MAX_VALUE)).isInstanceOf(StepResult.Rejected.class);
    }

    @Test
    void setTaiOffsetMovesOnlyTaiAndStillCallsClockWasSet() {
        clock.advance(S);
        StepResult result = tk.setTaiOffset(37);

        assertClocks(R0 + S, S, S, R0 + S + 37 * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(37);
        ClockWasSetEvent event = ((StepResult.Stepped) result).event();
        assertThat(event.reason()).isEqualTo(ClockWasSetReason.SET_TAI_OFFSET);
        assertThat(event.realtimeStepNs()).isZero();
        assertThat(event.snapshot().taiOffsetSeconds()).isEqualTo(37);
        assertThat(gtod).singleElement().extracting(GtodEvent::wasSet).isEqualTo(true);
        assertThat(tk.setTaiOffset(-1)).isInstanceOf(StepResult.Rejected.class);
        assertThat(tk.setTaiOffset(100_001)).isInstanceOf(StepResult.Rejected.class);
    }

    @Test
    void injectSleepTimeAdvancesRealtimeBoottimeAndTaiButNotMonotonic() {
        tk.setTaiOffset(37);
        clock.advance(S);
        StepResult result = tk.injectSleepTime(10 * S);

        // realtime R0 + 1 s + 10 s; monotonic 1 s; boottime 1 s + 10 s; tai realtime + 37 s.
        assertClocks(R0 + 11 * S, S, 11 * S, R0 + 48 * S);
        ClockWasSetEvent event = ((StepResult.Stepped) result).event();
        assertThat(event.reason()).isEqualTo(ClockWasSetReason.INJECT_SLEEP_TIME);
        assertThat(event.realtimeStepNs()).isEqualTo(10 * S);
        assertThat(event.snapshot().boottimeNs()).isEqualTo(11 * S);
        assertThat(tk.injectSleepTime(-1)).isInstanceOf(StepResult.Rejected.class);

        clock.advance(S);
        assertClocks(R0 + 12 * S, 2 * S, 12 * S, R0 + 49 * S);
    }

    @Test
    void adjtimexSetOffsetStepsByNanosecondsOrMicroseconds() {
        clock.advance(S);
        // ADJ_SETOFFSET|ADJ_NANO with sec = -3, nsec = 250_000_000: step = -2.75 s.
        TimexResult nano =
                tk.adjtimex(Timex.builder().setOffsetNanos(-3, 250_000_000).build());
        assertThat(nano).isInstanceOf(TimexResult.Done.class);
        assertClocks(R0 + S - 2_750_000_000L, S, S, R0 + S - 2_750_000_000L);
        // ADJ_SETOFFSET in us: sec = 1, usec = 500_000: step = +1.5 s.
        tk.adjtimex(Timex.builder().setOffsetMicros(1, 500_000).build());
        assertClocks(R0 + S - 1_250_000_000L, S, S, R0 + S - 1_250_000_000L);

        assertThat(cws)
                .extracting(ClockWasSetEvent::reason)
                .containsExactly(ClockWasSetReason.ADJTIMEX_SETOFFSET, ClockWasSetReason.ADJTIMEX_SETOFFSET);
        assertThat(cws).extracting(ClockWasSetEvent::realtimeStepNs).containsExactly(-2_750_000_000L, 1_500_000_000L);
        assertThat(gtod).extracting(GtodEvent::wasSet).containsExactly(true, true);
        assertThat(tk.clockWasSetSeq()).isEqualTo(2);
    }

    @Test
    void everyStepIsWasSetTrueAndEveryTickWasSetFalse() {
        clock.advance(S);
        tk.tick();
        tk.settimeofday(R0 + 100 * S);
        clock.advance(S);
        tk.tick();
        tk.injectOffset(S);
        tk.setTaiOffset(36);
        tk.injectSleepTime(S);
        tk.adjtimex(Timex.builder().setOffsetNanos(0, 1).build());
        clock.advance(S);
        tk.tick();

        assertThat(gtod)
                .extracting(GtodEvent::wasSet)
                .containsExactly(false, true, false, true, true, true, true, false);
        assertThat(cws).extracting(ClockWasSetEvent::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(cws).allSatisfy(e -> assertThat(e.delayed()).isFalse());
    }

    @Test
    void registeringAGtodNotifierFiresTheChainAtOnceWithWasSetTrue() {
        clock.advance(S);
        tk.tick();
        gtod.clear();
        List<GtodEvent> late = new ArrayList<>();

        tk.registerGtodNotifier(
                e -> {
                    late.add(e);
                    return NotifyResult.OK;
                },
                5);

        assertThat(late).singleElement().satisfies(e -> {
            assertThat(e.wasSet()).isTrue();
            assertThat(e.snapshot().realtimeNs()).isEqualTo(R0 + S);
        });
        // As update_pvclock_gtod(tk, true) walks the whole chain, the earlier block sees it too.
        assertThat(gtod).singleElement().extracting(GtodEvent::wasSet).isEqualTo(true);
        // No clock_was_set: registering is not a step.
        assertThat(cws).isEmpty();
        assertThat(tk.clockWasSetSeq()).isZero();
    }

    @Test
    void gtodChainHonoursPriorityAndStop() {
        List<String> order = new ArrayList<>();
        tk.registerGtodNotifier(
                e -> {
                    order.add("kvm");
                    return NotifyResult.STOP;
                },
                10);
        order.clear();
        gtod.clear();
        clock.advance(S);
        tk.tick();
        assertThat(order).containsExactly("kvm");
        assertThat(gtod).isEmpty(); // the priority-0 recorder never ran
    }

    @Test
    void aClocksourceThatGoesBackwardsFreezesTimeInsteadOfReversingIt() {
        clock.advance(5 * S);
        tk.tick();
        clock.advance(-2 * S);
        assertThat(tk.realtimeNs()).isEqualTo(R0 + 5 * S);
        tk.tick();
        assertThat(tk.monotonicNs()).isEqualTo(5 * S);
        clock.advance(3 * S);
        assertThat(tk.monotonicNs()).isEqualTo(6 * S);
    }

    @Test
    void snapshotNowReadsAllClocksAtOneInstantWithoutChangingState() {
        tk.setTaiOffset(37);
        clock.advance(1_250_000_000L);
        TimekeeperSnapshot now = tk.snapshotNow();
        assertThat(now.realtimeNs()).isEqualTo(R0 + 1_250_000_000L);
        assertThat(now.monotonicNs()).isEqualTo(1_250_000_000L);
        assertThat(now.rawNs()).isEqualTo(1_250_000_000L);
        assertThat(now.taiNs()).isEqualTo(R0 + 38_250_000_000L);
        assertThat(tk.snapshot().realtimeNs()).isEqualTo(R0); // last update was the TAI step at 0 s
    }
}
