package io.wallsync.client;

import io.wallsync.core.page.ClockStatus;
import io.wallsync.core.page.PageLeapIndicator;
import io.wallsync.core.page.PushReason;
import java.time.Duration;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * A consistent snapshot of a page's extension (read under its seq_count).
 *
 * @param clockStatus host clock state; SYNCHRONIZED only when the host kernel is NTP-synchronised
 * @param leap leap second state
 * @param taiOffsetSec TAI - UTC, when the daemon knew it
 * @param stepGeneration changes on every step of this domain's wall time
 * @param estErrorNs estimated error, when known
 * @param maxErrorNs maximum error, when known
 * @param lastPushMonotonicNs CLOCK_MONOTONIC of the last push
 * @param lastPushReason why the last push happened (null for a code this reader does not know)
 * @param timeOffsetSec this domain's offset, already in the wall time
 * @param heartbeatAge how long ago the daemon last wrote its heartbeat
 * @param heartbeatPeriod how often the daemon writes it
 * @param writerPid the daemon's process id
 */
public record PageStatus(
        ClockStatus clockStatus,
        PageLeapIndicator leap,
        OptionalInt taiOffsetSec,
        long stepGeneration,
        OptionalLong estErrorNs,
        OptionalLong maxErrorNs,
        long lastPushMonotonicNs,
        PushReason lastPushReason,
        int timeOffsetSec,
        Duration heartbeatAge,
        Duration heartbeatPeriod,
        long writerPid) {

    /** True when the host clock is synchronised and its error bounds are known. */
    public boolean synchronised() {
        return clockStatus == ClockStatus.SYNCHRONIZED;
    }
}
