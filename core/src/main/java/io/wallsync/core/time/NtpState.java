package io.wallsync.core.time;

import static io.wallsync.core.time.TimexStatus.STA_CLOCKERR;
import static io.wallsync.core.time.TimexStatus.STA_DEL;
import static io.wallsync.core.time.TimexStatus.STA_INS;
import static io.wallsync.core.time.TimexStatus.STA_NANO;
import static io.wallsync.core.time.TimexStatus.STA_PLL;
import static io.wallsync.core.time.TimexStatus.STA_PPSERROR;
import static io.wallsync.core.time.TimexStatus.STA_PPSFREQ;
import static io.wallsync.core.time.TimexStatus.STA_PPSJITTER;
import static io.wallsync.core.time.TimexStatus.STA_PPSSIGNAL;
import static io.wallsync.core.time.TimexStatus.STA_PPSTIME;
import static io.wallsync.core.time.TimexStatus.STA_PPSWANDER;
import static io.wallsync.core.time.TimexStatus.STA_RONLY;
import static io.wallsync.core.time.TimexStatus.STA_UNSYNC;

/**
 * The NTP state of kernel/time/ntp.c ({@code struct ntp_data}): status bits, the leap-second state
 * machine, maxerror/esterror, the frequency correction and the pending phase offset. The {@link
 * Timekeeper} owns one and serialises every access, as the kernel does with the timekeeping lock.
 *
 * <p>Not modelled: the PLL/FLL frequency feedback of {@code ntp_update_offset()} (a phase offset is
 * slewed at a fixed 500 ppm instead, see {@link ScaledAdjust}), the PPS discipline (hardpps),
 * ADJ_TICK and adjtime(). With {@code CONFIG_NTP_PPS} the PPS status bits still count in {@code
 * is_error_status}.
 */
final class NtpState {
    static final long NSEC_PER_USEC = 1_000L;
    static final long SECS_PER_DAY = 86_400L;

    /** MAXPHASE (include/linux/timex.h): largest phase offset ADJ_OFFSET accepts, 0.5 s in ns. */
    static final long MAXPHASE_NS = 500_000_000L;

    /** MAXFREQ (include/linux/timex.h): 500 ppm as ns per second. */
    static final long MAXFREQ_NS_PER_S = 500_000L;

    /** NTP_PHASE_LIMIT = (MAXPHASE / NSEC_PER_USEC) << 5: 16 s in us; maxerror saturates here. */
    static final long NTP_PHASE_LIMIT_US = (MAXPHASE_NS / NSEC_PER_USEC) << 5;

    /** maxerror grows by MAXFREQ / NSEC_PER_USEC = 500 us per second_overflow(). */
    static final long MAXERROR_GROWTH_US_PER_S = MAXFREQ_NS_PER_S / NSEC_PER_USEC;

    /** MAXFREQ_SCALED / PPM_SCALE: 500 ppm in the 2^-16 ppm unit of timex.freq. */
    static final long MAXFREQ_SCALED_PPM = 500L << 16;

    /** PPM_SCALE = NSEC_PER_USEC << (NTP_SCALE_SHIFT - SHIFT_USEC): timex.freq -> kernel units. */
    static final long PPM_SCALE = NSEC_PER_USEC << (32 - 16);

    /** MAXTC (include/linux/timex.h): largest PLL time constant. */
    static final long MAXTC = 10;

    /** MAX_TAI_OFFSET (kernel/time/ntp.c): largest TAI offset ADJ_TAI accepts. */
    static final int MAX_TAI_OFFSET = 100_000;

    /** TIME64_MAX stands for "no leap second scheduled" in ntp_next_leap_sec. */
    static final long NO_LEAP = Long.MAX_VALUE;

    private final boolean configNtpPps;
    private ClockState timeState = ClockState.TIME_OK;
    private int timeStatus = STA_UNSYNC;
    private long timeOffsetNs;
    private long timeConstant = 2;
    private long timeMaxErrorUs = NTP_PHASE_LIMIT_US;
    private long timeEstErrorUs = NTP_PHASE_LIMIT_US;
    private long timeFreqScaledPpm;
    private long nextLeapSec = NO_LEAP;

    /** A kernel without CONFIG_NTP_PPS (every tickless, i.e. distribution, kernel). */
    NtpState() {
        this(false);
    }

    NtpState(boolean configNtpPps) {
        this.configNtpPps = configNtpPps;
    }

    static boolean isErrorStatus(int status, boolean configNtpPps) {
        if ((status & (STA_UNSYNC | STA_CLOCKERR)) != 0) {
            return true;
        }
        if (!configNtpPps) {
            return false;
        }
        // PPS signal lost when either PPS time or PPS frequency synchronization requested
        return ((status & (STA_PPSFREQ | STA_PPSTIME)) != 0 && (status & STA_PPSSIGNAL) == 0)
                // PPS jitter exceeded when PPS time synchronization requested
                || (status & (STA_PPSTIME | STA_PPSJITTER)) == (STA_PPSTIME | STA_PPSJITTER)
                // PPS wander exceeded or calibration error when PPS frequency synchronization requested
                || ((status & STA_PPSFREQ) != 0 && (status & (STA_PPSWANDER | STA_PPSERROR)) != 0);
    }

    ClockState timeState() {
        return timeState;
    }

    int status() {
        return timeStatus;
    }

    long pendingOffsetNs() {
        return timeOffsetNs;
    }

    void consumeOffsetNs(long slewedNs) {
        timeOffsetNs -= slewedNs;
    }

    long timeConstant() {
        return timeConstant;
    }

    long maxErrorUs() {
        return timeMaxErrorUs;
    }

    long estErrorUs() {
        return timeEstErrorUs;
    }

    long frequencyScaledPpm() {
        return timeFreqScaledPpm;
    }

    long nextLeapSec() {
        return nextLeapSec;
    }

    /** What adjtimex(2) returns: the state, or TIME_ERROR when is_error_status() holds. */
    ClockState adjtimexState() {
        return isErrorStatus(timeStatus, configNtpPps) ? ClockState.TIME_ERROR : timeState;
    }

    /**
     * {@code ntp_clear()}: after a step the old phase and error estimates mean nothing. Sets
     * STA_UNSYNC, maxerror = esterror = NTP_PHASE_LIMIT, drops the pending offset and any scheduled
     * leap second. Keeps the frequency and time_state, as Linux does.
     */
    void clear() {
        timeStatus |= STA_UNSYNC;
        timeMaxErrorUs = NTP_PHASE_LIMIT_US;
        timeEstErrorUs = NTP_PHASE_LIMIT_US;
        timeOffsetNs = 0;
        nextLeapSec = NO_LEAP;
    }

    /**
     * {@code second_overflow(secs)}: called once for every second CLOCK_REALTIME enters, with the
     * new second. Runs the leap-second state machine and grows maxerror.
     *
     * @return -1 to insert a leap second (the clock goes back to 23:59:59, shown as 23:59:60), +1 to
     *     delete one (23:59:59 is skipped), 0 otherwise
     */
    int secondOverflow(long secs) {
        int leap = 0;
        switch (timeState) {
            case TIME_OK -> {
                if ((timeStatus & STA_INS) != 0) {
                    timeState = ClockState.TIME_INS;
                    nextLeapSec = secs + SECS_PER_DAY - Math.floorMod(secs, SECS_PER_DAY);
                } else if ((timeStatus & STA_DEL) != 0) {
                    timeState = ClockState.TIME_DEL;
                    nextLeapSec = secs + SECS_PER_DAY - Math.floorMod(secs + 1, SECS_PER_DAY);
                }
            }
            case TIME_INS -> {
                if ((timeStatus & STA_INS) == 0) {
                    nextLeapSec = NO_LEAP;
                    timeState = ClockState.TIME_OK;
                } else if (secs == nextLeapSec) {
                    leap = -1;
                    timeState = ClockState.TIME_OOP;
                }
            }
            case TIME_DEL -> {
                if ((timeStatus & STA_DEL) == 0) {
                    nextLeapSec = NO_LEAP;
                    timeState = ClockState.TIME_OK;
                } else if (secs == nextLeapSec) {
                    leap = 1;
                    nextLeapSec = NO_LEAP;
                    timeState = ClockState.TIME_WAIT;
                }
            }
            case TIME_OOP -> {
                nextLeapSec = NO_LEAP;
                timeState = ClockState.TIME_WAIT;
            }
            case TIME_WAIT -> {
                if ((timeStatus & (STA_INS | STA_DEL)) == 0) {
                    timeState = ClockState.TIME_OK;
                }
            }
            case TIME_ERROR -> throw new IllegalStateException("TIME_ERROR is never a stored time_state");
        }
        growMaxError(1);
        return leap;
    }

    /**
     * How many consecutive calls {@code secondOverflow(firstSecs)}, {@code secondOverflow(firstSecs
     * + 1)}, ... (at most {@code max}) would change nothing but maxerror. The timekeeper applies
     * those in one step with {@link #growMaxError(long)}, so a tick over a long interval costs a few
     * iterations, not one per second.
     */
    long quietSeconds(long firstSecs, long max) {
        return switch (timeState) {
            case TIME_OK -> (timeStatus & (STA_INS | STA_DEL)) != 0 ? 0 : max;
            case TIME_INS -> (timeStatus & STA_INS) == 0 ? 0 : untilLeap(firstSecs, max);
            case TIME_DEL -> (timeStatus & STA_DEL) == 0 ? 0 : untilLeap(firstSecs, max);
            case TIME_OOP -> 0;
            case TIME_WAIT -> (timeStatus & (STA_INS | STA_DEL)) == 0 ? 0 : max;
            case TIME_ERROR -> throw new IllegalStateException("TIME_ERROR is never a stored time_state");
        };
    }

    private long untilLeap(long firstSecs, long max) {
        if (nextLeapSec < firstSecs) {
            return max; // the scheduled second is behind us; secs == nextLeapSec can never match
        }
        return Math.min(max, nextLeapSec - firstSecs);
    }

    /**
     * The maxerror part of {@code seconds} calls to second_overflow(): {@code time_maxerror +=
     * MAXFREQ / NSEC_PER_USEC} each, and once it exceeds NTP_PHASE_LIMIT it is capped there and
     * STA_UNSYNC is set.
     */
    void growMaxError(long seconds) {
        long room = NTP_PHASE_LIMIT_US - timeMaxErrorUs;
        // seconds > floor(room / 500) <=> 500 * seconds > room, without overflowing the product.
        if (seconds > room / MAXERROR_GROWTH_US_PER_S) {
            timeMaxErrorUs = NTP_PHASE_LIMIT_US;
            timeStatus |= STA_UNSYNC;
            return;
        }
        timeMaxErrorUs += seconds * MAXERROR_GROWTH_US_PER_S;
    }

    /**
     * {@code process_adjtimex_modes()} for an already validated request, in the kernel's order.
     *
     * @return the TAI offset after the request (ADJ_TAI outside 0..MAX_TAI_OFFSET is ignored, as in
     *     Linux)
     */
    int applyModes(Timex txc, int taiOffsetSeconds) {
        int modes = txc.modes();
        int tai = taiOffsetSeconds;
        if ((modes & Timex.ADJ_STATUS) != 0) {
            applyStatus(txc.status());
        }
        if ((modes & Timex.ADJ_NANO) != 0) {
            timeStatus |= STA_NANO;
        }
        if ((modes & Timex.ADJ_MICRO) != 0) {
            timeStatus &= ~STA_NANO;
        }
        if ((modes & Timex.ADJ_FREQUENCY) != 0) {
            timeFreqScaledPpm = Math.clamp(txc.freq(), -MAXFREQ_SCALED_PPM, MAXFREQ_SCALED_PPM);
        }
        if ((modes & Timex.ADJ_MAXERROR) != 0) {
            timeMaxErrorUs = Math.clamp(txc.maxerror(), 0, NTP_PHASE_LIMIT_US);
        }
        if ((modes & Timex.ADJ_ESTERROR) != 0) {
            timeEstErrorUs = Math.clamp(txc.esterror(), 0, NTP_PHASE_LIMIT_US);
        }
        if ((modes & Timex.ADJ_TIMECONST) != 0) {
            timeConstant = Math.clamp(txc.constant(), 0, MAXTC);
            if ((timeStatus & STA_NANO) == 0) {
                timeConstant += 4;
            }
            timeConstant = Math.clamp(timeConstant, 0, MAXTC);
        }
        if ((modes & Timex.ADJ_TAI) != 0 && txc.constant() >= 0 && txc.constant() <= MAX_TAI_OFFSET) {
            tai = (int) txc.constant();
        }
        if ((modes & Timex.ADJ_OFFSET) != 0) {
            updateOffset(txc.offset());
        }
        return tai;
    }

    /** {@code process_adj_status()}: switching STA_PLL off resets the state; read-only bits stay. */
    private void applyStatus(int newStatus) {
        if ((timeStatus & STA_PLL) != 0 && (newStatus & STA_PLL) == 0) {
            timeState = ClockState.TIME_OK;
            timeStatus = STA_UNSYNC;
            nextLeapSec = NO_LEAP;
        }
        timeStatus &= STA_RONLY;
        timeStatus |= newStatus & ~STA_RONLY;
    }

    /**
     * {@code ntp_update_offset()} without the PLL: ignored unless STA_PLL is set; the offset is in us
     * unless STA_NANO, clamped to +-MAXPHASE, and replaces any offset still being slewed.
     */
    private void updateOffset(long offset) {
        if ((timeStatus & STA_PLL) == 0) {
            return;
        }
        long offsetNs;
        if ((timeStatus & STA_NANO) == 0) {
            long limitUs = MAXPHASE_NS / NSEC_PER_USEC;
            offsetNs = Math.clamp(offset, -limitUs, limitUs) * NSEC_PER_USEC;
        } else {
            offsetNs = Math.clamp(offset, -MAXPHASE_NS, MAXPHASE_NS);
        }
        timeOffsetNs = offsetNs;
    }
}
