package io.wallsync.core.time;

import static io.wallsync.core.time.TimexStatus.STA_DEL;
import static io.wallsync.core.time.TimexStatus.STA_INS;
import static io.wallsync.core.time.TimexStatus.STA_NANO;
import static io.wallsync.core.time.TimexStatus.STA_UNSYNC;

import io.wallsync.core.notify.NotifierBlock;
import io.wallsync.core.notify.NotifierChain;
import io.wallsync.core.notify.Registration;
import io.wallsync.core.port.HostClock;
import io.wallsync.core.port.HostSample;
import io.wallsync.core.port.LeapIndicator;
import io.wallsync.core.port.MonotonicClock;
import io.wallsync.core.port.SyncState;
import java.util.Objects;

/**
 * A host kernel's timekeeper, modelled on Linux kernel/time/timekeeping.c and kernel/time/ntp.c.
 *
 * <h2>State</h2>
 *
 * <pre>
 *  field               Linux                       meaning
 *  cycleLastNs         tkr_mono.cycle_last         clocksource reading at the last accumulation
 *  xtimeNs             xtime_sec + xtime_nsec      CLOCK_REALTIME at cycleLastNs
 *  wallToMonotonicNs   wall_to_monotonic           MONOTONIC - REALTIME, always &lt;= 0
 *  offsBootNs          offs_boot                   BOOTTIME - MONOTONIC: total injected sleep
 *  taiOffsetSeconds    tai_offset                  TAI - REALTIME
 *  freqRemainder       (ntp_error)                 sub-ns part of the frequency correction
 *  slewRemainder       -                           sub-ns part of the offset slew
 *  clockWasSetSeq      clock_was_set_seq           one per clock_was_set
 * </pre>
 *
 * <h2>Reading and ticking</h2>
 *
 * Reading never changes state: {@code realtimeNs()} is {@code xtimeNs} plus the clocksource time
 * elapsed since {@code cycleLastNs}, corrected by the NTP frequency and the offset slew (exact
 * integer arithmetic, see {@link ScaledAdjust}). MONOTONIC is REALTIME + wall_to_monotonic, so it
 * runs at the same corrected rate but is never stepped; MONOTONIC_RAW is the uncorrected
 * clocksource. {@link #tick()} ({@code update_wall_time()}) accumulates that elapsed time, runs
 * {@code second_overflow()} for every second REALTIME enters (maxerror growth, leap seconds), and
 * runs the gtod chain with {@code was_set = false} — or, if a leap second was applied, with {@code
 * was_set = true} followed by the <em>delayed</em> clock_was_set.
 *
 * <h2>Steps</h2>
 *
 * Every step first accumulates the elapsed time (so the step applies at "now"), then changes the
 * clocks, then calls clock_was_set: {@link #clockWasSetSeq()} is incremented, the gtod chain runs
 * with {@code was_set = true} and the clock_was_set chain gets a {@link ClockWasSetEvent}.
 *
 * <pre>
 *  step                     REALTIME   MONOTONIC  BOOTTIME   TAI        NTP state
 *  settimeofday(t)          = t        -          -          = t + tai  ntp_clear()
 *  injectOffset(d)          + d        -          -          + d        ntp_clear()
 *  adjtimex ADJ_SETOFFSET   + d        -          -          + d        ntp_clear()
 *  setTaiOffset(s)          -          -          -          = R + s    -
 *  injectSleepTime(s)       + s        -          + s        + s        ntp_clear()
 *  leap insert (tick)       - 1 s      -          -          -          TIME_OOP (tai + 1)
 *  leap delete (tick)       + 1 s      -          -          -          TIME_WAIT (tai - 1)
 * </pre>
 *
 * Steps that would put REALTIME below MONOTONIC (a positive wall_to_monotonic) or outside
 * [0, TIME_SETTOD_SEC_MAX) seconds are refused with {@link StepResult.Rejected}, like the -EINVAL
 * of do_settimeofday64() and timekeeping_inject_offset().
 *
 * <h2>Threads</h2>
 *
 * None. The core is single-threaded: callers serialise every call, as the kernel serialises
 * timekeeper updates with the timekeeping lock. Notifier blocks run synchronously inside the call
 * that triggered them.
 */
public final class Timekeeper implements HostClock {
    static final long NSEC_PER_SEC = 1_000_000_000L;

    /**
     * TIME_SETTOD_SEC_MAX (include/linux/time64.h) = KTIME_SEC_MAX - TIME_UPTIME_SEC_MAX =
     * 9_223_372_036 - 30 * 365 * 86_400: the first second settimeofday refuses (year 2232).
     */
    public static final long TIME_SETTOD_SEC_MAX = 9_223_372_036L - 30L * 365 * 86_400;

    /** Largest TAI offset accepted (MAX_TAI_OFFSET in kernel/time/ntp.c). */
    public static final int MAX_TAI_OFFSET = NtpState.MAX_TAI_OFFSET;

    /** NTP_PHASE_LIMIT in us: maxerror saturates here and STA_UNSYNC is set. */
    public static final long NTP_PHASE_LIMIT_US = NtpState.NTP_PHASE_LIMIT_US;

    /** Largest frequency correction, scaled ppm (500 ppm). */
    public static final long MAXFREQ_SCALED_PPM = NtpState.MAXFREQ_SCALED_PPM;

    private final MonotonicClock clocksource;
    private final long clocksourceAtStartNs;
    private final NtpState ntp;
    private final NotifierChain<GtodEvent> gtodChain = new NotifierChain<>();
    private final NotifierChain<ClockWasSetEvent> clockWasSetChain = new NotifierChain<>();

    private long cycleLastNs;
    private long xtimeNs;
    private long wallToMonotonicNs;
    private long offsBootNs;
    private int taiOffsetSeconds;
    private long freqRemainder;
    private long slewRemainder;
    private long clockWasSetSeq;
    private long tickCount;

    /**
     * Starts the timekeeper ({@code timekeeping_init()}): MONOTONIC, BOOTTIME and RAW start at 0,
     * REALTIME at {@code initialRealtimeNs} (what the RTC said at boot), the TAI offset at 0, NTP
     * unsynchronised (STA_UNSYNC, maxerror = esterror = NTP_PHASE_LIMIT).
     *
     * @param clocksourceNs the clocksource in ns; it may drift from true time, the timekeeper does
     *     not know; readings that go backwards count as no elapsed time
     * @param initialRealtimeNs CLOCK_REALTIME at the first clocksource reading, in [0,
     *     TIME_SETTOD_SEC_MAX) seconds
     */
    public Timekeeper(MonotonicClock clocksourceNs, long initialRealtimeNs) {
        this(clocksourceNs, initialRealtimeNs, false);
    }

    /**
     * As {@link #Timekeeper(MonotonicClock, long)}, for a kernel built with {@code
     * CONFIG_NTP_PPS=y} when {@code configNtpPps}: adjtimex then also reports TIME_ERROR for the PPS
     * conditions of {@code is_error_status} (see {@link #isErrorStatus}). Distribution kernels
     * cannot have it (drivers/pps/Kconfig: {@code depends on !NO_HZ_COMMON}, and they are tickless),
     * so the two-argument constructor models {@code CONFIG_NTP_PPS} unset.
     */
    public Timekeeper(MonotonicClock clocksourceNs, long initialRealtimeNs, boolean configNtpPps) {
        this.ntp = new NtpState(configNtpPps);
        this.clocksource = Objects.requireNonNull(clocksourceNs, "clocksourceNs");
        if (!validSettod(initialRealtimeNs)) {
            throw new IllegalArgumentException("initialRealtimeNs must be in [0, " + TIME_SETTOD_SEC_MAX
                    + " s) since the Unix epoch, got " + initialRealtimeNs + " ns");
        }
        this.clocksourceAtStartNs = clocksource.nanos();
        this.cycleLastNs = clocksourceAtStartNs;
        this.xtimeNs = initialRealtimeNs;
        this.wallToMonotonicNs = -initialRealtimeNs;
    }

    /**
     * kernel/time/ntp.c {@code is_error_status(status)}: with {@code CONFIG_NTP_PPS}
     *
     * <pre>
     *   return (status &amp; (STA_UNSYNC|STA_CLOCKERR))
     *       || ((status &amp; (STA_PPSFREQ|STA_PPSTIME)) &amp;&amp; !(status &amp; STA_PPSSIGNAL))
     *       || ((status &amp; (STA_PPSTIME|STA_PPSJITTER)) == (STA_PPSTIME|STA_PPSJITTER))
     *       || ((status &amp; STA_PPSFREQ) &amp;&amp; (status &amp; (STA_PPSWANDER|STA_PPSERROR)));
     * </pre>
     *
     * and without it {@code return status & (STA_UNSYNC|STA_CLOCKERR);}.
     */
    public static boolean isErrorStatus(int status, boolean configNtpPps) {
        return NtpState.isErrorStatus(status, configNtpPps);
    }

    // ---------------------------------------------------------------- reading

    /** CLOCK_REALTIME now, ns since the Unix epoch. */
    @Override
    public long realtimeNs() {
        return xtimeNs + correctedElapsedNs(clocksource.nanos());
    }

    /** CLOCK_MONOTONIC now: NTP-corrected, never stepped, 0 at start. */
    public long monotonicNs() {
        return xtimeNs + wallToMonotonicNs + correctedElapsedNs(clocksource.nanos());
    }

    /** CLOCK_REALTIME and CLOCK_MONOTONIC from one clocksource reading. */
    @Override
    public HostSample sample() {
        long elapsedNs = correctedElapsedNs(clocksource.nanos());
        return new HostSample(xtimeNs + elapsedNs, xtimeNs + wallToMonotonicNs + elapsedNs);
    }

    /** CLOCK_BOOTTIME now: monotonic plus every injected sleep. */
    public long boottimeNs() {
        return monotonicNs() + offsBootNs;
    }

    /** CLOCK_TAI now: realtime plus the TAI offset. */
    public long taiNs() {
        return realtimeNs() + taiOffsetSeconds * NSEC_PER_SEC;
    }

    /** CLOCK_MONOTONIC_RAW now: clocksource ns since start, no NTP correction. */
    public long rawNs() {
        return Math.max(clocksource.nanos(), cycleLastNs) - clocksourceAtStartNs;
    }

    /** TAI - UTC in seconds. */
    public int taiOffsetSeconds() {
        return taiOffsetSeconds;
    }

    /** The NTP frequency correction, scaled ppm (2^-16 ppm). */
    public long frequencyScaledPpm() {
        return ntp.frequencyScaledPpm();
    }

    /** STA_* bits. */
    public int status() {
        return ntp.status();
    }

    /** What adjtimex(modes = 0) would return now. */
    public ClockState clockState() {
        return ntp.adjtimexState();
    }

    /** Phase offset still to be slewed now, ns (signed). */
    public long pendingOffsetNs() {
        long elapsedNs = Math.max(0, clocksource.nanos() - cycleLastNs);
        return ntp.pendingOffsetNs()
                - ScaledAdjust.slewAppliedNs(
                        ntp.pendingOffsetNs(), ScaledAdjust.slewCapacityNs(elapsedNs, slewRemainder));
    }

    /** How many clock_was_set events happened (tk->clock_was_set_seq). */
    public long clockWasSetSeq() {
        return clockWasSetSeq;
    }

    /** How many times {@link #tick()} ran. */
    public long tickCount() {
        return tickCount;
    }

    /**
     * The discipline as {@link Discipline} sees a kernel: this model slews a pending phase offset at
     * a fixed 500 ppm (see {@link ScaledAdjust}), which is exactly adjtime's slew, so the pending
     * offset is reported as {@code singleshotUs} (rounded away from zero) and the PLL offset as 0.
     * The tick is not modelled: nominal.
     */
    @Override
    public Discipline discipline() {
        long pendingNs = pendingOffsetNs();
        long pendingUs = pendingNs == 0 ? 0 : Long.signum(pendingNs) * ((Math.abs(pendingNs) + 999) / 1000);
        return new Discipline(
                clockState(), ntp.status(), 10_000, ntp.frequencyScaledPpm(), 0, ntp.timeConstant(), pendingUs);
    }

    @Override
    public SyncState syncState() {
        int status = ntp.status();
        LeapIndicator leap = (status & STA_INS) != 0
                ? LeapIndicator.INSERT
                : (status & STA_DEL) != 0 ? LeapIndicator.DELETE : LeapIndicator.NONE;
        return new SyncState((status & STA_UNSYNC) == 0, ntp.maxErrorUs(), ntp.estErrorUs(), taiOffsetSeconds, leap);
    }

    /**
     * The timekeeper as of its last update (what a gtod notifier sees): all clocks at {@code
     * cycle_last}. Does not read the clocksource.
     */
    public TimekeeperSnapshot snapshot() {
        return snapshotAt(cycleLastNs, xtimeNs);
    }

    /** All clocks at one fresh clocksource reading, without changing any state. */
    public TimekeeperSnapshot snapshotNow() {
        long now = Math.max(clocksource.nanos(), cycleLastNs);
        return snapshotAt(now, xtimeNs + correctedElapsedNs(now));
    }

    private TimekeeperSnapshot snapshotAt(long clocksourceNs, long realtimeNs) {
        long monotonicNs = realtimeNs + wallToMonotonicNs;
        return new TimekeeperSnapshot(
                clocksourceNs,
                realtimeNs,
                monotonicNs,
                monotonicNs + offsBootNs,
                taiOffsetSeconds,
                clocksourceNs - clocksourceAtStartNs,
                ntp.frequencyScaledPpm(),
                ntp.status(),
                ntp.maxErrorUs(),
                ntp.estErrorUs(),
                clockWasSetSeq);
    }

    // ---------------------------------------------------------------- notifier chains

    /** The pvclock_gtod chain: every tick (was_set = false) and every step (was_set = true). */
    public NotifierChain<GtodEvent> gtodChain() {
        return gtodChain;
    }

    /** Receives one {@link ClockWasSetEvent} per clock_was_set / clock_was_set_delayed. */
    public NotifierChain<ClockWasSetEvent> clockWasSetChain() {
        return clockWasSetChain;
    }

    /**
     * {@code pvclock_gtod_register_notifier()}: adds {@code block} to the gtod chain and then runs
     * the chain at once with {@code was_set = true} ({@code update_pvclock_gtod(tk, true)}), so the
     * new block learns the current state without waiting for a tick. As in Linux the whole chain
     * runs, so blocks registered earlier see that call too.
     */
    public Registration<GtodEvent> registerGtodNotifier(NotifierBlock<GtodEvent> block, int priority) {
        Registration<GtodEvent> registration = gtodChain.register(block, priority);
        gtodChain.call(new GtodEvent(true, snapshot()));
        return registration;
    }

    // ---------------------------------------------------------------- tick

    /**
     * {@code update_wall_time()}: accumulates the clocksource time elapsed since the last update,
     * handles every second boundary crossed (maxerror, leap second), then notifies the gtod chain.
     *
     * @return the event the gtod chain received ({@code wasSet} true only if a leap second was applied)
     */
    public GtodEvent tick() {
        tickCount++;
        ClockWasSetEvent leap = accumulate();
        if (leap != null) {
            return new GtodEvent(true, leap.snapshot());
        }
        GtodEvent event = new GtodEvent(false, snapshot());
        gtodChain.call(event);
        return event;
    }

    // ---------------------------------------------------------------- steps

    /**
     * {@code do_settimeofday64()}: sets CLOCK_REALTIME to {@code realtimeNs}. MONOTONIC and BOOTTIME
     * do not move; NTP state is cleared (STA_UNSYNC).
     */
    public StepResult settimeofday(long realtimeNs) {
        if (!validSettod(realtimeNs)) {
            return new StepResult.Rejected("settimeofday: realtimeNs must be in [0, " + TIME_SETTOD_SEC_MAX
                    + " s) since the Unix epoch, got " + realtimeNs + " ns");
        }
        accumulate();
        long deltaNs = realtimeNs - xtimeNs;
        if (deltaNs < wallToMonotonicNs) {
            return new StepResult.Rejected(belowMonotonic("settimeofday", realtimeNs));
        }
        xtimeNs = realtimeNs;
        wallToMonotonicNs -= deltaNs;
        clearNtp();
        return new StepResult.Stepped(clockWasSet(ClockWasSetReason.SETTIMEOFDAY, deltaNs));
    }

    /**
     * {@code timekeeping_inject_offset()}: adds {@code deltaNs} (any sign) to CLOCK_REALTIME (and
     * TAI). MONOTONIC and BOOTTIME do not move; NTP state is cleared.
     */
    public StepResult injectOffset(long deltaNs) {
        return injectOffset(deltaNs, ClockWasSetReason.INJECT_OFFSET);
    }

    private StepResult injectOffset(long deltaNs, ClockWasSetReason reason) {
        accumulate();
        String what = reason == ClockWasSetReason.ADJTIMEX_SETOFFSET ? "adjtimex ADJ_SETOFFSET" : "injectOffset";
        if (deltaNs < wallToMonotonicNs) {
            return new StepResult.Rejected(
                    belowMonotonic(what + " by " + deltaNs + " ns", saturatingAdd(xtimeNs, deltaNs)));
        }
        long target = saturatingAdd(xtimeNs, deltaNs);
        if (!validSettod(target) || target - deltaNs != xtimeNs) {
            return new StepResult.Rejected(what + ": realtime " + xtimeNs + " ns + " + deltaNs + " ns leaves [0, "
                    + TIME_SETTOD_SEC_MAX + " s)");
        }
        xtimeNs = target;
        wallToMonotonicNs -= deltaNs;
        clearNtp();
        return new StepResult.Stepped(clockWasSet(reason, deltaNs));
    }

    /**
     * {@code timekeeping_set_tai_offset()}: sets TAI - UTC. Only CLOCK_TAI moves; Linux still calls
     * clock_was_set, because TAI timers must be re-evaluated.
     *
     * @param seconds new offset, 0..{@link #MAX_TAI_OFFSET}
     */
    public StepResult setTaiOffset(int seconds) {
        if (seconds < 0 || seconds > MAX_TAI_OFFSET) {
            return new StepResult.Rejected(
                    "setTaiOffset: seconds must be in [0, " + MAX_TAI_OFFSET + "], got " + seconds);
        }
        accumulate();
        taiOffsetSeconds = seconds;
        return new StepResult.Stepped(clockWasSet(ClockWasSetReason.SET_TAI_OFFSET, 0));
    }

    /**
     * {@code timekeeping_inject_sleeptime64()}: the machine slept {@code sleepNs} without the
     * clocksource counting it. REALTIME, TAI and BOOTTIME advance by it; MONOTONIC does not. NTP
     * state is cleared.
     */
    public StepResult injectSleepTime(long sleepNs) {
        if (sleepNs < 0) {
            return new StepResult.Rejected("injectSleepTime: sleepNs must be >= 0, got " + sleepNs);
        }
        accumulate();
        long target = saturatingAdd(xtimeNs, sleepNs);
        if (!validSettod(target)) {
            return new StepResult.Rejected("injectSleepTime: realtime " + xtimeNs + " ns + " + sleepNs
                    + " ns leaves [0, " + TIME_SETTOD_SEC_MAX + " s)");
        }
        xtimeNs = target;
        wallToMonotonicNs -= sleepNs;
        offsBootNs += sleepNs;
        clearNtp();
        return new StepResult.Stepped(clockWasSet(ClockWasSetReason.INJECT_SLEEP_TIME, sleepNs));
    }

    // ---------------------------------------------------------------- adjtimex

    /**
     * {@code do_adjtimex()}: validates the request, applies ADJ_SETOFFSET as a step, then the other
     * modes in the order of {@code process_adjtimex_modes()}, and answers with the clock state and
     * the timex fields.
     *
     * <ul>
     *   <li>A changed TAI offset (ADJ_TAI) is a step: clock_was_set with {@link
     *       ClockWasSetReason#ADJTIMEX_TAI}.
     *   <li>ADJ_FREQUENCY takes effect at once: time elapsed so far is accumulated at the old rate,
     *       then the gtod chain runs with was_set = false ({@code timekeeping_advance(TK_ADV_FREQ)}).
     *   <li>ADJ_OFFSET needs STA_PLL (else it is ignored, as in Linux); the offset is then slewed at
     *       500 ppm of elapsed clocksource time until it is used up.
     * </ul>
     *
     * Refused with {@link TimexResult.Invalid} (nothing changed): mode bits outside {@link
     * Timex#SUPPORTED_MODES}, ADJ_SETOFFSET with a sub-second part outside [0, 10^6) us or [0, 10^9)
     * ns or a step the clock cannot take, ADJ_FREQUENCY beyond the kernel's overflow bound
     * (|freq| &gt; LLONG_MAX / PPM_SCALE). Frequencies inside that bound but beyond 500 ppm are
     * clamped, as Linux clamps them.
     */
    public TimexResult adjtimex(Timex txc) {
        Objects.requireNonNull(txc, "txc");
        TimexResult.Invalid invalid = validate(txc);
        if (invalid != null) {
            return invalid;
        }
        int modes = txc.modes();
        if ((modes & Timex.ADJ_SETOFFSET) != 0) {
            long fracNs = (modes & Timex.ADJ_NANO) != 0 ? txc.timeFrac() : txc.timeFrac() * NtpState.NSEC_PER_USEC;
            long deltaNs;
            try {
                deltaNs = Math.addExact(Math.multiplyExact(txc.timeSec(), NSEC_PER_SEC), fracNs);
            } catch (ArithmeticException e) {
                return TimexResult.Invalid.einval(
                        "ADJ_SETOFFSET: time.tv_sec " + txc.timeSec() + " s does not fit a 64-bit nanosecond step");
            }
            if (injectOffset(deltaNs, ClockWasSetReason.ADJTIMEX_SETOFFSET) instanceof StepResult.Rejected r) {
                return TimexResult.Invalid.einval(r.reason());
            }
        }
        if ((modes & (Timex.ADJ_FREQUENCY | Timex.ADJ_OFFSET)) != 0) {
            // The elapsed time belongs to the old rate; only what follows uses the new one. A leap
            // second applied here is signalled with a plain clock_was_set(), not the delayed one:
            // do_adjtimex: "clock_set |= timekeeping_advance(TK_ADV_FREQ); if (clock_set)
            // clock_was_set(CLOCK_SET_WALL);" (kernel/time/timekeeping.c).
            accumulate(false);
        }
        int oldTai = taiOffsetSeconds;
        int newTai = ntp.applyModes(txc, oldTai);
        if ((modes & Timex.ADJ_OFFSET) != 0) {
            slewRemainder = 0;
        }
        if (newTai != oldTai) {
            taiOffsetSeconds = newTai;
            clockWasSet(ClockWasSetReason.ADJTIMEX_TAI, 0);
        }
        if ((modes & Timex.ADJ_FREQUENCY) != 0) {
            gtodChain.call(new GtodEvent(false, snapshot()));
        }
        return new TimexResult.Done(ntp.adjtimexState(), timexValues());
    }

    private static TimexResult.Invalid validate(Timex txc) {
        int modes = txc.modes();
        if ((modes & Timex.ADJ_ADJTIME) != 0) {
            return TimexResult.Invalid.einval(String.format(
                    "modes 0x%x: ADJ_ADJTIME (0x8000, adjtime()/ADJ_OFFSET_SINGLESHOT) is not modelled; "
                            + "use ADJ_OFFSET with STA_PLL",
                    modes));
        }
        if ((modes & Timex.ADJ_TICK) != 0) {
            return TimexResult.Invalid.einval(
                    String.format("modes 0x%x: ADJ_TICK (0x4000) is not modelled; use ADJ_FREQUENCY", modes));
        }
        int unknown = modes & ~Timex.SUPPORTED_MODES;
        if (unknown != 0) {
            return TimexResult.Invalid.einval(String.format(
                    "modes 0x%x: unknown mode bits 0x%x; supported are 0x%x (ADJ_OFFSET, ADJ_FREQUENCY, "
                            + "ADJ_MAXERROR, ADJ_ESTERROR, ADJ_STATUS, ADJ_TIMECONST, ADJ_TAI, ADJ_SETOFFSET, "
                            + "ADJ_MICRO, ADJ_NANO)",
                    modes, unknown, Timex.SUPPORTED_MODES));
        }
        if ((modes & Timex.ADJ_SETOFFSET) != 0) {
            boolean nano = (modes & Timex.ADJ_NANO) != 0;
            long limit = nano ? NSEC_PER_SEC : 1_000_000L;
            if (txc.timeFrac() < 0 || txc.timeFrac() >= limit) {
                return TimexResult.Invalid.einval("ADJ_SETOFFSET: time.tv_usec " + txc.timeFrac() + " must be in [0, "
                        + limit + ") " + (nano ? "ns (ADJ_NANO)" : "us (no ADJ_NANO)"));
            }
        }
        if ((modes & Timex.ADJ_FREQUENCY) != 0) {
            long bound = Long.MAX_VALUE / NtpState.PPM_SCALE;
            if (txc.freq() < Long.MIN_VALUE / NtpState.PPM_SCALE || txc.freq() > bound) {
                return TimexResult.Invalid.einval("ADJ_FREQUENCY: freq " + txc.freq()
                        + " scaled ppm overflows freq * PPM_SCALE; must be within +-" + bound
                        + " (values beyond +-" + NtpState.MAXFREQ_SCALED_PPM + " = 500 ppm are clamped)");
            }
        }
        return null;
    }

    private TimexValues timexValues() {
        long nowNs = realtimeNs();
        long sec = Math.floorDiv(nowNs, NSEC_PER_SEC);
        long nsec = Math.floorMod(nowNs, NSEC_PER_SEC);
        boolean nano = (ntp.status() & STA_NANO) != 0;
        long offsetNs = pendingOffsetNs();
        return new TimexValues(
                nano ? offsetNs : offsetNs / NtpState.NSEC_PER_USEC,
                ntp.frequencyScaledPpm(),
                ntp.maxErrorUs(),
                ntp.estErrorUs(),
                ntp.status(),
                ntp.timeConstant(),
                1,
                NtpState.MAXFREQ_SCALED_PPM,
                sec,
                nano ? nsec : nsec / NtpState.NSEC_PER_USEC,
                taiOffsetSeconds);
    }

    // ---------------------------------------------------------------- internals

    /**
     * Clocksource ns elapsed since cycle_last, with the frequency correction and the offset slew,
     * without committing anything.
     */
    private long correctedElapsedNs(long nowNs) {
        long elapsedNs = Math.max(0, nowNs - cycleLastNs);
        long freqNs = ScaledAdjust.frequencyCorrectionNs(elapsedNs, ntp.frequencyScaledPpm(), freqRemainder);
        long slewNs = ScaledAdjust.slewAppliedNs(
                ntp.pendingOffsetNs(), ScaledAdjust.slewCapacityNs(elapsedNs, slewRemainder));
        return elapsedNs + freqNs + slewNs;
    }

    /**
     * {@code timekeeping_advance()}: commits the elapsed time, then runs second_overflow() for each
     * second boundary REALTIME crossed. If that applied a leap second, signals it (gtod chain with
     * was_set = true, then the delayed clock_was_set) and returns the event; else returns null.
     */
    private ClockWasSetEvent accumulate() {
        return accumulate(true);
    }

    /**
     * @param fromTick true when the kernel would signal a leap applied here with {@code
     *     clock_was_set_delayed()} (update_wall_time's {@code if (timekeeping_advance(TK_ADV_TICK))
     *     clock_was_set_delayed();}), false for do_adjtimex's plain {@code clock_was_set()}
     */
    private ClockWasSetEvent accumulate(boolean fromTick) {
        long nowNs = clocksource.nanos();
        long elapsedNs = Math.max(0, nowNs - cycleLastNs);
        long freqNs = ScaledAdjust.frequencyCorrectionNs(elapsedNs, ntp.frequencyScaledPpm(), freqRemainder);
        freqRemainder = ScaledAdjust.frequencyRemainder(elapsedNs, ntp.frequencyScaledPpm(), freqRemainder);
        long slewNs = ScaledAdjust.slewAppliedNs(
                ntp.pendingOffsetNs(), ScaledAdjust.slewCapacityNs(elapsedNs, slewRemainder));
        ntp.consumeOffsetNs(slewNs);
        slewRemainder = ntp.pendingOffsetNs() == 0 ? 0 : ScaledAdjust.slewRemainder(elapsedNs, slewRemainder);
        cycleLastNs += elapsedNs;

        long second = Math.floorDiv(xtimeNs, NSEC_PER_SEC);
        xtimeNs += elapsedNs + freqNs + slewNs;
        int leap = 0;
        // accumulate_nsecs_to_secs(): one second_overflow() per second entered, quiet runs in bulk.
        while (second < Math.floorDiv(xtimeNs, NSEC_PER_SEC)) {
            long remaining = Math.floorDiv(xtimeNs, NSEC_PER_SEC) - second;
            long quiet = ntp.quietSeconds(second + 1, remaining);
            if (quiet > 0) {
                ntp.growMaxError(quiet);
                second += quiet;
                continue;
            }
            second++;
            int l = ntp.secondOverflow(second);
            if (l != 0) {
                // leap = -1: 00:00:00 becomes 23:59:59 again (23:59:60); +1: 23:59:59 becomes 00:00:00.
                xtimeNs += l * NSEC_PER_SEC;
                second += l;
                wallToMonotonicNs -= l * NSEC_PER_SEC;
                taiOffsetSeconds -= l;
                leap += l;
            }
        }
        if (leap == 0) {
            return null;
        }
        ClockWasSetReason reason =
                leap < 0 ? ClockWasSetReason.LEAP_SECOND_INSERT : ClockWasSetReason.LEAP_SECOND_DELETE;
        return clockWasSet(reason, leap * NSEC_PER_SEC, fromTick);
    }

    private void clearNtp() {
        ntp.clear();
        slewRemainder = 0;
    }

    /**
     * timekeeping_update(TK_CLOCK_WAS_SET) + clock_was_set(): bumps the sequence, runs the gtod chain
     * with was_set = true, then the clock_was_set chain. (Linux bumps clock_was_set_seq right after
     * the gtod chain under the same lock; bumping first lets the snapshot carry the new value.)
     */
    private ClockWasSetEvent clockWasSet(ClockWasSetReason reason, long realtimeStepNs) {
        return clockWasSet(reason, realtimeStepNs, true);
    }

    private ClockWasSetEvent clockWasSet(ClockWasSetReason reason, long realtimeStepNs, boolean fromTick) {
        clockWasSetSeq++;
        TimekeeperSnapshot snapshot = snapshot();
        gtodChain.call(new GtodEvent(true, snapshot));
        ClockWasSetEvent event =
                new ClockWasSetEvent(clockWasSetSeq, reason, reason.delayed() && fromTick, realtimeStepNs, snapshot);
        clockWasSetChain.call(event);
        return event;
    }

    private static String belowMonotonic(String what, long newRealtimeNs) {
        return what + ": CLOCK_REALTIME would become " + newRealtimeNs
                + " ns, earlier than CLOCK_MONOTONIC allows (wall_to_monotonic must stay <= 0, "
                + "i.e. realtime >= monotonic)";
    }

    /** timespec64_valid_settod(): 0 &lt;= seconds &lt; TIME_SETTOD_SEC_MAX. */
    static boolean validSettod(long realtimeNs) {
        return realtimeNs >= 0 && realtimeNs / NSEC_PER_SEC < TIME_SETTOD_SEC_MAX;
    }

    private static long saturatingAdd(long a, long b) {
        long r = a + b;
        if (((a ^ r) & (b ^ r)) < 0) {
            return b < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        return r;
    }
}
