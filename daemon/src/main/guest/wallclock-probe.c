/* wallclock-probe: reads the boot date the two ways a Linux 6.1 x86 guest does and prints each
 * on the console, then resets.
 *   kvm_wall_ns=N    kvm_get_wallclock() (arch/x86/kernel/kvmclock.c): register kvmclock with the
 *                    system-time MSR, write the address of a pvclock_wall_clock to the wall-clock
 *                    MSR, then pvclock_read_wallclock(): wall clock + kvmclock system time.
 *   cmos=DATE        mc146818_get_time() (drivers/rtc/rtc-mc146818-lib.c) without an ACPI century.
 */
#include "guest.h"

#define KVM_CPUID_SIGNATURE 0x40000000
#define KVM_CPUID_FEATURES 0x40000001
#define KVM_FEATURE_CLOCKSOURCE (1u << 0)
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define MSR_KVM_WALL_CLOCK 0x11
#define MSR_KVM_SYSTEM_TIME 0x12
#define MSR_KVM_WALL_CLOCK_NEW 0x4b564d00
#define MSR_KVM_SYSTEM_TIME_NEW 0x4b564d01

/* struct pvclock_vcpu_time_info (arch/x86/include/asm/pvclock-abi.h), 32 bytes. */
struct pvclock_vcpu_time_info {
    u32 version;
    u32 pad0;
    u64 tsc_timestamp;
    u64 system_time;
    u32 tsc_to_system_mul;
    s8 tsc_shift;
    u8 flags;
    u8 pad[2];
} __attribute__((packed));

/* struct pvclock_wall_clock, 12 bytes. */
struct pvclock_wall_clock {
    u32 version;
    u32 sec;
    u32 nsec;
} __attribute__((packed));

static volatile struct pvclock_vcpu_time_info pvti __attribute__((aligned(64)));
static volatile struct pvclock_wall_clock wall_clock __attribute__((aligned(64)));

static void cpuid(u32 leaf, u32 *a, u32 *b, u32 *c, u32 *d) {
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(0));
}

/* pvclock_scale_delta + __pvclock_read_cycles (arch/x86/include/asm/pvclock.h). */
static u64 pvclock_clocksource_read(void) {
    u32 version;
    u64 ns;
    do {
        version = pvti.version;
        barrier();
        u64 delta = rdtsc() - pvti.tsc_timestamp;
        s8 shift = pvti.tsc_shift;
        if (shift < 0)
            delta >>= -shift;
        else
            delta <<= shift;
        ns = pvti.system_time + (u64)(((unsigned __int128)delta * pvti.tsc_to_system_mul) >> 32);
        barrier();
    } while ((version & 1) || version != pvti.version);
    return ns;
}

static void kvm_wallclock(void) {
    u32 a, b, c, d;
    cpuid(KVM_CPUID_SIGNATURE, &a, &b, &c, &d);
    if (b != 0x4b4d564b || c != 0x564b4d56 || d != 0x0000004d) { /* "KVMKVMKVM\0\0\0" */
        puts("kvm_wall=absent\n");
        return;
    }
    cpuid(KVM_CPUID_FEATURES, &a, &b, &c, &d);
    u32 msr_wall, msr_system;
    if (a & KVM_FEATURE_CLOCKSOURCE2) {
        msr_wall = MSR_KVM_WALL_CLOCK_NEW;
        msr_system = MSR_KVM_SYSTEM_TIME_NEW;
    } else if (a & KVM_FEATURE_CLOCKSOURCE) {
        msr_wall = MSR_KVM_WALL_CLOCK;
        msr_system = MSR_KVM_SYSTEM_TIME;
    } else {
        puts("kvm_wall=absent\n");
        return;
    }
    /* kvm_register_clock(): physical address | enable bit. */
    wrmsr(msr_system, (u64)&pvti | 1);
    /* kvm_get_wallclock(): the hypervisor fills wall_clock during this write. */
    wrmsr(msr_wall, (u64)&wall_clock);
    u32 version, sec, nsec;
    do { /* pvclock_read_wallclock() */
        version = wall_clock.version;
        barrier();
        sec = wall_clock.sec;
        nsec = wall_clock.nsec;
        barrier();
    } while ((wall_clock.version & 1) || version != wall_clock.version);
    u64 delta = pvclock_clocksource_read();
    delta += (u64)sec * 1000000000ull + nsec;
    puts("kvm_wall_ns=");
    put_u64(delta);
    putc('\n');
}


static void udelay_approx(void) {
    for (volatile int i = 0; i < 100; i++) {
    }
}

/* mc146818_avoid_UIP() with mc146818_get_time_callback(), then mc146818_get_time()'s fixups. */
static void cmos_time(void) {
    unsigned sec = 0, min = 0, hour = 0, mday = 0, mon = 0, year = 0, ctrl = 0;
    int ok = 0;
    for (int i = 0; i < 10 && !ok; i++) {
        u8 seconds = cmos_read(RTC_SECONDS);
        if (cmos_read(RTC_FREQ_SELECT) & RTC_UIP) {
            udelay_approx();
            continue;
        }
        if (seconds != cmos_read(RTC_SECONDS)) continue;
        sec = seconds;
        min = cmos_read(RTC_MINUTES);
        hour = cmos_read(RTC_HOURS);
        mday = cmos_read(RTC_DAY_OF_MONTH);
        mon = cmos_read(RTC_MONTH);
        year = cmos_read(RTC_YEAR);
        ctrl = cmos_read(RTC_CONTROL);
        if (cmos_read(RTC_FREQ_SELECT) & RTC_UIP) {
            udelay_approx();
            continue;
        }
        if (seconds != cmos_read(RTC_SECONDS)) continue;
        ok = 1;
    }
    if (!ok) {
        puts("cmos=error-EIO\n");
        return;
    }
    if (!(ctrl & RTC_DM_BINARY)) {
        sec = bcd2bin(sec);
        min = bcd2bin(min);
        hour = bcd2bin(hour);
        mday = bcd2bin(mday);
        mon = bcd2bin(mon);
        year = bcd2bin(year);
    }
    if (year <= 69) year += 100; /* tm_year: years since 1900 */
    put_datetime("cmos", 1900 + year, mon, mday, hour, min, sec);
}

void guest_main(const u8 *boot_params) {
    (void)boot_params;
    console_init();
    kvm_wallclock();
    cmos_time();
    reset();
}
