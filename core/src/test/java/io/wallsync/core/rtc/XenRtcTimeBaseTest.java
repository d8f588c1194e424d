package io.wallsync.core.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.guest.HvmGuest;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.PlatformOpResult;
import io.wallsync.core.xen.Wallclock;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/**
 * The Xen flavour backed by a real {@link Hypervisor} domain: the RTC shows W + system time +
 * time_offset, follows a dom0 settime at once, and a guest that sets its RTC to local time moves
 * only its own domain's offset and republishes only its own shared_info wallclock.
 */
class XenRtcTimeBaseTest {
    private static final long S = 1_000_000_000L;
    // W = 2024-03-10T09:59:58Z = 1_710_064_798 s (2024-03-10 is day 19792 since the epoch:
    // 19792 * 86400 = 1_710_028_800, + 9 h 59 min 58 s = 35_998 s).
    private static final long W_SECONDS = 1_710_064_798L;

    private long systemTimeNs = 0;

    private Hypervisor hypervisor() {
        assertThat(LocalDateTime.ofEpochSecond(W_SECONDS, 0, ZoneOffset.UTC))
                .isEqualTo(LocalDateTime.parse("2024-03-10T09:59:58"));
        Hypervisor hv = new Hypervisor(() -> systemTimeNs, new Wallclock(W_SECONDS, 0));
        hv.buildDomain(DomainKind.CONTROL, 0);
        hv.buildDomain(DomainKind.HVM, 0); // 1
        hv.buildDomain(DomainKind.HVM, 0); // 2
        return hv;
    }

    private HvmGuest guest(Hypervisor hv, int domainId) {
        return new HvmGuest(hv, domainId, ns -> systemTimeNs += ns, RtcIrqListener.unconnected());
    }

    @Test
    void hvmGuestReadsWallclockPlusSystemTimePlusItsOffset() {
        Hypervisor hv = hypervisor();
        hv.setTimeOffset(2, -3600);
        systemTimeNs = 3 * S + 1; // 10:00:01
        assertThat(guest(hv, 1).readRtc()).isEqualTo(LocalDateTime.parse("2024-03-10T10:00:01"));
        assertThat(guest(hv, 2).readRtc()).isEqualTo(LocalDateTime.parse("2024-03-10T09:00:01"));
    }

    @Test
    void guestSettingItsRtcToLocalTimeMovesOnlyItsOwnDomainsOffset() {
        // Domain 1 is a guest at UTC+2 that writes its local time 11:59:58 into the RTC:
        // after - before = 7200 s on domain 1; domains 0 and 2 keep offset 0.
        Hypervisor hv = hypervisor();
        HvmGuest local = guest(hv, 1);
        HvmGuest utc = guest(hv, 2);
        assertThat(local.setRtc(LocalDateTime.parse("2024-03-10T11:59:58")))
                .isInstanceOf(LinuxCmosWriter.Result.Written.class);
        assertThat(hv.domain(1).timeOffsetSeconds()).isEqualTo(7200);
        assertThat(hv.domain(0).timeOffsetSeconds()).isZero();
        assertThat(hv.domain(2).timeOffsetSeconds()).isZero();
        // The domain's wallclock is republished with the offset: wc_sec = W + 7200; dom0 still
        // shows W. Domain 2 is an HVM domU whose guest never latched its shared_info
        // (hvm_latch_shinfo_size), so nothing was ever published there: wc_version 0.
        assertThat(hv.domain(1).sharedInfo().wcSec()).isEqualTo(W_SECONDS + 7200);
        assertThat(hv.domain(2).sharedInfo().wcVersion()).isZero();
        assertThat(hv.domain(2).sharedInfo().wcSec()).isZero();
        assertThat(hv.domain(0).sharedInfo().wcSec()).isEqualTo(W_SECONDS);
        // Five seconds later (the RTC restarted at 11:59:58.5 after the divider reset):
        systemTimeNs = 5 * S;
        assertThat(local.readRtc()).isEqualTo(LocalDateTime.parse("2024-03-10T12:00:03"));
        assertThat(utc.readRtc()).isEqualTo(LocalDateTime.parse("2024-03-10T10:00:03"));
    }

    @Test
    void dom0SettimeCorrectsEveryHvmRtcAtOnceKeepingTheirOffsets() {
        // The RTC reads W on every access: dom0 steps W forward by one hour (secs = W + 3600 at
        // system time 0), and both guests' RTCs move with it.
        Hypervisor hv = hypervisor();
        HvmGuest local = guest(hv, 1);
        HvmGuest utc = guest(hv, 2);
        local.setRtc(LocalDateTime.parse("2024-03-10T11:59:58"));
        PlatformOpResult r = hv.platformOp(0, PlatformOp.settime64(W_SECONDS + 3600, 0, 0));
        assertThat(r).isInstanceOf(PlatformOpResult.Done.class);
        assertThat(utc.readRtc()).isEqualTo(LocalDateTime.parse("2024-03-10T10:59:58"));
        assertThat(local.readRtc()).isEqualTo(LocalDateTime.parse("2024-03-10T12:59:58"));
    }
}
