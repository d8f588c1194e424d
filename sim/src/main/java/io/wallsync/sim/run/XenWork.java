package io.wallsync.sim.run;

import io.wallsync.core.xen.Hypervisor;

/**
 * The work counters of a Xen platform: every settime writes the wallclock of every domain
 * (dom0 included), and Xen's own settime on resume ({@code time_resume()}: W re-read from the CMOS
 * RTC) is the hypervisor's work, not a dom0 hypercall, so it is not counted against the policy.
 */
final class XenWork {
    private final Hypervisor hypervisor;
    private long seenSettimes;
    private long internalSettimes;
    private long domainPageWrites;
    private int domains = 1; // dom0

    XenWork(Hypervisor hypervisor) {
        this.hypervisor = hypervisor;
    }

    /** A guest domain was created. */
    void domainCreated() {
        domains++;
    }

    /** Counts the settimes since the last call: each wrote every domain's shared_info. */
    void account() {
        long settimes = hypervisor.settimeCount();
        domainPageWrites += (settimes - seenSettimes) * domains;
        seenSettimes = settimes;
    }

    /** The host resumed: Xen's own do_settime from the CMOS RTC, which reads {@code rtcNowNs}. */
    void resume(long rtcNowNs) {
        account();
        Dom0Pusher.pushAt(hypervisor, rtcNowNs);
        internalSettimes++;
        account();
    }

    /** The counts, with the policy's notifier calls. */
    Platform.Counts counts(long notifierCalls) {
        long hypercalls = hypervisor.platformOpCount() - internalSettimes;
        long updates = hypervisor.settimeCount() - internalSettimes;
        return new Platform.Counts(updates, hypercalls, domainPageWrites, 0, notifierCalls, 0);
    }
}
