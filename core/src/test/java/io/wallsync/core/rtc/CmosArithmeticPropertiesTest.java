package io.wallsync.core.rtc;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigInteger;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** The device's date and divider arithmetic against java.time and BigInteger over whole ranges. */
class CmosArithmeticPropertiesTest {
    private static final BigInteger NS_PER_S = BigInteger.valueOf(1_000_000_000L);
    private static final BigInteger HZ = BigInteger.valueOf(32_768);

    @Property
    void mktimegmAgreesWithJavaTimeForEveryValidDate(
            @ForAll @LongRange(min = -62_135_596_800L, max = 253_402_300_799L) long epochSeconds) {
        // Years 0001..9999: QEMU's civil-from-days formula must give java.time's epoch seconds.
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        assertThat(CmosCalendar.mktimegm(
                        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(), t.getSecond()))
                .isEqualTo(epochSeconds);
    }

    @Property
    void gmtimeThenMktimegmIsTheIdentity(
            @ForAll @LongRange(min = -9_223_372_036L, max = 9_223_372_036L) long epochSeconds) {
        // The range QEMU's guest clock can reach: +-2^63 ns.
        CmosCalendar.Fields f = CmosCalendar.gmtime(epochSeconds);
        assertThat(CmosCalendar.mktimegm(f.year(), f.month(), f.dayOfMonth(), f.hour(), f.minute(), f.second()))
                .isEqualTo(epochSeconds);
    }

    @Property
    void bcdRoundTripsEveryTwoDigitValue(@ForAll @IntRange(min = 0, max = 99) int value) {
        int bcd = CmosCalendar.toRegister(value, false);
        assertThat(bcd).isEqualTo((value / 10) * 16 + value % 10);
        assertThat(CmosCalendar.fromRegister(bcd, false)).isEqualTo(value);
    }

    @Property
    void binaryRoundTripsEveryValueBelowTheDontCareRange(@ForAll @IntRange(min = 0, max = 0xBF) int value) {
        assertThat(CmosCalendar.fromRegister(CmosCalendar.toRegister(value, true), true))
                .isEqualTo(value);
    }

    @Property
    void everyByteWithBothTopBitsSetIsDontCare(
            @ForAll @IntRange(min = 0xC0, max = 0xFF) int value, @ForAll boolean binary) {
        assertThat(CmosCalendar.fromRegister(value, binary)).isEqualTo(-1);
    }

    @Property
    void cyclesToNsIsTheFloorOfTheExactQuotient(@ForAll @LongRange(min = 0, max = 1L << 48) long cycles) {
        BigInteger exact = BigInteger.valueOf(cycles).multiply(NS_PER_S).divide(HZ);
        assertThat(Mc146818.cyclesToNs(cycles)).isEqualTo(exact.longValueExact());
    }

    @Property
    void nsToCyclesIsTheFloorOfTheExactQuotient(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long ns) {
        BigInteger exact = BigInteger.valueOf(ns).multiply(HZ).divide(NS_PER_S);
        assertThat(Mc146818.nsToCycles(ns)).isEqualTo(exact.longValueExact());
    }

    @Property(tries = 200)
    void dateRegistersShowTheWholeSecondOfTheClockInEveryMode(
            @ForAll @LongRange(min = 315_532_800L, max = 4_102_444_799L) long baseSeconds, // 1980..2099
            @ForAll @LongRange(min = 0, max = 3L * 86_400 * 1_000_000_000L) long stepNs,
            @ForAll boolean binary,
            @ForAll boolean twentyFourHour) {
        RtcHarness h = new RtcHarness(RtcFlavor.QEMU, LocalDateTime.ofEpochSecond(baseSeconds, 0, ZoneOffset.UTC));
        h.write(Mc146818.RTC_REG_B, (binary ? Mc146818.REG_B_DM : 0) | (twentyFourHour ? Mc146818.REG_B_24H : 0));
        h.step(stepNs);
        LocalDateTime expected = LocalDateTime.ofEpochSecond(baseSeconds + stepNs / 1_000_000_000L, 0, ZoneOffset.UTC);

        int hoursRegister = h.read(Mc146818.RTC_HOURS);
        int hour = decode(hoursRegister & 0x7F, binary);
        if (!twentyFourHour) {
            hour = hour % 12 + ((hoursRegister & 0x80) != 0 ? 12 : 0);
        }
        LocalDateTime shown = LocalDateTime.of(
                decode(h.read(Mc146818.RTC_CENTURY), binary) * 100 + decode(h.read(Mc146818.RTC_YEAR), binary),
                decode(h.read(Mc146818.RTC_MONTH), binary),
                decode(h.read(Mc146818.RTC_DAY_OF_MONTH), binary),
                hour,
                decode(h.read(Mc146818.RTC_MINUTES), binary),
                decode(h.read(Mc146818.RTC_SECONDS), binary));
        assertThat(shown).isEqualTo(expected);
        // Day of week, QEMU numbering: Sunday = 1 .. Saturday = 7.
        assertThat(decode(h.read(Mc146818.RTC_DAY_OF_WEEK), binary))
                .isEqualTo(expected.getDayOfWeek().getValue() % 7 + 1);
    }

    private static int decode(int register, boolean binary) {
        return binary ? register : (register >> 4) * 10 + (register & 0x0F);
    }
}
