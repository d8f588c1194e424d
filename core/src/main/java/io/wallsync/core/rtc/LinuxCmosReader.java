package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;

import java.time.LocalDateTime;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.LongConsumer;

/**
 * A guest's reader of the CMOS date, following Linux's {@code mc146818_get_time}
 * (drivers/rtc/rtc-mc146818-lib.c) step by step:
 *
 * <ol>
 *   <li>read the seconds; if UIP is set, wait 1 ms and start again; if the seconds changed, start
 *       again;
 *   <li>read minutes, hours, day of month, month, year, the century (only if the ACPI FADT names a
 *       century register) and register B;
 *   <li>if UIP is set now, or the seconds changed, start again;
 *   <li>BCD to binary unless B.DM; {@code century > 20} adds {@code (century - 19) * 100} years;
 *       a year {@code <= 69} (of 1900) is taken as 20xx.
 * </ol>
 *
 * Like Linux it assumes 24-hour mode (the function returns RTC_24H) and ignores the day of week.
 */
public final class LinuxCmosReader {
    /** What the guest's CPU does: port I/O and busy waiting, both taking virtual time. */
    public interface PortIo {
        int inb(int port);

        void outb(int port, int value);

        /** {@code mdelay}: wait {@code ns} nanoseconds. */
        void delayNs(long ns);

        /** Linux's {@code CMOS_READ(addr)}: select the register at port 0x70, read it at 0x71. */
        default int cmosRead(int register) {
            outb(INDEX_PORT, register);
            return inb(DATA_PORT);
        }

        /** Linux's {@code CMOS_WRITE(val, addr)}: value first, as in the kernel macro. */
        default void cmosWrite(int value, int register) {
            outb(INDEX_PORT, register);
            outb(DATA_PORT, value);
        }

        /**
         * A guest CPU wired straight to {@code rtc}'s ports 0x70/0x71, whose busy waits pass
         * through {@code wait} (which must move the RTC's time base on by the given nanoseconds)
         * and then fire the device's due timers, so update-ended, alarm and periodic flags are
         * raised as they would be during a real {@code mdelay}.
         */
        static PortIo of(Mc146818Rtc rtc, LongConsumer wait) {
            Objects.requireNonNull(rtc, "rtc");
            Objects.requireNonNull(wait, "wait");
            return new PortIo() {
                @Override
                public int inb(int port) {
                    return rtc.inb(port);
                }

                @Override
                public void outb(int port, int value) {
                    rtc.outb(port, value);
                }

                @Override
                public void delayNs(long ns) {
                    wait.accept(ns);
                    rtc.runDueTimers();
                }
            };
        }
    }

    /** One completed read: the date and how many passes it took. */
    public record Reading(LocalDateTime dateTime, int attempts) {}

    private static final long MDELAY_1_NS = 1_000_000L;

    /**
     * Linux retries without limit because real time always moves. Here a {@link PortIo} whose
     * delay does not advance the RTC's clock would spin forever inside the UIP window, so after
     * this many passes the reader reports that bug.
     */
    static final int MAX_ATTEMPTS = 100_000;

    private final PortIo io;
    private final OptionalInt centuryRegister;

    /**
     * @param centuryRegister the FADT century index (0x32 on PCs), or empty when the FADT has none
     */
    public LinuxCmosReader(PortIo io, OptionalInt centuryRegister) {
        this.io = Objects.requireNonNull(io, "io");
        this.centuryRegister = Objects.requireNonNull(centuryRegister, "centuryRegister");
    }

    /**
     * Reads the date as {@code mc146818_get_time} does.
     *
     * @throws IllegalStateException after {@value #MAX_ATTEMPTS} passes: the PortIo's delay does
     *     not move the RTC's clock (a wiring bug)
     */
    public Reading read() {
        int attempts = 0;
        while (true) {
            attempts++;
            if (attempts > MAX_ATTEMPTS) {
                throw new IllegalStateException("RTC read did not settle after " + MAX_ATTEMPTS
                        + " passes: the PortIo delay must advance the RTC's virtual clock");
            }
            int sec = io.cmosRead(RTC_SECONDS);
            if ((io.cmosRead(RTC_REG_A) & REG_A_UIP) != 0) {
                io.delayNs(MDELAY_1_NS);
                continue;
            }
            // Revalidate the above readout.
            if (sec != io.cmosRead(RTC_SECONDS)) {
                continue;
            }
            int min = io.cmosRead(RTC_MINUTES);
            int hour = io.cmosRead(RTC_HOURS);
            int mday = io.cmosRead(RTC_DAY_OF_MONTH);
            int mon = io.cmosRead(RTC_MONTH);
            int year = io.cmosRead(RTC_YEAR);
            int century = centuryRegister.isPresent() ? io.cmosRead(centuryRegister.getAsInt()) : 0;
            int ctrl = io.cmosRead(RTC_REG_B);
            // Check for UIP again: if it is set now, the values above may be garbage. A changed
            // seconds value means a long interruption outlasted the UIP window.
            boolean retry = (io.cmosRead(RTC_REG_A) & REG_A_UIP) != 0;
            retry |= sec != io.cmosRead(RTC_SECONDS);
            if (retry) {
                continue;
            }
            if ((ctrl & REG_B_DM) == 0) {
                sec = bcd2bin(sec);
                min = bcd2bin(min);
                hour = bcd2bin(hour);
                mday = bcd2bin(mday);
                mon = bcd2bin(mon);
                year = bcd2bin(year);
                century = bcd2bin(century);
            }
            int tmYear = year;
            if (century > 20) {
                tmYear += (century - 19) * 100;
            }
            if (tmYear <= 69) {
                tmYear += 100;
            }
            return new Reading(LocalDateTime.of(1900 + tmYear, mon, mday, hour, min, sec), attempts);
        }
    }

    private static int bcd2bin(int value) {
        return (value & 0x0F) + (value >> 4) * 10;
    }
}
