package io.wallsync.core.kvm;

import io.wallsync.core.notify.NotifyResult;
import io.wallsync.core.notify.Registration;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.time.GtodEvent;
import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.time.TimekeeperSnapshot;
import java.util.Objects;

/**
 * The KVM host side of guest time (arch/x86/kvm/x86.c):
 *
 * <ul>
 *   <li>{@code pvclock_gtod_notify}: registered on the host's pvclock_gtod chain, it copies the
 *       timekeeper ({@code update_pvclock_gtod}) on <em>every</em> update, ticks and steps alike
 *       (it ignores was_set). Guests' kvmclock follows that copy: the host's BOOTTIME, NTP frequency
 *       corrections included, clock steps excluded.
 *   <li>{@code kvm_write_wall_clock}: only when a guest writes MSR_KVM_WALL_CLOCK_NEW, the wall time
 *       at kvmclock 0 (host realtime - kvmclock now) goes into the guest's pvclock_wall_clock.
 * </ul>
 *
 * So a step of the host clock after a guest booted never reaches it: exact frequency, stale phase.
 */
public final class KvmHost {
    /** MSR_KVM_WALL_CLOCK_NEW (arch/x86/include/uapi/asm/kvm_para.h). */
    public static final int MSR_KVM_WALL_CLOCK_NEW = 0x4b56_4d00;

    /** Priority of the notifier; KVM registers with the default 0. */
    public static final int GTOD_NOTIFIER_PRIORITY = 0;

    private static final double SCALED_PPM_PER_PPM = 65_536.0;

    private final Timekeeper timekeeper;
    private final MonotonicClock clocksourceNs;
    private final Registration<GtodEvent> registration;
    private TimekeeperSnapshot gtod;
    private long copies;
    private long tickCopies;
    private long msrWrites;

    /**
     * Registers {@code pvclock_gtod_notify} on the timekeeper's gtod chain (which calls it at once,
     * so the copy exists from the start).
     *
     * @param timekeeper the host kernel's timekeeper
     * @param clocksourceNs the same clocksource the timekeeper reads (the TSC that kvmclock
     *     extrapolates with between copies)
     */
    public KvmHost(Timekeeper timekeeper, MonotonicClock clocksourceNs) {
        this.timekeeper = Objects.requireNonNull(timekeeper, "timekeeper");
        this.clocksourceNs = Objects.requireNonNull(clocksourceNs, "clocksourceNs");
        this.registration = timekeeper.registerGtodNotifier(this::pvclockGtodNotify, GTOD_NOTIFIER_PRIORITY);
    }

    private NotifyResult pvclockGtodNotify(GtodEvent event) {
        gtod = event.snapshot();
        copies++;
        if (!event.wasSet()) {
            tickCopies++;
        }
        return NotifyResult.DONE;
    }

    /** Creates a VM; its kvmclock starts at 0 now ({@code kvm->arch.kvmclock_offset = -boot ns}). */
    public KvmVm createVm() {
        return new KvmVm(this, -hostKvmclockBaseNs());
    }

    /**
     * {@code get_kvmclock_base_ns()} from the last gtod copy: host BOOTTIME at the copy plus the
     * clocksource time since, scaled by the frequency correction in force at the copy (what the
     * master clock computes from pvclock_gtod_data).
     */
    long hostKvmclockBaseNs() {
        long elapsedNs = clocksourceNs.nanos() - gtod.clocksourceNs();
        double ppm = gtod.frequencyScaledPpm() / SCALED_PPM_PER_PPM;
        return gtod.boottimeNs() + elapsedNs + Math.round(elapsedNs * ppm * 1e-6);
    }

    /** Host CLOCK_REALTIME now: what {@code kvm_get_wall_clock_epoch} starts from. */
    long hostRealtimeNs() {
        return timekeeper.realtimeNs();
    }

    void countMsrWrite() {
        msrWrites++;
    }

    /** Times the timekeeper was copied (ticks and steps, and once at registration). */
    public long copies() {
        return copies;
    }

    /**
     * Copies made with was_set = false: one per tick, plus one per frequency change (adjtimex
     * ADJ_FREQUENCY also updates the timekeeper and runs the chain).
     */
    public long tickCopies() {
        return tickCopies;
    }

    /** Calls of the gtod notifier: equal to {@link #copies()} (it copies on every call). */
    public long notifierCalls() {
        return copies;
    }

    /** Wall-clock MSR writes handled, over all VMs. */
    public long msrWrites() {
        return msrWrites;
    }

    /** Unregisters the notifier (module unload). */
    public void close() {
        registration.unregister();
    }
}
