package io.wallsync.core.dom0;

import io.wallsync.core.notify.NotifierBlock;
import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.page.PushReason;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.GtodEvent;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.PlatformOpResult;
import io.wallsync.core.xen.XenErrno;
import java.util.Objects;
import java.util.Optional;

/**
 * The control domain's wallclock sync: pushes dom0's CLOCK_REALTIME into the hypervisor's wallclock
 * with {@code XENPF_settime64} (falling back to {@code XENPF_settime32} once the hypervisor answers
 * -ENOSYS), following one of the {@link SyncPolicy policies}.
 *
 * <p>It is driven by clock updates: {@link #onClockUpdate(boolean)} is what Linux's pvclock gtod
 * chain calls on every tick ({@code wasSet = false}) and on every step ({@code wasSet = true}). In
 * simulation the core {@code Timekeeper}'s gtod chain calls it through {@link #gtodNotifier()}; on a
 * real host a timerfd watcher and a periodic timer call it directly.
 *
 * <p>STEP_AND_PERIODIC follows {@code xen_pvclock_gtod_notify} (arch/x86/xen/time.c, Linux 3.11+):
 *
 * <pre>
 *   if (!was_set &amp;&amp; now &lt; next_sync) return NOTIFY_OK;
 *   settime64 (or settime32 after -ENOSYS); on error return NOTIFY_BAD;
 *   next_sync = now + 11 min; return NOTIFY_OK;
 * </pre>
 *
 * with one deliberate difference: after a failed push Linux leaves {@code next_sync} where it was,
 * so a failed push on a step is not retried until the old deadline passes; this agent retries at the
 * very next notification ({@link PushReason#RETRY}), so a transient failure cannot leave guests with
 * a stale wallclock for up to 11 minutes.
 *
 * <p>LEGACY_PERIODIC follows {@code sync_cmos_clock} and {@code notify_cmos_timer} (kernel/time/ntp.c,
 * Linux 3.10, where dom0's {@code update_persistent_clock} is {@code xen_set_wallclock}, the settime
 * hypercall):
 *
 * <pre>
 *   if (!ntp_synced()) {
 *       // Not synced, exit, do not restart a timer (if one is running, let it run out).
 *       return;
 *   }
 *   getnstimeofday(&amp;now);
 *   if (abs(now.tv_nsec - (NSEC_PER_SEC / 2)) &lt;= tick_nsec / 2)
 *       fail = update_persistent_clock(now);
 *   next.tv_nsec = (NSEC_PER_SEC / 2) - now.tv_nsec - (TICK_NSEC / 2);
 *   if (next.tv_nsec &lt;= 0) next.tv_nsec += NSEC_PER_SEC;
 *   if (!fail) next.tv_sec = 659; else next.tv_sec = 0;
 *   schedule_delayed_work(&amp;sync_cmos_work, timespec_to_jiffies(&amp;next));
 * </pre>
 *
 * and {@code do_adjtimex} ends with {@code notify_cmos_timer()}, i.e. {@code
 * schedule_delayed_work(&amp;sync_cmos_work, 0)}. So the work is not armed while NTP is
 * unsynchronised; the NTP daemon's adjtimex call that clears STA_UNSYNC runs it at once, it aims
 * itself at the next x.5 s, pushes there, and from then on re-arms every 659 s + the fraction to the
 * next x.5 s (660 s); a failed hypercall is retried at the next x.5 s; a run that finds NTP
 * unsynchronised disarms it until the next adjtimex. Steps are ignored. This agent sees no adjtimex
 * calls, only clock updates and the sync state, so it takes the first update that finds NTP
 * synchronised while the work is disarmed as that adjtimex call (the kernel never clears STA_UNSYNC
 * by itself: only adjtimex does). Its timer is the caller's clock updates: a run aimed at x.5 s
 * happens at the first update at or after that instant and counts as inside the {@code tick_nsec /
 * 2} window; {@link #LEGACY_TICK_NSEC} is TICK_NSEC at HZ = 250.
 *
 * <p>Not thread-safe: like the kernel's timekeeping lock, the caller serialises notifications.
 */
public final class Dom0SyncAgent {
    /** The 11-minute period of the CMOS/wallclock sync ({@code 11 * 60} s in both Linux paths). */
    public static final long DEFAULT_PERIOD_NS = 11 * 60 * 1_000_000_000L;

    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** TICK_NSEC of the modelled dom0 kernel: 10^9 / HZ at HZ = 250 (Debian's CONFIG_HZ). */
    public static final long LEGACY_TICK_NSEC = 4_000_000L;

    private static final long NOT_ARMED = Long.MAX_VALUE;

    private final HostClock host;
    private final MonotonicClock monotonic;
    private final XenPlatform xen;
    private final SyncPolicy policy;
    private final long periodNs;

    private boolean started;
    private boolean settime64Supported = true;
    private boolean retryPending;
    /** STEP_AND_PERIODIC: dom0 realtime after which the next periodic push is due ({@code next_sync}). */
    private long nextSyncRealtimeNs = Long.MIN_VALUE;
    /** LEGACY_PERIODIC: dom0 monotonic time of the next run of sync_cmos_work, or NOT_ARMED. */
    private long nextLegacyRunMonotonicNs = NOT_ARMED;
    /** LEGACY_PERIODIC: the next run was aimed at x.5 s by the previous one. */
    private boolean legacyRunAimed;

    private long notifications;
    private long hypercalls;
    private long pushes;
    private long failedPushes;
    private PushRecord lastPush;

    /**
     * @param host dom0's clock and sync state
     * @param monotonic dom0's CLOCK_MONOTONIC (drives the legacy timer)
     * @param xen the hypervisor as dom0 sees it
     * @param policy when to push
     * @param periodNs the periodic push interval in ns; {@link #DEFAULT_PERIOD_NS} is Linux's
     */
    public Dom0SyncAgent(HostClock host, MonotonicClock monotonic, XenPlatform xen, SyncPolicy policy, long periodNs) {
        this.host = Objects.requireNonNull(host, "host");
        this.monotonic = Objects.requireNonNull(monotonic, "monotonic");
        this.xen = Objects.requireNonNull(xen, "xen");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (periodNs <= 0) {
            throw new IllegalArgumentException("periodNs must be > 0 ns, got " + periodNs);
        }
        this.periodNs = periodNs;
    }

    /** An agent with Linux's 11-minute period. */
    public Dom0SyncAgent(HostClock host, MonotonicClock monotonic, XenPlatform xen, SyncPolicy policy) {
        this(host, monotonic, xen, policy, DEFAULT_PERIOD_NS);
    }

    /** This agent as a block for a pvclock gtod notifier chain. */
    public NotifierBlock<GtodEvent> gtodNotifier() {
        return event -> onClockUpdate(event.wasSet());
    }

    /**
     * One clock update of dom0: a tick ({@code wasSet = false}) or a step ({@code wasSet = true}).
     *
     * @return {@link NotifyResult#OK} when nothing was due or the push succeeded, {@link
     *     NotifyResult#BAD} when the hypervisor refused it (as xen_pvclock_gtod_notify)
     */
    public NotifyResult onClockUpdate(boolean wasSet) {
        return update(wasSet)
                .map(p -> p.succeeded() ? NotifyResult.OK : NotifyResult.BAD)
                .orElse(NotifyResult.OK);
    }

    /**
     * One clock update of dom0, as {@link #onClockUpdate}, answering with the push it made.
     *
     * @return the push (its final hypercall: after a settime64 refused with -ENOSYS, the settime32
     *     that followed), or empty when nothing was due
     */
    public Optional<PushRecord> update(boolean wasSet) {
        notifications++;
        boolean first = !started;
        started = true;
        return switch (policy) {
            case LEGACY_PERIODIC -> legacyUpdate();
            case STEP_AND_PERIODIC -> stepAndPeriodicUpdate(wasSet, first);
        };
    }

    private Optional<PushRecord> legacyUpdate() {
        long nowMonotonicNs = monotonic.nanos();
        boolean synced = host.syncState().synchronised();
        if (nextLegacyRunMonotonicNs == NOT_ARMED) {
            if (!synced) {
                return Optional.empty();
            }
            // The adjtimex call that cleared STA_UNSYNC: notify_cmos_timer() runs the work now.
            nextLegacyRunMonotonicNs = nowMonotonicNs;
            legacyRunAimed = false;
        }
        if (nowMonotonicNs < nextLegacyRunMonotonicNs) {
            return Optional.empty();
        }
        if (!synced) {
            nextLegacyRunMonotonicNs = NOT_ARMED; // "Not synced, exit, do not restart a timer"
            return Optional.empty();
        }
        HostSample now = host.sample();
        long nsec = Math.floorMod(now.realtimeNs(), NANOS_PER_SECOND);
        PushRecord record = null;
        if (legacyRunAimed || Math.abs(nsec - NANOS_PER_SECOND / 2) <= LEGACY_TICK_NSEC / 2) {
            record = push(PushReason.PERIODIC, now);
        }
        boolean pushed = record != null && record.succeeded();
        // next.tv_nsec = NSEC_PER_SEC/2 - now.tv_nsec - TICK_NSEC/2, made positive; next.tv_sec =
        // 659 (period - 1 s) after a push, 0 otherwise (not yet aimed, or the hypercall failed).
        long nextNsec = NANOS_PER_SECOND / 2 - nsec - LEGACY_TICK_NSEC / 2;
        if (nextNsec <= 0) {
            nextNsec += NANOS_PER_SECOND;
        }
        long nextSecNs = pushed ? Math.max(0, periodNs - NANOS_PER_SECOND) : 0;
        nextLegacyRunMonotonicNs = Math.addExact(nowMonotonicNs, nextSecNs + nextNsec);
        legacyRunAimed = true;
        return Optional.ofNullable(record);
    }

    private Optional<PushRecord> stepAndPeriodicUpdate(boolean wasSet, boolean first) {
        HostSample now = host.sample();
        long nowRealtimeNs = now.realtimeNs();
        PushReason reason;
        if (first && wasSet) {
            reason = PushReason.START;
        } else if (wasSet) {
            reason = PushReason.STEP;
        } else if (retryPending) {
            reason = PushReason.RETRY;
        } else if (nowRealtimeNs >= nextSyncRealtimeNs) {
            reason = PushReason.PERIODIC;
        } else {
            return Optional.empty(); // the common tick: no hypercall
        }
        PushRecord push = push(reason, now);
        if (!push.succeeded()) {
            retryPending = true;
            return Optional.of(push);
        }
        retryPending = false;
        nextSyncRealtimeNs = Math.addExact(nowRealtimeNs, periodNs);
        return Optional.of(push);
    }

    /** Issues settime64, or settime32 once the hypervisor has said -ENOSYS; the last hypercall's record. */
    private PushRecord push(PushReason reason, HostSample sample) {
        long realtimeNs = sample.realtimeNs();
        long secs = Math.floorDiv(realtimeNs, 1_000_000_000L);
        int nsecs = (int) Math.floorMod(realtimeNs, 1_000_000_000L);
        while (true) {
            long systemTimeNs = xen.systemTimeNs(sample);
            int cmd = settime64Supported ? PlatformOp.XENPF_SETTIME64 : PlatformOp.XENPF_SETTIME32;
            // settime32 carries the low 32 bits of secs only, as Linux's op.u.settime32.secs = now.tv_sec.
            byte[] op = settime64Supported
                    ? PlatformOp.settime64(secs, nsecs, systemTimeNs)
                    : PlatformOp.settime32(secs, nsecs, systemTimeNs);
            PlatformOpResult result = xen.platformOp(op);
            hypercalls++;
            PushRecord record = new PushRecord(reason, realtimeNs, systemTimeNs, cmd, result);
            lastPush = record;
            if (result instanceof PlatformOpResult.Failed failed
                    && failed.errno() == XenErrno.ENOSYS
                    && settime64Supported) {
                settime64Supported = false; // an old hypervisor: fall back for good, as Linux does
                continue;
            }
            if (record.succeeded()) {
                pushes++;
            } else {
                failedPushes++;
            }
            return record;
        }
    }

    public SyncPolicy policy() {
        return policy;
    }

    /** Clock updates received (ticks and steps). */
    public long notifications() {
        return notifications;
    }

    /** Hypercalls issued, including refused ones and the settime64 that answered -ENOSYS. */
    public long hypercalls() {
        return hypercalls;
    }

    /** Pushes the hypervisor accepted. */
    public long pushes() {
        return pushes;
    }

    /** Pushes refused with an error other than the one -ENOSYS that switches to settime32. */
    public long failedPushes() {
        return failedPushes;
    }

    /** False once the hypervisor answered -ENOSYS to settime64. */
    public boolean settime64Supported() {
        return settime64Supported;
    }

    /** The last hypercall issued, if any. */
    public Optional<PushRecord> lastPush() {
        return Optional.ofNullable(lastPush);
    }
}
