package io.wallsync.daemon.vm;

import io.wallsync.core.rtc.RtcTimeBase;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The RTC time base of a VM: wall time is the domain's wallclock, the divider chain runs on
 * CLOCK_MONOTONIC since the VM started, and a guest's date write moves the domain's offset.
 */
final class VmRtcTimeBase implements RtcTimeBase {
    private final DomainClock domain;
    private final long startNs = System.nanoTime();
    private long offsetMoves;

    VmRtcTimeBase(DomainClock domain) {
        this.domain = domain;
    }

    @Override
    public long wallNs() {
        return domain.wallNs();
    }

    @Override
    public long virtualNs() {
        return System.nanoTime() - startNs;
    }

    @Override
    public void guestSetTime(long deltaSeconds) {
        try {
            domain.moveOffset(deltaSeconds);
            offsetMoves += deltaSeconds;
        } catch (IOException e) {
            throw new UncheckedIOException("the guest's RTC write could not move the domain's offset", e);
        }
    }

    /** Sum of the offset moves the guest's RTC writes made, seconds. */
    long offsetMovedSeconds() {
        return offsetMoves;
    }
}
