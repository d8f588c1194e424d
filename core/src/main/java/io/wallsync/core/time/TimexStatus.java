package io.wallsync.core.time;

/**
 * The {@code status} bits of {@code struct timex}, values from include/uapi/linux/timex.h.
 *
 * <pre>
 *  bit      name           rw   meaning
 *  0x0001   STA_PLL        rw   enable PLL updates (needed for ADJ_OFFSET to take effect)
 *  0x0002   STA_PPSFREQ    rw   enable PPS frequency discipline
 *  0x0004   STA_PPSTIME    rw   enable PPS time discipline
 *  0x0008   STA_FLL        rw   select frequency-lock mode
 *  0x0010   STA_INS        rw   insert a leap second at the end of the UTC day
 *  0x0020   STA_DEL        rw   delete a leap second at the end of the UTC day
 *  0x0040   STA_UNSYNC     rw   clock unsynchronised
 *  0x0080   STA_FREQHOLD   rw   hold frequency
 *  0x0100   STA_PPSSIGNAL  ro   PPS signal present
 *  0x0200   STA_PPSJITTER  ro   PPS signal jitter exceeded
 *  0x0400   STA_PPSWANDER  ro   PPS signal wander exceeded
 *  0x0800   STA_PPSERROR   ro   PPS signal calibration error
 *  0x1000   STA_CLOCKERR   ro   clock hardware fault
 *  0x2000   STA_NANO       ro   resolution (0 = us, 1 = ns); set by ADJ_NANO, cleared by ADJ_MICRO
 *  0x4000   STA_MODE       ro   mode (0 = PLL, 1 = FLL)
 *  0x8000   STA_CLK        ro   clock source (0 = A, 1 = B)
 * </pre>
 */
public final class TimexStatus {
    public static final int STA_PLL = 0x0001;
    public static final int STA_PPSFREQ = 0x0002;
    public static final int STA_PPSTIME = 0x0004;
    public static final int STA_FLL = 0x0008;
    public static final int STA_INS = 0x0010;
    public static final int STA_DEL = 0x0020;
    public static final int STA_UNSYNC = 0x0040;
    public static final int STA_FREQHOLD = 0x0080;
    public static final int STA_PPSSIGNAL = 0x0100;
    public static final int STA_PPSJITTER = 0x0200;
    public static final int STA_PPSWANDER = 0x0400;
    public static final int STA_PPSERROR = 0x0800;
    public static final int STA_CLOCKERR = 0x1000;
    public static final int STA_NANO = 0x2000;
    public static final int STA_MODE = 0x4000;
    public static final int STA_CLK = 0x8000;

    /** STA_RONLY: bits an ADJ_STATUS request cannot change. */
    public static final int STA_RONLY =
            STA_PPSSIGNAL | STA_PPSJITTER | STA_PPSWANDER | STA_PPSERROR | STA_CLOCKERR | STA_NANO | STA_MODE | STA_CLK;

    private TimexStatus() {}
}
