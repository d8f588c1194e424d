package io.wallsync.sim.run;

import io.wallsync.core.time.StepResult;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.time.Timex;
import io.wallsync.core.time.TimexResult;
import io.wallsync.core.time.TimexStatus;
import io.wallsync.sim.scenario.NtpSpec;
import io.wallsync.sim.world.NtpDiscipline;

/**
 * dom0's NTP daemon acting on the host {@link Timekeeper} through the kernel interfaces a real one
 * uses: it measures the offset against true UTC (plus normal noise), then either steps the clock
 * (settimeofday or ADJ_SETOFFSET) or sets the frequency correction, maxerror/esterror and status
 * (ADJ_FREQUENCY | ADJ_MAXERROR | ADJ_ESTERROR | ADJ_STATUS), clearing STA_UNSYNC once the
 * {@link NtpDiscipline} says it is synchronised. A pending leap second is kept in the status
 * (STA_INS or STA_DEL) until the kernel has applied it.
 */
final class HostNtpDaemon {
    /** Polls this close to a leap second are skipped, as real daemons ignore samples around it. */
    private static final long LEAP_BLACKOUT_NS = 3_000_000_000L;

    private static final long NS_PER_US = 1_000L;

    private final World world;
    private final Timekeeper timekeeper;
    private final NtpSpec spec;
    private final NtpDiscipline discipline;
    private int leapBits;
    private static final long NO_LEAP = Long.MIN_VALUE;

    private long leapRealtimeNs = NO_LEAP;
    private long polls;
    private long steps;

    HostNtpDaemon(World world, Timekeeper timekeeper, NtpSpec spec) {
        this.world = world;
        this.timekeeper = timekeeper;
        this.spec = spec;
        this.discipline = new NtpDiscipline(
                spec.stepThresholdNs(), spec.maxSlewPpm(), spec.syncAfterPolls(), spec.pollIntervalNs());
    }

    /** The daemon announces a leap second (insert or delete) at the end of the current UTC day. */
    void announceLeap(boolean insert, long leapRealtimeNs) {
        this.leapBits = insert ? TimexStatus.STA_INS : TimexStatus.STA_DEL;
        this.leapRealtimeNs = leapRealtimeNs;
        adjtimex(Timex.builder().status(statusBits()).build());
    }

    void poll() {
        if (world.suspended()) {
            return;
        }
        long realtime = timekeeper.realtimeNs();
        if (leapRealtimeNs != NO_LEAP) {
            if (leapBits != 0 && realtime > leapRealtimeNs + LEAP_BLACKOUT_NS) {
                leapBits = 0; // the kernel has taken it: stop announcing
            }
            if (Math.abs(realtime - leapRealtimeNs) < LEAP_BLACKOUT_NS) {
                return;
            }
        }
        polls++;
        long noise = spec.noiseNs() == 0 ? 0 : Math.round(world.ntpNoise.nextGaussian() * spec.noiseNs());
        long measuredOffsetNs = realtime - world.trueUtcNs() + noise;
        switch (discipline.onPoll(measuredOffsetNs)) {
            case NtpDiscipline.Action.Step step -> {
                steps++;
                step(step.correctionNs());
            }
            case NtpDiscipline.Action.Slew slew -> {
                long errorUs = Math.max(1, Math.abs(measuredOffsetNs) / NS_PER_US);
                adjtimex(Timex.builder()
                        .frequency(Math.round(slew.frequencyPpm() * 65_536))
                        .maxError(errorUs + spec.noiseNs() / NS_PER_US)
                        .estError(errorUs)
                        .status(statusBits())
                        .build());
            }
        }
    }

    private int statusBits() {
        return (discipline.synchronised() ? 0 : TimexStatus.STA_UNSYNC) | leapBits;
    }

    private void step(long correctionNs) {
        switch (spec.stepMethod()) {
            case SETTIMEOFDAY -> {
                if (timekeeper.settimeofday(timekeeper.realtimeNs() + correctionNs)
                        instanceof StepResult.Rejected rejected) {
                    throw new IllegalStateException("the host kernel refused the NTP step: " + rejected.reason());
                }
            }
            case ADJ_SETOFFSET -> {
                long sec = Math.floorDiv(correctionNs, 1_000_000_000L);
                long nsec = Math.floorMod(correctionNs, 1_000_000_000L);
                adjtimex(Timex.builder().setOffsetNanos(sec, nsec).build());
            }
        }
    }

    private TimexResult adjtimex(Timex timex) {
        TimexResult result = timekeeper.adjtimex(timex);
        if (result instanceof TimexResult.Invalid invalid) {
            throw new IllegalStateException("the host kernel refused adjtimex: " + invalid.reason());
        }
        return result;
    }

    long polls() {
        return polls;
    }

    long steps() {
        return steps;
    }

    boolean synchronised() {
        return discipline.synchronised();
    }
}
