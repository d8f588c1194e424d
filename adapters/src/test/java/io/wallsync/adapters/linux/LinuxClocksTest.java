package io.wallsync.adapters.linux;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LinuxClocksTest {
    @Test
    void realtimeAgreesWithJavaWallClockToTheMillisecond() {
        try (LinuxClocks clocks = new LinuxClocks()) {
            long beforeMs = System.currentTimeMillis();
            long realtimeNs = clocks.realtimeNs();
            long afterMs = System.currentTimeMillis();
            // currentTimeMillis is CLOCK_REALTIME truncated to ms: the FFM read lies in [before, after + 1 ms).
            assertThat(realtimeNs).isBetween(beforeMs * 1_000_000L, (afterMs + 1) * 1_000_000L);
        }
    }

    @Test
    void nanoTimeIsClockMonotonicOnThisJdk() {
        // The spec does not promise it; the real mode relies on it (readers add System.nanoTime to wc).
        MonotonicClocks.Check check = MonotonicClocks.check(100_000);
        assertThat(check.outsideBracket()).isZero();
        assertThat(check.nanoTimeIsClockMonotonic()).isTrue();
    }

    @Test
    void monotonicAndBoottimeNeverGoBackwards() {
        try (LinuxClocks clocks = new LinuxClocks()) {
            long m = clocks.monotonicNs();
            long b = clocks.boottimeNs();
            for (int i = 0; i < 10_000; i++) {
                long m2 = clocks.monotonicNs();
                long b2 = clocks.boottimeNs();
                assertThat(m2).isGreaterThanOrEqualTo(m);
                assertThat(b2).isGreaterThanOrEqualTo(b);
                m = m2;
                b = b2;
            }
            // BOOTTIME = MONOTONIC + time spent suspended, so never less.
            assertThat(clocks.boottimeNs()).isGreaterThanOrEqualTo(clocks.monotonicNs() - 1_000_000);
        }
    }

    @Test
    void aSampleIsRealtimeAtAMonotonicInstantInsideItsBracket() {
        try (LinuxClocks clocks = new LinuxClocks()) {
            long monoBefore = clocks.monotonicNs();
            long realBefore = clocks.realtimeNs();
            io.wallsync.core.port.HostSample sample = clocks.sample();
            long realAfter = clocks.realtimeNs();
            long monoAfter = clocks.monotonicNs();
            // Both halves of the pair were read between the outer reads of their own clock.
            assertThat(sample.monotonicNs()).isBetween(monoBefore, monoAfter);
            assertThat(sample.realtimeNs()).isBetween(realBefore, realAfter);
        }
    }

    @Test
    void taiIsRealtimePlusTheKernelsTaiOffset() {
        try (LinuxClocks clocks = new LinuxClocks();
                Adjtimex adjtimex = new Adjtimex()) {
            int taiSeconds = adjtimex.read().values().tai();
            long before = clocks.realtimeNs();
            long tai = clocks.taiNs();
            long after = clocks.realtimeNs();
            long offsetNs = taiSeconds * 1_000_000_000L;
            assertThat(tai).isBetween(before + offsetNs, after + offsetNs);
        }
    }
}
