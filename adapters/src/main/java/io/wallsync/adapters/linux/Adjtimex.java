package io.wallsync.adapters.linux;

import io.wallsync.core.time.ClockState;
import io.wallsync.core.time.Discipline;
import io.wallsync.core.time.TimexResult;
import io.wallsync.core.time.TimexValues;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * adjtimex(2) with {@code modes = 0}: reads the kernel's NTP state and changes nothing. This class
 * has no way to pass another mode: wallsync never adjusts the host clock.
 *
 * <pre>
 *  struct timex on LP64 (include/uapi/linux/timex.h), the fields read here:
 *  offset  size  field
 *  0       u32   modes       written as 0: read only
 *  8       long  offset      remaining phase offset, us (ns with STA_NANO)
 *  16      long  freq        frequency, scaled ppm (2^-16 ppm)
 *  24      long  maxerror    maximum error, microseconds
 *  32      long  esterror    estimated error, microseconds
 *  40      int   status      STA_* bits
 *  48      long  constant    PLL time constant
 *  56      long  precision   clock precision, us
 *  64      long  tolerance   frequency tolerance, scaled ppm
 *  72      long  time.tv_sec CLOCK_REALTIME seconds
 *  80      long  time.tv_usec sub-second part, us (ns with STA_NANO)
 *  160     int   tai         TAI - UTC, seconds
 *  208           sizeof(struct timex)
 * </pre>
 */
public final class Adjtimex implements AutoCloseable {
    static final long MODES_OFFSET = 0;
    static final long OFFSET_OFFSET = 8;
    static final long FREQ_OFFSET = 16;
    static final long MAXERROR_OFFSET = 24;
    static final long ESTERROR_OFFSET = 32;
    static final long STATUS_OFFSET = 40;
    static final long CONSTANT_OFFSET = 48;
    static final long PRECISION_OFFSET = 56;
    static final long TOLERANCE_OFFSET = 64;
    static final long TIME_SEC_OFFSET = 72;
    static final long TIME_FRAC_OFFSET = 80;
    static final long TICK_OFFSET = 88;
    static final long TAI_OFFSET = 160;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment timex = arena.allocate(Libc.TIMEX_SIZE, 8);
    private final MemorySegment captureState = Libc.captureState(arena);
    private final MemorySegment oldDelta = arena.allocate(16, 8);

    /** One read of the kernel's NTP state, in the core's adjtimex vocabulary. */
    public TimexResult.Done read() {
        timex.fill((byte) 0);
        // modes = 0 (already zero after the fill; written explicitly because it is the one field
        // that decides whether this call only reads).
        timex.set(ValueLayout.JAVA_INT, MODES_OFFSET, 0);
        int rc;
        try {
            rc = (int) Libc.ADJTIMEX.invokeExact(captureState, timex);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc == -1) {
            throw new LinuxCallFailed("adjtimex(modes=0)", Libc.errno(captureState));
        }
        return new TimexResult.Done(
                ClockState.ofLinuxValue(rc),
                new TimexValues(
                        timex.get(ValueLayout.JAVA_LONG, OFFSET_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, FREQ_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, MAXERROR_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, ESTERROR_OFFSET),
                        timex.get(ValueLayout.JAVA_INT, STATUS_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, CONSTANT_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, PRECISION_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, TOLERANCE_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, TIME_SEC_OFFSET),
                        timex.get(ValueLayout.JAVA_LONG, TIME_FRAC_OFFSET),
                        timex.get(ValueLayout.JAVA_INT, TAI_OFFSET)));
    }

    /**
     * The kernel's rate discipline: adjtimex(modes = 0) (tick, freq, offset, status, constant) and
     * what adjtime(2) still has to slew. The latter is asked with {@code adjtime(NULL, &old)}, which
     * glibc turns into adjtimex(ADJ_OFFSET_SS_READ): read-only (kernel/time/timekeeping.c
     * timekeeping_validate_timex requires CAP_SYS_TIME only without ADJ_OFFSET_READONLY, and
     * __do_adjtimex leaves time_adjust alone with it), so it changes nothing.
     */
    public Discipline discipline() {
        TimexResult.Done done = read();
        long tick = timex.get(ValueLayout.JAVA_LONG, TICK_OFFSET);
        TimexValues v = done.values();
        return new Discipline(done.state(), v.status(), tick, v.freq(), v.offset(), v.constant(), singleshotUs());
    }

    private long singleshotUs() {
        oldDelta.fill((byte) 0);
        int rc;
        try {
            rc = (int) Libc.ADJTIME.invokeExact(captureState, MemorySegment.NULL, oldDelta);
        } catch (Throwable t) {
            throw Libc.rethrow(t);
        }
        if (rc == -1) {
            throw new LinuxCallFailed("adjtime(NULL, &olddelta)", Libc.errno(captureState));
        }
        // struct timeval {tv_sec, tv_usec}: glibc normalises a negative delta to tv_sec < 0, 0 <= tv_usec.
        return oldDelta.get(ValueLayout.JAVA_LONG, 0) * 1_000_000L + oldDelta.get(ValueLayout.JAVA_LONG, 8);
    }

    @Override
    public void close() {
        arena.close();
    }
}
