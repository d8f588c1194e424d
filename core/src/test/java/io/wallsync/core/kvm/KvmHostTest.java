package io.wallsync.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.time.Timekeeper;
import io.wallsync.core.time.Timex;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class KvmHostTest {
    private static final long S = 1_000_000_000L;
    private static final long BOOT_REALTIME = 1_764_057_600L * S; // 2025-11-25T08:00:00Z

    /** A clocksource the test moves by hand. */
    private long clocksourceNs;

    private final Timekeeper host = new Timekeeper(() -> clocksourceNs, BOOT_REALTIME);

    @Test
    void everyTickCopiesTheTimekeeperOnce() {
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        // registration calls the notifier once at once (was_set = true)
        assertThat(kvm.copies()).isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            clocksourceNs += S;
            host.tick();
        }
        assertThat(kvm.tickCopies()).isEqualTo(100);
        assertThat(kvm.copies()).isEqualTo(101);
    }

    @Test
    void theWallClockMsrWritesRealtimeMinusKvmclock() {
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        clocksourceNs = 10 * S;
        host.tick();
        KvmVm vm = kvm.createVm(); // kvmclock 0 at boottime 10 s
        clocksourceNs = 25 * S;
        host.tick();
        MemorySegment page = Arena.ofAuto().allocate(12);
        assertThat(vm.wrmsr(KvmHost.MSR_KVM_WALL_CLOCK_NEW, page)).isInstanceOf(MsrWriteResult.Done.class);
        // realtime = boot + 25 s, kvmclock = 15 s: wall at kvmclock 0 = boot + 10 s
        PvclockWallClock.Reading.Value v = (PvclockWallClock.Reading.Value) new PvclockWallClock(page).read(1);
        assertThat(v.epochNs()).isEqualTo(BOOT_REALTIME + 10 * S);
        assertThat(kvm.msrWrites()).isEqualTo(1);
    }

    @Test
    void theLegacyWallClockMsr0x11IsHandledLikeTheNewOne() {
        // arch/x86/include/uapi/asm/kvm_para.h: #define MSR_KVM_WALL_CLOCK 0x11;
        // arch/x86/kvm/x86.c kvm_set_msr_common: case MSR_KVM_WALL_CLOCK: if (!guest_pv_has(vcpu,
        // KVM_FEATURE_CLOCKSOURCE)) return 1; ... kvm_write_wall_clock(vcpu->kvm, data, 0);
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        KvmVm vm = kvm.createVm();
        clocksourceNs = 7 * S;
        host.tick();
        MemorySegment page = Arena.ofAuto().allocate(12);
        assertThat(vm.wrmsr(0x11, page)).isInstanceOf(MsrWriteResult.Done.class);
        // realtime boot + 7 s, kvmclock 7 s: the wall at kvmclock 0 is the boot time.
        PvclockWallClock.Reading.Value v = (PvclockWallClock.Reading.Value) new PvclockWallClock(page).read(1);
        assertThat(v.epochNs()).isEqualTo(BOOT_REALTIME);
    }

    @Test
    void anotherMsrIsAGeneralProtectionFault() {
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        MemorySegment page = Arena.ofAuto().allocate(12);
        assertThat(kvm.createVm().wrmsr(0x12, page)).isInstanceOf(MsrWriteResult.GeneralProtection.class);
    }

    @Test
    void aWallClockBefore1970WrapsThroughTheUnsignedDivisionAsKvmWriteWallClockDoes() {
        // kvm_write_wall_clock: u64 wall_nsec = kvm_get_wall_clock_epoch(kvm);
        //     wc.nsec = do_div(wall_nsec, NSEC_PER_SEC); wc.sec = (u32)wall_nsec;
        // Host realtime starts at 1 s and NTP slows it by 500 ppm (the kernel's maximum); kvmclock
        // runs raw, so after 4000 s realtime - kvmclock is about 1 s - 2 s = -1 s: negative.
        Timekeeper early = new Timekeeper(() -> clocksourceNs, S);
        KvmHost kvm = new KvmHost(early, () -> clocksourceNs);
        KvmVm vm = kvm.createVm();
        early.adjtimex(Timex.builder().frequency(-500L << 16).build());
        for (int i = 0; i < 400; i++) {
            clocksourceNs += 10 * S;
            early.tick();
        }
        long wallNsec = early.realtimeNs() - vm.kvmclockNs();
        assertThat(wallNsec).isBetween(-1_000_001_000L, -999_999_000L);
        MemorySegment page = Arena.ofAuto().allocate(12);
        vm.wrmsr(KvmHost.MSR_KVM_WALL_CLOCK_NEW, page);
        // Expected with the C arithmetic in BigInteger: (2^64 + wall_nsec) divided by 1e9.
        BigInteger[] qr = BigInteger.ONE
                .shiftLeft(64)
                .add(BigInteger.valueOf(wallNsec))
                .divideAndRemainder(BigInteger.valueOf(S));
        PvclockWallClock wc = new PvclockWallClock(page);
        assertThat(wc.sec()).isEqualTo(qr[0].longValue() & 0xFFFF_FFFFL);
        assertThat(wc.nsec()).isEqualTo(qr[1].intValueExact());
        // For wall_nsec = -1e9 exactly that is 18_446_744_072 s rem 709_551_616 ns, (u32) 1_266_874_888:
        // not the signed floor (sec 0xFFFFFFFF, nsec 0) a floorDiv would give.
        assertThat(wc.sec()).isBetween(1_266_874_887L, 1_266_874_888L);
    }

    @Test
    void aHostStepAfterBootNeverReachesTheGuestButSleepTimeDoes() {
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        KvmGuest guest = ((KvmGuest.BootResult.Booted) KvmGuest.boot(kvm.createVm())).guest();
        assertThat(guest.bootWallNs()).isEqualTo(BOOT_REALTIME);
        clocksourceNs = 60 * S;
        host.tick();
        host.settimeofday(host.realtimeNs() + 3_600 * S); // an hour forward
        host.tick();
        // the guest's wall clock was written at boot; kvmclock is raw + offs_boot, which a step leaves alone
        assertThat(guest.wallNs()).isEqualTo(BOOT_REALTIME + 60 * S);
        host.injectSleepTime(120 * S); // resume after 2 minutes asleep: BOOTTIME moves
        assertThat(guest.wallNs()).isEqualTo(BOOT_REALTIME + 180 * S);
    }

    @Test
    void kvmclockRunsAtTheRawRateAndEachWallClockWriteIsRightWhileNtpCorrectsTheHostFrequency() {
        // arch/x86/kvm/x86.c (x86_64, Linux >= 5.6):
        //     static s64 get_kvmclock_base_ns(void)
        //     {
        //         /* Count up from boot time, but with the frequency of the raw clock.  */
        //         return ktime_to_ns(ktime_add(ktime_get_raw(), pvclock_gtod_data.offs_boot));
        //     }
        // and kvm_get_wall_clock_epoch: ktime_get_real_ns() - get_kvmclock_ns(kvm).
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        KvmVm early = kvm.createVm();
        KvmGuest guest = ((KvmGuest.BootResult.Booted) KvmGuest.boot(early)).guest();
        assertThat(guest.bootWallNs()).isEqualTo(BOOT_REALTIME);

        // The host's oscillator is 50 ppm fast; its NTP daemon sets ADJ_FREQUENCY -50 ppm
        // (scaled ppm: -50 * 2^16), so host realtime gains (1 - 50e-6) s per clocksource second.
        host.adjtimex(Timex.builder().frequency(-50L << 16).build());
        for (int i = 0; i < 100; i++) {
            clocksourceNs += 10 * S;
            host.tick();
        }
        // Sanity of the host side: 1000 s * (1 - 50e-6) = 999.95 s of realtime (within 1 us).
        assertThat(host.realtimeNs() - BOOT_REALTIME).isBetween(999_950_000_000L - 1_000, 999_950_000_000L + 1_000);

        // kvmclock is the raw clock: exactly 1000 s of clocksource, the NTP correction not applied.
        assertThat(early.kvmclockNs()).isEqualTo(1_000 * S);
        // So the early guest's wall (written at boot) + kvmclock is 50 ms (50 ppm of 1000 s) ahead.
        assertThat(guest.wallNs()).isEqualTo(BOOT_REALTIME + 1_000 * S);

        // Every MSR write gives a wall clock that is right at that moment: a guest booting now, and
        // the early guest writing the MSR again, both get wall + kvmclock == host realtime.
        KvmVm late = kvm.createVm();
        KvmGuest lateGuest = ((KvmGuest.BootResult.Booted) KvmGuest.boot(late)).guest();
        assertThat(lateGuest.bootWallNs()).isEqualTo(host.realtimeNs());
        MemorySegment page = Arena.ofAuto().allocate(PvclockWallClock.SIZE);
        early.wrmsr(KvmHost.MSR_KVM_WALL_CLOCK_NEW, page);
        PvclockWallClock.Reading.Value again = (PvclockWallClock.Reading.Value) new PvclockWallClock(page).read(1);
        assertThat(again.epochNs() + early.kvmclockNs()).isEqualTo(host.realtimeNs());
        // The rewritten wall clock moved back by the 50 ms the raw rate gained.
        assertThat(BOOT_REALTIME - again.epochNs()).isBetween(50_000_000L - 1_000, 50_000_000L + 1_000);
    }
}
