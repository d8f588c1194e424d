package io.wallsync.core.time;

/**
 * An adjtimex(2) request: the writable fields of {@code struct timex} (include/uapi/linux/timex.h)
 * and the {@code modes} bits that say which of them to apply. Build one with {@link #builder()},
 * which sets the mode bit of every field it is given, or read-only with {@link #read()}.
 *
 * <pre>
 *  mode            value   field used           unit
 *  ADJ_OFFSET      0x0001  offset               us, or ns with STA_NANO (needs STA_PLL)
 *  ADJ_FREQUENCY   0x0002  freq                 scaled ppm (2^-16 ppm), clamped to +-500 ppm
 *  ADJ_MAXERROR    0x0004  maxerror             us, clamped to 0..NTP_PHASE_LIMIT
 *  ADJ_ESTERROR    0x0008  esterror             us, clamped to 0..NTP_PHASE_LIMIT
 *  ADJ_STATUS      0x0010  status               STA_* bits (read-only bits are kept)
 *  ADJ_TIMECONST   0x0020  constant             PLL time constant, 0..MAXTC
 *  ADJ_TAI         0x0080  constant             TAI - UTC seconds, 0..100000 (else ignored)
 *  ADJ_SETOFFSET   0x0100  timeSec, timeFrac    step by sec + frac (us, or ns with ADJ_NANO)
 *  ADJ_MICRO       0x1000  -                    clear STA_NANO
 *  ADJ_NANO        0x2000  -                    set STA_NANO
 *  ADJ_TICK        0x4000  (not modelled: rejected)
 *  ADJ_ADJTIME     0x8000  (adjtime(), not modelled: rejected)
 * </pre>
 *
 * @param modes ADJ_* bits
 * @param offset phase offset for ADJ_OFFSET
 * @param freq frequency for ADJ_FREQUENCY in scaled ppm
 * @param maxerror maximum error for ADJ_MAXERROR in microseconds
 * @param esterror estimated error for ADJ_ESTERROR in microseconds
 * @param status STA_* bits for ADJ_STATUS
 * @param constant PLL time constant for ADJ_TIMECONST, or the TAI offset for ADJ_TAI
 * @param timeSec seconds of the ADJ_SETOFFSET step (any sign)
 * @param timeFrac {@code time.tv_usec}: sub-second part of the step, 0 &lt;= frac &lt; 10^6 (us) or
 *     10^9 (ns, with ADJ_NANO)
 */
public record Timex(
        int modes,
        long offset,
        long freq,
        long maxerror,
        long esterror,
        int status,
        long constant,
        long timeSec,
        long timeFrac) {

    public static final int ADJ_OFFSET = 0x0001;
    public static final int ADJ_FREQUENCY = 0x0002;
    public static final int ADJ_MAXERROR = 0x0004;
    public static final int ADJ_ESTERROR = 0x0008;
    public static final int ADJ_STATUS = 0x0010;
    public static final int ADJ_TIMECONST = 0x0020;
    public static final int ADJ_TAI = 0x0080;
    public static final int ADJ_SETOFFSET = 0x0100;
    public static final int ADJ_MICRO = 0x1000;
    public static final int ADJ_NANO = 0x2000;
    public static final int ADJ_TICK = 0x4000;
    /** ADJ_ADJTIME: the bit that makes a request an old-style adjtime() (ADJ_OFFSET_SINGLESHOT = 0x8001). */
    public static final int ADJ_ADJTIME = 0x8000;

    /** Every mode bit this model implements. */
    public static final int SUPPORTED_MODES = ADJ_OFFSET
            | ADJ_FREQUENCY
            | ADJ_MAXERROR
            | ADJ_ESTERROR
            | ADJ_STATUS
            | ADJ_TIMECONST
            | ADJ_TAI
            | ADJ_SETOFFSET
            | ADJ_MICRO
            | ADJ_NANO;

    /** A request with {@code modes = 0}: reads the state and changes nothing. */
    public static Timex read() {
        return new Timex(0, 0, 0, 0, 0, 0, 0, 0, 0);
    }

    /** A builder that starts from {@code modes = 0}. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link Timex}; each setter also sets its ADJ_* bit. */
    public static final class Builder {
        private int modes;
        private long offset;
        private long freq;
        private long maxerror;
        private long esterror;
        private int status;
        private long constant;
        private long timeSec;
        private long timeFrac;

        private Builder() {}

        /** ADJ_OFFSET: slew by {@code offset} us (ns if STA_NANO is or becomes set). */
        public Builder offset(long offset) {
            modes |= ADJ_OFFSET;
            this.offset = offset;
            return this;
        }

        /** ADJ_FREQUENCY: {@code freqScaledPpm} in 2^-16 ppm. */
        public Builder frequency(long freqScaledPpm) {
            modes |= ADJ_FREQUENCY;
            this.freq = freqScaledPpm;
            return this;
        }

        /** ADJ_MAXERROR in microseconds. */
        public Builder maxError(long maxErrorUs) {
            modes |= ADJ_MAXERROR;
            this.maxerror = maxErrorUs;
            return this;
        }

        /** ADJ_ESTERROR in microseconds. */
        public Builder estError(long estErrorUs) {
            modes |= ADJ_ESTERROR;
            this.esterror = estErrorUs;
            return this;
        }

        /** ADJ_STATUS: the new STA_* bits. */
        public Builder status(int status) {
            modes |= ADJ_STATUS;
            this.status = status;
            return this;
        }

        /** ADJ_TIMECONST: PLL time constant (shares the {@code constant} field with ADJ_TAI). */
        public Builder timeConstant(long constant) {
            modes |= ADJ_TIMECONST;
            this.constant = constant;
            return this;
        }

        /** ADJ_TAI: TAI - UTC in seconds (shares the {@code constant} field with ADJ_TIMECONST). */
        public Builder taiOffset(long taiSeconds) {
            modes |= ADJ_TAI;
            this.constant = taiSeconds;
            return this;
        }

        /** ADJ_SETOFFSET | ADJ_NANO: step the clock by {@code seconds} + {@code nanos} (0..999_999_999). */
        public Builder setOffsetNanos(long seconds, long nanos) {
            modes |= ADJ_SETOFFSET | ADJ_NANO;
            this.timeSec = seconds;
            this.timeFrac = nanos;
            return this;
        }

        /** ADJ_SETOFFSET without ADJ_NANO: step by {@code seconds} + {@code micros} (0..999_999). */
        public Builder setOffsetMicros(long seconds, long micros) {
            modes |= ADJ_SETOFFSET;
            modes &= ~ADJ_NANO;
            this.timeSec = seconds;
            this.timeFrac = micros;
            return this;
        }

        /** ADJ_NANO: nanosecond resolution from now on (sets STA_NANO). */
        public Builder nano() {
            modes |= ADJ_NANO;
            return this;
        }

        /** ADJ_MICRO: microsecond resolution from now on (clears STA_NANO). */
        public Builder micro() {
            modes |= ADJ_MICRO;
            return this;
        }

        /** ORs raw mode bits in, e.g. to build a deliberately bad request. */
        public Builder rawModes(int bits) {
            modes |= bits;
            return this;
        }

        public Timex build() {
            return new Timex(modes, offset, freq, maxerror, esterror, status, constant, timeSec, timeFrac);
        }
    }
}
