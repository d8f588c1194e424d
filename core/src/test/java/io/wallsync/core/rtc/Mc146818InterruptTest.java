package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * IRQ 8: update-ended, alarm (with don't-care bytes) and periodic interrupts, the IRQF rule of
 * register B and the clear-on-read of register C. Times are worked out from QEMU's timer code: a
 * base at phase 0 updates at 1 s, 2 s, ...; a periodic interrupt of P cycles fires at
 * floor(k * P * 1e9 / 32768) + 1 ns.
 */
class Mc146818InterruptTest {
    private static final long S = 1_000_000_000L;

    @Test
    void updateEndedInterruptRaisesIrq8AtTheSecondBoundary() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.write(RTC_REG_B, REG_B_UIE | REG_B_24H);
        h.step(S - 1);
        assertThat(h.raises).isZero();
        h.step(1);
        assertThat(h.irqCalls).containsExactly("lower@0", "raise@1000000000");
        assertThat(h.irqLevel).isTrue();
        assertThat(h.read(RTC_REG_C)).isEqualTo(REG_C_IRQF | REG_C_UF); // 0x90
        assertThat(h.irqLevel).isFalse();
        assertThat(h.read(RTC_REG_C)).isZero(); // cleared by the read
        h.step(S);
        assertThat(h.raises).isEqualTo(2);
    }

    @Test
    void updateFlagWithoutUieSetsUfButNoInterrupt() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.step(S);
        assertThat(h.raises).isZero();
        assertThat(h.read(RTC_REG_C)).isEqualTo(REG_C_UF); // 0x10
    }

    @Test
    void enablingAnInterruptWhoseFlagIsSetRaisesAtOnceAndDisablingClearsIrqf() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T09:59:58");
        h.step(S); // UF set, UIE off
        h.write(RTC_REG_B, REG_B_UIE | REG_B_24H);
        assertThat(h.irqLevel).isTrue();
        h.write(RTC_REG_B, REG_B_24H);
        assertThat(h.irqLevel).isFalse();
        assertThat(h.read(RTC_REG_C)).isEqualTo(REG_C_UF); // IRQF cleared, UF kept
    }

    @Test
    void alarmWithSecondsOnlyFiresEveryMinuteAtThatSecond() {
        // 10:00:00, alarm ss=0x30 with minutes and hours "don't care": first at t = 30 s, and
        // after register C is read, again at 10:01:30, t = 90 s.
        RtcHarness h = RtcHarness.qemu("2024-03-10T10:00:00");
        h.write(RTC_SECONDS_ALARM, 0x30);
        h.write(RTC_MINUTES_ALARM, RTC_ALARM_DONT_CARE);
        h.write(RTC_HOURS_ALARM, 0xFF); // any value with both top bits set is don't care
        h.write(RTC_REG_B, REG_B_AIE | REG_B_24H);
        h.step(30 * S - 1);
        assertThat(h.raises).isZero();
        h.step(1);
        assertThat(h.irqCalls).last().isEqualTo("raise@30000000000");
        assertThat(h.read(RTC_REG_C)).isEqualTo(REG_C_IRQF | REG_C_AF | REG_C_UF); // 0xB0
        h.step(60 * S - 1);
        assertThat(h.raises).isEqualTo(1);
        h.step(1);
        assertThat(h.irqCalls).last().isEqualTo("raise@90000000000");
        assertThat(h.hms()).isEqualTo("10:01:30");
    }

    @Test
    void alarmWithEveryByteDontCareFiresEverySecond() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T10:00:00");
        h.write(RTC_SECONDS_ALARM, 0xC0);
        h.write(RTC_MINUTES_ALARM, 0xC0);
        h.write(RTC_HOURS_ALARM, 0xC0);
        h.write(RTC_REG_B, REG_B_AIE | REG_B_24H);
        for (int second = 1; second <= 3; second++) {
            h.step(S);
            assertThat(h.read(RTC_REG_C) & REG_C_AF).as("AF after %d s", second).isEqualTo(REG_C_AF);
        }
        assertThat(h.raises).isEqualTo(3);
    }

    @Test
    void alarmAtAnExactTimeFiresOnceADay() {
        // 10:00:00 with the alarm at 10:00:05: t = 5 s; next one 24 h later.
        RtcHarness h = RtcHarness.qemu("2024-03-10T10:00:00");
        h.write(RTC_HOURS_ALARM, 0x10);
        h.write(RTC_MINUTES_ALARM, 0x00);
        h.write(RTC_SECONDS_ALARM, 0x05);
        h.write(RTC_REG_B, REG_B_AIE | REG_B_24H);
        h.step(5 * S);
        assertThat(h.irqCalls).last().isEqualTo("raise@5000000000");
        h.read(RTC_REG_C);
        h.step(86_400 * S - 1);
        assertThat(h.raises).isEqualTo(1);
        h.step(1);
        assertThat(h.raises).isEqualTo(2);
    }

    @Test
    void pmAlarmInTwelveHourModeFiresAtTheRightHourOnly() {
        // rtc-test am_pm_alarm: alarm hour 0x82 (2 PM), time 1:59:00 PM; 60 s later it is 2 PM.
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.write(RTC_MINUTES_ALARM, 0xC0);
        h.write(RTC_SECONDS_ALARM, 0xC0);
        h.write(RTC_REG_B, 0);
        h.write(RTC_REG_A, 0x76);
        h.write(RTC_HOURS_ALARM, 0x82);
        h.write(RTC_HOURS, 0x81);
        h.write(RTC_MINUTES, 0x59);
        h.write(RTC_SECONDS, 0x00);
        h.read(RTC_REG_C);
        h.write(RTC_REG_A, 0x26);
        h.step(60 * S);
        assertThat(h.read(RTC_HOURS)).isEqualTo(0x82);
        assertThat(h.read(RTC_REG_C) & REG_C_AF).isEqualTo(REG_C_AF);

        // Binary 12-hour: alarm 2 AM, time 3:00:00 AM; 11 h later it is 2 PM: no alarm.
        h.write(RTC_REG_B, REG_B_DM);
        h.write(RTC_REG_A, 0x76);
        h.write(RTC_HOURS_ALARM, 2);
        h.write(RTC_HOURS, 3);
        h.write(RTC_MINUTES, 0);
        h.write(RTC_SECONDS, 0);
        h.read(RTC_REG_C);
        h.write(RTC_REG_A, 0x26);
        h.step(3600L * 11 * S);
        assertThat(h.read(RTC_HOURS)).isEqualTo(0x82);
        assertThat(h.read(RTC_REG_C) & REG_C_AF).isZero();
    }

    @ParameterizedTest(name = "rate select {0}: {1} Hz, first interrupt at {2} ns")
    @CsvSource({
        // rs, Hz = 65536 >> rs, first = floor((32768 / Hz) * 1e9 / 32768) + 1 = floor(1e9 / Hz) + 1
        "3, 8192, 122071", // 4 cycles: 122070.3125 ns
        "4, 4096, 244141", // 8 cycles: 244140.625
        "5, 2048, 488282", // 16 cycles: 488281.25
        "6, 1024, 976563", // 32 cycles: 976562.5
        "7, 512, 1953126", // 64 cycles: 1953125
        "8, 256, 3906251",
        "9, 128, 7812501",
        "10, 64, 15625001",
        "11, 32, 31250001",
        "12, 16, 62500001",
        "13, 8, 125000001",
        "14, 4, 250000001",
        "15, 2, 500000001",
        "1, 256, 3906251", // rs 1 and 2 repeat rs 8 and 9
        "2, 128, 7812501"
    })
    void periodicInterruptComesAtTheSelectedRate(int rateSelect, int hz, long firstNs) {
        RtcHarness h = RtcHarness.qemu("2024-03-10T10:00:00");
        h.write(RTC_REG_A, 0x20 | rateSelect);
        h.write(RTC_REG_B, REG_B_PIE | REG_B_24H);
        h.step(firstNs - 1);
        assertThat(h.raises).isZero();
        h.step(1);
        assertThat(h.raises).isEqualTo(1);
        assertThat(h.read(RTC_REG_C)).isEqualTo(REG_C_IRQF | REG_C_PF); // 0xC0
        // The k-th interrupt is at floor(k * 1e9 / hz) + 1; the hz-th at exactly 1 s + 1 ns.
        h.step(S + 1 - firstNs);
        assertThat(h.raises).isEqualTo(hz);
    }

    @Test
    void rateSelectZeroGivesNoPeriodicInterrupt() {
        RtcHarness h = RtcHarness.qemu("2024-03-10T10:00:00");
        h.write(RTC_REG_A, 0x20);
        h.write(RTC_REG_B, REG_B_PIE | REG_B_24H);
        h.step(2 * S);
        assertThat(h.raises).isZero();
    }

    @Test
    void changingTheRateCountsTheElapsedPartOfThePeriod() {
        // 2 Hz from t = 0: next at 500_000_001. At t = 250 ms switch to 4 Hz (8192 cycles):
        // cur = 8192 cycles, last interrupt at cycle 16384 - 16384 = 0, lost = 8192 = one new
        // period, so the next one is at cycle 8192 + 8192 - 8192 = 8192: 250_000_000 + 1 ns.
        RtcHarness h = RtcHarness.qemu("2024-03-10T10:00:00");
        h.write(RTC_REG_A, 0x2F);
        h.write(RTC_REG_B, REG_B_PIE | REG_B_24H);
        h.step(250_000_000L);
        h.write(RTC_REG_A, 0x2E);
        h.step(1);
        assertThat(h.irqCalls).last().isEqualTo("raise@250000001");
    }

    @Test
    void qemuSetsPfOnlyWithPieButXenSetsItAtTheRateRegardless() {
        // 2 Hz (rs 15) for 0.6 s with PIE clear. QEMU: no periodic timer without PIE, C = 0.
        RtcHarness qemu = RtcHarness.qemu("2024-03-10T10:00:00");
        qemu.write(RTC_REG_A, 0x2F);
        qemu.step(600_000_000L);
        assertThat(qemu.read(RTC_REG_C)).isZero();
        // Xen: PF at 500_000_001 ns, and no interrupt because PIE is clear.
        RtcHarness xen = RtcHarness.xen("2024-03-10T10:00:00");
        xen.write(RTC_REG_A, 0x2F);
        xen.step(600_000_000L);
        assertThat(xen.read(RTC_REG_C)).isEqualTo(REG_C_PF);
        assertThat(xen.raises).isZero();
    }

    @Test
    void uipLatchedForAnAlarmIsNotStuckWhenTheAlarmMovesAway() {
        // rtc-test uip_stuck.
        RtcHarness h = RtcHarness.qemu("2024-03-10T00:00:00");
        h.setTime(REG_B_24H, 0x02, 0x04, 0x58);
        h.read(RTC_REG_C);
        h.step(500_000_000L);
        assertThat(h.read(RTC_REG_A) & REG_A_UIP).isZero();
        assertThat(h.hms()).isEqualTo("02:04:59");
        h.write(RTC_HOURS_ALARM, 0x02);
        h.write(RTC_MINUTES_ALARM, 0xC0);
        h.write(RTC_SECONDS_ALARM, 0xC0);
        h.step(S - UIP_HOLD_LENGTH_NS / 2);
        assertThat(h.read(RTC_REG_A) & REG_A_UIP).isEqualTo(REG_A_UIP);
        h.write(RTC_HOURS_ALARM, 0x03);
        h.step(UIP_HOLD_LENGTH_NS);
        assertThat(h.read(RTC_REG_A) & REG_A_UIP).isZero();
    }
}
