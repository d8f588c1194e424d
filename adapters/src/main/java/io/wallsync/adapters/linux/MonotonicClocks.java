package io.wallsync.adapters.linux;

import io.wallsync.core.port.MonotonicClock;

/**
 * CLOCK_MONOTONIC as a {@link MonotonicClock}. {@link System#nanoTime()} is clock_gettime(
 * CLOCK_MONOTONIC) on Linux HotSpot, but no specification promises it, so {@link #linux()} checks:
 * every FFM reading must fall between the two nanoTime reads around it. If it does not, the FFM
 * call itself is used (a few ns slower).
 */
public final class MonotonicClocks {
    private MonotonicClocks() {}

    /** Result of the check: how many of the bracketed samples fell outside their bracket. */
    public record Check(int samples, int outsideBracket) {
        public boolean nanoTimeIsClockMonotonic() {
            return outsideBracket == 0;
        }
    }

    /** Compares {@code samples} FFM CLOCK_MONOTONIC reads against the nanoTime reads around them. */
    public static Check check(int samples) {
        int outside = 0;
        try (LinuxClocks clocks = new LinuxClocks()) {
            for (int i = 0; i < samples; i++) {
                long before = System.nanoTime();
                long ffm = clocks.monotonicNs();
                long after = System.nanoTime();
                if (ffm < before || ffm > after) {
                    outside++;
                }
            }
        }
        return new Check(samples, outside);
    }

    /** System::nanoTime when it is CLOCK_MONOTONIC (checked on 10k samples), else clock_gettime. */
    public static MonotonicClock linux() {
        if (check(10_000).nanoTimeIsClockMonotonic()) {
            return System::nanoTime;
        }
        // One native buffer per thread: LinuxClocks is not for concurrent use.
        ThreadLocal<LinuxClocks> clocks = ThreadLocal.withInitial(LinuxClocks::new);
        return () -> clocks.get().monotonicNs();
    }
}
