package io.wallsync.client;

import java.time.DateTimeException;

/**
 * Thrown by the {@link java.time.InstantSource} face of a {@link WallclockPage} when it cannot give
 * a time it can vouch for. A {@link DateTimeException}, as {@link java.time.Clock#instant()} allows.
 * Callers that prefer values use {@link WallclockPage#read()}.
 */
public final class WallclockUnavailableException extends DateTimeException {
    private static final long serialVersionUID = 1L;
    private final transient Reading failure;

    public WallclockUnavailableException(Reading failure) {
        super(failure.toString());
        this.failure = failure;
    }

    /** Why: {@link Reading.Stale} or {@link Reading.WriterStuck}. */
    public Reading failure() {
        return failure;
    }
}
