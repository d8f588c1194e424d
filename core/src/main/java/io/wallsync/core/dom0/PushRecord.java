package io.wallsync.core.dom0;

import io.wallsync.core.page.PushReason;
import io.wallsync.core.xen.PlatformOpResult;
import java.util.Objects;

/**
 * One push of dom0's time into the hypervisor wallclock, as issued and answered.
 *
 * @param reason why the agent pushed
 * @param realtimeNs dom0's CLOCK_REALTIME that was sent (secs.nsecs), ns since the epoch
 * @param systemTimeNs the hypervisor system time sent with it, ns
 * @param cmd XENPF_settime64 (62) or XENPF_settime32 (17): the command that produced {@code result}
 * @param result the hypercall's answer
 */
public record PushRecord(PushReason reason, long realtimeNs, long systemTimeNs, int cmd, PlatformOpResult result) {
    public PushRecord {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(result, "result");
    }

    /** True when the hypervisor accepted the push. */
    public boolean succeeded() {
        return result instanceof PlatformOpResult.Done;
    }
}
