package io.wallsync.core.time;

import java.util.Objects;

/**
 * What the kernel's NTP state says about the rate of CLOCK_REALTIME (and CLOCK_MONOTONIC, which
 * runs at the same rate) against its clocksource: the fields of adjtimex(modes = 0) that set
 * {@code tick_length} in kernel/time/ntp.c, plus the remaining adjtime(2) slew. A calibration of a
 * counter against the kernel clock stays valid only while these stay the same.
 *
 * @param state the clock state adjtimex returned (leap second states)
 * @param status STA_* bits
 * @param tickUs microseconds per USER_HZ tick (10_000 nominal; ADJ_TICK accepts 9_000..11_000)
 * @param freqScaledPpm frequency correction, 2^-16 ppm (MAXFREQ 500 ppm)
 * @param offset PLL phase offset still to slew: us, or ns with STA_NANO
 * @param constant PLL time constant
 * @param singleshotUs what adjtime(2) still has to slew, us (0 when none; MAX_TICKADJ 500 us/s)
 */
public record Discipline(
        ClockState state, int status, long tickUs, long freqScaledPpm, long offset, long constant, long singleshotUs) {
    /** STA_PLL, include/uapi/linux/timex.h. */
    public static final int STA_PLL = 0x0001;
    /** STA_UNSYNC. */
    public static final int STA_UNSYNC = 0x0040;
    /** STA_FLL. */
    public static final int STA_FLL = 0x0080;
    /** STA_CLOCKERR: the clock hardware reported a fault. */
    public static final int STA_CLOCKERR = 0x1000;
    /** STA_NANO: offset in ns. */
    public static final int STA_NANO = 0x2000;

    /** USER_HZ of the adjtimex ABI (tick is us per 1/USER_HZ s). */
    public static final long USER_HZ = 100;
    /** MAX_TICKADJ, kernel/time/ntp.c: adjtime(2) slews at 500 us per second. */
    public static final long MAX_TICKADJ_US_PER_S = 500;
    /** SHIFT_PLL, kernel/time/ntp.c. */
    public static final int SHIFT_PLL = 2;

    /** An undisciplined kernel: nominal tick, no frequency correction, nothing to slew. */
    public static final Discipline NOMINAL = new Discipline(ClockState.TIME_OK, 0, 10_000, 0, 0, 0, 0);

    /** STA_INS. */
    public static final int STA_INS = 0x0010;
    /** STA_DEL. */
    public static final int STA_DEL = 0x0020;

    /**
     * A kernel at the nominal rate in the state {@code sync} describes: TIME_ERROR with STA_UNSYNC
     * when not synchronised, else TIME_INS / TIME_DEL / TIME_OK by the pending leap, with its bit.
     */
    public static Discipline nominalWith(io.wallsync.core.port.SyncState sync) {
        int leapBit = switch (sync.leap()) {
            case INSERT -> STA_INS;
            case DELETE -> STA_DEL;
            case NONE -> 0;
        };
        ClockState state = !sync.synchronised()
                ? ClockState.TIME_ERROR
                : switch (sync.leap()) {
                    case INSERT -> ClockState.TIME_INS;
                    case DELETE -> ClockState.TIME_DEL;
                    case NONE -> ClockState.TIME_OK;
                };
        return new Discipline(state, (sync.synchronised() ? 0 : STA_UNSYNC) | leapBit, 10_000, 0, 0, 0, 0);
    }

    public Discipline {
        Objects.requireNonNull(state, "state");
        if (tickUs <= 0) {
            throw new IllegalArgumentException("tickUs " + tickUs + ": expected > 0 (adjtimex tick, 10000 nominal)");
        }
    }

    /**
     * The rate of CLOCK_REALTIME over the clocksource's nominal rate, as ntp_update_frequency()
     * computes second_length: tick * USER_HZ * 1000 ns + freq (scaled ppm) per nominal second, plus
     * adjtime's 500 ppm while it slews (second_overflow adds MAX_TICKADJ_SCALED). The PLL's own
     * per-second phase adjustment is not included: see {@link #pllSlewBound()}.
     */
    public double rateFactor() {
        double ppm = freqScaledPpm / 65_536.0 + Long.signum(singleshotUs) * (double) MAX_TICKADJ_US_PER_S;
        return tickUs * USER_HZ / 1_000_000.0 + ppm / 1_000_000.0;
    }

    /**
     * An upper bound of the rate the PLL adds now, relative (ntp_offset_chunk: offset >>
     * (SHIFT_PLL + time_constant) per second, while STA_PLL is set and STA_FLL is not). The chunk
     * shrinks as the offset is slewed, so the rate a calibration measured may differ from the
     * current one by at most this much.
     */
    public double pllSlewBound() {
        if ((status & STA_PLL) == 0 || (status & STA_FLL) != 0 || offset == 0) {
            return 0;
        }
        double offsetNs = Math.abs((double) offset) * ((status & STA_NANO) != 0 ? 1 : 1000);
        long shift = SHIFT_PLL + Math.max(0, constant);
        return offsetNs / Math.pow(2, shift) / 1e9;
    }

    /** True when STA_UNSYNC is clear: something disciplines the clock. */
    public boolean synchronised() {
        return (status & STA_UNSYNC) == 0 && state != ClockState.TIME_ERROR;
    }

    /** True when the kernel reports a clock hardware fault (STA_CLOCKERR). */
    public boolean clockError() {
        return (status & STA_CLOCKERR) != 0;
    }

    /**
     * Whether a calibration made under {@code other} is still valid under this one: the same tick,
     * frequency, adjtime slew direction and PLL mode (a PLL that starts or stops slewing changes the
     * rate).
     */
    public boolean sameRateAs(Discipline other) {
        return tickUs == other.tickUs
                && freqScaledPpm == other.freqScaledPpm
                && Long.signum(singleshotUs) == Long.signum(other.singleshotUs)
                && pllSlewing() == other.pllSlewing()
                && (!pllSlewing() || (constant == other.constant && (status & STA_FLL) == (other.status & STA_FLL)));
    }

    private boolean pllSlewing() {
        return (status & STA_PLL) != 0 && offset != 0;
    }
}
