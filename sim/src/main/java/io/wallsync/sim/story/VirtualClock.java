package io.wallsync.sim.story;

import io.wallsync.core.port.MonotonicClock;

/** True time of a story, in ns since the host booted; moves only when the story advances it. */
final class VirtualClock implements MonotonicClock {
    private long nowNs;

    @Override
    public long nanos() {
        return nowNs;
    }

    void advanceTo(long targetNs) {
        if (targetNs < nowNs) {
            throw new IllegalArgumentException("virtual time cannot go back from " + nowNs + " to " + targetNs + " ns");
        }
        nowNs = targetNs;
    }
}
