package io.wallsync.core.time;

import static io.wallsync.core.time.TimexStatus.STA_DEL;
import static io.wallsync.core.time.TimexStatus.STA_INS;
import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.LeapIndicator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Leap seconds at the end of 2016-12-31 (the real one was an insertion): Unix 1_483_228_799 is
 * 23:59:59 UTC and 1_483_228_800 = 17_167 * 86_400 is midnight.
 */
class LeapSecondTest {
    private static final long S = 1_000_000_000L;
    private static final long MIDNIGHT = 1_483_228_800L;
    /** 23:59:50. */
    private static final long START = (MIDNIGHT - 10) * S;

    private FakeClocksource clock;
    private Timekeeper tk;
    private final List<GtodEvent> gtod = new ArrayList<>();
    private final List<ClockWasSetEvent> cws = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new FakeClocksource(0);
        tk = new Timekeeper(clock, START);
        tk.setTaiOffset(36); // TAI - UTC before 2017-01-01
        Recorders.record(tk, gtod, cws);
    }

    /**
     * ADJ_STATUS | ADJ_MAXERROR: what an NTP daemon sends. maxerror must come down too, or the next
     * second_overflow() finds it above NTP_PHASE_LIMIT and sets STA_UNSYNC again.
     */
    private static Timex synced(int status) {
        return Timex.builder().status(status).maxError(0).estError(0).build();
    }

    private void tickAfter(long ns) {
        clock.advance(ns);
        tk.tick();
    }

    @Test
    void aLeapAppliedInsideAdjFrequencyIsAPlainClockWasSetNotADelayedOne() {
        // kernel/time/timekeeping.c do_adjtimex:
        //     /* Update the multiplier immediately if frequency was set directly */
        //     if (txc->modes & (ADJ_FREQUENCY | ADJ_TICK))
        //         clock_set |= timekeeping_advance(TK_ADV_FREQ);
        //     if (clock_set)
        //         clock_was_set(CLOCK_SET_WALL);
        // whereas update_wall_time does "if (timekeeping_advance(TK_ADV_TICK)) clock_was_set_delayed();".
        tk.adjtimex(synced(STA_INS));
        tickAfter(S); // 23:59:51: TIME_INS
        clock.advance(9 * S + S / 2); // 00:00:00.5 reached without a tick
        tk.adjtimex(Timex.builder().frequency(1L << 16).build());
        assertThat(cws).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(ClockWasSetReason.LEAP_SECOND_INSERT);
            assertThat(e.delayed()).isFalse();
            assertThat(e.realtimeStepNs()).isEqualTo(-S);
        });
    }

    @Test
    void insertRepeats235959AsLeapSecondAndRaisesTaiOffset() {
        tk.adjtimex(synced(STA_INS));
        assertThat(tk.syncState().leap()).isEqualTo(LeapIndicator.INSERT);
        // STA_INS is seen by the next second_overflow (23:59:51): TIME_OK -> TIME_INS.
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_OK);
        tickAfter(S);
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_INS);

        for (int i = 2; i <= 9; i++) {
            tickAfter(S);
        }
        // 23:59:59, nothing applied yet; TAI = UTC + 36 s.
        assertThat(tk.realtimeNs()).isEqualTo((MIDNIGHT - 1) * S);
        assertThat(tk.taiNs()).isEqualTo((MIDNIGHT + 35) * S);
        assertThat(cws).isEmpty();
        gtod.clear();

        tickAfter(S);
        // Entering 00:00:00 the kernel sets xtime back one second: 23:59:60 is shown as 23:59:59.
        assertThat(tk.realtimeNs()).isEqualTo((MIDNIGHT - 1) * S);
        assertThat(tk.monotonicNs()).isEqualTo(10 * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(37);
        assertThat(tk.taiNs()).isEqualTo((MIDNIGHT + 36) * S); // TAI ran on without a jump
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_OOP);
        assertThat(cws).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(ClockWasSetReason.LEAP_SECOND_INSERT);
            assertThat(e.delayed()).isTrue();
            assertThat(e.realtimeStepNs()).isEqualTo(-S);
            assertThat(e.snapshot().taiOffsetSeconds()).isEqualTo(37);
        });
        assertThat(gtod).singleElement().extracting(GtodEvent::wasSet).isEqualTo(true);

        tickAfter(S);
        // The second 00:00:00 arrives for real; TIME_OOP -> TIME_WAIT, an ordinary tick.
        assertThat(tk.realtimeNs()).isEqualTo(MIDNIGHT * S);
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_WAIT);
        assertThat(gtod).extracting(GtodEvent::wasSet).containsExactly(true, false);
        assertThat(cws).hasSize(1);

        // The NTP daemon clears STA_INS; the next second returns to TIME_OK.
        tk.adjtimex(Timex.builder().status(0).build());
        tickAfter(S);
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_OK);
        assertThat(tk.syncState().leap()).isEqualTo(LeapIndicator.NONE);
    }

    @Test
    void deleteSkips235959AndLowersTaiOffset() {
        tk.adjtimex(synced(STA_DEL));
        tickAfter(S); // 23:59:51: TIME_OK -> TIME_DEL, leap scheduled for 23:59:59
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_DEL);
        for (int i = 2; i <= 8; i++) {
            tickAfter(S);
        }
        assertThat(tk.realtimeNs()).isEqualTo((MIDNIGHT - 2) * S); // 23:59:58

        tickAfter(S);
        // Entering 23:59:59 the kernel adds one second: straight to 00:00:00.
        assertThat(tk.realtimeNs()).isEqualTo(MIDNIGHT * S);
        assertThat(tk.monotonicNs()).isEqualTo(9 * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(35);
        assertThat(tk.taiNs()).isEqualTo((MIDNIGHT + 35) * S); // 23:59:58 + 36 s + 1 s, continuous
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_WAIT);
        assertThat(cws).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(ClockWasSetReason.LEAP_SECOND_DELETE);
            assertThat(e.delayed()).isTrue();
            assertThat(e.realtimeStepNs()).isEqualTo(S);
        });
    }

    @Test
    void oneLongTickAcrossMidnightAppliesTheLeapExactlyOnce() {
        tk.adjtimex(synced(STA_INS));
        tickAfter(S); // armed at 23:59:51
        tickAfter(20 * S);
        // 23:59:51 + 20 s of clocksource = 00:00:11 without the leap, 00:00:10 with it.
        assertThat(tk.realtimeNs()).isEqualTo((MIDNIGHT + 10) * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(37);
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_WAIT);
        assertThat(cws)
                .singleElement()
                .extracting(ClockWasSetEvent::reason)
                .isEqualTo(ClockWasSetReason.LEAP_SECOND_INSERT);
    }

    @Test
    void clearingStaInsBeforeMidnightCancelsTheInsertion() {
        tk.adjtimex(synced(STA_INS));
        tickAfter(S);
        tk.adjtimex(Timex.builder().status(0).build());
        tickAfter(S); // TIME_INS without STA_INS -> TIME_OK
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_OK);
        tickAfter(10 * S);
        assertThat(tk.realtimeNs()).isEqualTo((MIDNIGHT + 2) * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(36);
        assertThat(cws).isEmpty();
    }

    @Test
    void aStepDropsTheScheduledLeapAsNtpClearDoes() {
        tk.adjtimex(synced(STA_INS));
        tickAfter(S); // TIME_INS, leap at midnight
        tk.injectOffset(0); // ntp_clear(): ntp_next_leap_sec = TIME64_MAX, time_state stays TIME_INS
        cws.clear();
        tickAfter(20 * S);
        assertThat(tk.realtimeNs()).isEqualTo((MIDNIGHT + 11) * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(36);
        assertThat(cws).isEmpty();
    }

    @Test
    void leapSecondArmedOnMidnightItselfWaitsForTheNextMidnight() {
        Timekeeper atMidnight = new Timekeeper(clock, (MIDNIGHT - 1) * S);
        atMidnight.adjtimex(synced(STA_INS));
        clock.advance(S);
        atMidnight.tick(); // second_overflow(MIDNIGHT): TIME_OK -> TIME_INS, next leap = MIDNIGHT + 86_400
        assertThat(atMidnight.realtimeNs()).isEqualTo(MIDNIGHT * S);
        clock.advance(86_400 * S);
        atMidnight.tick();
        // One day later: 00:00:00 of the next day shown as 23:59:60.
        assertThat(atMidnight.realtimeNs()).isEqualTo((MIDNIGHT + 86_399) * S);
        assertThat(atMidnight.taiOffsetSeconds()).isEqualTo(1);
    }
}
