package io.wallsync.client;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link WallclockPage} reader gives up.
 *
 * @param staleAfter a heartbeat older than this makes reads fail as stale; null means three
 *     heartbeat periods as written in the page (at least one second)
 * @param maxWriterWait how long a read may wait for a seqlock that stays odd before it reports
 *     {@link Reading.WriterStuck}; default 100 ms: a write takes tens of ns, but a writer preempted
 *     between its two version stores can hold it odd for a time slice or more on a loaded host
 */
public record ReaderOptions(Duration staleAfter, Duration maxWriterWait) {
    public static final Duration DEFAULT_MAX_WRITER_WAIT = Duration.ofMillis(100);

    public ReaderOptions {
        Objects.requireNonNull(maxWriterWait, "maxWriterWait");
        if (staleAfter != null && (staleAfter.isNegative() || staleAfter.isZero())) {
            throw new IllegalArgumentException("staleAfter " + staleAfter + " must be positive");
        }
        if (maxWriterWait.isNegative()) {
            throw new IllegalArgumentException("maxWriterWait " + maxWriterWait + " must not be negative");
        }
    }

    public static ReaderOptions defaults() {
        return new ReaderOptions(null, DEFAULT_MAX_WRITER_WAIT);
    }

    public ReaderOptions withStaleAfter(Duration staleAfter) {
        return new ReaderOptions(staleAfter, maxWriterWait);
    }

    public ReaderOptions withMaxWriterWait(Duration maxWriterWait) {
        return new ReaderOptions(staleAfter, maxWriterWait);
    }
}
