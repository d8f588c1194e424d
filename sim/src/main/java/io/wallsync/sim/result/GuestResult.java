package io.wallsync.sim.result;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * How wrong one guest was under one policy. Errors are the guest's wall time minus true UTC (plus
 * its domain's configured time_offset, which is intended), in nanoseconds.
 *
 * @param name guest name
 * @param kind "pv", "hvm" or "kvm"
 * @param bootTrueNs true time at which it booted
 * @param bootErrorNs error of the date it believed at boot (signed)
 * @param bootKnewUnsynchronised whether, at boot, it could see that the host clock was not
 *     synchronised (only the wallsync policy publishes that)
 * @param maxAbsErrorNs largest |error| over its samples, boot included
 * @param timeToCorrectNs time from boot until the first sample with |error| &lt; 1 ms (0 if it booted
 *     right); empty if that never happened
 * @param samples number of samples taken, boot included
 * @param vmclock what it read from its page's vmclock structure (wallsync policy only)
 */
public record GuestResult(
        String name,
        String kind,
        long bootTrueNs,
        long bootErrorNs,
        boolean bootKnewUnsynchronised,
        long maxAbsErrorNs,
        OptionalLong timeToCorrectNs,
        long samples,
        Optional<VmclockResult> vmclock) {}
