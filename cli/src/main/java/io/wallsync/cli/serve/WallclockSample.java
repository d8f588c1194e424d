package io.wallsync.cli.serve;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;

/**
 * The wallclock W: CLOCK_REALTIME - CLOCK_MONOTONIC, i.e. the wall time at monotonic time 0, in
 * nanoseconds. Sampled as monotonic, realtime, monotonic, three times; the tightest bracket wins
 * and its midpoint is taken as the monotonic time of the realtime read.
 *
 * @param wallclockNs W, ns since the epoch
 * @param monotonicNs CLOCK_MONOTONIC at the sample
 * @param uncertaintyNs half the bracket width: how far W may be off from sampling alone
 */
record WallclockSample(long wallclockNs, long monotonicNs, long uncertaintyNs) {
    static WallclockSample take(HostClock host, MonotonicClock monotonic) {
        long bestWidth = Long.MAX_VALUE;
        long bestReal = 0;
        long bestMid = 0;
        for (int i = 0; i < 3; i++) {
            long before = monotonic.nanos();
            long real = host.realtimeNs();
            long after = monotonic.nanos();
            long width = after - before;
            if (width < bestWidth) {
                bestWidth = width;
                bestReal = real;
                bestMid = before + width / 2;
            }
        }
        return new WallclockSample(bestReal - bestMid, bestMid, (bestWidth + 1) / 2);
    }
}
