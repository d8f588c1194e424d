package io.wallsync.core.guest;

import io.wallsync.core.rtc.LinuxCmosReader;
import io.wallsync.core.rtc.LinuxCmosWriter;
import io.wallsync.core.rtc.Mc146818Rtc;
import io.wallsync.core.rtc.RtcFlavor;
import io.wallsync.core.rtc.RtcIrqListener;
import io.wallsync.core.rtc.XenRtcTimeBase;
import io.wallsync.core.xen.Hypervisor;
import java.time.LocalDateTime;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.LongConsumer;

/**
 * A fully virtualised (HVM) Xen guest's view of wall time: it has no shared_info wallclock to read,
 * only the emulated CMOS RTC at ports 0x70/0x71 (the {@linkplain RtcFlavor#XEN Xen flavour} backed
 * by its domain: W + system time + time_offset). It reads the date the way Linux does ({@link
 * LinuxCmosReader}, no century register because Xen's RTC has none) and may write it back ({@link
 * LinuxCmosWriter}), which moves its domain's time_offset.
 */
public final class HvmGuest {
    private final int domainId;
    private final Mc146818Rtc rtc;
    private final LinuxCmosReader.PortIo cpu;

    /**
     * The guest of HVM domain {@code domainId}.
     *
     * @param waitNs how the guest's busy waits ({@code mdelay}) pass: must advance the
     *     hypervisor's system time by the given nanoseconds (the simulator moves its clock)
     * @param irq where the RTC's IRQ 8 goes
     * @throws IllegalArgumentException if the hypervisor has no such domain
     */
    public HvmGuest(Hypervisor hypervisor, int domainId, LongConsumer waitNs, RtcIrqListener irq) {
        Objects.requireNonNull(waitNs, "waitNs");
        this.domainId = domainId;
        this.rtc = new Mc146818Rtc(RtcFlavor.XEN, new XenRtcTimeBase(hypervisor, domainId), irq);
        this.cpu = LinuxCmosReader.PortIo.of(rtc, waitNs);
    }

    /** The domain this guest runs in. */
    public int domainId() {
        return domainId;
    }

    /** The guest's emulated RTC (ports, timers). */
    public Mc146818Rtc rtc() {
        return rtc;
    }

    /** Reads the RTC as Linux's {@code mc146818_get_time} does (at boot, or hwclock -r). */
    public LocalDateTime readRtc() {
        return new LinuxCmosReader(cpu, OptionalInt.empty()).read().dateTime();
    }

    /**
     * Sets the RTC as Linux's {@code mc146818_set_time} does (hwclock -w; a guest that keeps its
     * RTC in local time writes its local time). Under Xen this moves the domain's time_offset.
     */
    public LinuxCmosWriter.Result setRtc(LocalDateTime dateTime) {
        return new LinuxCmosWriter(cpu, OptionalInt.empty()).write(dateTime);
    }
}
