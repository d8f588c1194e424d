package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.CmosCalendar.NS_PER_SECOND;
import static io.wallsync.core.rtc.Mc146818.*;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * The emulated MC146818 CMOS RTC: one method per port access, and two timers the owner of the
 * virtual clock runs ({@link #nextDeadlineNs()}, {@link #runDueTimers()}).
 *
 * <p>The state machine is QEMU's {@code hw/rtc/mc146818rtc.c} (the {@code pc} machine's RTC, with
 * the default {@code lost_tick_policy=discard}), ported line by line so that a guest, or a qtest
 * script, sees the same register values and interrupts; the {@linkplain RtcFlavor#XEN Xen flavour}
 * changes the points listed in {@link RtcFlavor}. Where QEMU keeps {@code base_rtc}, {@code
 * last_update} and {@code offset}, this class keeps the guest RTC time as {@code wallNs() +
 * localOffsetNs} (the same value modulo 2^64) plus {@code phaseNs}, QEMU's {@code offset}: the
 * sub-second phase that a reload of the date registers starts from.
 *
 * <p>The Xen flavour follows xen/arch/x86/hvm/rtc.c (Xen 4.23-dev; the file has not changed in
 * these points since Xen 4.3) where it differs from QEMU:
 *
 * <ul>
 *   <li>{@code rtc_ioport_write} RTC_REG_A only stores the value ({@code (data &amp; ~RTC_UIP) |
 *       (orig &amp; RTC_UIP)}) and calls {@code rtc_timer_update}: a divider reset neither freezes
 *       nor restarts the clock, which keeps running whatever DV is;
 *   <li>releasing SET calls {@code rtc_set_time} whatever DV is: the domain's time_offset moves by
 *       {@code after - before}, whole seconds, where before is the date when SET was entered
 *       ({@code current_tm}), so the seconds spent in SET are kept, not lost;
 *   <li>RTC_REG_B is stored as written (setting SET does not clear UIE), and {@code
 *       rtc_update_irq} only raises IRQF and IRQ 8 (when B &amp; C &amp; (PF|AF|UF) is set); it never
 *       clears IRQF or lowers the line;
 *   <li>only CMOS indexes 0x00..0x0D are the vRTC's ({@code RTC_CMOS_SIZE} 14); higher indexes,
 *       and the index writes that select them, go to the {@link CmosDeviceModel};
 *   <li>UIP is the last 244 us of each second ({@link Mc146818#XEN_UIP_HOLD_NS}), the update is
 *       timed from the guest time in whole microseconds, and the periodic interrupt runs every
 *       {@code DIV_ROUND(cycles * 10^9, 32768)} ns on a grid counted from the device's creation
 *       ({@code start_time}: {@code delta = period - ((now - s->start_time) % period)}); the
 *       divider must be 4.194304 MHz, 1.048576 MHz or 32.768 kHz, and rates 1 and 2 repeat 8 and 9
 *       only at 32.768 kHz.
 * </ul>
 *
 * The update and alarm timers keep QEMU's structure (one update timer that also serves the
 * alarm) with Xen's timing.
 *
 * <p>Time registers are a cache, refreshed from the clock whenever QEMU refreshes them (reads of a
 * date register, SET or divider reset, the update cycle, every alarm computation). A guest write
 * of a date field while the clock runs reloads the clock from all date registers, as QEMU does.
 *
 * <p>Not thread-safe: one virtual CPU (or one qtest stream) drives it.
 */
public final class Mc146818Rtc {
    private static final int SECONDS_PER_MINUTE = 60;
    private static final int MINUTES_PER_HOUR = 60;
    private static final int HOURS_PER_DAY = 24;
    private static final int SECONDS_PER_DAY = 86_400;

    private final RtcFlavor flavor;
    private final RtcTimeBase timeBase;
    private final RtcIrqListener irq;
    private final CmosDeviceModel deviceModel;
    private final int[] cmos = new int[CMOS_SIZE];
    private int index;

    /** Guest RTC time = {@code timeBase.wallNs() + localOffsetNs}, wrapping like QEMU's uint64. */
    private long localOffsetNs;
    /** QEMU's {@code offset}: sub-second phase given to the clock when it is reloaded. */
    private long phaseNs;

    private long timerSequence;
    private final DeviceTimer periodicTimer = new DeviceTimer();
    private final DeviceTimer updateTimer = new DeviceTimer();
    /** QEMU's {@code next_periodic_time}, virtual ns. */
    private long nextPeriodicTimeNs;
    /** QEMU's {@code period}: current periodic period in 32.768 kHz cycles, 0 = off. */
    private int periodCycles;
    /** QEMU's {@code next_alarm_time}, virtual ns (compared unsigned, as QEMU does). */
    private long nextAlarmTimeNs;
    /** Xen's {@code current_tm}, as seconds since the epoch: the "before" of {@code rtc_set_time}. */
    private long currentTmSeconds;
    /** Xen's {@code start_time}: virtual ns at creation, origin of the periodic grid. */
    private final long startTimeNs;
    /** Xen's {@code s->period}: the periodic period in ns, 0 = off. */
    private long xenPeriodNs;

    /**
     * A powered-on RTC showing the time base's current wall time, registers at their reset values
     * (A = 0x26, B = 0x02, C = 0x00, D = 0x80) and CMOS RAM zeroed.
     */
    public Mc146818Rtc(RtcFlavor flavor, RtcTimeBase timeBase, RtcIrqListener irq) {
        this(flavor, timeBase, irq, CmosDeviceModel.ram());
    }

    /**
     * As {@link #Mc146818Rtc(RtcFlavor, RtcTimeBase, RtcIrqListener)}; in the Xen flavour, CMOS
     * indexes 0x0E..0x7F are served by {@code deviceModel} (the QEMU flavour serves all 128 bytes
     * itself and never calls it).
     */
    public Mc146818Rtc(RtcFlavor flavor, RtcTimeBase timeBase, RtcIrqListener irq, CmosDeviceModel deviceModel) {
        this.flavor = Objects.requireNonNull(flavor, "flavor");
        this.timeBase = Objects.requireNonNull(timeBase, "timeBase");
        this.irq = Objects.requireNonNull(irq, "irq");
        this.deviceModel = Objects.requireNonNull(deviceModel, "deviceModel");
        this.startTimeNs = timeBase.virtualNs();
        cmos[RTC_REG_A] = RESET_REG_A;
        cmos[RTC_REG_B] = RESET_REG_B;
        cmos[RTC_REG_C] = RESET_REG_C;
        cmos[RTC_REG_D] = RESET_REG_D;
        // rtc_set_date_from_host: the registers show the wall time now. QEMU truncates a host time
        // to whole seconds; a time base with a sub-second part keeps it here (phase = that part).
        long wallNs = timeBase.wallNs();
        phaseNs = Long.remainderUnsigned(wallNs, NS_PER_SECOND);
        currentTmSeconds = wallNs / NS_PER_SECOND;
        setCmos(CmosCalendar.gmtime(wallNs / NS_PER_SECOND));
        checkUpdateTimer();
    }

    /** The flavour this device emulates. */
    public RtcFlavor flavor() {
        return flavor;
    }

    /** The time the RTC counts now, ns since the epoch (what the date registers will show). */
    public long guestTimeNs() {
        return timeBase.wallNs() + localOffsetNs;
    }

    // ---------------------------------------------------------------- port accesses

    /**
     * A one-byte read of port {@code port}: even ports (0x70) read 0xFF, odd ports (0x71) the
     * register selected by the index.
     */
    public int inb(int port) {
        if ((port & 1) == 0) {
            return 0xFF;
        }
        if (forwardedToDeviceModel()) {
            return deviceModel.inb(port);
        }
        int value;
        switch (index) {
            case RTC_IBM_PS2_CENTURY_BYTE, RTC_CENTURY -> {
                if (flavor.hasCenturyRegister()) {
                    index = RTC_CENTURY; // QEMU moves the index itself, not just this access
                    value = readDateRegister();
                } else {
                    value = cmos[index];
                }
            }
            case RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK, RTC_DAY_OF_MONTH, RTC_MONTH, RTC_YEAR ->
                value = readDateRegister();
            case RTC_REG_A -> {
                value = cmos[RTC_REG_A];
                if (updateInProgress()) {
                    value |= REG_A_UIP;
                }
            }
            case RTC_REG_C -> {
                value = cmos[RTC_REG_C];
                irq.lower();
                cmos[RTC_REG_C] = 0x00;
                if ((value & (REG_C_UF | REG_C_AF)) != 0) {
                    checkUpdateTimer();
                }
            }
            default -> value = cmos[index];
        }
        return value;
    }

    /**
     * A one-byte write of {@code value} (low 8 bits used) to port {@code port}: even ports set the
     * index (bit 7, the NMI mask, dropped), odd ports write the selected register.
     */
    public void outb(int port, int value) {
        int data = value & 0xFF;
        if ((port & 1) == 0) {
            index = data & INDEX_MASK;
            if (forwardedToDeviceModel()) {
                deviceModel.outb(port, value); // Xen: return (data < RTC_CMOS_SIZE), i.e. unhandled
            }
            return;
        }
        if (forwardedToDeviceModel()) {
            deviceModel.outb(port, value);
            return;
        }
        switch (index) {
            case RTC_SECONDS_ALARM, RTC_MINUTES_ALARM, RTC_HOURS_ALARM -> {
                cmos[index] = data;
                checkUpdateTimer();
            }
            case RTC_IBM_PS2_CENTURY_BYTE, RTC_CENTURY -> {
                if (flavor.hasCenturyRegister()) {
                    index = RTC_CENTURY;
                    writeDateRegister(data);
                } else {
                    cmos[index] = data;
                }
            }
            case RTC_SECONDS, RTC_MINUTES, RTC_HOURS, RTC_DAY_OF_WEEK, RTC_DAY_OF_MONTH, RTC_MONTH, RTC_YEAR ->
                writeDateRegister(data);
            case RTC_REG_A -> writeRegisterA(data);
            case RTC_REG_B -> writeRegisterB(data);
            case RTC_REG_C, RTC_REG_D -> {
                // read-only
            }
            default -> cmos[index] = data;
        }
    }

    /** Xen flavour: {@code s->hw.cmos_index >= RTC_CMOS_SIZE}, so the vRTC does not handle it. */
    private boolean forwardedToDeviceModel() {
        return flavor == RtcFlavor.XEN && index >= XEN_RTC_CMOS_SIZE;
    }

    private int readDateRegister() {
        // "if not in set mode, calibrate cmos before reading"
        if (rtcRunning()) {
            updateTime();
        }
        return cmos[index];
    }

    private void writeDateRegister(int data) {
        boolean running = rtcRunning();
        if (running && flavor.guestWritesMoveTimeOffset()) {
            // Xen: "Fetch the current time and update just this field", then rtc_set_time.
            updateTime();
            cmos[index] = data;
            xenSetTime();
        } else {
            cmos[index] = data;
            // "if in set mode, do not update the time"
            if (running) {
                setTime(phaseNs);
            }
        }
        if (running) {
            checkUpdateTimer();
        }
    }

    private void writeRegisterA(int data) {
        if (flavor == RtcFlavor.XEN) {
            // Xen rtc_ioport_write, case RTC_REG_A: "UIP bit is read only"; the divider bits only
            // reach the periodic timer ("if ( (data ^ orig) & ~RTC_UIP ) rtc_timer_update(s)").
            int orig = cmos[RTC_REG_A];
            cmos[RTC_REG_A] = (data & ~REG_A_UIP) | (orig & REG_A_UIP);
            if (((data ^ orig) & ~REG_A_UIP) != 0) {
                xenRtcTimerUpdate();
            }
            return;
        }
        boolean ratechanged = ((cmos[RTC_REG_A] ^ data) & REG_A_RATE_MASK) != 0;
        int oldPeriod = periodicTicks();
        if ((data & REG_A_DIVIDER_RESET) == REG_A_DIVIDER_RESET) {
            // Entering (or staying in) divider reset freezes the registers at the current time.
            if (rtcRunning()) {
                updateTime();
            }
            cmos[RTC_REG_A] &= ~REG_A_UIP;
        } else if ((cmos[RTC_REG_A] & REG_A_DIVIDER_RESET) == REG_A_DIVIDER_RESET
                && (data & REG_A_DV_MASK) <= REG_A_DV_32KHZ) {
            // "when the divider reset is removed, the first update cycle begins one-half second
            // later" (datasheet): restart the clock from the registers at phase 0.5 s.
            if ((cmos[RTC_REG_B] & REG_B_SET) == 0) {
                phaseNs = DIVIDER_RESET_FIRST_UPDATE_NS;
                setTime(phaseNs);
            }
            cmos[RTC_REG_A] &= ~REG_A_UIP;
        }
        // UIP is read-only.
        cmos[RTC_REG_A] = (data & ~REG_A_UIP) | (cmos[RTC_REG_A] & REG_A_UIP);
        if (ratechanged) {
            periodicTimerUpdate(timeBase.virtualNs(), oldPeriod, true);
        }
        checkUpdateTimer();
    }

    private void writeRegisterB(int value) {
        if (flavor == RtcFlavor.XEN) {
            xenWriteRegisterB(value);
            return;
        }
        int data = value;
        boolean pieChanged = ((cmos[RTC_REG_B] ^ data) & REG_B_PIE) != 0;
        int oldPeriod = periodicTicks();
        if ((data & REG_B_SET) != 0) {
            // Update the registers to the moment the clock stops, then freeze it.
            if (rtcRunning()) {
                updateTime();
            }
            cmos[RTC_REG_A] &= ~REG_A_UIP;
            // The datasheet clears UIE when SET is written as 1.
            data &= ~REG_B_UIE;
        } else if ((cmos[RTC_REG_B] & REG_B_SET) != 0 && (cmos[RTC_REG_A] & REG_A_DV_MASK) <= REG_A_DV_32KHZ) {
            // Releasing SET applies the written date, keeping the sub-second phase.
            phaseNs = Long.remainderUnsigned(guestTimeNs(), NS_PER_SECOND);
            setTime(phaseNs);
        }
        // IRQF rule: an already-set flag whose enable is now on raises the interrupt at once;
        // otherwise IRQF clears and the line drops.
        if ((data & cmos[RTC_REG_C] & REG_C_MASK) != 0) {
            cmos[RTC_REG_C] |= REG_C_IRQF;
            irq.raise();
        } else {
            cmos[RTC_REG_C] &= ~REG_C_IRQF;
            irq.lower();
        }
        cmos[RTC_REG_B] = data;
        if (pieChanged) {
            periodicTimerUpdate(timeBase.virtualNs(), oldPeriod, true);
        }
        checkUpdateTimer();
    }

    /** Xen {@code rtc_ioport_write}, case RTC_REG_B. */
    private void xenWriteRegisterB(int data) {
        int orig = cmos[RTC_REG_B];
        if ((data & REG_B_SET) != 0) {
            // "set mode: reset UIP mode"; "adjust cmos before stopping"
            cmos[RTC_REG_A] &= ~REG_A_UIP;
            if ((orig & REG_B_SET) == 0) {
                updateTime();
            }
        } else if ((orig & REG_B_SET) != 0) {
            // "if disabling set mode, update the time": whatever DV is
            xenSetTime();
        }
        cmos[RTC_REG_B] = data; // as written: UIE stays
        // rtc_update_irq: "IRQ is raised if any source is both raised & enabled"; never lowered here.
        if ((cmos[RTC_REG_B] & cmos[RTC_REG_C] & REG_C_MASK) != 0) {
            cmos[RTC_REG_C] |= REG_C_IRQF;
            irq.raise();
        }
        if (((data ^ orig) & REG_B_PIE) != 0) {
            xenPeriodNs = 0; // destroy_periodic_time(&s->pt); s->period = 0;
            xenRtcTimerUpdate();
        }
        if (((data ^ orig) & (REG_B_SET | REG_B_24H | REG_B_DM)) != 0) {
            checkUpdateTimer();
        }
    }

    /**
     * Xen's {@code rtc_timer_update}: the period in ns from DV and the rate; when it changes, the
     * next interrupt is at the next multiple of it counted from {@code start_time}.
     */
    private void xenRtcTimerUpdate() {
        int rateSelect = cmos[RTC_REG_A] & REG_A_RATE_MASK;
        int dv = cmos[RTC_REG_A] & REG_A_DV_MASK;
        long periodNs = 0;
        if (rateSelect != 0 && (dv == XEN_REF_CLCK_4MHZ || dv == XEN_REF_CLCK_1MHZ || dv == REG_A_DV_32KHZ)) {
            // case RTC_REF_CLCK_32KHZ: if ( (period_code != 0) && (period_code <= 2) ) period_code += 7;
            int code = dv == REG_A_DV_32KHZ && rateSelect <= 2 ? rateSelect + 7 : rateSelect;
            long cycles = 1L << (code - 1);
            // period = DIV_ROUND(period * 1000000000ULL, 32768)
            periodNs = (cycles * NS_PER_SECOND + RTC_CLOCK_RATE_HZ / 2) / RTC_CLOCK_RATE_HZ;
        }
        if (periodNs == 0) {
            xenPeriodNs = 0;
            periodCycles = 0;
            periodicTimer.pending = false;
            return;
        }
        if (periodNs == xenPeriodNs) {
            return;
        }
        xenPeriodNs = periodNs;
        long now = timeBase.virtualNs();
        // delta = period - ((now - s->start_time) % period)
        nextPeriodicTimeNs = now + periodNs - Math.floorMod(now - startTimeNs, periodNs);
        arm(periodicTimer, nextPeriodicTimeNs);
    }

    // ---------------------------------------------------------------- timers

    /** The earliest virtual time at which a timer of this device is due, if any is armed. */
    public OptionalLong nextDeadlineNs() {
        DeviceTimer next = earliestPending();
        return next == null ? OptionalLong.empty() : OptionalLong.of(next.expireNs);
    }

    /**
     * Runs every timer whose deadline is at or before {@code timeBase.virtualNs()}, earliest first
     * (ties in the order they were armed, like QEMU's timer lists), including timers re-armed into
     * the past while running.
     */
    public void runDueTimers() {
        long nowNs = timeBase.virtualNs();
        for (DeviceTimer due = earliestPending(); due != null && due.expireNs <= nowNs; due = earliestPending()) {
            due.pending = false;
            if (due == periodicTimer) {
                periodicTimerFired();
            } else {
                updateTimerFired();
            }
        }
    }

    private DeviceTimer earliestPending() {
        DeviceTimer best = null;
        for (DeviceTimer t : new DeviceTimer[] {periodicTimer, updateTimer}) {
            if (t.pending
                    && (best == null
                            || t.expireNs < best.expireNs
                            || (t.expireNs == best.expireNs && t.sequence < best.sequence))) {
                best = t;
            }
        }
        return best;
    }

    /** Periodic period in 32.768 kHz cycles; QEMU counts only with PIE, Xen regardless. */
    private int periodicTicks() {
        if (!flavor.periodicFlagWithoutPie() && (cmos[RTC_REG_B] & REG_B_PIE) == 0) {
            return 0;
        }
        return periodCycles(cmos[RTC_REG_A]);
    }

    /**
     * QEMU's {@code periodic_timer_update} with the discard policy: the next interrupt is one period
     * after the last one on the 32.768 kHz grid; on a period change the part of the old period
     * already elapsed counts toward the new one (at most one period).
     */
    private void periodicTimerUpdate(long currentTimeNs, int oldPeriod, boolean periodChange) {
        int period = periodicTicks();
        periodCycles = period;
        if (period == 0) {
            periodicTimer.pending = false;
            return;
        }
        long curClock = nsToCycles(currentTimeNs);
        long lostClock = 0;
        if (oldPeriod != 0 && periodChange) {
            long nextPeriodicClock = nsToCycles(nextPeriodicTimeNs);
            long lastPeriodicClock = nextPeriodicClock - oldPeriod;
            lostClock = curClock - lastPeriodicClock;
        }
        lostClock = Math.min(lostClock, period);
        long nextIrqClock = curClock + period - lostClock;
        // +1 ns: the timer fires strictly after the cycle edge, so the edge rounds down to it.
        nextPeriodicTimeNs = cyclesToNs(nextIrqClock) + 1;
        arm(periodicTimer, nextPeriodicTimeNs);
    }

    private void periodicTimerFired() {
        if (flavor == RtcFlavor.XEN) {
            nextPeriodicTimeNs += xenPeriodNs; // create_periodic_time: every period after the first
            arm(periodicTimer, nextPeriodicTimeNs);
        } else {
            periodicTimerUpdate(nextPeriodicTimeNs, periodCycles, false);
        }
        cmos[RTC_REG_C] |= REG_C_PF;
        if ((cmos[RTC_REG_B] & REG_B_PIE) != 0) {
            cmos[RTC_REG_C] |= REG_C_IRQF;
            irq.raise();
        }
    }

    /**
     * QEMU's {@code check_update_timer}: arm the update timer for the end of the current second,
     * or, when UF is already set and nobody cleared it, straight for the alarm.
     */
    private void checkUpdateTimer() {
        // "Holding the dividers in reset prevents interrupts from operating, while setting the SET
        // bit allows them to occur."
        if (flavor == RtcFlavor.QEMU && (cmos[RTC_REG_A] & REG_A_DIVIDER_RESET) == REG_A_DIVIDER_RESET) {
            updateTimer.pending = false;
            return;
        }
        long guestSubSecondNs = Long.remainderUnsigned(guestTimeNs(), NS_PER_SECOND);
        if (flavor == RtcFlavor.XEN) {
            // Xen: guest_usec = get_localtime_us(d) % USEC_PER_SEC; the update ends after
            // (USEC_PER_SEC - guest_usec) * NS_PER_USEC ns.
            guestSubSecondNs = guestSubSecondNs / 1_000 * 1_000;
        }
        long nextUpdateTimeNs = timeBase.virtualNs() + NS_PER_SECOND - guestSubSecondNs;
        // One second is already accounted for in nextUpdateTimeNs.
        int nextAlarmSeconds = nextAlarmSeconds();
        nextAlarmTimeNs = nextUpdateTimeNs + (nextAlarmSeconds - 1) * NS_PER_SECOND;
        if ((cmos[RTC_REG_A] & REG_A_UIP) == 0 && (cmos[RTC_REG_C] & REG_C_UF) != 0) {
            // UF is set and cannot change; if AF cannot change either, no timer is needed.
            if ((cmos[RTC_REG_B] & REG_B_SET) != 0 || (cmos[RTC_REG_C] & REG_C_AF) != 0) {
                updateTimer.pending = false;
                return;
            }
            nextUpdateTimeNs = nextAlarmTimeNs;
        }
        if (nextUpdateTimeNs != (updateTimer.pending ? updateTimer.expireNs : -1)) {
            arm(updateTimer, nextUpdateTimeNs);
        }
    }

    /** QEMU's {@code rtc_update_timer}: the update cycle ends; UF, maybe AF, maybe IRQ 8. */
    private void updateTimerFired() {
        updateTime();
        cmos[RTC_REG_A] &= ~REG_A_UIP;
        int irqs = REG_C_UF;
        if (Long.compareUnsigned(timeBase.virtualNs(), nextAlarmTimeNs) >= 0) {
            irqs |= REG_C_AF;
        }
        int newIrqs = irqs & ~cmos[RTC_REG_C];
        cmos[RTC_REG_C] |= irqs;
        // UF (0x10) and AF (0x20) sit where UIE and AIE sit in register B.
        if ((newIrqs & cmos[RTC_REG_B]) != 0) {
            cmos[RTC_REG_C] |= REG_C_IRQF;
            irq.raise();
        }
        checkUpdateTimer();
    }

    /**
     * QEMU's {@code update_in_progress}: UIP reads as 1 during the last {@link
     * Mc146818#UIP_HOLD_LENGTH_NS} ns before an update, and is latched into register A when the
     * armed update timer is that close, so that it stays set until the update really happens.
     */
    private boolean updateInProgress() {
        if (!rtcRunning()) {
            return false;
        }
        long holdNs = flavor == RtcFlavor.XEN ? XEN_UIP_HOLD_NS : UIP_HOLD_LENGTH_NS;
        if (updateTimer.pending && timeBase.virtualNs() >= updateTimer.expireNs - holdNs) {
            cmos[RTC_REG_A] |= REG_A_UIP;
            return true;
        }
        long guestNs = guestTimeNs();
        return guestNs % NS_PER_SECOND >= NS_PER_SECOND - holdNs;
    }

    // ---------------------------------------------------------------- date <-> registers

    private boolean rtcRunning() {
        if (flavor == RtcFlavor.XEN) {
            return (cmos[RTC_REG_B] & REG_B_SET) == 0; // Xen looks only at SET
        }
        return (cmos[RTC_REG_B] & REG_B_SET) == 0 && (cmos[RTC_REG_A] & REG_A_DV_MASK) <= REG_A_DV_32KHZ;
    }

    private boolean binaryMode() {
        return (cmos[RTC_REG_B] & REG_B_DM) != 0;
    }

    /** QEMU's {@code rtc_update_time}: the date registers from the clock, unless SET is on. */
    private void updateTime() {
        long guestSeconds = guestTimeNs() / NS_PER_SECOND; // C division: truncates toward zero
        CmosCalendar.Fields fields = CmosCalendar.gmtime(guestSeconds);
        if ((cmos[RTC_REG_B] & REG_B_SET) == 0) {
            currentTmSeconds = guestSeconds; // Xen: s->current_tm = gmtime(get_localtime(d))
            setCmos(fields);
        }
    }

    /** QEMU's {@code rtc_set_cmos} (Xen's {@code rtc_copy_date}). */
    private void setCmos(CmosCalendar.Fields tm) {
        boolean binary = binaryMode();
        cmos[RTC_SECONDS] = CmosCalendar.toRegister(tm.second(), binary);
        cmos[RTC_MINUTES] = CmosCalendar.toRegister(tm.minute(), binary);
        if ((cmos[RTC_REG_B] & REG_B_24H) != 0) {
            cmos[RTC_HOURS] = CmosCalendar.toRegister(tm.hour(), binary);
        } else {
            int h = tm.hour() % 12 != 0 ? tm.hour() % 12 : 12;
            cmos[RTC_HOURS] = CmosCalendar.toRegister(h, binary);
            if (tm.hour() >= 12) {
                cmos[RTC_HOURS] |= HOURS_PM;
            }
        }
        cmos[RTC_DAY_OF_WEEK] = CmosCalendar.toRegister(tm.weekday() + flavor.sundayValue(), binary);
        cmos[RTC_DAY_OF_MONTH] = CmosCalendar.toRegister(tm.dayOfMonth(), binary);
        cmos[RTC_MONTH] = CmosCalendar.toRegister(tm.month(), binary);
        int year = (int) tm.year();
        cmos[RTC_YEAR] = CmosCalendar.toRegister(year % 100, binary);
        if (flavor.hasCenturyRegister()) {
            cmos[RTC_CENTURY] = CmosCalendar.toRegister(year / 100, binary);
        }
    }

    /** The date in the registers as seconds since the epoch (QEMU's {@code rtc_get_time}). */
    private long registersEpochSeconds() {
        boolean binary = binaryMode();
        int second = CmosCalendar.fromRegister(cmos[RTC_SECONDS], binary);
        int minute = CmosCalendar.fromRegister(cmos[RTC_MINUTES], binary);
        int hour = CmosCalendar.fromRegister(cmos[RTC_HOURS] & 0x7F, binary);
        if ((cmos[RTC_REG_B] & REG_B_24H) == 0) {
            hour %= 12;
            if ((cmos[RTC_HOURS] & HOURS_PM) != 0) {
                hour += 12;
            }
        }
        int dayOfMonth = CmosCalendar.fromRegister(cmos[RTC_DAY_OF_MONTH], binary);
        int month = CmosCalendar.fromRegister(cmos[RTC_MONTH], binary);
        int year = flavor.hasCenturyRegister()
                ? CmosCalendar.fromRegister(cmos[RTC_YEAR], binary)
                        + CmosCalendar.fromRegister(cmos[RTC_CENTURY], binary) * 100
                : CmosCalendar.fromRegister(cmos[RTC_YEAR], binary) + 2000; // Xen: tm_year = year + 100
        return CmosCalendar.mktimegm(year, month, dayOfMonth, hour, minute, second);
    }

    /**
     * QEMU's {@code rtc_set_time}: the clock restarts from the date registers at sub-second
     * {@code phase}. In the Xen flavour the change reaches the time base as whole seconds
     * (after - before, the domain's time_offset); a sub-second rest stays in this device.
     */
    private void setTime(long phase) {
        long targetNs = registersEpochSeconds() * NS_PER_SECOND + phase;
        localOffsetNs += targetNs - guestTimeNs();
    }

    /**
     * Xen's {@code rtc_set_time}: {@code before = mktime(current_tm)}, the tm fields from the
     * registers, {@code after = mktime(...)}, {@code d->time_offset.seconds += (after - before)}.
     */
    private void xenSetTime() {
        long after = registersEpochSeconds();
        long deltaSeconds = after - currentTmSeconds;
        currentTmSeconds = after;
        if (deltaSeconds != 0) {
            timeBase.guestSetTime(deltaSeconds);
        }
    }

    /** QEMU's {@code get_next_alarm}: seconds from the current second to the next alarm, 1..86400. */
    private int nextAlarmSeconds() {
        updateTime();
        boolean binary = binaryMode();
        int alarmSec = CmosCalendar.fromRegister(cmos[RTC_SECONDS_ALARM], binary);
        int alarmMin = CmosCalendar.fromRegister(cmos[RTC_MINUTES_ALARM], binary);
        int alarmHour = CmosCalendar.fromRegister(cmos[RTC_HOURS_ALARM], binary);
        alarmHour = alarmHour == -1 ? -1 : alarmConvertHour(alarmHour);

        int curSec = CmosCalendar.fromRegister(cmos[RTC_SECONDS], binary);
        int curMin = CmosCalendar.fromRegister(cmos[RTC_MINUTES], binary);
        int curHour = alarmConvertHour(CmosCalendar.fromRegister(cmos[RTC_HOURS], binary));

        if (alarmHour == -1) {
            alarmHour = curHour;
            if (alarmMin == -1) {
                alarmMin = curMin;
                if (alarmSec == -1) {
                    alarmSec = curSec + 1;
                } else if (curSec > alarmSec) {
                    alarmMin++;
                }
            } else if (curMin == alarmMin) {
                if (alarmSec == -1) {
                    alarmSec = curSec + 1;
                } else if (curSec > alarmSec) {
                    alarmHour++;
                }
                if (alarmSec == SECONDS_PER_MINUTE) {
                    // wrap to next hour, minutes is not in don't care mode
                    alarmSec = 0;
                    alarmHour++;
                }
            } else if (curMin > alarmMin) {
                alarmHour++;
            }
        } else if (curHour == alarmHour) {
            if (alarmMin == -1) {
                alarmMin = curMin;
                if (alarmSec == -1) {
                    alarmSec = curSec + 1;
                } else if (curSec > alarmSec) {
                    alarmMin++;
                }
                if (alarmSec == SECONDS_PER_MINUTE) {
                    alarmSec = 0;
                    alarmMin++;
                }
                // wrap to next day, hour is not in don't care mode
                alarmMin %= MINUTES_PER_HOUR;
            } else if (curMin == alarmMin) {
                if (alarmSec == -1) {
                    alarmSec = curSec + 1;
                }
                // wrap to next day, hours+minutes not in don't care mode
                alarmSec %= SECONDS_PER_MINUTE;
            }
        }

        // values that are still don't care fire at the next min/sec
        if (alarmMin == -1) {
            alarmMin = 0;
        }
        if (alarmSec == -1) {
            alarmSec = 0;
        }
        if (alarmSec == SECONDS_PER_MINUTE) {
            alarmSec = 0;
            alarmMin++;
        }
        if (alarmMin == MINUTES_PER_HOUR) {
            alarmMin = 0;
            alarmHour++;
        }
        alarmHour %= HOURS_PER_DAY;

        int hour = alarmHour - curHour;
        int min = hour * MINUTES_PER_HOUR + alarmMin - curMin;
        int sec = min * SECONDS_PER_MINUTE + alarmSec - curSec;
        return sec <= 0 ? sec + SECONDS_PER_DAY : sec;
    }

    /**
     * QEMU's {@code convert_hour} as {@code get_next_alarm} uses it: the argument is a C {@code
     * uint8_t} (so -1 becomes 255), and the PM bit is taken from the <em>current</em> hours
     * register for the alarm hour too. Both quirks are kept, so alarms fire when QEMU's do.
     */
    private int alarmConvertHour(int hourValue) {
        int hour = hourValue & 0xFF;
        if ((cmos[RTC_REG_B] & REG_B_24H) == 0) {
            hour %= 12;
            if ((cmos[RTC_HOURS] & HOURS_PM) != 0) {
                hour += 12;
            }
        }
        return hour & 0xFF;
    }

    private void arm(DeviceTimer timer, long expireNs) {
        timer.expireNs = expireNs;
        timer.pending = true;
        timer.sequence = ++timerSequence;
    }

    /** One of the device's two virtual-clock timers (periodic, update-ended). */
    private static final class DeviceTimer {
        long expireNs;
        boolean pending;
        /** Arming order, to break ties between equal deadlines as QEMU's timer list does. */
        long sequence;
    }
}
