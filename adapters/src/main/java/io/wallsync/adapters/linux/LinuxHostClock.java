package io.wallsync.adapters.linux;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.time.Discipline;
import io.wallsync.core.time.TimexResult;

/**
 * The host kernel as dom0's clock: CLOCK_REALTIME for wall time, adjtimex(modes = 0) for sync
 * state, CLOCK_MONOTONIC as the hypervisor system time. One thread at a time (shared native buffers).
 */
public final class LinuxHostClock implements HostClock, MonotonicClock, AutoCloseable {
    private final LinuxClocks clocks = new LinuxClocks();
    private final Adjtimex adjtimex = new Adjtimex();

    @Override
    public HostSample sample() {
        return clocks.sample();
    }

    @Override
    public long realtimeNs() {
        return clocks.realtimeNs();
    }

    /** CLOCK_MONOTONIC in nanoseconds: the system time of the real mode. */
    @Override
    public long nanos() {
        return clocks.monotonicNs();
    }

    @Override
    public SyncState syncState() {
        return adjtimex.read().syncState();
    }

    @Override
    public Discipline discipline() {
        return adjtimex.discipline();
    }

    /** The raw adjtimex reading (state and STA_* bits) for logs and metrics. */
    public TimexResult.Done timex() {
        return adjtimex.read();
    }

    @Override
    public void close() {
        adjtimex.close();
        clocks.close();
    }
}
