package io.wallsync.core.time;

import static io.wallsync.core.time.TimexStatus.STA_DEL;
import static io.wallsync.core.time.TimexStatus.STA_INS;
import static io.wallsync.core.time.TimexStatus.STA_NANO;
import static io.wallsync.core.time.TimexStatus.STA_PLL;
import static io.wallsync.core.time.TimexStatus.STA_UNSYNC;
import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AdjtimexTest {
    private static final long S = 1_000_000_000L;
    private static final long R0 = 1_700_000_000L * S;
    /** 100 ppm in scaled ppm: 100 * 2^16. */
    private static final long PPM_100 = 6_553_600;

    private FakeClocksource clock;
    private Timekeeper tk;
    private final List<GtodEvent> gtod = new ArrayList<>();
    private final List<ClockWasSetEvent> cws = new ArrayList<>();

    @BeforeEach
    void setUp() {
        clock = new FakeClocksource(0);
        tk = new Timekeeper(clock, R0);
        Recorders.record(tk, gtod, cws);
    }

    private TimexResult.Done done(Timex txc) {
        TimexResult result = tk.adjtimex(txc);
        assertThat(result).isInstanceOf(TimexResult.Done.class);
        return (TimexResult.Done) result;
    }

    @Test
    void ppsBitsCountAsErrorsOnlyInAKernelBuiltWithConfigNtpPps() {
        // kernel/time/ntp.c, #ifdef CONFIG_NTP_PPS:
        //     return (status & (STA_UNSYNC|STA_CLOCKERR))
        //         || ((status & (STA_PPSFREQ|STA_PPSTIME)) && !(status & STA_PPSSIGNAL))
        //         || ((status & (STA_PPSTIME|STA_PPSJITTER)) == (STA_PPSTIME|STA_PPSJITTER))
        //         || ((status & STA_PPSFREQ) && (status & (STA_PPSWANDER|STA_PPSERROR)));
        // #else: return status & (STA_UNSYNC|STA_CLOCKERR);
        // drivers/pps/Kconfig: config NTP_PPS ... depends on !NO_HZ_COMMON (tickless kernels lack it).
        int ppsFreq = TimexStatus.STA_PPSFREQ; // PPS frequency discipline requested, no PPS signal
        assertThat(Timekeeper.isErrorStatus(ppsFreq, true)).isTrue();
        assertThat(Timekeeper.isErrorStatus(ppsFreq, false)).isFalse();
        int ppsTimeJitter = TimexStatus.STA_PPSTIME | TimexStatus.STA_PPSSIGNAL | TimexStatus.STA_PPSJITTER;
        assertThat(Timekeeper.isErrorStatus(ppsTimeJitter, true)).isTrue();
        int ppsFreqWander = TimexStatus.STA_PPSFREQ | TimexStatus.STA_PPSSIGNAL | TimexStatus.STA_PPSWANDER;
        assertThat(Timekeeper.isErrorStatus(ppsFreqWander, true)).isTrue();
        int ppsFreqGood = TimexStatus.STA_PPSFREQ | TimexStatus.STA_PPSSIGNAL;
        assertThat(Timekeeper.isErrorStatus(ppsFreqGood, true)).isFalse();
        assertThat(Timekeeper.isErrorStatus(TimexStatus.STA_CLOCKERR, false)).isTrue();

        // Through adjtimex: an NTP daemon clears STA_UNSYNC and asks for PPS frequency discipline.
        Timex sync = Timex.builder()
                .status(TimexStatus.STA_PPSFREQ)
                .maxError(0)
                .estError(0)
                .build();
        assertThat(done(sync).state()).isEqualTo(ClockState.TIME_OK); // CONFIG_NTP_PPS unset
        Timekeeper pps = new Timekeeper(clock, R0, true);
        assertThat(((TimexResult.Done) pps.adjtimex(sync)).state()).isEqualTo(ClockState.TIME_ERROR);
    }

    private TimexResult.Invalid invalid(Timex txc) {
        TimexResult result = tk.adjtimex(txc);
        assertThat(result).isInstanceOf(TimexResult.Invalid.class);
        return (TimexResult.Invalid) result;
    }

    @Test
    void modeAndStateValuesAreThoseOfUapiTimexH() {
        assertThat(Timex.ADJ_OFFSET).isEqualTo(0x0001);
        assertThat(Timex.ADJ_FREQUENCY).isEqualTo(0x0002);
        assertThat(Timex.ADJ_MAXERROR).isEqualTo(0x0004);
        assertThat(Timex.ADJ_ESTERROR).isEqualTo(0x0008);
        assertThat(Timex.ADJ_STATUS).isEqualTo(0x0010);
        assertThat(Timex.ADJ_TIMECONST).isEqualTo(0x0020);
        assertThat(Timex.ADJ_TAI).isEqualTo(0x0080);
        assertThat(Timex.ADJ_SETOFFSET).isEqualTo(0x0100);
        assertThat(Timex.ADJ_NANO).isEqualTo(0x2000);
        assertThat(TimexStatus.STA_RONLY).isEqualTo(0xFF00);
        assertThat(ClockState.TIME_OK.linuxValue()).isZero();
        assertThat(ClockState.TIME_INS.linuxValue()).isEqualTo(1);
        assertThat(ClockState.TIME_DEL.linuxValue()).isEqualTo(2);
        assertThat(ClockState.TIME_OOP.linuxValue()).isEqualTo(3);
        assertThat(ClockState.TIME_WAIT.linuxValue()).isEqualTo(4);
        assertThat(ClockState.TIME_ERROR.linuxValue()).isEqualTo(5);
    }

    @Test
    void freshTimekeeperReadsLikeAFreshlyBootedKernel() {
        clock.advance(1_234_567_891L);
        TimexResult.Done read = done(Timex.read());
        // STA_UNSYNC => TIME_ERROR; maxerror = esterror = NTP_PHASE_LIMIT = (500_000_000 / 1000) << 5.
        assertThat(read.state()).isEqualTo(ClockState.TIME_ERROR);
        assertThat(read.values())
                .isEqualTo(new TimexValues(
                        0, 0, 16_000_000, 16_000_000, STA_UNSYNC, 2, 1, 32_768_000, 1_700_000_001L, 234_567, 0));
        assertThat(gtod).isEmpty();
        assertThat(cws).isEmpty();
    }

    @Test
    void clearingUnsyncReturnsTimeOkAndTheHostClockReportsSynchronised() {
        TimexResult.Done result = done(Timex.builder()
                .status(STA_INS)
                .maxError(100)
                .estError(10)
                .taiOffset(37)
                .build());
        assertThat(result.state()).isEqualTo(ClockState.TIME_OK);
        assertThat(tk.syncState()).isEqualTo(new SyncState(true, 100, 10, 37, LeapIndicator.INSERT));
        done(Timex.builder().status(STA_DEL).build());
        assertThat(tk.syncState().leap()).isEqualTo(LeapIndicator.DELETE);
    }

    @Test
    void statusKeepsReadOnlyBitsAndSwitchingPllOffResetsToUnsync() {
        TimexResult.Done all = done(Timex.builder().status(0xFFFF & ~STA_UNSYNC).build());
        // Only the rw bits 0x00FF can be set: 0x00FF without STA_UNSYNC (0x40) = 0x00BF.
        assertThat(all.values().status()).isEqualTo(0x00BF);
        assertThat(all.state()).isEqualTo(ClockState.TIME_OK);

        // process_adj_status(): PLL on -> off sets time_status = STA_UNSYNC, but the following
        // "time_status &= STA_RONLY" masks that off again, so only the new bits remain: 0x0010.
        TimexResult.Done off = done(Timex.builder().status(STA_INS).build());
        assertThat(off.values().status()).isEqualTo(STA_INS);
        assertThat(off.state()).isEqualTo(ClockState.TIME_OK);
    }

    @Test
    void plus100PpmForExactlyOneHourGainsExactly360Milliseconds() {
        done(Timex.builder().frequency(PPM_100).build());
        // 10_800 ticks of 333_333_333 ns = 3_599_999_996_400 ns, then the last 3_600 ns.
        for (int i = 0; i < 10_800; i++) {
            clock.advance(333_333_333L);
            tk.tick();
        }
        clock.advance(3_600L);
        tk.tick();
        // 3600 s * 100e-6 = 0.36 s.
        assertThat(tk.realtimeNs()).isEqualTo(R0 + 3_600 * S + 360_000_000L);
        assertThat(tk.monotonicNs()).isEqualTo(3_600 * S + 360_000_000L);
        assertThat(tk.rawNs()).isEqualTo(3_600 * S);
    }

    @Test
    void frequencyChangeAppliesFromTheMomentOfTheCallEvenWithoutTicks() {
        done(Timex.builder().frequency(PPM_100).build());
        clock.advance(1_800 * S);
        done(Timex.builder().frequency(-PPM_100 / 2).build());
        clock.advance(1_800 * S);
        // 1800 s at +100 ppm = +180 ms, then 1800 s at -50 ppm = -90 ms.
        assertThat(tk.realtimeNs()).isEqualTo(R0 + 3_600 * S + 90_000_000L);
    }

    @Test
    void frequencyChangeRunsTheGtodChainWithWasSetFalse() {
        done(Timex.builder().frequency(PPM_100).build());
        assertThat(gtod).singleElement().satisfies(e -> {
            assertThat(e.wasSet()).isFalse();
            assertThat(e.snapshot().frequencyScaledPpm()).isEqualTo(PPM_100);
        });
        assertThat(cws).isEmpty();
    }

    @Test
    void frequencyBeyond500PpmIsClampedButBeyondTheOverflowBoundIsRefused() {
        // 600 ppm = 39_321_600 -> MAXFREQ 500 ppm = 32_768_000.
        assertThat(done(Timex.builder().frequency(39_321_600).build()).values().freq())
                .isEqualTo(32_768_000);
        assertThat(done(Timex.builder().frequency(-39_321_600).build()).values().freq())
                .isEqualTo(-32_768_000);
        // LLONG_MAX / PPM_SCALE = 9_223_372_036_854_775_807 / 65_536_000 = 140_737_488_355.
        assertThat(done(Timex.builder().frequency(140_737_488_355L).build())
                        .values()
                        .freq())
                .isEqualTo(32_768_000);
        TimexResult.Invalid tooBig =
                invalid(Timex.builder().frequency(140_737_488_356L).build());
        assertThat(tooBig.errno()).isEqualTo(22);
        assertThat(tooBig.reason()).contains("140737488356");
        invalid(Timex.builder().frequency(-140_737_488_356L).build());
    }

    @Test
    void offsetIsSlewedAt500PpmOnlyWithStaPll() {
        done(Timex.builder().status(STA_PLL).maxError(0).offset(1_000).build());
        assertThat(tk.pendingOffsetNs()).isEqualTo(1_000_000);
        clock.advance(S);
        // 1 s at 500 ppm slews 500 us of the 1000 us.
        assertThat(tk.realtimeNs()).isEqualTo(R0 + S + 500_000);
        assertThat(done(Timex.read()).values().offset()).isEqualTo(500);
        clock.advance(2 * S);
        assertThat(tk.realtimeNs()).isEqualTo(R0 + 3 * S + 1_000_000);
        assertThat(done(Timex.read()).values().offset()).isZero();
        assertThat(tk.monotonicNs()).isEqualTo(3 * S + 1_000_000);
    }

    @Test
    void negativeOffsetSlowsTheClock() {
        done(Timex.builder().status(STA_PLL).offset(-1_000).build());
        clock.advance(S);
        tk.tick();
        assertThat(tk.realtimeNs()).isEqualTo(R0 + S - 500_000);
        assertThat(done(Timex.read()).values().offset()).isEqualTo(-500);
    }

    @Test
    void offsetWithoutStaPllIsIgnoredAsInLinux() {
        done(Timex.builder().offset(1_000).build());
        clock.advance(S);
        assertThat(tk.realtimeNs()).isEqualTo(R0 + S);
        assertThat(tk.pendingOffsetNs()).isZero();
    }

    @Test
    void offsetIsClampedToMaxphaseAndCanBeGivenInNanoseconds() {
        // 600_000 us > MAXPHASE 500 ms.
        assertThat(done(Timex.builder().status(STA_PLL).offset(600_000).build())
                        .values()
                        .offset())
                .isEqualTo(500_000);
        TimexResult.Done nano = done(Timex.builder().nano().offset(1_234).build());
        assertThat(nano.values().status() & STA_NANO).isEqualTo(STA_NANO);
        assertThat(nano.values().offset()).isEqualTo(1_234);
        clock.advance(1_000_000); // 1 ms at 500 ppm = 500 ns
        TimexResult.Done later = done(Timex.read());
        assertThat(later.values().offset()).isEqualTo(734);
        // STA_NANO: time.tv_usec carries nanoseconds: R0 + 1 ms + 500 ns slewed.
        assertThat(later.values().timeFrac()).isEqualTo(1_000_500);
    }

    @Test
    void aStepDropsThePendingOffset() {
        done(Timex.builder().status(STA_PLL).offset(1_000).build());
        tk.injectOffset(S);
        assertThat(tk.pendingOffsetNs()).isZero();
    }

    @Test
    void maxerrorGrows500MicrosecondsPerSecondAndSetsUnsyncAboveTheLimit() {
        done(Timex.builder().status(0).maxError(1_000).build());
        clock.advance(10 * S);
        tk.tick();
        assertThat(tk.syncState().maxErrorUs()).isEqualTo(6_000); // 1000 + 10 * 500

        done(Timex.builder().maxError(15_999_000).build());
        clock.advance(2 * S);
        tk.tick();
        // 15_999_000 + 2 * 500 = 16_000_000: at the limit but not above it, still synchronised.
        assertThat(tk.syncState())
                .extracting(SyncState::maxErrorUs, SyncState::synchronised)
                .containsExactly(16_000_000L, true);
        clock.advance(S);
        tk.tick();
        assertThat(tk.syncState())
                .extracting(SyncState::maxErrorUs, SyncState::synchronised)
                .containsExactly(16_000_000L, false);
        assertThat(tk.clockState()).isEqualTo(ClockState.TIME_ERROR);
    }

    @Test
    void maxerrorAndEsterrorAreClampedToZeroAndThePhaseLimit() {
        TimexResult.Done low = done(Timex.builder().maxError(-5).estError(-5).build());
        assertThat(low.values().maxerror()).isZero();
        assertThat(low.values().esterror()).isZero();
        TimexResult.Done high =
                done(Timex.builder().maxError(20_000_000).estError(20_000_000).build());
        assertThat(high.values().maxerror()).isEqualTo(16_000_000);
        assertThat(high.values().esterror()).isEqualTo(16_000_000);
    }

    @Test
    void timeConstantGetsPlusFourInMicrosecondModeAndIsClampedToMaxtc() {
        assertThat(done(Timex.builder().timeConstant(3).build()).values().constant())
                .isEqualTo(7);
        assertThat(done(Timex.builder().nano().timeConstant(3).build()).values().constant())
                .isEqualTo(3);
        assertThat(done(Timex.builder().timeConstant(20).build()).values().constant())
                .isEqualTo(10);
    }

    @Test
    void adjTaiChangingTheOffsetIsAClockWasSetStep() {
        clock.advance(S);
        TimexResult.Done result = done(Timex.builder().taiOffset(37).build());
        assertThat(result.values().tai()).isEqualTo(37);
        assertThat(tk.taiNs()).isEqualTo(R0 + S + 37 * S);
        assertThat(cws).singleElement().satisfies(e -> {
            assertThat(e.reason()).isEqualTo(ClockWasSetReason.ADJTIMEX_TAI);
            assertThat(e.delayed()).isFalse();
        });
        assertThat(gtod).singleElement().extracting(GtodEvent::wasSet).isEqualTo(true);

        done(Timex.builder().taiOffset(37).build()); // unchanged: no step
        done(Timex.builder().taiOffset(-1).build()); // out of range: ignored, as ntp.c does
        done(Timex.builder().taiOffset(100_001).build());
        assertThat(tk.taiOffsetSeconds()).isEqualTo(37);
        assertThat(cws).hasSize(1);
    }

    @Test
    void badRequestsAreRefusedWithEinvalAndChangeNothing() {
        clock.advance(S);
        TimekeeperSnapshot before = tk.snapshotNow();

        assertThat(invalid(Timex.builder().rawModes(0x0040).frequency(PPM_100).build())
                        .reason())
                .contains("unknown mode bits 0x40");
        assertThat(invalid(Timex.builder().rawModes(Timex.ADJ_TICK).build()).reason())
                .contains("ADJ_TICK");
        assertThat(invalid(Timex.builder().rawModes(0x8001).build()).reason()).contains("ADJ_ADJTIME");
        assertThat(invalid(Timex.builder()
                                .frequency(PPM_100)
                                .setOffsetNanos(0, 1_000_000_000)
                                .build())
                        .reason())
                .contains("[0, 1000000000) ns");
        assertThat(invalid(Timex.builder().setOffsetMicros(0, 1_000_000).build())
                        .reason())
                .contains("[0, 1000000) us");
        invalid(Timex.builder().setOffsetNanos(1, -1).build());
        invalid(Timex.builder().setOffsetNanos(Long.MAX_VALUE, 0).build());
        // realtime R0 + 1 s, monotonic 1 s: stepping back 1_700_000_000.5 s would go below monotonic.
        assertThat(invalid(Timex.builder()
                                .setOffsetNanos(-1_700_000_001L, 500_000_000)
                                .build())
                        .reason())
                .contains("monotonic");

        assertThat(tk.snapshotNow()).isEqualTo(before);
        assertThat(tk.frequencyScaledPpm()).isZero();
        assertThat(cws).isEmpty();
        assertThat(gtod).isEmpty();
    }

    /**
     * Against BigInteger: whatever the frequency and however the interval is cut into ticks,
     * realtime advances by exactly {@code total + floor(total * freq / (2^16 * 10^6))}.
     */
    @Property(tries = 300)
    void frequencyCorrectionIsExactOverAnySplitOfTheInterval(
            @ForAll @LongRange(min = -32_768_000, max = 32_768_000) long freq,
            @ForAll @Size(min = 1, max = 12) List<@LongRange(min = 0, max = 5_000_000_000_000_000L) Long> ticks) {
        FakeClocksource cs = new FakeClocksource(0);
        Timekeeper t = new Timekeeper(cs, R0);
        t.adjtimex(Timex.builder().frequency(freq).build());
        long total = 0;
        for (long d : ticks) {
            cs.advance(d);
            t.tick();
            total += d;
        }
        BigInteger expected = BigInteger.valueOf(total)
                .multiply(BigInteger.valueOf(freq))
                .divide(BigInteger.valueOf(65_536_000_000L));
        if (freq < 0
                && !BigInteger.valueOf(total)
                        .multiply(BigInteger.valueOf(freq))
                        .mod(BigInteger.valueOf(65_536_000_000L))
                        .equals(BigInteger.ZERO)) {
            expected = expected.subtract(BigInteger.ONE); // floor, not truncation
        }
        assertThat(t.realtimeNs() - R0).isEqualTo(total + expected.longValueExact());
        assertThat(t.rawNs()).isEqualTo(total);
    }
}
