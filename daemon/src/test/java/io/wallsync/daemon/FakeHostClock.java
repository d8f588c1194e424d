package io.wallsync.daemon;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A host whose CLOCK_REALTIME is its CLOCK_MONOTONIC plus an offset the test steps: the way tests
 * drive clock steps without touching the machine's clock.
 */
class FakeHostClock implements HostClock, MonotonicClock {
    final AtomicLong monotonicNs = new AtomicLong();
    final AtomicLong realtimeMinusMonotonicNs = new AtomicLong();
    final AtomicReference<SyncState> sync =
            new AtomicReference<>(new SyncState(false, 16_000_000, 16_000_000, 0, LeapIndicator.NONE));
    final boolean followNanoTime;

    FakeHostClock(long wallclockNs, long monotonicNs, boolean followNanoTime) {
        this.realtimeMinusMonotonicNs.set(wallclockNs);
        this.monotonicNs.set(monotonicNs);
        this.followNanoTime = followNanoTime;
    }

    /** A fixed monotonic time; W = wallclockNs. */
    static FakeHostClock frozen(long wallclockNs, long monotonicNs) {
        return new FakeHostClock(wallclockNs, monotonicNs, false);
    }

    /** Monotonic is System.nanoTime (so page readers agree with it); W = wallclockNs. */
    static FakeHostClock live(long wallclockNs) {
        return new FakeHostClock(wallclockNs, 0, true);
    }

    /** settimeofday seen through the port: wall time jumps by deltaNs, monotonic does not. */
    void step(long deltaNs) {
        realtimeMinusMonotonicNs.addAndGet(deltaNs);
    }

    @Override
    public long nanos() {
        return followNanoTime ? System.nanoTime() : monotonicNs.get();
    }

    @Override
    public HostSample sample() {
        long monotonic = nanos();
        return new HostSample(monotonic + realtimeMinusMonotonicNs.get(), monotonic);
    }

    @Override
    public long realtimeNs() {
        return nanos() + realtimeMinusMonotonicNs.get();
    }

    @Override
    public SyncState syncState() {
        return sync.get();
    }
}
