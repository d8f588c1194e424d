package io.wallsync.sim.run;

import io.wallsync.sim.result.GuestResult;
import io.wallsync.sim.result.VmclockResult;
import java.util.Optional;
import java.util.OptionalLong;

/** Error statistics of one guest, updated at boot and at every sample while it runs. */
final class GuestTracker {
    /** "Correct" means |error| below this: 1 ms. */
    static final long CORRECT_NS = 1_000_000L;

    final String name;
    final long expectedOffsetNs;
    SimGuest guest;
    boolean live;
    /** The guest's vmclock reader, null when its platform publishes none. */
    VmclockProbe vmclock;
    /** Its vmclock reads, null with {@link #vmclock}. */
    VmclockResult.Accumulator vmclockStats;

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
        this.vmclock = guest.vmclock().orElse(null);
        this.vmclockStats = vmclock == null ? null : new VmclockResult.Accumulator(false);
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
                samples,
                Optional.ofNullable(vmclockStats).map(VmclockResult.Accumulator::result));
    }

    OptionalLong timeToCorrect() {
        return timeToCorrectNs < 0 ? OptionalLong.empty() : OptionalLong.of(timeToCorrectNs);
    }
}
