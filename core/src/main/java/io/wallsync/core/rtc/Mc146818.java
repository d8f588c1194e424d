package io.wallsync.core.rtc;

/**
 * Register map and bit names of the Motorola MC146818 real-time clock as the PC wires it, with the
 * names of QEMU's {@code include/hw/rtc/mc146818rtc_regs.h} and the datasheet.
 *
 * <pre>
 *  index  register                 notes
 *  0x00   seconds                  0-59, BCD or binary (B.DM)
 *  0x01   seconds alarm            0xC0-0xFF = "don't care" (matches every value)
 *  0x02   minutes                  0-59
 *  0x03   minutes alarm            don't care as above
 *  0x04   hours                    0-23, or 1-12 with bit 7 = PM when B.24H is clear
 *  0x05   hours alarm              don't care as above
 *  0x06   day of week              1-7 (QEMU: Sunday = 1) or 0-6 (Xen: Sunday = 0)
 *  0x07   day of month             1-31
 *  0x08   month                    1-12
 *  0x09   year                     0-99
 *  0x0A   register A               UIP(7, read-only) DV2-0(6-4) RS3-0(3-0)
 *  0x0B   register B               SET PIE AIE UIE SQWE DM 24/12 DSE
 *  0x0C   register C (read-only)   IRQF PF AF UF; reading clears it and lowers IRQ 8
 *  0x0D   register D (read-only)   VRT (valid RAM and time) = 0x80
 *  0x0E-  CMOS RAM                 0x32 = century (PC/ACPI), 0x37 = IBM PS/2 century alias
 *  0x7F
 * </pre>
 *
 * Port 0x70 is the index (bit 7 is the NMI mask and is not part of the index); port 0x71 the data.
 */
public final class Mc146818 {
    private Mc146818() {}

    /** Index (address) port; bit 7 of the written value masks NMIs and is dropped. */
    public static final int INDEX_PORT = 0x70;
    /** Data port: reads and writes the register selected through {@link #INDEX_PORT}. */
    public static final int DATA_PORT = 0x71;
    /** The ISA interrupt the RTC raises. */
    public static final int RTC_ISA_IRQ = 8;
    /** Bytes of CMOS (registers plus RAM). */
    public static final int CMOS_SIZE = 128;
    /** Mask applied to an index written to port 0x70 (drops the NMI mask bit). */
    public static final int INDEX_MASK = 0x7F;

    public static final int RTC_SECONDS = 0x00;
    public static final int RTC_SECONDS_ALARM = 0x01;
    public static final int RTC_MINUTES = 0x02;
    public static final int RTC_MINUTES_ALARM = 0x03;
    public static final int RTC_HOURS = 0x04;
    public static final int RTC_HOURS_ALARM = 0x05;
    public static final int RTC_DAY_OF_WEEK = 0x06;
    public static final int RTC_DAY_OF_MONTH = 0x07;
    public static final int RTC_MONTH = 0x08;
    public static final int RTC_YEAR = 0x09;
    public static final int RTC_REG_A = 0x0A;
    public static final int RTC_REG_B = 0x0B;
    public static final int RTC_REG_C = 0x0C;
    public static final int RTC_REG_D = 0x0D;
    /** Century byte of the PC CMOS map (the ACPI FADT names it). */
    public static final int RTC_CENTURY = 0x32;
    /** IBM PS/2 location of the century byte; QEMU redirects it to {@link #RTC_CENTURY}. */
    public static final int RTC_IBM_PS2_CENTURY_BYTE = 0x37;

    /** An alarm byte with both top bits set matches every value. */
    public static final int RTC_ALARM_DONT_CARE = 0xC0;

    /** Register A: update in progress (read-only). */
    public static final int REG_A_UIP = 0x80;
    /** Register A: divider-chain bits DV2-DV0. */
    public static final int REG_A_DV_MASK = 0x70;
    /** Register A: DV2 and DV1 both set hold the divider chain in reset. */
    public static final int REG_A_DIVIDER_RESET = 0x60;
    /** Register A: DV = 010, the 32.768 kHz time base; the largest value that runs the clock. */
    public static final int REG_A_DV_32KHZ = 0x20;
    /** Register A: rate-select bits RS3-RS0 of the periodic interrupt. */
    public static final int REG_A_RATE_MASK = 0x0F;

    /** Register B: SET halts updates so software can write the date. */
    public static final int REG_B_SET = 0x80;
    /** Register B: periodic interrupt enable. */
    public static final int REG_B_PIE = 0x40;
    /** Register B: alarm interrupt enable. */
    public static final int REG_B_AIE = 0x20;
    /** Register B: update-ended interrupt enable. */
    public static final int REG_B_UIE = 0x10;
    /** Register B: square-wave enable (no pin here). */
    public static final int REG_B_SQWE = 0x08;
    /** Register B: data mode, 1 = binary, 0 = BCD. */
    public static final int REG_B_DM = 0x04;
    /** Register B: 1 = 24-hour mode, 0 = 12-hour mode with PM in bit 7 of the hours. */
    public static final int REG_B_24H = 0x02;

    /** Register C: interrupt request flag, set when an enabled flag is set. */
    public static final int REG_C_IRQF = 0x80;
    /** Register C: periodic interrupt flag. */
    public static final int REG_C_PF = 0x40;
    /** Register C: alarm flag. */
    public static final int REG_C_AF = 0x20;
    /** Register C: update-ended flag. */
    public static final int REG_C_UF = 0x10;
    /** Register C: the three source flags, positioned like their enables in register B. */
    public static final int REG_C_MASK = 0x70;

    /** Register D: valid RAM and time. */
    public static final int REG_D_VRT = 0x80;

    /** Hours register bit 7 in 12-hour mode. */
    public static final int HOURS_PM = 0x80;

    /** Reset values of registers A-D (QEMU's {@code rtc_realizefn}). */
    public static final int RESET_REG_A = 0x26;

    public static final int RESET_REG_B = 0x02;
    public static final int RESET_REG_C = 0x00;
    public static final int RESET_REG_D = 0x80;

    /** Frequency of the divider chain's input, Hz. */
    public static final int RTC_CLOCK_RATE_HZ = 32_768;

    /**
     * Length of the UIP window before each update: 8 cycles of 32.768 kHz, 8e9 / 32768 =
     * 244140.625, truncated to 244140 ns as QEMU's {@code UIP_HOLD_LENGTH} is.
     */
    public static final long UIP_HOLD_LENGTH_NS = 8L * 1_000_000_000L / RTC_CLOCK_RATE_HZ;

    /**
     * Xen's {@code RTC_CMOS_SIZE} (xen/include/public/arch-x86/hvm/save.h): the vRTC holds CMOS
     * bytes 0x00..0x0D; higher indexes go to the device model.
     */
    public static final int XEN_RTC_CMOS_SIZE = 14;

    /**
     * Xen's UIP window: "UIP bit will be set at last 244us of every second" ({@code
     * update_in_progress}, {@code check_update_timer} in xen/arch/x86/hvm/rtc.c), in ns.
     */
    public static final long XEN_UIP_HOLD_NS = 244_000L;

    /** Xen's {@code RTC_REF_CLCK_4MHZ}: register A divider bits 000, a 4.194304 MHz time base. */
    public static final int XEN_REF_CLCK_4MHZ = 0x00;

    /** Xen's {@code RTC_REF_CLCK_1MHZ}: register A divider bits 001, a 1.048576 MHz time base. */
    public static final int XEN_REF_CLCK_1MHZ = 0x10;

    /** After the divider reset is released, the first update comes half a second later. */
    public static final long DIVIDER_RESET_FIRST_UPDATE_NS = 500_000_000L;

    /**
     * Period of rate select {@code rs} in 32.768 kHz cycles, 0 for "off" (QEMU's {@code
     * periodic_period_to_clock}; the datasheet's table): rs 1 and 2 repeat rs 8 and 9, otherwise
     * 2^(rs-1) cycles, so rs 3 = 4 cycles = 8192 Hz ... rs 15 = 16384 cycles = 2 Hz.
     */
    public static int periodCycles(int rateSelect) {
        int rs = rateSelect & REG_A_RATE_MASK;
        if (rs == 0) {
            return 0;
        }
        if (rs <= 2) {
            rs += 7;
        }
        return 1 << (rs - 1);
    }

    /** {@code cycles} of the 32.768 kHz clock in nanoseconds, rounded down (muldiv64). */
    public static long cyclesToNs(long cycles) {
        // floor(c * 1e9 / 32768) without the 96-bit product: split c = q * 32768 + r.
        return Math.floorDiv(cycles, RTC_CLOCK_RATE_HZ) * 1_000_000_000L
                + Math.floorMod(cycles, RTC_CLOCK_RATE_HZ) * 1_000_000_000L / RTC_CLOCK_RATE_HZ;
    }

    /** Nanoseconds as whole 32.768 kHz cycles, rounded down (muldiv64). */
    public static long nsToCycles(long ns) {
        return Math.floorDiv(ns, 1_000_000_000L) * RTC_CLOCK_RATE_HZ
                + Math.floorMod(ns, 1_000_000_000L) * RTC_CLOCK_RATE_HZ / 1_000_000_000L;
    }
}
