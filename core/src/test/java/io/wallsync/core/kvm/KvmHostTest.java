package io.wallsync.core.kvm;

import static org.assertj.core.api.Assertions.assertThat;

import io.wallsync.core.time.Timekeeper;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
    void anotherMsrIsAGeneralProtectionFault() {
        KvmHost kvm = new KvmHost(host, () -> clocksourceNs);
        MemorySegment page = Arena.ofAuto().allocate(12);
        assertThat(kvm.createVm().wrmsr(0x11, page)).isInstanceOf(MsrWriteResult.GeneralProtection.class);
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
        // the guest's wall clock was written at boot; kvmclock follows BOOTTIME, which a step leaves alone
        assertThat(guest.wallNs()).isEqualTo(BOOT_REALTIME + 60 * S);
        host.injectSleepTime(120 * S); // resume after 2 minutes asleep: BOOTTIME moves
        assertThat(guest.wallNs()).isEqualTo(BOOT_REALTIME + 180 * S);
    }
}
