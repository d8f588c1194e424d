package io.wallsync.daemon.vm;

import java.io.IOException;

/**
 * Port: the wallclock of the domain a VM runs in, and the one change a guest may make to it.
 * {@code wallsync vm run} reads it from the domain's page of a running {@code serve} and moves it
 * through the control socket; tests pass their own.
 */
public interface DomainClock {
    /** The domain's wall time now, ns since the epoch (host wallclock + the domain's offset). */
    long wallNs();

    /**
     * Moves the domain's time offset by {@code deltaSeconds}, as Xen's {@code rtc_set_time} moves
     * {@code time_offset} when a guest writes its RTC. Afterwards {@link #wallNs()} is larger by
     * {@code deltaSeconds} s.
     *
     * @throws IOException if the daemon refused or could not be reached
     */
    void moveOffset(long deltaSeconds) throws IOException;
}
