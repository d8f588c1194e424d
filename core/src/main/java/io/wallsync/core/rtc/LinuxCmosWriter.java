package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;

import java.time.LocalDateTime;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * A guest's writer of the CMOS date, following Linux's {@code mc146818_set_time}
 * (drivers/rtc/rtc-mc146818-lib.c): set SET in B, put the divider in reset (A | 0x70), write year,
 * month, day, hours, minutes, seconds (and the century if the FADT names one), restore B, then
 * restore A, so the clock restarts from the new date half a second later. 24-hour mode assumed.
 */
public final class LinuxCmosWriter {
    /** Linux's {@code RTC_DIV_RESET2}: all three divider bits. */
    private static final int RTC_DIV_RESET2 = 0x70;

    /** The outcome: written, or refused as Linux refuses it (-EINVAL). */
    public sealed interface Result {
        record Written() implements Result {}

        record Invalid(String why) implements Result {}
    }

    private final LinuxCmosReader.PortIo io;
    private final OptionalInt centuryRegister;

    public LinuxCmosWriter(LinuxCmosReader.PortIo io, OptionalInt centuryRegister) {
        this.io = Objects.requireNonNull(io, "io");
        this.centuryRegister = Objects.requireNonNull(centuryRegister, "centuryRegister");
    }

    /** Writes {@code dateTime} (seconds precision; what the guest wants the RTC to show). */
    public Result write(LocalDateTime dateTime) {
        int yrs = dateTime.getYear() - 1900;
        if (yrs < 0 || yrs > 255) {
            return new Result.Invalid(
                    "year " + dateTime.getYear() + " out of range: expected 1900..2155 (tm_year 0..255)");
        }
        int century = 0;
        if (centuryRegister.isPresent()) {
            century = (yrs + 1900) / 100;
            yrs %= 100;
        }
        if (yrs > 169) {
            return new Result.Invalid("year " + dateTime.getYear() + " out of range without a century register:"
                    + " expected 1900..2069");
        }
        if (yrs >= 100) {
            yrs -= 100;
        }
        int mon = dateTime.getMonthValue();
        int day = dateTime.getDayOfMonth();
        int hrs = dateTime.getHour();
        int min = dateTime.getMinute();
        int sec = dateTime.getSecond();
        if ((io.cmosRead(RTC_REG_B) & REG_B_DM) == 0) {
            sec = bin2bcd(sec);
            min = bin2bcd(min);
            hrs = bin2bcd(hrs);
            day = bin2bcd(day);
            mon = bin2bcd(mon);
            yrs = bin2bcd(yrs);
            century = bin2bcd(century);
        }
        int saveControl = io.cmosRead(RTC_REG_B);
        io.cmosWrite(saveControl | REG_B_SET, RTC_REG_B);
        int saveFreqSelect = io.cmosRead(RTC_REG_A);
        io.cmosWrite(saveFreqSelect | RTC_DIV_RESET2, RTC_REG_A);
        io.cmosWrite(yrs, RTC_YEAR);
        io.cmosWrite(mon, RTC_MONTH);
        io.cmosWrite(day, RTC_DAY_OF_MONTH);
        io.cmosWrite(hrs, RTC_HOURS);
        io.cmosWrite(min, RTC_MINUTES);
        io.cmosWrite(sec, RTC_SECONDS);
        if (centuryRegister.isPresent()) {
            io.cmosWrite(century, centuryRegister.getAsInt());
        }
        io.cmosWrite(saveControl, RTC_REG_B);
        io.cmosWrite(saveFreqSelect, RTC_REG_A);
        return new Result.Written();
    }

    private static int bin2bcd(int value) {
        return ((value / 10) << 4) | (value % 10);
    }
}
