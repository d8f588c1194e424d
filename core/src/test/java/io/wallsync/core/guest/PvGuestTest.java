package io.wallsync.core.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.clocksource.PvclockScale;
import io.wallsync.core.xen.Domain;
import io.wallsync.core.xen.DomainKind;
import io.wallsync.core.xen.Hypervisor;
import io.wallsync.core.xen.PlatformOp;
import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.SharedInfoLayout;
import io.wallsync.core.xen.Wallclock;
import io.wallsync.core.xen.WallclockReading;
import java.lang.foreign.ValueLayout;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PvGuestTest {
    private long systemTimeNs = 5_000_000_000L;

    @Test
    void bootsWithWPlusSystemTimeAndKeepsItsOwnTimeUntilResync() {
        Hypervisor xen = new Hypervisor(() -> systemTimeNs);
        xen.buildDomain(DomainKind.CONTROL, 0);
        Domain guestDomain = xen.buildDomain(DomainKind.PV, 0);
        // W = 1_700_000_000.123456789 - 5 s = 1_699_999_995.123456789
        xen.platformOp(0, PlatformOp.settime64(1_700_000_000L, 123_456_789, 5_000_000_000L));

        systemTimeNs = 10_000_000_000L;
        PvGuest guest = PvGuest.boot(guestDomain.sharedInfo(), () -> systemTimeNs);
        // 1_699_999_995.123456789 + 10 s = 1_700_000_005.123456789
        assertThat(guest.bootWallNs()).isEqualTo(1_700_000_005_123_456_789L);
        assertThat(guest.bootSystemTimeNs()).isEqualTo(10_000_000_000L);

        systemTimeNs = 12_000_000_000L;
        assertThat(guest.wallNs()).isEqualTo(1_700_000_007_123_456_789L);

        // dom0 moves W forward one hour; the running guest does not look again ...
        xen.platformOp(0, PlatformOp.settime64(1_700_003_607L, 123_456_789, 12_000_000_000L));
        assertThat(guest.wallNs()).isEqualTo(1_700_000_007_123_456_789L);
        // ... until it resyncs: W' = 1_700_003_595.123456789, + 12 s.
        assertThat(guest.resync()).isInstanceOf(WallclockReading.Value.class);
        assertThat(guest.wallNs()).isEqualTo(1_700_003_607_123_456_789L);
        assertThat(guest.bootWallNs()).isEqualTo(1_700_000_005_123_456_789L);
    }

    @Test
    void guestSeesItsDomainsTimeOffset() {
        Hypervisor xen = new Hypervisor(() -> systemTimeNs, new Wallclock(1_000_000_000L, 0));
        xen.buildDomain(DomainKind.CONTROL, 0);
        Domain offset = xen.buildDomain(DomainKind.PV, -3600);
        PvGuest guest = PvGuest.boot(offset.sharedInfo(), () -> systemTimeNs);
        // 1e9 s - 3600 s + 5 s = 999_996_405 s
        assertThat(guest.bootWallNs()).isEqualTo(999_996_405_000_000_000L);
    }

    @Test
    void computesSystemTimeFromVcpuTimeInfoAndItsCounter() {
        // True time t; TSC = 3 ticks per ns; Xen system time = t. 3 GHz: mul 0xAAAAAAAA, shift -1.
        long[] trueNs = {1_000_000_000L};
        Hypervisor xen = new Hypervisor(
                () -> trueNs[0],
                new Wallclock(1_700_000_000L, 0),
                () -> trueNs[0] * 3,
                PvclockScale.forFrequencyHz(3_000_000_000L));
        xen.buildDomain(DomainKind.CONTROL, 0);
        Domain domain = xen.buildDomain(DomainKind.PV, 0); // vcpu_time_info sampled at t = 1 s
        trueNs[0] = 1_500_000_000L;

        PvGuest guest = PvGuest.bootWithPvclock(domain.sharedInfo(), () -> trueNs[0] * 3);

        // delta = 1.5e9 ticks >> 1 = 0.75e9; 0.75e9 * (2^33 - 2)/3 / 2^32 = 0.5e9 - 0.5e9/2^32
        // = 499_999_999.88 -> 499_999_999. System time = 1_499_999_999; wall = 1_700_000_001.499999999.
        assertThat(guest.bootSystemTimeNs()).isEqualTo(1_499_999_999L);
        assertThat(guest.bootWallNs()).isEqualTo(1_700_000_001_499_999_999L);
    }

    @Test
    void stuckVcpuTimeInfoIsABootFailureNamingIt() {
        SharedInfo page = SharedInfo.allocate();
        page.publishWallclock(1_700_000_000L, 0);
        // vcpu 1's vcpu_time_info (offset 96) left with an odd version 1.
        page.segment().set(ValueLayout.JAVA_INT.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN), 96, 1);

        assertThat(PvGuest.tryBootWithPvclock(page, page.vcpuTimeInfo(1), () -> 0L, 2))
                .isInstanceOfSatisfying(
                        PvGuest.BootResult.Failed.class,
                        f -> assertThat(f.why()).startsWith("vcpu_time_info"));
    }

    @Test
    void bootReportsAWriterStuckOddInsteadOfHanging() {
        SharedInfo page = SharedInfo.allocate();
        page.segment()
                .set(
                        ValueLayout.JAVA_INT.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN),
                        SharedInfoLayout.WC_VERSION_OFFSET,
                        1);

        assertThat(PvGuest.tryBoot(page, () -> 0L, 3))
                .isInstanceOfSatisfying(
                        PvGuest.BootResult.Failed.class,
                        f -> assertThat(f.why()).contains("wallclock").contains("odd"));
        assertThatThrownBy(() -> PvGuest.boot(page, () -> 0L))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot boot");
    }

    @Test
    void linuxGuestAfter2106WrapsTo1970BecauseItReadsTheU32SecOnly() {
        // Linux pvclock_read_wallclock: "Note: wall_clock->sec is a u32 value, so it can only store
        // dates between 1970 and 2106"; now.tv_sec = wall_clock->sec. Xen stores W = 2^32 + 10 s
        // as wc_sec = 10, wc_sec_hi = 1; a Linux PV guest believes 1970-01-01T00:00:10Z.
        Hypervisor xen = new Hypervisor(() -> 0L, new Wallclock(4_294_967_306L, 0));
        Domain d = xen.buildDomain(DomainKind.CONTROL, 0);
        assertThat(PvGuest.boot(d.sharedInfo(), () -> 0L).bootWallNs()).isEqualTo(10_000_000_000L);
        // The named option WALLSYNC_SEC_HI reads wc_sec_hi too: 4_294_967_306 s.
        assertThat(PvGuest.tryBoot(d.sharedInfo(), () -> 0L, 0, PvWallclockReader.WALLSYNC_SEC_HI))
                .isInstanceOfSatisfying(
                        PvGuest.BootResult.Booted.class,
                        b -> assertThat(b.guest().bootWallNs()).isEqualTo(4_294_967_306_000_000_000L));
    }

    @Test
    void linuxGuestWhoseOffsetMakesWNegativeBelievesItIs2106() {
        // Xen update_domain_wallclock_time: sec = wc_sec + d->time_offset.seconds; shared_info(d,
        // wc_sec) = sec (u32 store of the low word). W = 1000 s, offset -3600 s: sec = -2600, stored
        // as 2^32 - 2600 = 4_294_964_696, which Linux reads unsigned: 2106-02-07T05:44:56Z
        // (date -u -d @4294964696). Plus system time 5 s.
        Hypervisor xen = new Hypervisor(() -> systemTimeNs, new Wallclock(1_000, 0));
        xen.buildDomain(DomainKind.CONTROL, 0);
        Domain early = xen.buildDomain(DomainKind.PV, -3600);
        PvGuest guest = PvGuest.boot(early.sharedInfo(), () -> systemTimeNs);
        assertThat(guest.bootWallNs()).isEqualTo(4_294_964_701_000_000_000L);
        assertThat(guest.wallclock()).isEqualTo(new Wallclock(4_294_964_696L, 0));
        // wallsync's 64-bit reader sees the signed -2600 s (1969-12-31T23:16:40Z) + 5 s.
        PvGuest.BootResult.Booted sechi = (PvGuest.BootResult.Booted)
                PvGuest.tryBoot(early.sharedInfo(), () -> systemTimeNs, 0, PvWallclockReader.WALLSYNC_SEC_HI);
        assertThat(sechi.guest().bootWallNs()).isEqualTo(-2_595_000_000_000L);
    }

    @Test
    void resyncUsesTheSameReaderAsBoot() {
        Hypervisor xen = new Hypervisor(() -> 0L, new Wallclock(100, 0));
        Domain d = xen.buildDomain(DomainKind.CONTROL, 0);
        PvGuest guest = PvGuest.boot(d.sharedInfo(), () -> 0L);
        // dom0 sets W = 2^32 + 7 s (secs 4_294_967_303, system_time 0): wc_sec 7, wc_sec_hi 1.
        xen.platformOp(0, PlatformOp.settime64(4_294_967_303L, 0, 0));
        assertThat(guest.resync()).isEqualTo(new WallclockReading.Value(7, 0, 4));
        assertThat(guest.wallNs()).isEqualTo(7_000_000_000L);
    }

    @Property(tries = 300)
    void bootWallTimeIsLinuxsU32SecPlusNsecPlusSystemTime(
            @ForAll @LongRange(min = 0, max = 8_000_000_000L) long wSeconds,
            @ForAll @IntRange(min = 0, max = 999_999_999) int wNanos,
            @ForAll @LongRange(min = -100_000_000L, max = 100_000_000L) long offsetSeconds,
            @ForAll @LongRange(min = 0, max = 100_000_000_000_000_000L) long bootSystemTimeNs) {
        Hypervisor xen = new Hypervisor(() -> bootSystemTimeNs, new Wallclock(wSeconds, wNanos));
        xen.buildDomain(DomainKind.CONTROL, 0);
        Domain domain = xen.buildDomain(DomainKind.PV, offsetSeconds);

        PvGuest guest = PvGuest.boot(domain.sharedInfo(), () -> bootSystemTimeNs);

        // Xen stores the low 32 bits of W.sec + offset in wc_sec; Linux: delta = system time +
        // (u64) wc_sec * NSEC_PER_SEC + wc_nsec.
        BigInteger wcSec = BigInteger.valueOf(wSeconds + offsetSeconds).mod(BigInteger.ONE.shiftLeft(32));
        BigInteger expected = wcSec.multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(wNanos))
                .add(BigInteger.valueOf(bootSystemTimeNs));
        assertThat(BigInteger.valueOf(guest.bootWallNs())).isEqualTo(expected);
    }
}
