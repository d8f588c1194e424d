package io.wallsync.sim.run;

import io.wallsync.core.guest.PvGuest;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.xen.Domain;
import java.util.function.Supplier;

/** Xen guests as the simulator runs them: PV over the core's {@link PvGuest}, HVM over an RTC view. */
final class XenGuests {
    private XenGuests() {}

    /** The HVM guest's window on its wallclock: the emulated RTC's time, W + system time + time_offset. */
    @FunctionalInterface
    interface RtcView {
        long readNs();
    }

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

    /**
     * A PV guest of the wallsync policy: it reads W and the publication, extrapolates with the
     * published rate, and knows at boot whether dom0 was synchronised. Following, it re-reads both at
     * every sample; boot-only, it anchors at boot (and re-reads) and runs its system clock corrected
     * by the rate it read.
     */
    static final class WallsyncPv implements SimGuest {
        private final PvGuest guest;
        private final Supplier<WallsyncPublication> publication;
        private final MonotonicClock systemTime;
        private final boolean follow;
        private final boolean bootKnewUnsynchronised;
        private long anchorWallNs;
        private long anchorSysNs;
        private double rate;

        WallsyncPv(
                PvGuest guest, Supplier<WallsyncPublication> publication, MonotonicClock systemTime, boolean follow) {
            this.guest = guest;
            this.publication = publication;
            this.systemTime = systemTime;
            this.follow = follow;
            this.bootKnewUnsynchronised = !publication.get().synchronised();
            anchor();
        }

        private void anchor() {
            WallsyncPublication p = publication.get();
            anchorSysNs = systemTime.nanos();
            anchorWallNs = guest.wallNs() + p.correctionNs(anchorSysNs);
            rate = p.rate();
        }

        @Override
        public void beforeSample() {
            if (follow) {
                guest.resync();
                anchor();
            }
        }

        @Override
        public void reread() {
            guest.resync();
            anchor();
        }

        @Override
        public long wallNs() {
            long elapsed = systemTime.nanos() - anchorSysNs;
            return anchorWallNs + elapsed + Math.round(elapsed * rate);
        }

        @Override
        public boolean bootKnewUnsynchronised() {
            return bootKnewUnsynchronised;
        }

        @Override
        public String kind() {
            return "pv";
        }
    }

    /**
     * An HVM guest: reads its RTC at boot (and on re-reads, like {@code hwclock --hctosys}), then
     * keeps time on its own system clock. Linux reads the CMOS RTC at the update-in-progress edge,
     * so the read is exact to the nanosecond here.
     */
    static final class Hvm implements SimGuest {
        private final RtcView rtc;
        private final MonotonicClock systemTime;
        private long anchorWallNs;
        private long anchorSysNs;

        Hvm(RtcView rtc, MonotonicClock systemTime) {
            this.rtc = rtc;
            this.systemTime = systemTime;
            reread();
        }

        @Override
        public void reread() {
            anchorWallNs = rtc.readNs();
            anchorSysNs = systemTime.nanos();
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

    /** The RTC view of a domain: Xen's hvm_get_guest_time-based RTC, W + system time + time_offset. */
    static RtcView rtcView(io.wallsync.core.xen.Hypervisor hypervisor, Domain domain) {
        return () -> hypervisor.wallTimeNow().toEpochNanos() + domain.timeOffsetSeconds() * 1_000_000_000L;
    }
}
