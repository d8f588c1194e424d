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
 *       (it ignores was_set). Guests' kvmclock is {@code get_kvmclock_base_ns()}, on x86_64 since
 *       Linux 5.6 ("KVM: x86: use raw clock values consistently"): {@code
 *       ktime_to_ns(ktime_add(ktime_get_raw(), pvclock_gtod_data.offs_boot))}, "Count up from boot
 *       time, but with the frequency of the raw clock". So kvmclock runs at the raw clocksource
 *       rate: NTP frequency corrections of the host do not reach it, nor do clock steps; sleep
 *       time does ({@code offs_boot}). The master clock the guest's pvclock extrapolates from uses
 *       the raw clock too.
 *   <li>{@code kvm_write_wall_clock}: only when a guest writes MSR_KVM_WALL_CLOCK_NEW, the wall time
 *       at kvmclock 0 (host realtime - kvmclock now) goes into the guest's pvclock_wall_clock.
 * </ul>
 *
 * So a guest's wall clock ({@code wall + kvmclock}) is exactly the host's realtime at the MSR write
 * ({@code kvm_get_wall_clock_epoch} = realtime - kvmclock, both now, whatever NTP has done to the
 * host frequency), and from then on runs at the raw rate: the host's NTP corrections and steps
 * after the guest booted never reach it (the guest's own NTP must correct it).
 */
public final class KvmHost {
    /** MSR_KVM_WALL_CLOCK_NEW (arch/x86/include/uapi/asm/kvm_para.h). */
    public static final int MSR_KVM_WALL_CLOCK_NEW = 0x4b56_4d00;

    /** MSR_KVM_WALL_CLOCK, the legacy number (arch/x86/include/uapi/asm/kvm_para.h: {@code 0x11}). */
    public static final int MSR_KVM_WALL_CLOCK = 0x11;

    /** Priority of the notifier; KVM registers with the default 0. */
    public static final int GTOD_NOTIFIER_PRIORITY = 0;

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
     * {@code get_kvmclock_base_ns()} (arch/x86/kvm/x86.c, CONFIG_X86_64, Linux 5.6 and later): the
     * host's CLOCK_MONOTONIC_RAW at the last gtod copy plus the clocksource time since (no
     * frequency correction: "with the frequency of the raw clock"), plus {@code offs_boot} (BOOTTIME
     * - MONOTONIC) from that copy.
     */
    long hostKvmclockBaseNs() {
        long elapsedNs = clocksourceNs.nanos() - gtod.clocksourceNs();
        long offsBootNs = gtod.boottimeNs() - gtod.monotonicNs();
        return gtod.rawNs() + elapsedNs + offsBootNs;
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
