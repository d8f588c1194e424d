package io.wallsync.sim.run;

import io.wallsync.sim.result.GuestResult;
import java.util.OptionalLong;

/** Error statistics of one guest, updated at boot and at every sample while it runs. */
final class GuestTracker {
    /** "Correct" means |error| below this: 1 ms. */
    static final long CORRECT_NS = 1_000_000L;

    final String name;
    final long expectedOffsetNs;
    SimGuest guest;
    boolean live;
    private long bootTrueNs;
    private long bootErrorNs;
    private boolean bootKnewUnsynchronised;
    private long maxAbsErrorNs;
    private long timeToCorrectNs = -1;
    private long samples;

    GuestTracker(String name, long expectedOffsetNs) {
        this.name = name;
        this.expectedOffsetNs = expectedOffsetNs;
    }

    void booted(SimGuest guest, long trueNs, long errorNs) {
        this.guest = guest;
        this.live = true;
        this.bootTrueNs = trueNs;
        this.bootErrorNs = errorNs;
        this.bootKnewUnsynchronised = guest.bootKnewUnsynchronised();
        record(trueNs, errorNs);
    }

    /** Records one sample; returns |error|. */
    long record(long trueNs, long errorNs) {
        long abs = errorNs == Long.MIN_VALUE ? Long.MAX_VALUE : Math.abs(errorNs);
        samples++;
        if (abs > maxAbsErrorNs) {
            maxAbsErrorNs = abs;
        }
        if (timeToCorrectNs < 0 && abs < CORRECT_NS) {
            timeToCorrectNs = trueNs - bootTrueNs;
        }
        return abs;
    }

    boolean booted() {
        return guest != null;
    }

    GuestResult result() {
        return new GuestResult(
                name,
                guest == null ? "none" : guest.kind(),
                bootTrueNs,
                bootErrorNs,
                bootKnewUnsynchronised,
                maxAbsErrorNs,
                timeToCorrectNs < 0 ? OptionalLong.empty() : OptionalLong.of(timeToCorrectNs),
                samples);
    }

    OptionalLong timeToCorrect() {
        return timeToCorrectNs < 0 ? OptionalLong.empty() : OptionalLong.of(timeToCorrectNs);
    }
}
