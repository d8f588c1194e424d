package io.wallsync.core.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * A guest following Linux's mc146818_get_time reads the right date through every second boundary,
 * including the year and century carry of 1999-12-31 23:59:59, even though each port access costs
 * virtual time (a VM exit) and the update can happen in the middle of its reads.
 *
 * <p>Linux 5.x trusted the century register only when it was above 20, so it read 2070-2099 as
 * 1970-1999; the current kernel (since 5.17) trusts it above 19. Both are pinned down, the 5.x one
 * as {@link LinuxCmosReader.Variant#LINUX_5_X}.
 */
class LinuxCmosReaderTest {
    /** Cost of one port access in virtual time; about what an I/O exit costs on a VM. */
    private static final long PORT_ACCESS_NS = 1_500;

    private static final long S = 1_000_000_000L;

    /** A guest CPU whose port accesses and delays move the virtual clock. */
    private static LinuxCmosReader.PortIo cpu(RtcHarness h) {
        return new LinuxCmosReader.PortIo() {
            @Override
            public int inb(int port) {
                h.step(PORT_ACCESS_NS);
                return h.rtc.inb(port);
            }

            @Override
            public void outb(int port, int value) {
                h.step(PORT_ACCESS_NS);
                h.rtc.outb(port, value);
            }

            @Override
            public void delayNs(long ns) {
                h.step(ns);
            }
        };
    }

    private static LocalDateTime wallAt(RtcHarness h) {
        long ns = h.rtc.guestTimeNs();
        return LocalDateTime.ofEpochSecond(Math.floorDiv(ns, S), 0, ZoneOffset.UTC);
    }

    @Test
    void readsTheRightDateThroughEverySecondBoundaryAcrossTheCenturyCarry() {
        // Start 3 s before 2000 and begin a read at every 1.7 us step through the last 400 us
        // before each of the next 4 boundaries (inside and around the 244 us UIP window). A read
        // takes 24 port accesses (36 us) or more; its result must be a second that the RTC
        // actually showed between the start and the end of the read.
        int reads = 0;
        int retried = 0;
        for (int boundary = 1; boundary <= 4; boundary++) {
            for (long before = 400_000; before >= 0; before -= 1_700) {
                RtcHarness h = RtcHarness.qemu("1999-12-31T23:59:57");
                h.step(boundary * S - before);
                LocalDateTime start = wallAt(h);
                LinuxCmosReader.Reading r = new LinuxCmosReader(cpu(h), OptionalInt.of(0x32)).read();
                LocalDateTime end = wallAt(h);
                assertThat(r.dateTime())
                        .as("read starting %d ns before boundary %d", before, boundary)
                        .isBetween(start, end);
                reads++;
                if (r.attempts() > 1) {
                    retried++;
                }
            }
        }
        assertThat(reads).isEqualTo(4 * 236);
        // Reads that began inside the UIP window had to wait and retry.
        assertThat(retried).isGreaterThan(100);
    }

    @Test
    void centuryRegisterTurns2100IntoYear2100AndItsAbsenceInto2000() {
        // century 0x21 > 20: tm_year = 0 + (21 - 19) * 100 = 200 -> 2100. Without the FADT
        // century, year 00 <= 69 -> tm_year 100 -> 2000 (what a Xen guest sees in 2100).
        RtcHarness h = RtcHarness.qemu("2100-01-01T00:00:10");
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32)).read().dateTime())
                .isEqualTo(LocalDateTime.of(2100, 1, 1, 0, 0, 10));
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.empty()).read().dateTime())
                .isEqualTo(LocalDateTime.of(2000, 1, 1, 0, 0, 10));
    }

    @Test
    void currentLinuxReadsCentury20AsThe2000s() {
        // drivers/rtc/rtc-mc146818-lib.c since commit ff164ae39b82 (5.17, "rtc: cmos: Evaluate
        // century appropriate"): if (p.century > 19) time->tm_year += (p.century - 19) * 100;
        // century 0x20 = 20 > 19: tm_year 99 + 100 = 199 -> 2099; then 0x21: 0 + 200 -> 2100.
        RtcHarness h = RtcHarness.qemu("2099-12-31T23:59:59");
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32)).read().dateTime())
                .isEqualTo(LocalDateTime.of(2099, 12, 31, 23, 59, 59));
        h.step(S);
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32)).read().dateTime())
                .isEqualTo(LocalDateTime.of(2100, 1, 1, 0, 0, 0));
    }

    @Test
    void linux5xReadsTheYears2070To2099AsThe1900sBecauseItIgnoresCentury20() {
        // Before 5.17: if (p.century > 20) ... century 0x20 is not > 20, and year 99 is not <= 69:
        // tm_year 99 -> 1999. One second later century 0x21 > 20 gives 2100.
        RtcHarness h = RtcHarness.qemu("2099-12-31T23:59:59");
        LinuxCmosReader.Variant v = LinuxCmosReader.Variant.LINUX_5_X;
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32), v).read().dateTime())
                .isEqualTo(LocalDateTime.of(1999, 12, 31, 23, 59, 59));
        h.step(S);
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32), v).read().dateTime())
                .isEqualTo(LocalDateTime.of(2100, 1, 1, 0, 0, 0));
    }

    @Test
    void binaryModeIsDecodedWithoutBcd() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(Mc146818.RTC_REG_B, Mc146818.REG_B_DM | Mc146818.REG_B_24H);
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32)).read().dateTime())
                .isEqualTo(LocalDateTime.of(2024, 3, 10, 9, 59, 58));
    }

    @Test
    void aReaderThatIgnoresUipGetsTornDatesAtTheSameBoundaries() {
        // Control: reading century and year first and seconds last, with no UIP check, across
        // 1999 -> 2000 yields dates that never existed (e.g. 1999-12-31 00:00:00, or 2000-12-31),
        // so the test above can fail.
        int torn = 0;
        for (long before = 400_000; before >= 0; before -= 1_700) {
            RtcHarness h = RtcHarness.qemu("1999-12-31T23:59:57");
            h.step(3 * S - before);
            LocalDateTime start = wallAt(h);
            LinuxCmosReader.PortIo io = cpu(h);
            int[] regs = {0x32, 0x09, 0x08, 0x07, 0x04, 0x02, 0x00};
            int[] v = new int[regs.length];
            for (int i = 0; i < regs.length; i++) {
                io.outb(0x70, regs[i]);
                v[i] = io.inb(0x71);
            }
            LocalDateTime naive = LocalDateTime.of(
                    bcd(v[0]) * 100 + bcd(v[1]), bcd(v[2]), bcd(v[3]), bcd(v[4]), bcd(v[5]), bcd(v[6]));
            LocalDateTime end = wallAt(h);
            if (naive.isBefore(start) || naive.isAfter(end)) {
                torn++;
            }
        }
        assertThat(torn).isPositive();
    }

    private static int bcd(int v) {
        return (v & 0x0F) + (v >> 4) * 10;
    }

    private static LinuxCmosReader.PortIo frozenInsideUip(RtcHarness h, List<Long> delays) {
        // Frozen inside the UIP window (1e9 - 100000 ns): UIP stays set on every pass.
        h.step(S - 100_000);
        return new LinuxCmosReader.PortIo() {
            @Override
            public int inb(int port) {
                return h.rtc.inb(port);
            }

            @Override
            public void outb(int port, int value) {
                h.rtc.outb(port, value);
            }

            @Override
            public void delayNs(long ns) {
                delays.add(ns);
            }
        };
    }

    @Test
    void currentLinuxTimesOutAfterTheTimeoutAndMachGetCmosTimeFallsBackTo1970() {
        // mc146818_avoid_UIP: #define UIP_RECHECK_DELAY 100 /* usec */, UIP_RECHECK_DELAY_MS =
        // USEC_PER_MSEC / UIP_RECHECK_DELAY = 10, UIP_RECHECK_LOOPS_MS(x) = x / 10;
        //     for (i = 0; UIP_RECHECK_LOOPS_MS(i) < timeout; i++) { ... udelay(UIP_RECHECK_DELAY); continue; }
        //     return false;    -> mc146818_get_time: return -ETIMEDOUT;
        // timeout 1000 ms (mach_get_cmos_time: mc146818_get_time(&tm, 1000)): i = 0 .. 9999, 10000
        // passes, each waiting 100 us. Then "now->tv_sec = now->tv_nsec = 0": 1970-01-01.
        List<Long> delays = new ArrayList<>();
        LinuxCmosReader reader = new LinuxCmosReader(
                frozenInsideUip(RtcHarness.qemu("2024-03-10T09:59:58"), delays), OptionalInt.empty());
        assertThat(reader.tryRead(1000)).isEqualTo(new LinuxCmosReader.TimedOut(10_000, 1000));
        assertThat(delays).hasSize(10_000).containsOnly(100_000L);
        assertThat(reader.tryRead(10)).isEqualTo(new LinuxCmosReader.TimedOut(100, 10)); // 6.1's fixed 10 ms
        assertThat(reader.read()).isEqualTo(new LinuxCmosReader.Reading(LocalDateTime.of(1970, 1, 1, 0, 0), 10_000));
    }

    @Test
    void linux5xRetriesWithoutLimitSoAFrozenClockIsReportedAsAWiringBug() {
        // 5.x: if (CMOS_READ(RTC_FREQ_SELECT) & RTC_UIP) { ...; mdelay(1); goto again; }
        List<Long> delays = new ArrayList<>();
        LinuxCmosReader.PortIo frozen = frozenInsideUip(RtcHarness.qemu("2024-03-10T09:59:58"), delays);
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new LinuxCmosReader(frozen, OptionalInt.empty(), LinuxCmosReader.Variant.LINUX_5_X).read())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("delay must advance");
        assertThat(delays).containsOnly(1_000_000L);
    }

    @Test
    void writerRefusesYearsLinuxRefuses() {
        // Without a century register Linux stores tm_year 0..169 (1900..2069); 2070 is tm_year
        // 170 -> -EINVAL. Before 1900 tm_year is negative, which Linux's unsigned check rejects.
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        LinuxCmosWriter noCentury = new LinuxCmosWriter(cpu(h), OptionalInt.empty());
        assertThat(noCentury.write(LocalDateTime.parse("2070-01-01T00:00:00")))
                .isInstanceOf(LinuxCmosWriter.Result.Invalid.class);
        assertThat(noCentury.write(LocalDateTime.parse("1899-12-31T23:59:59")))
                .isInstanceOf(LinuxCmosWriter.Result.Invalid.class);
        LinuxCmosWriter withCentury = new LinuxCmosWriter(cpu(h), OptionalInt.of(0x32));
        assertThat(withCentury.write(LocalDateTime.parse("2101-06-15T12:00:00")))
                .isInstanceOf(LinuxCmosWriter.Result.Written.class);
        assertThat(new LinuxCmosReader(cpu(h), OptionalInt.of(0x32)).read().dateTime())
                .isEqualTo(LocalDateTime.parse("2101-06-15T12:00:00"));
    }
}
