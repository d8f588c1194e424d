package io.wallsync.core.dom0;

/** When dom0 pushes its system time into the hypervisor's wallclock. */
public enum SyncPolicy {
    /**
     * Linux before 3.11: the wallclock is written only by the "sync CMOS clock" work every 11
     * minutes ({@code sync_cmos_clock} in kernel/time/ntp.c calling {@code update_persistent_clock}
     * and so {@code xen_set_wallclock}), and only while NTP is synchronised ({@code ntp_synced()}).
     * A step of dom0's clock is not noticed until the next run.
     */
    LEGACY_PERIODIC,

    /**
     * Linux 3.11 and later (commit 5584880e44e4 "x86: xen: Sync the wallclock when the system time is
     * set", arch/x86/xen/time.c {@code xen_pvclock_gtod_notify}): on every pvclock gtod notification
     * with {@code was_set}, and whenever dom0's realtime has passed {@code next_sync}, which each
     * successful push moves 11 minutes ahead.
     */
    STEP_AND_PERIODIC
}
