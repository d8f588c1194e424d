package io.wallsync.adapters.ntp;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.SyncState;

/** A host clock for tests: the real time plus a fixed offset, or a frozen time; a settable sync state. */
final class TestClock implements HostClock {
    private volatile long offsetNs;
    private volatile long frozenNs = Long.MIN_VALUE;
    private volatile SyncState state = new SyncState(true, 1500, 250, 37, LeapIndicator.NONE);

    static TestClock realPlus(long offsetNs) {
        TestClock c = new TestClock();
        c.offsetNs = offsetNs;
        return c;
    }

    static TestClock frozenAt(long unixNs) {
        TestClock c = new TestClock();
        c.frozenNs = unixNs;
        return c;
    }

    TestClock state(SyncState s) {
        this.state = s;
        return this;
    }

    @Override
    public HostSample sample() {
        long monotonicNs = System.nanoTime();
        return new HostSample(realtimeNs(), monotonicNs);
    }

    @Override
    public long realtimeNs() {
        long frozen = frozenNs;
        if (frozen != Long.MIN_VALUE) {
            return frozen;
        }
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano() + offsetNs;
    }

    @Override
    public SyncState syncState() {
        return state;
    }
}
