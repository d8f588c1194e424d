package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Xen flavour: a guest's write of its RTC moves its domain's time_offset by after - before
 * (whole seconds) through {@link RtcTimeBase#guestSetTime}, and nothing else; the QEMU flavour
 * never touches the time base.
 */
class XenFlavourTimeOffsetTest {
    private static final long S = 1_000_000_000L;
    private static final long WC_2024_03_10_095958 =
            LocalDateTime.parse("2024-03-10T09:59:58").toEpochSecond(ZoneOffset.UTC);

    /** Stand-in for a hypervisor: one wallclock, one system time, a time_offset per domain. */
    static final class FakeDomains {
        final long wcSeconds;
        long systemTimeNs;
        final long[] timeOffsetSeconds;
        final List<String> calls = new ArrayList<>();

        FakeDomains(long wcSeconds, int domains) {
            this.wcSeconds = wcSeconds;
            this.timeOffsetSeconds = new long[domains];
        }

        RtcTimeBase timeBase(int domainId) {
            return new RtcTimeBase() {
                @Override
                public long wallNs() {
                    return (wcSeconds + timeOffsetSeconds[domainId]) * S + systemTimeNs;
                }

                @Override
                public long virtualNs() {
                    return systemTimeNs;
                }

                @Override
                public void guestSetTime(long deltaSeconds) {
                    calls.add("dom" + domainId + " " + deltaSeconds);
                    timeOffsetSeconds[domainId] += deltaSeconds;
                }
            };
        }
    }

    static void write(Mc146818Rtc rtc, int register, int value) {
        rtc.outb(INDEX_PORT, register);
        rtc.outb(DATA_PORT, value);
    }

    static int read(Mc146818Rtc rtc, int register) {
        rtc.outb(INDEX_PORT, register);
        return rtc.inb(DATA_PORT);
    }

    /** Linux's mc146818_set_time: SET, divider reset, fields, restore B, restore A. */
    private static void linuxSetTime(Mc146818Rtc rtc, int yy, int mo, int dd, int hh, int mi, int ss) {
        int control = read(rtc, RTC_REG_B);
        write(rtc, RTC_REG_B, control | REG_B_SET);
        int freqSelect = read(rtc, RTC_REG_A);
        write(rtc, RTC_REG_A, freqSelect | 0x70); // RTC_DIV_RESET2
        write(rtc, RTC_YEAR, yy);
        write(rtc, RTC_MONTH, mo);
        write(rtc, RTC_DAY_OF_MONTH, dd);
        write(rtc, RTC_HOURS, hh);
        write(rtc, RTC_MINUTES, mi);
        write(rtc, RTC_SECONDS, ss);
        write(rtc, RTC_REG_B, control);
        write(rtc, RTC_REG_A, freqSelect);
    }

    @Test
    void guestSettingItsRtcToLocalTimeMovesOnlyItsOwnDomainsOffset() {
        // Both domains see 09:59:58 UTC. Domain 1 (a Windows-style guest at UTC+2) writes
        // 11:59:58: after - before = 43198 - 35998 = 7200 s on domain 1 only.
        FakeDomains xen = new FakeDomains(WC_2024_03_10_095958, 3);
        Mc146818Rtc dom1 = new Mc146818Rtc(RtcFlavor.XEN, xen.timeBase(1), RtcIrqListener.unconnected());
        Mc146818Rtc dom2 = new Mc146818Rtc(RtcFlavor.XEN, xen.timeBase(2), RtcIrqListener.unconnected());
        linuxSetTime(dom1, 0x24, 0x03, 0x10, 0x11, 0x59, 0x58);
        assertThat(xen.calls).containsExactly("dom1 7200");
        assertThat(xen.timeOffsetSeconds).containsExactly(0, 7200, 0);
        assertThat(read(dom1, RTC_HOURS)).isEqualTo(0x11);
        assertThat(read(dom2, RTC_HOURS)).isEqualTo(0x09);
        // Two seconds later both clocks have ticked through 10:00 / 12:00 (Xen's vRTC ignores the
        // divider reset, so dom1 kept running: it is at 12:00:00.0).
        xen.systemTimeNs = 2 * S;
        assertThat(String.format("%02x:%02x", read(dom1, RTC_HOURS), read(dom1, RTC_MINUTES)))
                .isEqualTo("12:00");
        assertThat(String.format("%02x:%02x", read(dom2, RTC_HOURS), read(dom2, RTC_MINUTES)))
                .isEqualTo("10:00");
    }

    @Test
    void writingOneFieldWhileRunningMovesTheOffsetByThatFieldsChange() {
        // Xen refreshes the other fields first: minutes 59 -> 0x29 is 29 - 59 = -30 min = -1800 s.
        FakeDomains xen = new FakeDomains(WC_2024_03_10_095958, 2);
        Mc146818Rtc rtc = new Mc146818Rtc(RtcFlavor.XEN, xen.timeBase(1), RtcIrqListener.unconnected());
        xen.systemTimeNs = 5 * S + 250_000_000L; // 10:00:03.25, so the minutes are 00 now
        write(rtc, RTC_MINUTES, 0x29);
        // before 10:00:03, after 10:29:03: +1740 s; the sub-second phase (0.25 s) is kept.
        assertThat(xen.calls).containsExactly("dom1 1740");
        assertThat(rtc.guestTimeNs() % S).isEqualTo(250_000_000L);
    }

    @Test
    void settingTheSameTimeMovesNothing() {
        FakeDomains xen = new FakeDomains(WC_2024_03_10_095958, 2);
        Mc146818Rtc rtc = new Mc146818Rtc(RtcFlavor.XEN, xen.timeBase(1), RtcIrqListener.unconnected());
        write(rtc, RTC_REG_B, REG_B_SET | REG_B_24H);
        write(rtc, RTC_REG_B, REG_B_24H);
        assertThat(xen.calls).isEmpty();
    }

    @Test
    void qemuFlavourKeepsGuestWritesInsideTheDevice() {
        FakeDomains host = new FakeDomains(WC_2024_03_10_095958, 2);
        Mc146818Rtc rtc = new Mc146818Rtc(RtcFlavor.QEMU, host.timeBase(1), RtcIrqListener.unconnected());
        linuxSetTime(rtc, 0x24, 0x03, 0x10, 0x11, 0x59, 0x58);
        assertThat(host.calls).isEmpty();
        assertThat(read(rtc, RTC_HOURS)).isEqualTo(0x11);
    }

    @Test
    void xenFlavourYearsAre2000To2099() {
        // Xen: tm_year = year + 100, so writing year 0x99 means 2099: +75 years from 2024.
        // 2024-03-10 -> 2099-03-10 spans 75 * 365 days + the 29ths of February of 2028, 2032, ...,
        // 2096 ((2096 - 2028) / 4 + 1 = 18 of them) = 27393 days.
        FakeDomains xen = new FakeDomains(WC_2024_03_10_095958, 2);
        Mc146818Rtc rtc = new Mc146818Rtc(RtcFlavor.XEN, xen.timeBase(1), RtcIrqListener.unconnected());
        write(rtc, RTC_REG_B, REG_B_SET | REG_B_24H);
        write(rtc, RTC_YEAR, 0x99);
        write(rtc, RTC_REG_B, REG_B_24H);
        assertThat(xen.timeOffsetSeconds[1]).isEqualTo(27_393L * 86_400);
    }
}
