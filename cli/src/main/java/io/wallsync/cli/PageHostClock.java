package io.wallsync.cli;

import io.wallsync.client.PageStatus;
import io.wallsync.client.Reading;
import io.wallsync.client.WallclockPage;
import io.wallsync.client.WallclockUnavailableException;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;

/**
 * A domain's page as the wallclock of an NTP server: the time a guest mapping the page would read
 * (W + CLOCK_MONOTONIC, the domain's offset included), and the sync state the page carries. A
 * stale page (the daemon stopped writing its heartbeat) reads as unsynchronised, so NTP clients are
 * told not to trust it. Safe for many threads: every read is a lock-free seqlock read.
 */
final class PageHostClock implements HostClock {
    /** maxerror/esterror when the page does not carry them: the kernel's NTP_PHASE_LIMIT, 16 s. */
    static final long UNKNOWN_ERROR_US = 16_000_000L;

    private final WallclockPage page;

    PageHostClock(WallclockPage page) {
        this.page = page;
    }

    /** The page's wall time and the CLOCK_MONOTONIC instant the read used. */
    @Override
    public HostSample sample() {
        return switch (page.read()) {
            case Reading.Valid v -> new HostSample(v.wallTimeNs(), v.monotonicNs());
            case Reading.Stale s -> new HostSample(s.unvouchedWallTimeNs(), s.monotonicNs());
            case Reading.WriterStuck w -> throw new WallclockUnavailableException(w);
        };
    }

    @Override
    public long realtimeNs() {
        return switch (page.read()) {
            case Reading.Valid v -> v.wallTimeNs();
            // Still the best time there is; syncState() says not to trust it.
            case Reading.Stale s -> s.unvouchedWallTimeNs();
            case Reading.WriterStuck w -> throw new WallclockUnavailableException(w);
        };
    }

    @Override
    public SyncState syncState() {
        PageStatus s = page.status();
        boolean fresh = page.read() instanceof Reading.Valid;
        LeapIndicator leap = switch (s.leap()) {
            case PRE_POS -> LeapIndicator.INSERT;
            case PRE_NEG -> LeapIndicator.DELETE;
            case NONE, POS, POST_POS, POST_NEG -> LeapIndicator.NONE;
        };
        return new SyncState(
                fresh && s.synchronised(),
                s.maxErrorNs().stream()
                        .map(ns -> Math.ceilDiv(ns, 1000))
                        .findFirst()
                        .orElse(UNKNOWN_ERROR_US),
                s.estErrorNs().stream()
                        .map(ns -> Math.ceilDiv(ns, 1000))
                        .findFirst()
                        .orElse(UNKNOWN_ERROR_US),
                s.taiOffsetSec().orElse(0),
                leap);
    }
}
