package io.wallsync.core.time;

import io.wallsync.core.port.MonotonicClock;

/** A hand-driven clocksource for tests. */
final class FakeClocksource implements MonotonicClock {
    private long nowNs;

    FakeClocksource(long startNs) {
        this.nowNs = startNs;
    }

    void advance(long ns) {
        nowNs += ns;
    }

    void set(long ns) {
        nowNs = ns;
    }

    @Override
    public long nanos() {
        return nowNs;
    }
}
