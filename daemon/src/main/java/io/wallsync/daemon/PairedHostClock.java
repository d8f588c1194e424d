package io.wallsync.daemon;

import io.wallsync.core.dom0.XenPlatform;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOpResult;

/**
 * dom0's clock for the real mode, with each CLOCK_REALTIME read paired to the CLOCK_MONOTONIC
 * instant it was taken at. The Dom0SyncAgent reads realtime and then, separately, the hypervisor's
 * system time (as Linux's xen_pvclock_gtod_notify does); the two reads are some tens of ns apart,
 * more if the thread is preempted between them, and that gap would go straight into
 * W = realtime - system_time. Here realtime is sampled as monotonic, realtime, monotonic (three
 * times, tightest bracket wins) and the {@link #platform} hands the bracket's midpoint to the agent
 * as the system time of that push. In the real mode system time is CLOCK_MONOTONIC, so this is the
 * same clock, read at the right moment.
 */
final class PairedHostClock implements HostClock {
    private final HostClock host;
    private final MonotonicClock monotonic;
    private long pairedMonotonicNs;
    private boolean paired;

    PairedHostClock(HostClock host, MonotonicClock monotonic) {
        this.host = host;
        this.monotonic = monotonic;
    }

    @Override
    public long realtimeNs() {
        long bestWidth = Long.MAX_VALUE;
        long bestReal = 0;
        long bestMid = 0;
        for (int i = 0; i < 3; i++) {
            long before = monotonic.nanos();
            long real = host.realtimeNs();
            long after = monotonic.nanos();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                bestReal = real;
                bestMid = before + (after - before) / 2;
            }
        }
        pairedMonotonicNs = bestMid;
        paired = true;
        return bestReal;
    }

    @Override
    public SyncState syncState() {
        return host.syncState();
    }

    /**
     * dom0's platform: platform_op goes to the hypervisor; system time is the monotonic instant of
     * the last realtime read (used once), else the hypervisor's own clock.
     */
    XenPlatform platform(Hypervisor hypervisor) {
        XenPlatform dom0 = XenPlatform.of(hypervisor, Hypervisor.DOM0);
        return new XenPlatform() {
            @Override
            public PlatformOpResult platformOp(byte[] op) {
                return dom0.platformOp(op);
            }

            @Override
            public long systemTimeNs() {
                if (paired) {
                    paired = false;
                    return pairedMonotonicNs;
                }
                return dom0.systemTimeNs();
            }
        };
    }
}
