package io.wallsync.adapters.ntp;

import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.SyncState;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A domain's wallclock as Xen gives it to the domain: the host's wall time plus the domain's
 * time_offset in whole seconds (read on every call, so an offset changed at run time applies to
 * the next answer). The sync state is the host's.
 */
public record OffsetClock(HostClock host, LongSupplier timeOffsetSeconds) implements HostClock {
    public OffsetClock {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(timeOffsetSeconds, "timeOffsetSeconds");
    }

    @Override
    public HostSample sample() {
        HostSample host = this.host.sample();
        return new HostSample(host.realtimeNs() + timeOffsetSeconds.getAsLong() * 1_000_000_000L, host.monotonicNs());
    }

    @Override
    public long realtimeNs() {
        return host.realtimeNs() + timeOffsetSeconds.getAsLong() * 1_000_000_000L;
    }

    @Override
    public SyncState syncState() {
        return host.syncState();
    }
}
