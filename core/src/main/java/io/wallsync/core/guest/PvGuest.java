package io.wallsync.core.guest;

import io.wallsync.core.port.CycleCounter;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.VcpuTimeInfo;
import io.wallsync.core.xen.VcpuTimeReading;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.core.xen.WallclockReading;
import java.util.Objects;

/**
 * A paravirtualised Xen guest's view of wall time, as Linux's Xen clock code does it
 * (arch/x86/xen/time.c {@code xen_read_wallclock}, arch/x86/kernel/pvclock.c
 * {@code pvclock_read_wallclock}): at boot it reads W from its shared_info with the seqlock
 * protocol, and its realtime becomes W + system time. From then on it keeps time from its own
 * system clock and does not look at W again until {@link #resync()}: a W that the hypervisor fixes
 * later does not reach a guest that has booted.
 *
 * <p>W is read with {@link PvWallclockReader#LINUX} unless another reader is named: Linux reads
 * the u32 {@code wc_sec} only, so a PV guest shows Linux's behaviour for dates from 2106 on and
 * for a W made negative by its time_offset (see {@link LinuxPvclockWallclockReader}).
 * {@link PvWallclockReader#WALLSYNC_SEC_HI} is wallsync's 64-bit reader, for a guest that reads
 * wc_sec_hi too.
 *
 * <p>System time comes either from an injected clock or, as a real PV guest does it, from vcpu 0's
 * vcpu_time_info plus the guest's counter: system_time + scale_delta(counter - tsc_timestamp).
 */
public final class PvGuest {
    /** A source of hypervisor system time as the guest computes it. */
    @FunctionalInterface
    private interface SystemTimeSource {
        long systemTimeNs();
    }

    /** The outcome of booting: a running guest, or the read that failed. */
    public sealed interface BootResult {
        record Booted(PvGuest guest) implements BootResult {}

        record Failed(String why) implements BootResult {}
    }

    private final SharedInfo page;
    private final PvWallclockReader reader;
    private final SystemTimeSource systemTime;
    private final int maxRetries;
    private Wallclock wallclock;
    private final long bootWallNs;
    private final long bootSystemTimeNs;

    private PvGuest(
            SharedInfo page,
            PvWallclockReader reader,
            SystemTimeSource systemTime,
            int maxRetries,
            Wallclock wallclock) {
        this.page = page;
        this.reader = reader;
        this.systemTime = systemTime;
        this.maxRetries = maxRetries;
        this.wallclock = wallclock;
        this.bootSystemTimeNs = systemTime.systemTimeNs();
        this.bootWallNs = wallclock.toEpochNanos() + bootSystemTimeNs;
    }

    /**
     * Boots now, with system time from {@code systemTimeNs} (the hypervisor's system time as the
     * guest sees it).
     *
     * @throws IllegalStateException if the wallclock cannot be read consistently within
     *     {@link SharedInfo#DEFAULT_MAX_RETRIES} retries (a hypervisor stuck mid-write)
     */
    public static PvGuest boot(SharedInfo page, MonotonicClock systemTimeNs) {
        return orThrow(tryBoot(page, systemTimeNs, SharedInfo.DEFAULT_MAX_RETRIES));
    }

    /**
     * Boots now, computing system time as a real PV guest does: from vcpu 0's vcpu_time_info in
     * {@code page} and the counter.
     *
     * @throws IllegalStateException if the wallclock or vcpu_time_info cannot be read consistently
     */
    public static PvGuest bootWithPvclock(SharedInfo page, CycleCounter counter) {
        return orThrow(tryBootWithPvclock(page, counter, SharedInfo.DEFAULT_MAX_RETRIES));
    }

    /** As {@link #boot(SharedInfo, MonotonicClock)}, reporting a failed read as a value. */
    public static BootResult tryBoot(SharedInfo page, MonotonicClock systemTimeNs, int maxRetries) {
        return tryBoot(page, systemTimeNs, maxRetries, PvWallclockReader.LINUX);
    }

    /**
     * As {@link #tryBoot(SharedInfo, MonotonicClock, int)}, reading W (at boot and at every
     * {@link #resync()}) with {@code reader} instead of Linux's.
     */
    public static BootResult tryBoot(
            SharedInfo page, MonotonicClock systemTimeNs, int maxRetries, PvWallclockReader reader) {
        Objects.requireNonNull(systemTimeNs, "systemTimeNs");
        return bootFrom(page, reader, systemTimeNs::nanos, maxRetries);
    }

    /**
     * Boots now with system time from a given vcpu_time_info (e.g. another vcpu's, or one mapped
     * separately) and the counter.
     *
     * @throws IllegalStateException if the wallclock or vcpu_time_info cannot be read consistently
     */
    public static PvGuest bootWithPvclock(SharedInfo page, VcpuTimeInfo timeInfo, CycleCounter counter) {
        return orThrow(tryBootWithPvclock(page, timeInfo, counter, SharedInfo.DEFAULT_MAX_RETRIES));
    }

    /** As {@link #bootWithPvclock(SharedInfo, CycleCounter)}, reporting a failed read as a value. */
    public static BootResult tryBootWithPvclock(SharedInfo page, CycleCounter counter, int maxRetries) {
        Objects.requireNonNull(page, "page");
        return tryBootWithPvclock(page, page.vcpuTimeInfo(0), counter, maxRetries);
    }

    /** As {@link #bootWithPvclock(SharedInfo, VcpuTimeInfo, CycleCounter)}, reporting a failed read as a value. */
    public static BootResult tryBootWithPvclock(
            SharedInfo page, VcpuTimeInfo timeInfo, CycleCounter counter, int maxRetries) {
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(timeInfo, "timeInfo");
        Objects.requireNonNull(counter, "counter");
        if (timeInfo.read(maxRetries) instanceof VcpuTimeReading.Failed failed) {
            return new BootResult.Failed("vcpu_time_info: " + failed.why());
        }
        return bootFrom(
                page, PvWallclockReader.LINUX, () -> pvclockSystemTime(timeInfo, counter, maxRetries), maxRetries);
    }

    private static long pvclockSystemTime(VcpuTimeInfo timeInfo, CycleCounter counter, int maxRetries) {
        return switch (timeInfo.read(maxRetries)) {
            // Linux pvclock_clocksource_read: the counter is read inside the seqlock section; here
            // the reading is a consistent snapshot, so reading the counter after it is equivalent.
            case VcpuTimeReading.Value v -> v.systemTimeNsAt(counter.read());
            case VcpuTimeReading.Failed f -> throw new IllegalStateException("vcpu_time_info unreadable: " + f.why());
        };
    }

    private static BootResult bootFrom(
            SharedInfo page, PvWallclockReader reader, SystemTimeSource systemTime, int maxRetries) {
        Objects.requireNonNull(page, "page");
        Objects.requireNonNull(reader, "reader");
        return switch (reader.read(page, maxRetries)) {
            case WallclockReading.Value v ->
                new BootResult.Booted(new PvGuest(page, reader, systemTime, maxRetries, v.wallclock()));
            case WallclockReading.Failed f -> new BootResult.Failed("wallclock: " + f.why());
        };
    }

    private static PvGuest orThrow(BootResult result) {
        return switch (result) {
            case BootResult.Booted(PvGuest guest) -> guest;
            case BootResult.Failed(String why) -> throw new IllegalStateException("PV guest cannot boot: " + why);
        };
    }

    /** The guest's wall time now, in ns since the epoch: its W + its system time now. */
    public long wallNs() {
        return wallclock.toEpochNanos() + systemTime.systemTimeNs();
    }

    /** The wall time the guest believed at the moment it booted, in ns since the epoch. */
    public long bootWallNs() {
        return bootWallNs;
    }

    /** System time at boot. */
    public long bootSystemTimeNs() {
        return bootSystemTimeNs;
    }

    /** The W the guest currently uses (read at boot or at the last successful resync). */
    public Wallclock wallclock() {
        return wallclock;
    }

    /**
     * Re-reads W from shared_info (what a guest does on resume, or an admin's {@code hwclock
     * --hctosys}). On failure the guest keeps its old W.
     */
    public WallclockReading resync() {
        WallclockReading reading = reader.read(page, maxRetries);
        if (reading instanceof WallclockReading.Value v) {
            wallclock = v.wallclock();
        }
        return reading;
    }
}
