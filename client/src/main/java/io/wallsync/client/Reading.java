package io.wallsync.client;

import java.time.Duration;
import java.time.Instant;

/** The outcome of one read of a wallclock page. */
public sealed interface Reading {
    /**
     * A consistent read.
     *
     * @param wallTimeNs nanoseconds since the epoch: wc + CLOCK_MONOTONIC
     * @param monotonicNs the CLOCK_MONOTONIC value used
     * @param wcVersion the even wc_version the read was consistent with
     */
    record Valid(long wallTimeNs, long monotonicNs, int wcVersion) implements Reading {
        public Instant instant() {
            return Instant.ofEpochSecond(
                    Math.floorDiv(wallTimeNs, 1_000_000_000L), Math.floorMod(wallTimeNs, 1_000_000_000L));
        }
    }

    /**
     * The daemon's heartbeat is older than the limit: the daemon stopped, so steps would go
     * unnoticed. The wall time it would have given (and the CLOCK_MONOTONIC value it used) is
     * included for callers that want it anyway.
     */
    record Stale(Duration heartbeatAge, Duration limit, long unvouchedWallTimeNs, long monotonicNs) implements Reading {
        @Override
        public String toString() {
            return "wallclock page is stale: daemon heartbeat " + heartbeatAge.toMillis() + " ms old, limit "
                    + limit.toMillis() + " ms (is wallsync serve running?)";
        }
    }

    /**
     * The seqlock stayed odd (or kept changing) for longer than the bounded wait: a writer killed
     * mid-update. Restarting the daemon repairs the page.
     */
    record WriterStuck(String lock, int lastVersion, Duration waited) implements Reading {
        @Override
        public String toString() {
            return "wallclock page " + lock + " stayed at version " + lastVersion + " for " + waited.toMillis()
                    + " ms: the writer died mid-update; restart wallsync serve to repair the page";
        }
    }
}
