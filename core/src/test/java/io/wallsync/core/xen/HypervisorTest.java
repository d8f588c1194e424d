package io.wallsync.core.xen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.wallsync.core.clocksource.PvclockScale;
import java.math.BigInteger;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class HypervisorTest {
    private long systemTimeNs;
    private Hypervisor xen;
    private Domain dom0;
    private Domain pv;
    private Domain hvm;

    @BeforeEach
    void boot() {
        systemTimeNs = 5_000_000_000L;
        xen = new Hypervisor(() -> systemTimeNs);
        // Built as the toolstack builds them (create, then vcpu 0 initialised): dom0 and the PV
        // domU publish W at vcpu 0 initialisation, the HVM domU does not (see VcpuZeroInit below).
        dom0 = xen.buildDomain(DomainKind.CONTROL, 0);
        pv = xen.buildDomain(DomainKind.PV, 3600);
        hvm = xen.buildDomain(DomainKind.HVM, -7200);
    }

    @Test
    void domainsGetIdsZeroThenAscendingAndOnlyDom0IsPrivileged() {
        assertThat(dom0.id()).isZero();
        assertThat(pv.id()).isEqualTo(1);
        assertThat(hvm.id()).isEqualTo(2);
        assertThat(dom0.privileged()).isTrue();
        assertThat(pv.privileged()).isFalse();
        assertThat(hvm.privileged()).isFalse();
    }

    @Test
    void settime64FromDom0StoresWallTimeAtSystemTimeZero() {
        // secs=1_700_000_000, nsecs=123_456_789, system_time=5 s  =>  W = 1_699_999_995.123456789
        PlatformOpResult result = xen.platformOp(0, PlatformOp.settime64(1_700_000_000L, 123_456_789, 5_000_000_000L));

        assertThat(result).isEqualTo(new PlatformOpResult.Done());
        assertThat(result.rc()).isZero();
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(1_699_999_995L, 123_456_789));
        assertThat(dom0.sharedInfo().wcSec()).isEqualTo(1_699_999_995L);
        assertThat(dom0.sharedInfo().wcNsec()).isEqualTo(123_456_789);
        assertThat(xen.settimeCount()).isEqualTo(1);
    }

    @Test
    void settimeBorrowsFromTheSecondsWhenSystemTimeHasMoreNanos() {
        // 1_700_000_000 s + 100 ns - 5.000000200 s = 1_699_999_994.999999900 s
        xen.platformOp(0, PlatformOp.settime64(1_700_000_000L, 100, 5_000_000_200L));
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(1_699_999_994L, 999_999_900));
    }

    @Test
    void settime32FromDom0StoresTheSameW() {
        assertThat(xen.platformOp(0, PlatformOp.settime32(1_700_000_000L, 123_456_789, 5_000_000_000L))
                        .rc())
                .isZero();
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(1_699_999_995L, 123_456_789));
    }

    @Test
    void settime32CarriesNanosBeyondASecondAsXensDoDivDoes() {
        // 10 s + 1.5e9 ns - 0 = 11.5 s: settime32 has no -EINVAL check in Xen.
        assertThat(xen.platformOp(0, PlatformOp.settime32(10, 1_500_000_000, 0)).rc())
                .isZero();
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(11, 500_000_000));
    }

    @Test
    void everyDomainGetsWPlusItsOwnTimeOffset() {
        xen.platformOp(0, PlatformOp.settime64(1_700_000_000L, 123_456_789, 5_000_000_000L));

        // W.sec = 1_699_999_995; PV +3600 = 1_700_003_595; HVM -7200 = 1_699_992_795.
        // do_settime publishes for_each_domain: the HVM domU too, although its build did not
        // (version 0 -> 2, the PV domU's 2 -> 4).
        assertThat(pv.sharedInfo().readWallclock(0))
                .isEqualTo(new WallclockReading.Value(1_700_003_595L, 123_456_789, 4));
        assertThat(hvm.sharedInfo().readWallclock(0))
                .isEqualTo(new WallclockReading.Value(1_699_992_795L, 123_456_789, 2));
    }

    @Test
    void buildPublishesTheBootWallclockThenEachSettimeAddsTwoToEveryVersion() {
        // Build: dom0 and PV 0 -> 2, HVM stays 0. Two settimes add 2 each, in every domain.
        assertThat(Arrays.asList(versions())).containsExactly(2, 2, 0);
        xen.platformOp(0, PlatformOp.settime64(100, 0, 0));
        xen.platformOp(0, PlatformOp.settime64(200, 0, 0));
        assertThat(Arrays.asList(versions())).containsExactly(6, 6, 4);
    }

    @Test
    void setTimeOffsetRepublishesOnlyThatDomain() {
        xen.platformOp(0, PlatformOp.settime64(1_000, 0, 0)); // W = 1000 s; versions 4
        xen.setTimeOffset(pv.id(), -1000);

        assertThat(pv.timeOffsetSeconds()).isEqualTo(-1000);
        assertThat(pv.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(0, 0, 6));
        assertThat(dom0.sharedInfo().wcVersion()).isEqualTo(4);
    }

    @Test
    void dateAfter2038ViaSettime64() {
        // secs = 2^31 + 10, system_time = 10 s => W.sec = 2^31 = 2147483648 = 0x80000000.
        xen.platformOp(0, PlatformOp.settime64(2_147_483_658L, 0, 10_000_000_000L));
        assertThat(dom0.sharedInfo().wcSec()).isEqualTo(2_147_483_648L);
        assertThat(dom0.sharedInfo().wcSecHi()).isZero();
        assertThat(dom0.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(2_147_483_648L, 0, 4));
    }

    @Test
    void dateAfter2106ViaSettime64SetsWcSecHi() {
        // secs = 2^32 + 100 = 4294967396, system_time 0 => wc_sec = 100, wc_sec_hi = 1.
        xen.platformOp(0, PlatformOp.settime64(4_294_967_396L, 0, 0));
        assertThat(dom0.sharedInfo().wcSec()).isEqualTo(100);
        assertThat(dom0.sharedInfo().wcSecHi()).isEqualTo(1);
        // PV offset +3600 => 4294970996 = 2^32 + 3700: wc_sec = 3700, hi = 1.
        assertThat(pv.sharedInfo().wcSec()).isEqualTo(3700);
        assertThat(pv.sharedInfo().wcSecHi()).isEqualTo(1);
    }

    @Test
    void systemTimeBeyondTheWallTimeWrapsInU64AsXenDoes() {
        // x = 1e9 + 0 - 2e9 = -1e9 mod 2^64 = 18446744072709551616;
        // / 1e9 = 18446744072 rem 709551616.
        xen.platformOp(0, PlatformOp.settime64(1, 0, 2_000_000_000L));
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(18_446_744_072L, 709_551_616));
    }

    @Test
    void unprivilegedCallerIsEpermAndChangesNothing() {
        PlatformOpResult result = xen.platformOp(pv.id(), PlatformOp.settime64(1_700_000_000L, 0, 0));

        assertThat(result.rc()).isEqualTo(-1);
        assertThat(result).isInstanceOfSatisfying(PlatformOpResult.Failed.class, f -> {
            assertThat(f.errno()).isEqualTo(XenErrno.EPERM);
            assertThat(f.why()).contains("domain 1");
        });
        assertThat(xen.wallclock()).isEqualTo(Wallclock.EPOCH);
        assertThat(Arrays.asList(versions())).containsExactly(2, 2, 0);
        assertThat(xen.failedPlatformOpCount()).isEqualTo(1);
        assertThat(xen.settimeCount()).isZero();
    }

    @Test
    void truncatedBufferIsEfaultBeforeAnyOtherCheck() {
        byte[] op = Arrays.copyOf(PlatformOp.settime64(1, 0, 0), 32);
        // Even from an unprivileged caller: copy_from_guest comes first in do_platform_op.
        assertThat(errno(xen.platformOp(0, op))).isEqualTo(XenErrno.EFAULT);
        assertThat(errno(xen.platformOp(pv.id(), op))).isEqualTo(XenErrno.EFAULT);
    }

    @Test
    void wrongInterfaceVersionIsEaccesEvenForAnUnprivilegedCaller() {
        byte[] op = PlatformOp.encode(PlatformOp.XENPF_SETTIME64, 0x0300_0002, new byte[24]);
        assertThat(xen.platformOp(0, op).rc()).isEqualTo(-13);
        assertThat(errno(xen.platformOp(hvm.id(), op))).isEqualTo(XenErrno.EACCES);
    }

    @Test
    void unknownCmdIsEnosysForDom0ButEpermForOthers() {
        byte[] op = PlatformOp.encode(99, PlatformOp.XENPF_INTERFACE_VERSION, new byte[0]);
        assertThat(xen.platformOp(0, op).rc()).isEqualTo(-38);
        assertThat(errno(xen.platformOp(pv.id(), op))).isEqualTo(XenErrno.EPERM);
    }

    @Test
    void settime64WithNonZeroMbzIsEinval() {
        PlatformOpResult result = xen.platformOp(0, PlatformOp.settime64(1_700_000_000L, 0, 1, 0));
        assertThat(result.rc()).isEqualTo(-22);
        assertThat(((PlatformOpResult.Failed) result).why()).contains("mbz");
        assertThat(xen.wallclock()).isEqualTo(Wallclock.EPOCH);
    }

    @Test
    void settime64WithNanosOfASecondOrMoreIsAcceptedAndCarriedIntoTheSeconds() {
        // Xen xen/arch/x86/platform_hypercall.c, do_platform_op (4.23-dev):
        //     case XENPF_settime64:
        //         if ( likely(!op->u.settime64.mbz) )
        //             do_settime(op->u.settime64.secs, op->u.settime64.nsecs, ...);
        //         else
        //             ret = -EINVAL;
        // and xen/common/time.c, do_settime:
        //     x = SECONDS(secs) + nsecs - system_time_base;
        //     y = do_div(x, 1000000000);
        // secs=10, nsecs=1_500_000_000, system_time=0: x = 11.5e9 ns -> W = 11 s + 500_000_000 ns, rc 0.
        assertThat(xen.platformOp(0, PlatformOp.settime64(10, 1_500_000_000, 0)).rc())
                .isZero();
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(11, 500_000_000));
        // nsecs is a u32: -1 is 4_294_967_295 ns = 4 s + 294_967_295 ns; with secs=1: W = 5.294967295.
        assertThat(xen.platformOp(0, PlatformOp.settime64(1, -1, 0)).rc()).isZero();
        assertThat(xen.wallclock()).isEqualTo(new Wallclock(5, 294_967_295));
    }

    @Test
    void unknownCallerDomainIsACallerBug() {
        assertThatThrownBy(() -> xen.platformOp(42, PlatformOp.settime64(1, 0, 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no domain 42");
    }

    @Test
    void controlKindOnlyForDomainZeroAndIdsAreUnique() {
        assertThatThrownBy(() -> xen.createDomain(DomainKind.CONTROL, 0)).hasMessageContaining("already exists");
        assertThatThrownBy(() -> xen.createDomain(
                        7, DomainKind.CONTROL, 0, SharedInfo.allocate().segment()))
                .hasMessageContaining("domain 0 must be CONTROL");
        assertThat(xen.createDomain(5, DomainKind.PV, 0, SharedInfo.allocate().segment())
                        .id())
                .isEqualTo(5);
        assertThat(xen.createDomain(DomainKind.HVM, 0).id()).isEqualTo(6);
        assertThatThrownBy(() -> xen.createDomain(
                        0x7FF0, DomainKind.PV, 0, SharedInfo.allocate().segment()))
                .hasMessageContaining("32751");
    }

    @Test
    void newDomainSeesTheCurrentWallclockPlusItsOffset() {
        xen.platformOp(0, PlatformOp.settime64(1_000, 5, 0));
        Domain late = xen.buildDomain(DomainKind.PV, 60);
        assertThat(late.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(1_060, 5, 2));
    }

    @Test
    void wallTimeNowIsWPlusSystemTime() {
        xen.platformOp(0, PlatformOp.settime64(1_700_000_000L, 123_456_789, 5_000_000_000L));
        systemTimeNs = 7_500_000_000L;
        // W = 1_699_999_995.123456789 + 7.5 s = 1_700_000_002.623456789
        assertThat(xen.wallTimeNow()).isEqualTo(new Wallclock(1_700_000_002L, 623_456_789));
    }

    @Test
    void updateVcpuTimePublishesCounterSystemTimeAndScale() {
        long[] tsc = {9_000_000_000L};
        Hypervisor withTsc = new Hypervisor(
                () -> systemTimeNs, Wallclock.EPOCH, () -> tsc[0], PvclockScale.forFrequencyHz(3_000_000_000L));
        Domain d0 = withTsc.buildDomain(DomainKind.CONTROL, 0);
        tsc[0] = 12_000_000_000L;
        systemTimeNs = 6_000_000_000L;
        withTsc.updateVcpuTime(0);

        assertThat(d0.sharedInfo().vcpuTimeInfo(0).read(0))
                .isEqualTo(new VcpuTimeReading.Value(
                        4, 12_000_000_000L, 6_000_000_000L, new PvclockScale(0xAAAA_AAAA, -1), 1));
    }

    @Property(tries = 300)
    void settime64ThenReadGivesBackTheWallTimeMinusSystemTime(
            @ForAll @LongRange(min = 0, max = 9_000_000_000L) long secs,
            @ForAll @IntRange(min = 0, max = 999_999_999) int nsecs,
            @ForAll @LongRange(min = 0, max = 1_000_000_000_000_000L) long systemTime) {
        Hypervisor h = new Hypervisor(() -> 0);
        Domain d = h.buildDomain(DomainKind.CONTROL, 0);
        h.platformOp(0, PlatformOp.settime64(secs, nsecs, systemTime));
        BigInteger expectedNs = BigInteger.valueOf(secs)
                .multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(nsecs))
                .subtract(BigInteger.valueOf(systemTime))
                .mod(BigInteger.ONE.shiftLeft(64));
        WallclockReading.Value v = (WallclockReading.Value) d.sharedInfo().readWallclock(0);
        BigInteger gotNs = BigInteger.valueOf(v.seconds())
                .multiply(BigInteger.valueOf(1_000_000_000L))
                .add(BigInteger.valueOf(v.nanos()));
        assertThat(gotNs).isEqualTo(expectedNs);
    }

    /**
     * Where Xen 4.23-dev (xen-project/xen c447b7308b) first publishes a domain's wallclock. The
     * expected values come from these lines, not from our code:
     *
     * <pre>
     * xen/arch/x86/domain.c, arch_set_info_guest (PV branch):
     *     if ( v->vcpu_id == 0 )
     *         update_domain_wallclock_time(d);
     * xen/arch/x86/domain.c, arch_set_info_guest (HVM branch, earlier):
     *     hvm_set_info_guest(v);
     *     goto out;
     * xen/arch/x86/pv/dom0_build.c, dom0_construct:   update_domain_wallclock_time(d);
     * xen/arch/x86/hvm/dom0_build.c, pvh_setup_cpus:  update_domain_wallclock_time(d);
     * xen/arch/x86/hvm/hvm.c, hvm_latch_shinfo_size:  update_domain_wallclock_time(d);
     * xen/common/time.c, update_domain_wallclock_time:
     *     *wc_version = version_update_begin(*wc_version);      // ((v) + 1) | 1
     *     sec = wc_sec + d-&gt;time_offset.seconds;
     *     shared_info(d, wc_sec) = sec; shared_info(d, wc_nsec) = wc_nsec; ... wc_sec_hi = sec &gt;&gt; 32;
     *     *wc_version = version_update_end(*wc_version);        // (v) + 1
     * xen/common/time.c, do_settime:
     *     for_each_domain ( d ) update_domain_wallclock_time(d);
     * </pre>
     *
     * x86 {@code arch_domain_create} has no such call (only xen/arch/arm/domain.c's has), and a
     * fresh shared_info page is zeroed, so a created domain reads wc_version = wc_* = 0.
     */
    @Nested
    class VcpuZeroInit {
        // W = 1_700_000_000.250000000 s at system time 0 (the boot W, as if read from the CMOS).
        private final Wallclock bootW = new Wallclock(1_700_000_000L, 250_000_000);
        private final Hypervisor h = new Hypervisor(() -> systemTimeNs, bootW);

        @Test
        void createdDomainShowsNothingUntilVcpu0InitThenWPlusOffsetWithAnEvenVersion() {
            h.buildDomain(DomainKind.CONTROL, 0);
            Domain d = h.createDomain(DomainKind.PV, 3600);
            assertThat(d.vcpu0Initialised()).isFalse();
            assertThat(d.sharedInfo().wcVersion()).isZero();
            assertThat(d.sharedInfo().wcSec()).isZero();
            assertThat(d.sharedInfo().wcNsec()).isZero();
            assertThat(d.sharedInfo().wcSecHi()).isZero();
            assertThat(d.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(0, 0, 0));

            h.initialiseVcpu0(d.id());

            // sec = 1_700_000_000 + 3600 = 1_700_003_600 (< 2^32: wc_sec_hi 0); nsec = W.nsec;
            // version: begin ((0 + 1) | 1) = 1, end 1 + 1 = 2.
            assertThat(d.vcpu0Initialised()).isTrue();
            assertThat(d.sharedInfo().wcSec()).isEqualTo(1_700_003_600L);
            assertThat(d.sharedInfo().wcNsec()).isEqualTo(250_000_000);
            assertThat(d.sharedInfo().wcSecHi()).isZero();
            assertThat(d.sharedInfo().wcVersion()).isEqualTo(2);
        }

        @Test
        void aSettimeBeforeTheDomainWasBuiltReachesItAtVcpu0Init() {
            h.buildDomain(DomainKind.CONTROL, 0);
            // settime64(2_000_000_000 s, 0, system_time 5 s): W = 1_999_999_995.000000000.
            systemTimeNs = 5_000_000_000L;
            assertThat(h.platformOp(0, PlatformOp.settime64(2_000_000_000L, 0, 5_000_000_000L))
                            .rc())
                    .isZero();
            Domain d = h.createDomain(DomainKind.PV, -60);
            assertThat(d.sharedInfo().wcVersion()).isZero();

            h.initialiseVcpu0(d.id());

            // 1_999_999_995 - 60 = 1_999_999_935, not the boot W.
            assertThat(d.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(1_999_999_935L, 0, 2));
        }

        @Test
        void aSettimeBetweenCreationAndVcpu0InitReachesTheDomainAtOnceAndAgainAtInit() {
            h.buildDomain(DomainKind.CONTROL, 0);
            Domain d = h.createDomain(DomainKind.PV, 0);
            // do_settime updates for_each_domain, built or not: 0 -> 2 with W = 100.5 s.
            h.platformOp(0, PlatformOp.settime64(100, 500_000_000, 0));
            assertThat(d.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(100, 500_000_000, 2));

            h.initialiseVcpu0(d.id());

            // arch_set_info_guest republishes the same W: 2 -> 4.
            assertThat(d.sharedInfo().readWallclock(0)).isEqualTo(new WallclockReading.Value(100, 500_000_000, 4));
        }

        @Test
        void dom0IsPublishedByItsBuild() {
            Domain d0 = h.createDomain(DomainKind.CONTROL, 0);
            assertThat(d0.sharedInfo().wcVersion()).isZero();
            h.initialiseVcpu0(Hypervisor.DOM0);
            assertThat(d0.sharedInfo().readWallclock(0))
                    .isEqualTo(new WallclockReading.Value(1_700_000_000L, 250_000_000, 2));
        }

        @Test
        void anHvmDomUIsPublishedOnlyWhenItsGuestLatchesItsSharedInfo() {
            h.buildDomain(DomainKind.CONTROL, 0);
            Domain d = h.buildDomain(DomainKind.HVM, -7200);
            // arch_set_info_guest's HVM branch jumps past update_domain_wallclock_time.
            assertThat(d.vcpu0Initialised()).isTrue();
            assertThat(d.sharedInfo().wcVersion()).isZero();
            assertThat(d.sharedInfo().wcSec()).isZero();

            h.hvmLatchSharedInfoSize(d.id());

            // 1_700_000_000 - 7200 = 1_699_992_800.
            assertThat(d.sharedInfo().readWallclock(0))
                    .isEqualTo(new WallclockReading.Value(1_699_992_800L, 250_000_000, 2));
            assertThatThrownBy(() -> h.hvmLatchSharedInfoSize(Hypervisor.DOM0))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("HVM domains only");
        }

        @Test
        void aSecondVcpu0InitDoesNotRepublish() {
            h.buildDomain(DomainKind.CONTROL, 0);
            Domain d = h.buildDomain(DomainKind.PV, 0);
            assertThat(d.sharedInfo().wcVersion()).isEqualTo(2);
            // if ( v->is_initialised ) goto out;  -- before the vcpu_id == 0 publication.
            h.initialiseVcpu0(d.id());
            assertThat(d.sharedInfo().wcVersion()).isEqualTo(2);
        }

        @Test
        void vcpuTimeInfoIsWrittenFromVcpu0InitNotAtCreation() {
            systemTimeNs = 7_000_000_000L;
            Domain d0 = h.createDomain(DomainKind.CONTROL, 0);
            assertThat(d0.sharedInfo().vcpuTimeInfo(0).read(0))
                    .isInstanceOfSatisfying(
                            VcpuTimeReading.Value.class,
                            v -> assertThat(v.version()).isZero());
            h.initialiseVcpu0(Hypervisor.DOM0);
            // The default counter is the system time itself at 1 GHz: tsc = system_time = 7 s.
            assertThat(d0.sharedInfo().vcpuTimeInfo(0).read(0))
                    .isInstanceOfSatisfying(VcpuTimeReading.Value.class, v -> {
                        assertThat(v.version()).isEqualTo(2);
                        assertThat(v.systemTimeNs()).isEqualTo(7_000_000_000L);
                    });
        }
    }

    private Integer[] versions() {
        return xen.domains().stream().map(d -> d.sharedInfo().wcVersion()).toArray(Integer[]::new);
    }

    private static XenErrno errno(PlatformOpResult result) {
        return ((PlatformOpResult.Failed) result).errno();
    }
}
