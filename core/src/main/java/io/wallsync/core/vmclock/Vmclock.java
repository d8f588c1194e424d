package io.wallsync.core.vmclock;

import static io.wallsync.core.vmclock.VmclockLayout.*;

import io.wallsync.core.abi.Segments;
import io.wallsync.core.abi.Seqlock;
import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.port.CycleCounter;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Flyweight over one {@code struct vmclock_abi} ({@link VmclockLayout}, where the table is): the
 * only code that knows its offsets. One getter and one setter per field (single opaque accesses, no
 * ordering of their own), the constant header {@link #initialise}, one seqlock writer
 * {@link #publish} and one reader {@link #read} (the protocol of Linux drivers/ptp/ptp_vmclock.c
 * {@code vmclock_get_crosststamp}: seq_count, rmb, fields and counter, rmb, seq_count again), and
 * the allocation-free fast path {@link #epochNanos}.
 *
 * <p>Wraps the structure's own memory (offset 0 = magic): {@link #ofPage} slices it out of a page
 * v2 at byte {@value VmclockLayout#PAGE_OFFSET}. The segment must hold {@value VmclockLayout#SIZE}
 * bytes and be 8-byte aligned (atomic accesses).
 */
public final class Vmclock {
    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = Seqlock.U32;
    private static final VarHandle U64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** What {@link #epochNanos} returns when it has no time: odd or changed seq_count, or no usable counter. */
    public static final long NO_TIME = Long.MIN_VALUE;

    private final MemorySegment clock;

    /**
     * Wraps the structure.
     *
     * @throws IllegalArgumentException if shorter than the structure or not 8-byte aligned
     */
    public Vmclock(MemorySegment clock) {
        this.clock = Segments.requireAtomicAccess(clock, SIZE, "vmclock_abi");
    }

    /** The structure at byte {@value VmclockLayout#PAGE_OFFSET} of a page v2. */
    public static Vmclock ofPage(MemorySegment page) {
        Segments.requireAtomicAccess(page, (long) PAGE_OFFSET + SIZE, "page v2");
        return new Vmclock(page.asSlice(PAGE_OFFSET, page.byteSize() - PAGE_OFFSET));
    }

    /** The wrapped memory. */
    public MemorySegment segment() {
        return clock;
    }

    /**
     * Writes the constant fields (size, version, counter_id, time_type UTC), then the magic; notes
     * a seq_count a killed writer left odd, which stays odd until the next publish ({@link Seqlock#leftOdd}).
     *
     * @param counterId {@link VmclockLayout#COUNTER_X86_TSC} or {@link VmclockLayout#COUNTER_INVALID}
     * @return true when seq_count had been left odd
     */
    public boolean initialise(int counterId) {
        boolean repaired = Seqlock.leftOdd(clock, SEQ_COUNT_OFFSET);
        size(REGION_SIZE).version(VERSION).counterId(counterId).timeType(TIME_UTC);
        // The magic goes last, with release: a reader that sees it (acquire) sees the header above.
        U32.setRelease(clock, (long) MAGIC_OFFSET, MAGIC);
        return repaired;
    }

    /** Publishes the fields under seq_count: odd, fields, even (see {@link Seqlock}). Single writer. */
    public void publish(VmclockFields f) {
        int odd = Seqlock.beginWrite(clock, SEQ_COUNT_OFFSET);
        disruptionMarker(f.disruptionMarker())
                .flags(f.flags())
                .clockStatus(f.clockStatus())
                .leapSecondSmearingHint(f.leapSecondSmearingHint())
                .taiOffsetSec(f.taiOffsetSec())
                .leapIndicator(f.leapIndicator())
                .counterPeriodShift(f.counterPeriodShift())
                .counterValue(f.counterValue())
                .counterPeriodFracSec(f.counterPeriodFracSec())
                .counterPeriodEsterrorRateFracSec(f.counterPeriodEsterrorRateFracSec())
                .counterPeriodMaxerrorRateFracSec(f.counterPeriodMaxerrorRateFracSec())
                .timeSec(f.timeSec())
                .timeFracSec(f.timeFracSec())
                .timeEsterrorNanosec(f.timeEsterrorNanosec())
                .timeMaxerrorNanosec(f.timeMaxerrorNanosec())
                .vmGenerationCounter(f.vmGenerationCounter());
        Seqlock.endWrite(clock, SEQ_COUNT_OFFSET, odd);
    }

    /**
     * Reads the fields of one write and the counter inside the same seqlock section; asks
     * {@code retry} after each failed attempt.
     *
     * @param counter read once per attempt, after the seq_count load (acquire): a counter read
     *     before it could predate the fields it is paired with
     */
    public VmclockReading read(CycleCounter counter, SeqlockRetry retry) {
        int failed = 0;
        int seq;
        do {
            seq = Seqlock.beginRead(clock, SEQ_COUNT_OFFSET);
            if ((seq & 1) == 0) {
                VmclockFields f = fields();
                long now = counter.read();
                if (Seqlock.validate(clock, SEQ_COUNT_OFFSET, seq)) {
                    return new VmclockReading.Value(f, now, seq);
                }
                seq = seqCount();
            }
        } while (retry.again(++failed, seq));
        return new VmclockReading.Failed(failed, seq);
    }

    /** The fields under seq_count as they are now, without the seqlock (dumps and the writer's own checks). */
    public VmclockFields fields() {
        return new VmclockFields(
                disruptionMarker(),
                flags(),
                clockStatus(),
                leapSecondSmearingHint(),
                taiOffsetSec(),
                leapIndicator(),
                counterPeriodShift(),
                counterValue(),
                counterPeriodFracSec(),
                counterPeriodEsterrorRateFracSec(),
                counterPeriodMaxerrorRateFracSec(),
                timeSec(),
                timeFracSec(),
                timeEsterrorNanosec(),
                timeMaxerrorNanosec(),
                vmGenerationCounter());
    }

    /**
     * One attempt of the readers' fast path: the time at the counter in ns since the epoch, loading
     * only the fields the arithmetic needs and allocating nothing; {@link #NO_TIME} when seq_count is
     * odd or changed, when the counter is not usable ({@link VmclockFields#counterUsable}), or when
     * the reference is more than {@code maxAgeNs} old (the writer republishes it at every
     * heartbeat: an old reference is a stopped writer).
     */
    public long epochNanos(CycleCounter counter, long maxAgeNs) {
        int seq = Seqlock.beginRead(clock, SEQ_COUNT_OFFSET);
        // Plain loads between the acquire above and the fence in validate: each value is only used
        // if validate succeeds, and then no writer ran in between, so no load could have torn.
        long period = clock.get(LE_LONG, COUNTER_PERIOD_FRAC_SEC_OFFSET);
        int status = Byte.toUnsignedInt(clock.get(ValueLayout.JAVA_BYTE, CLOCK_STATUS_OFFSET));
        int shift = Byte.toUnsignedInt(clock.get(ValueLayout.JAVA_BYTE, COUNTER_PERIOD_SHIFT_OFFSET));
        long counterValue = clock.get(LE_LONG, COUNTER_VALUE_OFFSET);
        long timeSec = clock.get(LE_LONG, TIME_SEC_OFFSET);
        long timeFrac = clock.get(LE_LONG, TIME_FRAC_SEC_OFFSET);
        long now = counter.read();
        if (!Seqlock.validate(clock, SEQ_COUNT_OFFSET, seq) || !VmclockFields.counterUsable(status, period, shift)) {
            return NO_TIME;
        }
        return VmclockFields.epochNanos(now, counterValue, period, shift, timeSec, timeFrac, maxAgeNs);
    }

    private static final ValueLayout.OfLong LE_LONG =
            ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    // ---- constant fields (written once by initialise) ---------------------------------------------

    /** magic: {@link VmclockLayout#MAGIC}; acquire pairs with initialise. */
    public int magic() {
        return (int) U32.getAcquire(clock, (long) MAGIC_OFFSET);
    }

    public Vmclock magic(int magic) {
        U32.setOpaque(clock, (long) MAGIC_OFFSET, magic);
        return this;
    }

    /** size (u32 bytes of the region). */
    public long size() {
        return Integer.toUnsignedLong((int) U32.getOpaque(clock, (long) SIZE_OFFSET));
    }

    public Vmclock size(int bytes) {
        U32.setOpaque(clock, (long) SIZE_OFFSET, bytes);
        return this;
    }

    /** version (u16). */
    public int version() {
        return Short.toUnsignedInt((short) U16.getOpaque(clock, (long) VERSION_OFFSET));
    }

    public Vmclock version(int version) {
        U16.setOpaque(clock, (long) VERSION_OFFSET, (short) version);
        return this;
    }

    /** counter_id (u8). */
    public int counterId() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(clock, (long) COUNTER_ID_OFFSET));
    }

    public Vmclock counterId(int id) {
        U8.setOpaque(clock, (long) COUNTER_ID_OFFSET, (byte) id);
        return this;
    }

    /** time_type (u8). */
    public int timeType() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(clock, (long) TIME_TYPE_OFFSET));
    }

    public Vmclock timeType(int type) {
        U8.setOpaque(clock, (long) TIME_TYPE_OFFSET, (byte) type);
        return this;
    }

    // ---- under seq_count ----------------------------------------------------------------------------

    /** seq_count as stored (no ordering: dumps and tests; readers use {@link #read}). */
    public int seqCount() {
        return (int) U32.getOpaque(clock, (long) SEQ_COUNT_OFFSET);
    }

    public Vmclock seqCount(int seq) {
        U32.setOpaque(clock, (long) SEQ_COUNT_OFFSET, seq);
        return this;
    }

    public long disruptionMarker() {
        return (long) U64.getOpaque(clock, (long) DISRUPTION_MARKER_OFFSET);
    }

    public Vmclock disruptionMarker(long marker) {
        U64.setOpaque(clock, (long) DISRUPTION_MARKER_OFFSET, marker);
        return this;
    }

    public long flags() {
        return (long) U64.getOpaque(clock, (long) FLAGS_OFFSET);
    }

    public Vmclock flags(long flags) {
        U64.setOpaque(clock, (long) FLAGS_OFFSET, flags);
        return this;
    }

    public int clockStatus() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(clock, (long) CLOCK_STATUS_OFFSET));
    }

    public Vmclock clockStatus(int code) {
        U8.setOpaque(clock, (long) CLOCK_STATUS_OFFSET, (byte) code);
        return this;
    }

    public int leapSecondSmearingHint() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(clock, (long) LEAP_SECOND_SMEARING_HINT_OFFSET));
    }

    public Vmclock leapSecondSmearingHint(int code) {
        U8.setOpaque(clock, (long) LEAP_SECOND_SMEARING_HINT_OFFSET, (byte) code);
        return this;
    }

    /** tai_offset_sec (s16: the header's __le16 "actually two's complement signed"). */
    public short taiOffsetSec() {
        return (short) U16.getOpaque(clock, (long) TAI_OFFSET_SEC_OFFSET);
    }

    public Vmclock taiOffsetSec(short seconds) {
        U16.setOpaque(clock, (long) TAI_OFFSET_SEC_OFFSET, seconds);
        return this;
    }

    public int leapIndicator() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(clock, (long) LEAP_INDICATOR_OFFSET));
    }

    public Vmclock leapIndicator(int code) {
        U8.setOpaque(clock, (long) LEAP_INDICATOR_OFFSET, (byte) code);
        return this;
    }

    /** counter_period_shift (u8); a value above 63 makes the page unusable ({@link VmclockFields#counterUsable}). */
    public int counterPeriodShift() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(clock, (long) COUNTER_PERIOD_SHIFT_OFFSET));
    }

    public Vmclock counterPeriodShift(int shift) {
        U8.setOpaque(clock, (long) COUNTER_PERIOD_SHIFT_OFFSET, (byte) shift);
        return this;
    }

    public long counterValue() {
        return (long) U64.getOpaque(clock, (long) COUNTER_VALUE_OFFSET);
    }

    public Vmclock counterValue(long value) {
        U64.setOpaque(clock, (long) COUNTER_VALUE_OFFSET, value);
        return this;
    }

    public long counterPeriodFracSec() {
        return (long) U64.getOpaque(clock, (long) COUNTER_PERIOD_FRAC_SEC_OFFSET);
    }

    public Vmclock counterPeriodFracSec(long period) {
        U64.setOpaque(clock, (long) COUNTER_PERIOD_FRAC_SEC_OFFSET, period);
        return this;
    }

    public long counterPeriodEsterrorRateFracSec() {
        return (long) U64.getOpaque(clock, (long) COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET);
    }

    public Vmclock counterPeriodEsterrorRateFracSec(long rate) {
        U64.setOpaque(clock, (long) COUNTER_PERIOD_ESTERROR_RATE_FRAC_SEC_OFFSET, rate);
        return this;
    }

    public long counterPeriodMaxerrorRateFracSec() {
        return (long) U64.getOpaque(clock, (long) COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET);
    }

    public Vmclock counterPeriodMaxerrorRateFracSec(long rate) {
        U64.setOpaque(clock, (long) COUNTER_PERIOD_MAXERROR_RATE_FRAC_SEC_OFFSET, rate);
        return this;
    }

    public long timeSec() {
        return (long) U64.getOpaque(clock, (long) TIME_SEC_OFFSET);
    }

    public Vmclock timeSec(long seconds) {
        U64.setOpaque(clock, (long) TIME_SEC_OFFSET, seconds);
        return this;
    }

    public long timeFracSec() {
        return (long) U64.getOpaque(clock, (long) TIME_FRAC_SEC_OFFSET);
    }

    public Vmclock timeFracSec(long frac) {
        U64.setOpaque(clock, (long) TIME_FRAC_SEC_OFFSET, frac);
        return this;
    }

    public long timeEsterrorNanosec() {
        return (long) U64.getOpaque(clock, (long) TIME_ESTERROR_NANOSEC_OFFSET);
    }

    public Vmclock timeEsterrorNanosec(long ns) {
        U64.setOpaque(clock, (long) TIME_ESTERROR_NANOSEC_OFFSET, ns);
        return this;
    }

    public long timeMaxerrorNanosec() {
        return (long) U64.getOpaque(clock, (long) TIME_MAXERROR_NANOSEC_OFFSET);
    }

    public Vmclock timeMaxerrorNanosec(long ns) {
        U64.setOpaque(clock, (long) TIME_MAXERROR_NANOSEC_OFFSET, ns);
        return this;
    }

    public long vmGenerationCounter() {
        return (long) U64.getOpaque(clock, (long) VM_GENERATION_COUNTER_OFFSET);
    }

    public Vmclock vmGenerationCounter(long generation) {
        U64.setOpaque(clock, (long) VM_GENERATION_COUNTER_OFFSET, generation);
        return this;
    }
}
