package io.wallsync.core.rtc;

import static io.wallsync.core.rtc.Mc146818.*;

import java.time.LocalDateTime;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.LongConsumer;

/**
 * A guest's reader of the CMOS date, following Linux's {@code mc146818_get_time}
 * (drivers/rtc/rtc-mc146818-lib.c) step by step. Two versions of it exist ({@link Variant}); the
 * default is the current kernel's:
 *
 * <ol>
 *   <li>{@code mc146818_avoid_UIP}: read the seconds; if UIP is set, wait (100 us now, 1 ms in 5.x)
 *       and start again; if the seconds changed, start again;
 *   <li>read minutes, hours, day of month, month, year, the century (only if the ACPI FADT names a
 *       century register) and register B;
 *   <li>if UIP is set now, or the seconds changed, start again;
 *   <li>BCD to binary unless B.DM; a century above 19 (above 20 in 5.x) adds {@code (century - 19)
 *       * 100} years; a year {@code <= 69} (of 1900) is taken as 20xx.
 * </ol>
 *
 * The current kernel gives up after {@code timeout} ms ({@code for (i = 0; UIP_RECHECK_LOOPS_MS(i) <
 * timeout; i++)}, ten passes per ms) and returns {@code -ETIMEDOUT}; {@code mach_get_cmos_time}
 * (arch/x86/kernel/rtc.c) asks for 1000 ms and on failure sets the time to 0, 1970-01-01.
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

    /** Which kernel's {@code mc146818_get_time} to follow. */
    public enum Variant {
        /**
         * Linux 6.8 and later (the default): {@code century > 19} (commit ff164ae39b82, 5.17, "rtc:
         * cmos: Evaluate century appropriate"), {@code mc146818_avoid_UIP} with {@code
         * UIP_RECHECK_DELAY} 100 us and a caller's timeout, 1000 ms from {@code mach_get_cmos_time}.
         */
        CURRENT,
        /**
         * Linux 5.x before 5.17: {@code century > 20}, so 2000-2099 with century 0x20 read as 1970-1999
         * from 2070; {@code mdelay(1)} and {@code goto again} without a limit.
         */
        LINUX_5_X
    }

    /** What a read ends with: a date, or Linux's -ETIMEDOUT. */
    public sealed interface Outcome {}

    /** One completed read: the date and how many passes it took. */
    public record Reading(LocalDateTime dateTime, int attempts) implements Outcome {}

    /** {@code mc146818_get_time} returned -ETIMEDOUT: UIP never cleared within the timeout. */
    public record TimedOut(int attempts, int timeoutMs) implements Outcome {}

    private static final long MDELAY_1_NS = 1_000_000L;

    /** {@code #define UIP_RECHECK_DELAY 100} (microseconds), in ns. */
    static final long UIP_RECHECK_DELAY_NS = 100_000L;

    /** {@code UIP_RECHECK_DELAY_MS}: {@code USEC_PER_MSEC / UIP_RECHECK_DELAY} passes per ms. */
    static final int UIP_RECHECK_DELAY_MS = 1000 / 100;

    /** The timeout {@code mach_get_cmos_time} passes: {@code mc146818_get_time(&tm, 1000)}. */
    public static final int MACH_GET_CMOS_TIME_TIMEOUT_MS = 1000;

    /**
     * Linux 5.x retries without limit because real time always moves. Here a {@link PortIo} whose
     * delay does not advance the RTC's clock would spin forever inside the UIP window, so after
     * this many passes the 5.x reader reports that bug.
     */
    static final int MAX_ATTEMPTS = 100_000;

    private final PortIo io;
    private final OptionalInt centuryRegister;
    private final Variant variant;

    /**
     * The current kernel's reader ({@link Variant#CURRENT}).
     *
     * @param centuryRegister the FADT century index (0x32 on PCs), or empty when the FADT has none
     */
    public LinuxCmosReader(PortIo io, OptionalInt centuryRegister) {
        this(io, centuryRegister, Variant.CURRENT);
    }

    /** The reader of the given kernel version. */
    public LinuxCmosReader(PortIo io, OptionalInt centuryRegister, Variant variant) {
        this.io = Objects.requireNonNull(io, "io");
        this.centuryRegister = Objects.requireNonNull(centuryRegister, "centuryRegister");
        this.variant = Objects.requireNonNull(variant, "variant");
    }

    /**
     * Reads the date as x86's {@code mach_get_cmos_time} does: {@code mc146818_get_time(&tm, 1000)},
     * and on -ETIMEDOUT "Unable to read current time from RTC" and the time 0, so the reading is
     * 1970-01-01T00:00:00.
     *
     * @throws IllegalStateException in {@link Variant#LINUX_5_X} after {@value #MAX_ATTEMPTS}
     *     passes: the PortIo's delay does not move the RTC's clock (a wiring bug)
     */
    public Reading read() {
        return switch (tryRead(MACH_GET_CMOS_TIME_TIMEOUT_MS)) {
            case Reading r -> r;
            case TimedOut t -> new Reading(LocalDateTime.of(1970, 1, 1, 0, 0, 0), t.attempts());
        };
    }

    /**
     * {@code mc146818_get_time(time, timeoutMs)}: the date, or {@link TimedOut} where the current
     * kernel returns -ETIMEDOUT ({@link Variant#LINUX_5_X} has no timeout and ignores it).
     *
     * @throws IllegalStateException in {@link Variant#LINUX_5_X} after {@value #MAX_ATTEMPTS}
     *     passes: the PortIo's delay does not move the RTC's clock (a wiring bug)
     */
    public Outcome tryRead(int timeoutMs) {
        boolean current = variant == Variant.CURRENT;
        long uipDelayNs = current ? UIP_RECHECK_DELAY_NS : MDELAY_1_NS;
        int attempts = 0;
        // for (i = 0; UIP_RECHECK_LOOPS_MS(i) < timeout; i++), UIP_RECHECK_LOOPS_MS(x) = x / 10
        for (int i = 0; !current || i / UIP_RECHECK_DELAY_MS < timeoutMs; i++) {
            attempts++;
            if (!current && attempts > MAX_ATTEMPTS) {
                throw new IllegalStateException("RTC read did not settle after " + MAX_ATTEMPTS
                        + " passes: the PortIo delay must advance the RTC's virtual clock");
            }
            int sec = io.cmosRead(RTC_SECONDS);
            if ((io.cmosRead(RTC_REG_A) & REG_A_UIP) != 0) {
                io.delayNs(uipDelayNs);
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
            if (current) {
                if ((io.cmosRead(RTC_REG_A) & REG_A_UIP) != 0) {
                    io.delayNs(UIP_RECHECK_DELAY_NS);
                    continue;
                }
                if (sec != io.cmosRead(RTC_SECONDS)) {
                    continue;
                }
            } else {
                // 5.x: uip_sec = UIP; uip_sec |= seconds != CMOS_READ(RTC_SECONDS); if (uip_sec) goto again;
                boolean retry = (io.cmosRead(RTC_REG_A) & REG_A_UIP) != 0;
                retry |= sec != io.cmosRead(RTC_SECONDS);
                if (retry) {
                    continue;
                }
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
            if (century > (current ? 19 : 20)) {
                tmYear += (century - 19) * 100;
            }
            if (tmYear <= 69) {
                tmYear += 100;
            }
            return new Reading(LocalDateTime.of(1900 + tmYear, mon, mday, hour, min, sec), attempts);
        }
        return new TimedOut(attempts, timeoutMs);
    }

    private static int bcd2bin(int value) {
        return (value & 0x0F) + (value >> 4) * 10;
    }
}
