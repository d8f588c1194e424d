package io.wallsync.core.port;

/**
 * Dom0's wall clock (the host kernel's CLOCK_REALTIME) and its synchronisation state. The Linux
 * adapter reads clock_gettime and adjtimex(modes = 0); tests and the simulator supply their own.
 */
public interface HostClock {
    /** Wall time in nanoseconds since 1970-01-01T00:00:00Z (CLOCK_REALTIME). */
    long realtimeNs();

    /** The kernel's NTP state (adjtimex with modes = 0 on Linux). */
    SyncState syncState();

    /** Leap second state of the host kernel (adjtimex STA_INS / STA_DEL / TIME_OOP / TIME_WAIT). */
    enum LeapIndicator {
        NONE,
        INSERT_PENDING,
        DELETE_PENDING,
        INSERT_IN_PROGRESS,
        INSERTED,
        DELETED
    }

    /**
     * NTP state: synchronised is false when STA_UNSYNC is set (adjtimex returns TIME_ERROR);
     * maxErrorUs and estErrorUs are the kernel's maxerror and esterror (microseconds);
     * taiOffsetSeconds is TAI - UTC.
     */
    record SyncState(
            boolean synchronised, long maxErrorUs, long estErrorUs, int taiOffsetSeconds, LeapIndicator leap) {}
}
