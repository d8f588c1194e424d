package io.wallsync.core.port;

import io.wallsync.core.time.Discipline;

/**
 * What a dom0 sync agent needs from its host: the wall clock and how far to trust it. The core's
 * {@code io.wallsync.core.time.Timekeeper} implements it over a simulated clocksource; the Linux
 * adapter implements it with clock_gettime(CLOCK_REALTIME) and adjtimex(modes = 0).
 */
public interface HostClock {
    /** One paired reading: CLOCK_REALTIME and the CLOCK_MONOTONIC instant it was taken at. */
    HostSample sample();

    /**
     * CLOCK_REALTIME alone: nanoseconds since 1970-01-01T00:00:00Z, leap seconds not counted (POSIX
     * time). An implementation may read it without the pairing.
     */
    default long realtimeNs() {
        return sample().realtimeNs();
    }

    /** Synchronisation state, error bounds, TAI offset and pending leap second. */
    SyncState syncState();

    /**
     * The kernel's rate discipline now: what a counter calibration against this clock depends on
     * (adjtimex tick, frequency, PLL state; the adjtime slew) and its leap state. The default is a
     * host whose rate never changes (a test's fixed clock): nominal tick and frequency, with the
     * state and the STA_UNSYNC / STA_INS / STA_DEL bits that {@link #syncState()} implies.
     */
    default Discipline discipline() {
        return Discipline.nominalWith(syncState());
    }
}
