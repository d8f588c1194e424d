package io.wallsync.sim.run;

import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.rtc.LinuxCmosReader;
import io.wallsync.core.rtc.Mc146818Rtc;
import io.wallsync.core.rtc.RtcFlavor;
import io.wallsync.core.rtc.RtcIrqListener;
import io.wallsync.core.rtc.RtcTimeBase;
import io.wallsync.core.rtc.XenRtcTimeBase;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.Hypervisor;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.OptionalInt;

/** Xen guests as the simulator runs them: PV over the core's {@link PvGuest}, HVM over the core's RTC. */
final class XenGuests {
    private XenGuests() {}

    /** A PV guest that follows W continuously (classic XenLinux, independent_wallclock = 0). */
    static final class PvFollower implements SimGuest {
        private final PvGuest guest;

        PvFollower(PvGuest guest) {
            this.guest = guest;
        }

        @Override
        public void beforeSample() {
            guest.resync();
        }

        @Override
        public long wallNs() {
            return guest.wallNs();
        }

        @Override
        public String kind() {
            return "pv";
        }
    }

    /** A PV guest that reads W at boot and on re-reads, and runs on system time in between. */
    static final class PvBootOnly implements SimGuest {
        private final PvGuest guest;

        PvBootOnly(PvGuest guest) {
            this.guest = guest;
        }

        @Override
        public void reread() {
            guest.resync();
        }

        @Override
        public long wallNs() {
            return guest.wallNs();
        }

        @Override
        public String kind() {
            return "pv";
        }
    }

    /** A guest that keeps time as the guest it wraps does; subclasses change what it knows or reads. */
    abstract static class Wrapped implements SimGuest {
        private final SimGuest guest;

        Wrapped(SimGuest guest) {
            this.guest = guest;
        }

        @Override
        public long wallNs() {
            return guest.wallNs();
        }

        @Override
        public void beforeSample() {
            guest.beforeSample();
        }

        @Override
        public void reread() {
            guest.reread();
        }

        @Override
        public boolean bootKnewUnsynchronised() {
            return guest.bootKnewUnsynchronised();
        }

        @Override
        public Optional<VmclockProbe> vmclock() {
            return guest.vmclock();
        }

        @Override
        public String kind() {
            return guest.kind();
        }
    }

    /**
     * A PV guest of the wallsync policy that booted while its page's clock_status said the host was
     * not synchronised (vmclock's FREERUNNING): it keeps time as {@code guest} does, and knows it.
     */
    static final class ToldUnsynchronised extends Wrapped {
        ToldUnsynchronised(SimGuest guest) {
            super(guest);
        }

        @Override
        public boolean bootKnewUnsynchronised() {
            return true;
        }
    }

    /**
     * An HVM guest that is not PV-aware (no shared_info, no pvclock): at boot it reads the date from
     * its emulated MC146818 RTC exactly as Linux's {@code mc146818_get_time} does (the core's
     * {@link LinuxCmosReader} over the core's {@link Mc146818Rtc} in the Xen flavour, whose time is
     * W + system time + time_offset), takes it as its realtime with {@code tv_nsec = 0} (so up to
     * one second is lost to truncation, as in {@code read_persistent_clock64}), then keeps time on
     * its own system clock. A re-read does the same again.
     */
    static final class HvmRtc implements SimGuest {
        private final DelayingTimeBase timeBase;
        private final Mc146818Rtc rtc;
        private final LinuxCmosReader reader;
        private final MonotonicClock systemTime;
        private long anchorWallNs;
        private long anchorSysNs;

        HvmRtc(Hypervisor hypervisor, Domain domain, MonotonicClock systemTime) {
            this.systemTime = systemTime;
            this.timeBase = new DelayingTimeBase(new XenRtcTimeBase(hypervisor, domain.id()));
            this.rtc = new Mc146818Rtc(RtcFlavor.XEN, timeBase, RtcIrqListener.unconnected());
            // Xen's RTC has no century register (RtcFlavor): Linux then takes years <= 69 as 20xx.
            this.reader = new LinuxCmosReader(LinuxCmosReader.PortIo.of(rtc, timeBase::delay), OptionalInt.empty());
            reread();
        }

        @Override
        public void reread() {
            timeBase.reset();
            long delayBeforeNs = timeBase.delayedNs();
            rtc.runDueTimers();
            LocalDateTime date = reader.read().dateTime();
            anchorWallNs = date.toEpochSecond(ZoneOffset.UTC) * 1_000_000_000L;
            // the read ended after the guest's mdelay()s: its clock starts from that instant
            anchorSysNs = systemTime.nanos() + timeBase.delayedNs() - delayBeforeNs;
        }

        @Override
        public long wallNs() {
            return anchorWallNs + systemTime.nanos() - anchorSysNs;
        }

        @Override
        public String kind() {
            return "hvm";
        }
    }

    /**
     * The RTC's time base as seen during one guest read: the guest's {@code mdelay(1)} calls inside
     * the UIP window take virtual time, which an event-driven simulation cannot advance in the middle
     * of an event, so they shift this device's view of both clocks forward instead.
     */
    static final class DelayingTimeBase implements RtcTimeBase {
        private final RtcTimeBase base;
        private long delayedNs;
        private long lastVirtualNs = Long.MIN_VALUE;

        DelayingTimeBase(RtcTimeBase base) {
            this.base = base;
        }

        void delay(long ns) {
            delayedNs += ns;
        }

        /**
         * Starts a new read: drops the delays of earlier reads, but never so far that the virtual
         * clock would go back (the port promises it never decreases).
         */
        void reset() {
            delayedNs = Math.max(0, lastVirtualNs - base.virtualNs());
        }

        long delayedNs() {
            return delayedNs;
        }

        @Override
        public long wallNs() {
            return base.wallNs() + delayedNs;
        }

        @Override
        public long virtualNs() {
            lastVirtualNs = Math.max(lastVirtualNs, base.virtualNs() + delayedNs);
            return lastVirtualNs;
        }

        @Override
        public void guestSetTime(long deltaSeconds) {
            base.guestSetTime(deltaSeconds);
        }
    }
}
