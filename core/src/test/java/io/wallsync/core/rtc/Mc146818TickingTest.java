package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The clock ticking: BCD and 12-hour carries, day, month, year and century carries, the UIP window,
 * SET and divider reset. The first cases are QEMU's tests/qtest/rtc-test.c (basic_*, set_year_*,
 * register_b_set_flag, divider_reset); expected values are worked out in the comments.
 */
class Mc146818TickingTest {
    private static final long S = 1_000_000_000L;
    private static final long UIP = UIP_HOLD_LENGTH_NS; // 244140 ns

    @Test
    void bcd24HourCarriesFrom0959To1000() {
        // set_time releases the divider reset: phase 0.5 s, so updates at 0.5 s, 1.5 s, ...
        // 09:59:00 + 1 s -> 09:59:01; + 59 s more -> 10:00:00 (BCD 0x09 -> 0x10, not 0x0A).
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.setTime(REG_B_24H, 0x09, 0x59, 0x00);
        h.step(S);
        assertThat(h.hms()).isEqualTo("09:59:01");
        h.step(59 * S);
        assertThat(h.hms()).isEqualTo("10:00:00");
    }

    @Test
    void binary24HourWrapsAtMidnight() {
        // 23:59:00 binary + 60 s = 00:00:00.
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.setTime(REG_B_24H | REG_B_DM, 23, 59, 0);
        h.step(60 * S);
        assertThat(h.hms()).isEqualTo("00:00:00");
    }

    @Test
    void bcd12HourCarriesThroughNoonAndMidnight() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        // 1:59:00 PM + 1 s = 1:59:01 PM; + 59 s = 2:00:00 PM (0x82)
        h.setTime(0, 0x81, 0x59, 0x00);
        h.step(S);
        assertThat(h.hms()).isEqualTo("81:59:01");
        h.step(59 * S);
        assertThat(h.hms()).isEqualTo("82:00:00");
        // 9:59:59 AM + 60 s = 10:00:59 AM (BCD 0x09 -> 0x10)
        h.setTime(0, 0x09, 0x59, 0x59);
        h.step(60 * S);
        assertThat(h.hms()).isEqualTo("10:00:59");
        // 12:59:59 AM -> 1:00:00 AM
        h.setTime(0, 0x12, 0x59, 0x59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("01:00:00");
        // 12:59:59 PM (0x92) -> 1:00:00 PM (0x81)
        h.setTime(0, 0x92, 0x59, 0x59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("81:00:00");
        // 11:59:59 AM -> 12:00:00 PM (0x92)
        h.setTime(0, 0x11, 0x59, 0x59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("92:00:00");
        // 11:59:59 PM (0x91) -> 12:00:00 AM (0x12)
        h.setTime(0, 0x91, 0x59, 0x59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("12:00:00");
    }

    @Test
    void binary12HourCarriesThroughNoonAndMidnight() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        // 12 PM binary is 0x80 | 12 = 0x8c; 11 PM is 0x8b.
        h.setTime(REG_B_DM, 0x8c, 59, 59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("81:00:00");
        h.setTime(REG_B_DM, 0x0c, 59, 59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("01:00:00");
        h.setTime(REG_B_DM, 0x0b, 59, 59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("8c:00:00");
        h.setTime(REG_B_DM, 0x8b, 59, 59);
        h.step(S);
        assertThat(h.hms()).isEqualTo("0c:00:00");
    }

    @Test
    void yearAndCenturyCarryAt2099To2100() {
        // 2099-12-31 23:59:59 + 1 s = 2100-01-01 00:00:00, a Friday: 2000-01-01 was a Saturday,
        // and 2000..2099 hold 36500 + 25 leap days = 36525 = 7 * 5217 + 6, Saturday + 6 = Friday,
        // tm_wday 5, QEMU register 6.
        RtcHarness h = RtcHarness.qemu("2099-12-31T23:59:59");
        assertThat(h.date()).isEqualTo("2099-12-31 5");
        h.step(S);
        assertThat(h.hms()).isEqualTo("00:00:00");
        assertThat(h.date()).isEqualTo("2100-01-01 6");
    }

    @Test
    void xenYearWrapsAt2100WithoutACenturyRegister() {
        // Xen shows tm_year % 100 and has no century: 2100 reads as year 00, weekday Friday = 5.
        RtcHarness h = RtcHarness.xen("2099-12-31T23:59:59");
        h.step(S);
        assertThat(h.read(RTC_YEAR)).isEqualTo(0x00);
        assertThat(h.read(RTC_DAY_OF_WEEK)).isEqualTo(5);
        assertThat(h.read(RTC_CENTURY)).isEqualTo(0x00);
    }

    @Test
    void leapDayIn2024ButNotIn2100() {
        RtcHarness leap = RtcHarness.qemu("2024-02-28T23:59:59");
        leap.step(S);
        assertThat(leap.date()).startsWith("2024-02-29");
        RtcHarness notLeap = RtcHarness.qemu("2100-02-28T23:59:59");
        notLeap.step(S);
        assertThat(notLeap.date()).startsWith("2100-03-01");
    }

    @Test
    void setYear20xxAnd2080HaveNoYear2038Overflow() {
        // rtc-test set_year_20xx: 2011-02-02 02:04:58, then year 0x80 -> 2080 and back.
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.write(RTC_REG_B, REG_B_24H);
        h.write(RTC_REG_A, 0x76);
        h.write(RTC_YEAR, 0x11);
        h.write(RTC_CENTURY, 0x20);
        h.write(RTC_MONTH, 0x02);
        h.write(RTC_DAY_OF_MONTH, 0x02);
        h.write(RTC_HOURS, 0x02);
        h.write(RTC_MINUTES, 0x04);
        h.write(RTC_SECONDS, 0x58);
        h.write(RTC_REG_A, 0x26);
        assertThat(h.hms()).isEqualTo("02:04:58");
        assertThat(h.date()).startsWith("2011-02-02");
        h.write(RTC_REG_A, 0x76);
        h.write(RTC_YEAR, 0x80);
        h.write(RTC_REG_A, 0x26);
        assertThat(h.date()).startsWith("2080-02-02");
        assertThat(h.hms()).isEqualTo("02:04:58");
    }

    @Test
    void uipIsSetInTheLast244140NsBeforeEachUpdate() {
        // Base at phase 0: the update is at 1e9 ns. UIP from 1e9 - 244140 = 999_755_860 ns on.
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.step(999_755_859);
        assertThat(h.read(RTC_REG_A)).isEqualTo(0x26);
        h.step(1);
        assertThat(h.now()).isEqualTo(999_755_860);
        assertThat(h.read(RTC_REG_A)).isEqualTo(0xA6);
        assertThat(h.read(RTC_SECONDS)).isEqualTo(0x58); // the update has not happened yet
        h.step(UIP);
        assertThat(h.now()).isEqualTo(S);
        assertThat(h.read(RTC_REG_A)).isEqualTo(0x26);
        assertThat(h.read(RTC_SECONDS)).isEqualTo(0x59);
    }

    @Test
    void dividerResetFreezesAndTheFirstUpdateComes500MsAfterRelease() {
        // rtc-test divider_reset.
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.write(RTC_REG_B, REG_B_24H);
        h.write(RTC_REG_A, 0x76);
        h.write(RTC_HOURS, 0x02);
        h.write(RTC_MINUTES, 0x04);
        h.write(RTC_SECONDS, 0x58);
        h.write(RTC_YEAR, 0x11);
        h.write(RTC_CENTURY, 0x20);
        h.write(RTC_MONTH, 0x02);
        h.write(RTC_DAY_OF_MONTH, 0x02);
        h.step(S);
        assertThat(h.hms()).isEqualTo("02:04:58"); // frozen
        assertThat(h.read(RTC_REG_C)).isZero(); // and no update cycle ran
        h.write(RTC_REG_A, 0x26);
        h.step(500_000_000L - UIP - 1);
        assertThat(h.read(RTC_REG_A) & REG_A_UIP).isZero();
        assertThat(h.hms()).isEqualTo("02:04:58");
        h.step(1);
        assertThat(h.read(RTC_REG_A) & REG_A_UIP).isEqualTo(REG_A_UIP);
        h.step(UIP);
        assertThat(h.read(RTC_REG_A) & REG_A_UIP).isZero();
        assertThat(h.hms()).isEqualTo("02:04:59");
        assertThat(h.date()).startsWith("2011-02-02");
    }

    @Test
    void setFlagFreezesTheRegistersAndReleaseKeepsTheSubSecondPhase() {
        // rtc-test register_b_set_flag, plus the phase: the base is at phase 0 and SET is
        // released at t = 2.3 s, so the oscillator's phase is 0.3 s and the first update after
        // release comes at t = 3.0 s, not 3.3 s.
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.step(300_000_000L);
        h.write(RTC_REG_B, REG_B_24H | REG_B_SET);
        h.write(RTC_HOURS, 0x02);
        h.write(RTC_MINUTES, 0x04);
        h.write(RTC_SECONDS, 0x58);
        h.write(RTC_YEAR, 0x11);
        h.write(RTC_CENTURY, 0x20);
        h.write(RTC_MONTH, 0x02);
        h.write(RTC_DAY_OF_MONTH, 0x02);
        assertThat(h.hms()).isEqualTo("02:04:58");
        h.step(2 * S);
        assertThat(h.hms()).isEqualTo("02:04:58");
        h.write(RTC_REG_B, h.read(RTC_REG_B) & ~REG_B_SET);
        assertThat(h.hms()).isEqualTo("02:04:58");
        assertThat(h.date()).startsWith("2011-02-02");
        h.step(700_000_000L - 1);
        assertThat(h.hms()).isEqualTo("02:04:58");
        h.step(1);
        assertThat(h.hms()).isEqualTo("02:04:59");
    }

    @Test
    void writingOneFieldWhileRunningSetsTheClock() {
        // QEMU: a write of minutes while running reloads the clock from the registers.
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(RTC_MINUTES, 0x30);
        assertThat(h.hms()).isEqualTo("09:30:58");
        h.step(2 * S);
        assertThat(h.hms()).isEqualTo("09:31:00");
    }
}
