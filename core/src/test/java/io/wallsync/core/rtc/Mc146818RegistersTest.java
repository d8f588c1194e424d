package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Register map, reset values and port decoding, with values from the datasheet and QEMU. */
class Mc146818RegistersTest {

    @Test
    void resetValuesAre26_02_00_80() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        assertThat(h.read(RTC_REG_A)).isEqualTo(0x26);
        assertThat(h.read(RTC_REG_B)).isEqualTo(0x02);
        assertThat(h.read(RTC_REG_C)).isEqualTo(0x00);
        assertThat(h.read(RTC_REG_D)).isEqualTo(0x80);
    }

    @Test
    void indexPortReadsFfAndNmiBitIsDroppedFromTheIndex() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.rtc.outb(INDEX_PORT, 0x8A); // NMI masked, register A
        assertThat(h.rtc.inb(INDEX_PORT)).isEqualTo(0xFF);
        assertThat(h.rtc.inb(DATA_PORT)).isEqualTo(0x26);
    }

    @Test
    void registersCAndDIgnoreWrites() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(RTC_REG_C, 0xF0);
        h.write(RTC_REG_D, 0x00);
        assertThat(h.read(RTC_REG_C)).isEqualTo(0x00);
        assertThat(h.read(RTC_REG_D)).isEqualTo(0x80);
    }

    @Test
    void cmosRamKeepsWhatIsWrittenAtEveryRamIndex() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        for (int i = 0x0E; i < CMOS_SIZE; i++) {
            if (i != RTC_CENTURY && i != RTC_IBM_PS2_CENTURY_BYTE) {
                h.write(i, i ^ 0xA5);
            }
        }
        for (int i = 0x0E; i < CMOS_SIZE; i++) {
            if (i != RTC_CENTURY && i != RTC_IBM_PS2_CENTURY_BYTE) {
                assertThat(h.read(i)).as("CMOS byte 0x%02x", i).isEqualTo(i ^ 0xA5);
            }
        }
    }

    @Test
    void qemuShowsTheBaseDateInBcdWithSundayAsOneAndTheCentury() {
        // 2024-03-10 was a Sunday (2024-01-01 Monday + 69 days = Monday + 6 = Sunday): QEMU's 1.
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        assertThat(h.hms()).isEqualTo("09:59:58");
        assertThat(h.date()).isEqualTo("2024-03-10 1");
    }

    @Test
    void xenShowsSundayAsZeroAndLeavesTheCenturyByteAsPlainRam() {
        RtcHarness h = RtcHarness.xen("2024-03-10T09:59:58");
        assertThat(h.read(RTC_DAY_OF_WEEK)).isEqualTo(0);
        assertThat(h.read(RTC_CENTURY)).isEqualTo(0x00);
        h.write(RTC_CENTURY, 0x19);
        assertThat(h.read(RTC_CENTURY)).isEqualTo(0x19);
        assertThat(h.read(RTC_YEAR)).isEqualTo(0x24); // the date did not move
    }

    @Test
    void ibmPs2CenturyByteIsAnAliasThatMovesTheIndexTo0x32() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        assertThat(h.read(RTC_IBM_PS2_CENTURY_BYTE)).isEqualTo(0x20);
        // The index itself is now 0x32: another data read without a new index reads the century.
        assertThat(h.rtc.inb(DATA_PORT)).isEqualTo(0x20);
        h.write(RTC_REG_B, 0x82); // SET, so the write just lands in the register
        h.write(RTC_IBM_PS2_CENTURY_BYTE, 0x19);
        assertThat(h.read(RTC_CENTURY)).isEqualTo(0x19);
    }

    @Test
    void binaryModeShowsPlainNumbers() {
        // B = DM | 24H: 09:59:58 -> 9, 59, 58; 2024 -> year 24, century 20.
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(RTC_REG_B, REG_B_DM | REG_B_24H);
        assertThat(h.read(RTC_HOURS)).isEqualTo(9);
        assertThat(h.read(RTC_MINUTES)).isEqualTo(59);
        assertThat(h.read(RTC_SECONDS)).isEqualTo(58);
        assertThat(h.read(RTC_YEAR)).isEqualTo(24);
        assertThat(h.read(RTC_CENTURY)).isEqualTo(20);
    }

    @Test
    void twelveHourModeShowsPmInBit7() {
        // 13:05 in 12-hour BCD is 1 PM: 0x80 | 0x01; 00:30 is 12 AM: 0x12.
        RtcHarness pm = RtcHarness.qemu("2024-03-10T13:05:00");
        pm.write(RTC_REG_B, 0x00);
        assertThat(pm.read(RTC_HOURS)).isEqualTo(0x81);
        RtcHarness midnight = RtcHarness.qemu("2024-03-10T00:30:00");
        midnight.write(RTC_REG_B, 0x00);
        assertThat(midnight.read(RTC_HOURS)).isEqualTo(0x12);
    }

    @Test
    void setBitClearsUieAsTheDatasheetSays() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(RTC_REG_B, REG_B_SET | REG_B_UIE | REG_B_24H);
        assertThat(h.read(RTC_REG_B)).isEqualTo(0x82);
    }

    @Test
    void uipIsReadOnly() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(RTC_REG_A, 0xA6);
        assertThat(h.read(RTC_REG_A)).isEqualTo(0x26);
    }
}
