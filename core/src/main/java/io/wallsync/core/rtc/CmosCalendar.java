package io.wallsync.core.rtc;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * The date arithmetic of the device, written to give bit-for-bit the results of QEMU's C code even
 * for nonsense register contents (a guest may write anything, and reads must then match QEMU's).
 */
final class CmosCalendar {
    private CmosCalendar() {}

    static final long NS_PER_SECOND = 1_000_000_000L;

    /**
     * Broken-down UTC time as C's {@code struct tm} holds it, but with the full year and a 1-based
     * month. {@code weekday} is 0 for Sunday.
     */
    record Fields(long year, int month, int dayOfMonth, int hour, int minute, int second, int weekday) {}

    /** {@code gmtime_r}: proleptic Gregorian UTC fields of {@code epochSeconds} (floor semantics). */
    static Fields gmtime(long epochSeconds) {
        LocalDateTime t = LocalDateTime.ofEpochSecond(epochSeconds, 0, ZoneOffset.UTC);
        return new Fields(
                t.getYear(),
                t.getMonthValue(),
                t.getDayOfMonth(),
                t.getHour(),
                t.getMinute(),
                t.getSecond(),
                t.getDayOfWeek().getValue() % 7);
    }

    /**
     * QEMU's {@code mktimegm} (util/cutils.c), which accepts out-of-range fields and normalises
     * them arithmetically: days from the civil date with March as the first month, C integer
     * division truncating toward zero (as Java's does).
     */
    static long mktimegm(long year, int month, int day, int hour, int minute, int second) {
        int y = (int) year;
        int m = month;
        if (m < 3) {
            m += 12;
            y--;
        }
        int days = day + (153 * m - 457) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 719469;
        long t = 86_400L * days;
        t += 3600 * hour + 60 * minute + second;
        return t;
    }

    /** Binary to the register encoding: BCD unless {@code binary} ({@code rtc_to_bcd}). */
    static int toRegister(int value, boolean binary) {
        int encoded = binary ? value : ((value / 10) << 4) | (value % 10);
        return encoded & 0xFF;
    }

    /**
     * Register encoding to binary ({@code rtc_from_bcd}): -1 for a "don't care" value (both top bits
     * set), otherwise BCD digits (not validated, so 0x3F reads as 3 * 10 + 15 = 45) or the binary
     * value.
     */
    static int fromRegister(int register, boolean binary) {
        if ((register & Mc146818.RTC_ALARM_DONT_CARE) == Mc146818.RTC_ALARM_DONT_CARE) {
            return -1;
        }
        return binary ? register : ((register >> 4) * 10) + (register & 0x0F);
    }
}
