package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;
import static io.wallsync.core.rtc.XenFlavourTimeOffsetTest.read;
import static io.wallsync.core.rtc.XenFlavourTimeOffsetTest.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Xen flavour against xen/arch/x86/hvm/rtc.c (Xen 4.23-dev), one test per behaviour in which
 * Xen's vRTC differs from QEMU's mc146818rtc. Every expected value comes from the quoted Xen lines;
 * where QEMU differs, the QEMU flavour's value is asserted next to it so the test shows the
 * difference.
 */
class XenFlavourUpstreamTest {
    private static final long S = 1_000_000_000L;
    private static final long WC_2024_03_10_095958 =
            LocalDateTime.parse("2024-03-10T09:59:58").toEpochSecond(ZoneOffset.UTC);

    private final XenFlavourTimeOffsetTest.FakeDomains xen =
            new XenFlavourTimeOffsetTest.FakeDomains(WC_2024_03_10_095958, 2);
    private final List<String> irqEvents = new ArrayList<>();
    private final RtcIrqListener irq = new RtcIrqListener() {
        @Override
        public void raise() {
            irqEvents.add("raise");
        }

        @Override
        public void lower() {
            irqEvents.add("lower");
        }
    };

    private Mc146818Rtc rtc(RtcFlavor flavor) {
        return new Mc146818Rtc(flavor, xen.timeBase(1), irq);
    }

    @Test
    void dividerResetNeitherFreezesNorRestartsTheClock() {
        // case RTC_REG_A:
        //     /* UIP bit is read only */
        //     s->hw.cmos_data[RTC_REG_A] = (data & ~RTC_UIP) | (orig & RTC_UIP);
        //     if ( (data ^ orig) & ~RTC_UIP ) rtc_timer_update(s);
        // and the date reads check only RTC_SET. 09:59:58 + 3 s = 10:00:01 with DV = 0x70.
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        write(rtc, RTC_REG_A, 0x70);
        assertThat(read(rtc, RTC_REG_A)).isEqualTo(0x70);
        xen.systemTimeNs = 3 * S;
        assertThat(read(rtc, RTC_SECONDS)).isEqualTo(0x01);
        assertThat(read(rtc, RTC_MINUTES)).isEqualTo(0x00);
        // Releasing the reset does not restart at 0.5 s either: still 10:00:01 0.4 s later.
        write(rtc, RTC_REG_A, 0x26);
        xen.systemTimeNs = 3 * S + 400_000_000L;
        assertThat(read(rtc, RTC_SECONDS)).isEqualTo(0x01);
        // QEMU holds the registers while the divider is in reset: still 09:59:58.
        XenFlavourTimeOffsetTest.FakeDomains host = new XenFlavourTimeOffsetTest.FakeDomains(WC_2024_03_10_095958, 2);
        Mc146818Rtc qemu = new Mc146818Rtc(RtcFlavor.QEMU, host.timeBase(1), RtcIrqListener.unconnected());
        write(qemu, RTC_REG_A, 0x70);
        host.systemTimeNs = 3 * S;
        assertThat(read(qemu, RTC_SECONDS)).isEqualTo(0x58);
    }

    @Test
    void releasingSetAppliesTheDateWhateverDvIsAndKeepsTheSecondsSpentInSet() {
        // case RTC_REG_B: if ( data & RTC_SET ) { ... if (!(orig & RTC_SET)) { s->current_tm =
        //     gmtime(get_localtime(d)); rtc_copy_date(s); } } else { if ( orig & RTC_SET )
        //     rtc_set_time(s); }
        // rtc_set_time: before = mktime(current_tm); after = mktime(registers);
        //     d->time_offset.seconds += (after - before);
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        write(rtc, RTC_REG_B, REG_B_SET | REG_B_24H); // current_tm = 09:59:58
        write(rtc, RTC_REG_A, 0x70); // divider reset, as Linux's mc146818_set_time does
        xen.systemTimeNs = 5 * S; // five seconds pass in SET
        write(rtc, RTC_HOURS, 0x11);
        write(rtc, RTC_REG_B, REG_B_24H); // released while DV is still 0x70
        // after - before = 11:59:58 - 09:59:58 = 7200 s; the clock is 10:00:03 + 7200 s = 12:00:03.
        assertThat(xen.calls).containsExactly("dom1 7200");
        assertThat(read(rtc, RTC_HOURS)).isEqualTo(0x12);
        assertThat(read(rtc, RTC_SECONDS)).isEqualTo(0x03);
    }

    @Test
    void settingSetStoresRegisterBAsWrittenWithUie() {
        // case RTC_REG_B: ... s->hw.cmos_data[RTC_REG_B] = data;   (no UIE masking)
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        write(rtc, RTC_REG_B, REG_B_SET | REG_B_UIE | REG_B_24H);
        assertThat(read(rtc, RTC_REG_B)).isEqualTo(0x92);
        // QEMU follows the datasheet: "if (val & REG_B_SET) ... val &= ~REG_B_UIE": 0x82.
        Mc146818Rtc qemu = new Mc146818Rtc(
                RtcFlavor.QEMU,
                new XenFlavourTimeOffsetTest.FakeDomains(WC_2024_03_10_095958, 2).timeBase(1),
                RtcIrqListener.unconnected());
        write(qemu, RTC_REG_B, REG_B_SET | REG_B_UIE | REG_B_24H);
        assertThat(read(qemu, RTC_REG_B)).isEqualTo(0x82);
    }

    @Test
    void writingRegisterBNeverClearsIrqfNorLowersTheLine() {
        // rtc_update_irq: if ( !(B & C & (RTC_PF | RTC_AF | RTC_UF)) ) return;
        //                 C |= RTC_IRQF; ... hvm_isa_irq_assert(...)   -- it only raises.
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        write(rtc, RTC_REG_B, REG_B_UIE | REG_B_24H);
        xen.systemTimeNs = 2 * S;
        rtc.runDueTimers(); // the update ends: UF | IRQF, raised
        assertThat(irqEvents).containsExactly("raise");
        write(rtc, RTC_REG_B, REG_B_24H); // UIE off: nothing is lowered
        assertThat(irqEvents).containsExactly("raise");
        assertThat(read(rtc, RTC_REG_C)).isEqualTo(REG_C_IRQF | REG_C_UF);
        // Only the read of C lowers it: "if ( ret & RTC_IRQF ) hvm_isa_irq_deassert(d, RTC_IRQ)".
        assertThat(irqEvents).containsExactly("raise", "lower");
    }

    @Test
    void cmosIndexesFrom0x0EGoToTheDeviceModel() {
        // public/arch-x86/hvm/save.h: #define RTC_CMOS_SIZE 14; rtc_ioport_write: index writes
        // "return (data < RTC_CMOS_SIZE);", data: "if ( s->hw.cmos_index >= RTC_CMOS_SIZE ) return 0;"
        List<String> forwarded = new ArrayList<>();
        CmosDeviceModel ram = CmosDeviceModel.ram();
        CmosDeviceModel recorder = new CmosDeviceModel() {
            @Override
            public int inb(int port) {
                forwarded.add(String.format("inb %x", port));
                return ram.inb(port);
            }

            @Override
            public void outb(int port, int value) {
                forwarded.add(String.format("outb %x %x", port, value));
                ram.outb(port, value);
            }
        };
        Mc146818Rtc rtc = new Mc146818Rtc(RtcFlavor.XEN, xen.timeBase(1), irq, recorder);
        read(rtc, RTC_REG_D); // 0x0D is the vRTC's own
        assertThat(forwarded).isEmpty();
        write(rtc, 0x0E, 0x5A);
        assertThat(read(rtc, 0x0E)).isEqualTo(0x5A);
        read(rtc, RTC_CENTURY); // 0x32: the device model's, not a vRTC date register
        assertThat(forwarded).containsExactly("outb 70 e", "outb 71 5a", "outb 70 e", "inb 71", "outb 70 32", "inb 71");
        // Port 0x70 reads are the vRTC's: "else if ( !(port & 1) ) { *val = 0xff; return X86EMUL_OKAY; }"
        assertThat(rtc.inb(INDEX_PORT)).isEqualTo(0xFF);
        assertThat(forwarded).hasSize(6);
    }

    @Test
    void uipIsTheLast244MicrosecondsOfEachSecond() {
        // update_in_progress: "UIP bit will be set at last 244us of every second."
        //     if ((guest_usec % USEC_PER_SEC) >= (USEC_PER_SEC - 244)) return 1;
        // Guest time is wc (whole seconds) + system time here, so the sub-second is the system time.
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        xen.systemTimeNs = 999_755_999L; // 999755 us: not yet
        assertThat(read(rtc, RTC_REG_A) & REG_A_UIP).isZero();
        xen.systemTimeNs = 999_756_000L; // 999756 us = 1e6 - 244
        assertThat(read(rtc, RTC_REG_A) & REG_A_UIP).isEqualTo(REG_A_UIP);
        // QEMU's window is 8 cycles, 244140 ns: already set at 999_755_999 ns.
        XenFlavourTimeOffsetTest.FakeDomains host = new XenFlavourTimeOffsetTest.FakeDomains(WC_2024_03_10_095958, 2);
        Mc146818Rtc qemu = new Mc146818Rtc(RtcFlavor.QEMU, host.timeBase(1), RtcIrqListener.unconnected());
        host.systemTimeNs = 999_755_999L;
        assertThat(read(qemu, RTC_REG_A) & REG_A_UIP).isEqualTo(REG_A_UIP);
    }

    @Test
    void periodicPeriodIsDivRoundInNanosecondsOnAGridFromStartTime() {
        // rtc_timer_update: period = 1 << (period_code - 1);
        //     period = DIV_ROUND(period * 1000000000ULL, 32768);
        //     delta = period - ((now - s->start_time) % period);
        // rate 3 = 4 cycles: DIV_ROUND(4e9, 32768) = (4e9 + 16384) / 32768 = 122070 ns (QEMU: 122071,
        // the 32 kHz edge + 1 ns). start_time = 1000 ns (creation); PIE on at 50_000 ns:
        // delta = 122070 - (49_000 % 122070) = 73_070 -> first interrupt at 123_070 ns.
        xen.systemTimeNs = 1_000;
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        xen.systemTimeNs = 50_000;
        write(rtc, RTC_REG_A, 0x23);
        write(rtc, RTC_REG_B, REG_B_PIE | REG_B_24H);
        assertThat(rtc.nextDeadlineNs()).hasValue(123_070L);
        xen.systemTimeNs = 123_070;
        rtc.runDueTimers();
        assertThat(irqEvents).containsExactly("raise");
        assertThat(rtc.nextDeadlineNs()).hasValue(245_140L);
        assertThat(read(rtc, RTC_REG_C)).isEqualTo(REG_C_IRQF | REG_C_PF);
    }

    @Test
    void periodicRatesOneAndTwoRepeatEightAndNineOnlyAt32Khz() {
        // case RTC_REF_CLCK_32KHZ: if ( (period_code != 0) && (period_code <= 2) ) period_code += 7;
        //     /* fall through */  case RTC_REF_CLCK_1MHZ: case RTC_REF_CLCK_4MHZ: ...
        //     default: destroy_periodic_time(&s->pt); s->period = 0;
        xen.systemTimeNs = 0;
        Mc146818Rtc rtc = rtc(RtcFlavor.XEN);
        write(rtc, RTC_REG_B, REG_B_PIE | REG_B_24H);
        write(rtc, RTC_REG_A, 0x21); // 32 kHz, rate 1 -> 8: 128 cycles = DIV_ROUND(128e9, 32768) = 3_906_250 ns
        assertThat(rtc.nextDeadlineNs()).hasValue(3_906_250L);
        write(rtc, RTC_REG_A, 0x11); // 1 MHz, rate 1: 1 cycle = DIV_ROUND(1e9, 32768) = 30518 ns
        assertThat(rtc.nextDeadlineNs()).hasValue(30_518L);
        write(rtc, RTC_REG_A, 0x71); // divider reset: no periodic interrupt; the update timer is next
        assertThat(rtc.nextDeadlineNs()).hasValue(S);
    }
}
