package io.wallsync.core.time;

/**
 * The {@code struct timex} adjtimex(2) hands back, after the request was applied (the tail of
 * {@code __do_adjtimex()} in kernel/time/ntp.c).
 *
 * @param offset remaining phase offset still to be slewed: us, or ns when STA_NANO is set
 *     (truncated toward zero)
 * @param freq frequency correction in scaled ppm (2^-16 ppm)
 * @param maxerror maximum error, us
 * @param esterror estimated error, us
 * @param status STA_* bits
 * @param constant PLL time constant
 * @param precision clock precision, us (always 1, as Linux reports)
 * @param tolerance frequency tolerance, scaled ppm (500 ppm = 32_768_000, MAXFREQ_SCALED / PPM_SCALE)
 * @param timeSec CLOCK_REALTIME seconds when the request completed
 * @param timeFrac CLOCK_REALTIME sub-second part: us, or ns when STA_NANO is set
 * @param tai TAI - UTC in seconds
 */
public record TimexValues(
        long offset,
        long freq,
        long maxerror,
        long esterror,
        int status,
        long constant,
        long precision,
        long tolerance,
        long timeSec,
        long timeFrac,
        int tai) {}
