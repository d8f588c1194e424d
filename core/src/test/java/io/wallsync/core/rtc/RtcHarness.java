package io.wallsync.core.rtc;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/** A guest's view of one RTC: CMOS reads and writes through the ports, a virtual clock, IRQ 8. */
final class RtcHarness {
    final VmClockTimeBase clock;
    final Mc146818Rtc rtc;
    final RtcTimeline timeline;
    /** Every call of the IRQ listener, in order: "raise" or "lower" with the virtual time. */
    final List<String> irqCalls = new ArrayList<>();

    int raises;
    boolean irqLevel;

    RtcHarness(RtcFlavor flavor, LocalDateTime base) {
        clock = new VmClockTimeBase(base.toEpochSecond(ZoneOffset.UTC));
        rtc = new Mc146818Rtc(flavor, clock, new RtcIrqListener() {
            @Override
            public void raise() {
                raises++;
                irqLevel = true;
                irqCalls.add("raise@" + clock.virtualNs());
            }

            @Override
            public void lower() {
                irqLevel = false;
                irqCalls.add("lower@" + clock.virtualNs());
            }
        });
        timeline = new RtcTimeline(clock, rtc);
    }

    static RtcHarness qemu(String isoBase) {
        return new RtcHarness(RtcFlavor.QEMU, LocalDateTime.parse(isoBase));
    }

    static RtcHarness xen(String isoBase) {
        return new RtcHarness(RtcFlavor.XEN, LocalDateTime.parse(isoBase));
    }

    int read(int register) {
        rtc.outb(Mc146818.INDEX_PORT, register);
        return rtc.inb(Mc146818.DATA_PORT);
    }

    void write(int register, int value) {
        rtc.outb(Mc146818.INDEX_PORT, register);
        rtc.outb(Mc146818.DATA_PORT, value);
    }

    /** Advances the virtual clock by {@code ns}, running the RTC's timers on the way. */
    void step(long ns) {
        timeline.advanceTo(clock.virtualNs() + ns);
    }

    long now() {
        return clock.virtualNs();
    }

    /** rtc-test.c's set_time: mode into B, divider reset, h/m/s, release (first update 500 ms later). */
    void setTime(int mode, int hours, int minutes, int seconds) {
        write(Mc146818.RTC_REG_B, mode);
        write(Mc146818.RTC_REG_A, 0x76);
        write(Mc146818.RTC_HOURS, hours);
        write(Mc146818.RTC_MINUTES, minutes);
        write(Mc146818.RTC_SECONDS, seconds);
        write(Mc146818.RTC_REG_A, 0x26);
    }

    /** The time registers as "HH:MM:SS" of their raw hex bytes. */
    String hms() {
        return String.format(
                "%02x:%02x:%02x", read(Mc146818.RTC_HOURS), read(Mc146818.RTC_MINUTES), read(Mc146818.RTC_SECONDS));
    }

    /** Century, year, month, day of month, day of week as raw hex bytes "CCYY-MM-DD w". */
    String date() {
        return String.format(
                "%02x%02x-%02x-%02x %x",
                read(Mc146818.RTC_CENTURY),
                read(Mc146818.RTC_YEAR),
                read(Mc146818.RTC_MONTH),
                read(Mc146818.RTC_DAY_OF_MONTH),
                read(Mc146818.RTC_DAY_OF_WEEK));
    }
}
