package io.wallsync.client;

import io.wallsync.core.vmclock.VmclockFields;
import java.time.Instant;

/**
 * One read on the counter path of a page v2: the vmclock structure at byte 4096 and a counter
 * read, no system call.
 *
 * @param wallTimeNs the domain's wall time in ns since the epoch
 * @param counter the counter value the time was computed at
 * @param maxErrorNs the published maximum error of this time against the host's CLOCK_REALTIME
 *     (plus the domain's offset) at this counter value, -1 when not published
 * @param estErrorNs the published estimated error, -1 when not published
 * @param hostMaxErrorNs the host kernel's own maximum error against UTC (the extension's
 *     time_maxerror_nanosec), -1 when unknown: a bound against UTC is the sum of both
 * @param fields the vmclock fields the read was consistent with
 */
public record CounterReading(
        long wallTimeNs, long counter, long maxErrorNs, long estErrorNs, long hostMaxErrorNs, VmclockFields fields) {
    public Instant instant() {
        return Instant.ofEpochSecond(
                Math.floorDiv(wallTimeNs, 1_000_000_000L), Math.floorMod(wallTimeNs, 1_000_000_000L));
    }
}
