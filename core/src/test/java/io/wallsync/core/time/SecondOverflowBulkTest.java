package io.wallsync.core.time;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/**
 * The timekeeper runs second_overflow() in bulk over seconds where nothing but maxerror can change.
 * These properties check it against the kernel's literal loop: one call per second entered.
 */
class SecondOverflowBulkTest {
    private static final long S = 1_000_000_000L;
    private static final long MIDNIGHT = 1_483_228_800L;
    private static final int[] STATUSES = {0, TimexStatus.STA_INS, TimexStatus.STA_DEL};

    @Property(tries = 300)
    void bulkProcessingMatchesOneSecondOverflowPerSecond(
            @ForAll @LongRange(min = 0, max = 3 * 86_400) long secondsBeforeMidnight,
            @ForAll @IntRange(min = 0, max = 2) int statusIndex,
            @ForAll @LongRange(min = 0, max = 16_000_000) long maxErrorUs,
            @ForAll @Size(min = 1, max = 8) List<@LongRange(min = 0, max = 200_000) Long> tickSeconds) {
        long startSec = MIDNIGHT - secondsBeforeMidnight;
        Timex request = Timex.builder()
                .status(STATUSES[statusIndex])
                .maxError(maxErrorUs)
                .build();

        FakeClocksource clock = new FakeClocksource(0);
        Timekeeper tk = new Timekeeper(clock, startSec * S);
        tk.adjtimex(request);

        NtpState reference = new NtpState();
        reference.applyModes(request, 0);
        long sec = startSec;
        int tai = 0;
        for (long d : tickSeconds) {
            clock.advance(d * S);
            tk.tick();
            long target = sec + d;
            while (sec < target) {
                sec++;
                int leap = reference.secondOverflow(sec);
                sec += leap;
                target += leap;
                tai -= leap;
            }
        }

        assertThat(tk.realtimeNs()).isEqualTo(sec * S);
        assertThat(tk.taiOffsetSeconds()).isEqualTo(tai);
        assertThat(tk.status()).isEqualTo(reference.status());
        assertThat(tk.syncState().maxErrorUs()).isEqualTo(reference.maxErrorUs());
        assertThat(tk.clockState()).isEqualTo(reference.adjtimexState());
    }

    @Property(tries = 500)
    void growMaxErrorInBulkEqualsRepeatedGrowth(
            @ForAll @LongRange(min = 0, max = 16_000_000) long startUs,
            @ForAll @LongRange(min = 0, max = 40_000) long seconds) {
        NtpState bulk = new NtpState();
        bulk.applyModes(Timex.builder().status(0).maxError(startUs).build(), 0);
        NtpState single = new NtpState();
        single.applyModes(Timex.builder().status(0).maxError(startUs).build(), 0);

        bulk.growMaxError(seconds);
        for (long i = 0; i < seconds; i++) {
            single.growMaxError(1);
        }
        assertThat(bulk.maxErrorUs()).isEqualTo(single.maxErrorUs());
        assertThat(bulk.status()).isEqualTo(single.status());
    }
}
