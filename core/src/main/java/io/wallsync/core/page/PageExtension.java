package io.wallsync.core.page;

import static io.wallsync.core.page.PageExtensionLayout.*;

import io.wallsync.core.abi.Segments;
import io.wallsync.core.abi.Seqlock;
import io.wallsync.core.abi.SeqlockRetry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Flyweight over the wallsync extension of one page (bytes 3136..3231, {@link
 * PageExtensionLayout}, where the table is): the only code that knows its offsets. One getter and
 * one setter per field (single opaque accesses, no ordering of their own), the header writer
 * {@link #initialise}, one seqlock writer {@link #publish} and one seqlock reader {@link #read}
 * for the fields under {@code seq_count} (vmclock's protocol, Linux
 * include/uapi/linux/vmclock-abi.h), and the heartbeat outside both seqlocks.
 *
 * <p>Wraps the whole page segment (offsets are page offsets); it must be at least {@value
 * PageExtensionLayout#V1_PAGE_SIZE} bytes and 8-byte aligned (atomic accesses). The vmclock page
 * at byte 4096 of a page v2 has its own flyweight, {@link io.wallsync.core.vmclock.Vmclock}.
 */
public final class PageExtension {
    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();
    private static final VarHandle U16 =
            ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U32 = Seqlock.U32;
    private static final VarHandle U64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private final MemorySegment page;

    /**
     * Wraps a page.
     *
     * @throws IllegalArgumentException if shorter than a page or not 8-byte aligned
     */
    public PageExtension(MemorySegment page) {
        Segments.requireAtomicAccess(page, V1_PAGE_SIZE, "page");
        this.page = page;
    }

    /** The underlying page. */
    public MemorySegment segment() {
        return page;
    }

    /**
     * Writes the constant header (layout version, size, heartbeat period, writer pid), then the
     * magic; notes a seq_count a killed writer left odd, which stays odd until the next
     * publish completes ({@link Seqlock#leftOdd}).
     *
     * @return true when seq_count had been left odd
     */
    public boolean initialise(long writerPid, int heartbeatPeriodMs) {
        boolean repaired = Seqlock.leftOdd(page, SEQ_COUNT_OFFSET);
        layoutVersion(LAYOUT_VERSION).extensionSize(EXTENSION_SIZE);
        heartbeatPeriodMs(heartbeatPeriodMs).writerPid(writerPid);
        // The magic goes last, with release: a reader that sees it (acquire) sees the header above.
        U32.setRelease(page, (long) MAGIC_OFFSET, MAGIC);
        return repaired;
    }

    /** Publishes the fields under seq_count: odd, fields, even (see {@link Seqlock}). Single writer. */
    public void publish(ExtensionFields f) {
        int odd = Seqlock.beginWrite(page, SEQ_COUNT_OFFSET);
        clockStatus(f.clockStatus())
                .leapIndicator(f.leapIndicator())
                .taiOffsetSec(f.taiOffsetSec())
                .disruptionMarker(f.disruptionMarker())
                .flags(f.flags())
                .timeEsterrorNanosec(f.timeEsterrorNanosec())
                .timeMaxerrorNanosec(f.timeMaxerrorNanosec())
                .lastPushMonotonicNs(f.lastPushMonotonicNs())
                .lastPushReason(f.lastPushReason())
                .timeOffsetSec(f.timeOffsetSec());
        Seqlock.endWrite(page, SEQ_COUNT_OFFSET, odd);
    }

    /** Reads the fields of one write; asks {@code retry} after each failed attempt. */
    public ExtensionReading read(SeqlockRetry retry) {
        int failed = 0;
        int seq;
        do {
            seq = Seqlock.beginRead(page, SEQ_COUNT_OFFSET);
            if ((seq & 1) == 0) {
                ExtensionFields f = new ExtensionFields(
                        clockStatus(),
                        leapIndicator(),
                        taiOffsetSec(),
                        disruptionMarker(),
                        flags(),
                        timeEsterrorNanosec(),
                        timeMaxerrorNanosec(),
                        lastPushMonotonicNs(),
                        lastPushReason(),
                        timeOffsetSec());
                if (Seqlock.validate(page, SEQ_COUNT_OFFSET, seq)) {
                    return new ExtensionReading.Value(f, seq);
                }
                seq = seqCount();
            }
        } while (retry.again(++failed, seq));
        return new ExtensionReading.Failed(failed, seq);
    }

    // ---- the header (written once by initialise) ----------------------------------------------

    /** magic: {@link PageExtensionLayout#MAGIC} on a wallsync page; acquire pairs with initialise. */
    public int magic() {
        return (int) U32.getAcquire(page, (long) MAGIC_OFFSET);
    }

    public PageExtension magic(int magic) {
        U32.setOpaque(page, (long) MAGIC_OFFSET, magic);
        return this;
    }

    /** layout_version (u16). */
    public int layoutVersion() {
        return Short.toUnsignedInt((short) U16.getOpaque(page, (long) LAYOUT_VERSION_OFFSET));
    }

    public PageExtension layoutVersion(int version) {
        U16.setOpaque(page, (long) LAYOUT_VERSION_OFFSET, (short) version);
        return this;
    }

    /** extension_size (u16 bytes from 3136). */
    public int extensionSize() {
        return Short.toUnsignedInt((short) U16.getOpaque(page, (long) EXTENSION_SIZE_OFFSET));
    }

    public PageExtension extensionSize(int bytes) {
        U16.setOpaque(page, (long) EXTENSION_SIZE_OFFSET, (short) bytes);
        return this;
    }

    // ---- under seq_count ------------------------------------------------------------------------

    /** seq_count as stored (no ordering: dumps and tests; readers use {@link #read}). */
    public int seqCount() {
        return (int) U32.getOpaque(page, (long) SEQ_COUNT_OFFSET);
    }

    public PageExtension seqCount(int seq) {
        U32.setOpaque(page, (long) SEQ_COUNT_OFFSET, seq);
        return this;
    }

    /** clock_status (u8 code). */
    public int clockStatus() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(page, (long) CLOCK_STATUS_OFFSET));
    }

    public PageExtension clockStatus(int code) {
        U8.setOpaque(page, (long) CLOCK_STATUS_OFFSET, (byte) code);
        return this;
    }

    /** leap_indicator (u8 code). */
    public int leapIndicator() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(page, (long) LEAP_INDICATOR_OFFSET));
    }

    public PageExtension leapIndicator(int code) {
        U8.setOpaque(page, (long) LEAP_INDICATOR_OFFSET, (byte) code);
        return this;
    }

    /** tai_offset_sec (s16 seconds). */
    public short taiOffsetSec() {
        return (short) U16.getOpaque(page, (long) TAI_OFFSET_SEC_OFFSET);
    }

    public PageExtension taiOffsetSec(short seconds) {
        U16.setOpaque(page, (long) TAI_OFFSET_SEC_OFFSET, seconds);
        return this;
    }

    /** disruption_marker (u64): the step generation. */
    public long disruptionMarker() {
        return (long) U64.getOpaque(page, (long) DISRUPTION_MARKER_OFFSET);
    }

    public PageExtension disruptionMarker(long generation) {
        U64.setOpaque(page, (long) DISRUPTION_MARKER_OFFSET, generation);
        return this;
    }

    /** flags (u64 vmclock bits). */
    public long flags() {
        return (long) U64.getOpaque(page, (long) FLAGS_OFFSET);
    }

    public PageExtension flags(long flags) {
        U64.setOpaque(page, (long) FLAGS_OFFSET, flags);
        return this;
    }

    /** time_esterror_nanosec (u64 ns). */
    public long timeEsterrorNanosec() {
        return (long) U64.getOpaque(page, (long) TIME_ESTERROR_NANOSEC_OFFSET);
    }

    public PageExtension timeEsterrorNanosec(long ns) {
        U64.setOpaque(page, (long) TIME_ESTERROR_NANOSEC_OFFSET, ns);
        return this;
    }

    /** time_maxerror_nanosec (u64 ns). */
    public long timeMaxerrorNanosec() {
        return (long) U64.getOpaque(page, (long) TIME_MAXERROR_NANOSEC_OFFSET);
    }

    public PageExtension timeMaxerrorNanosec(long ns) {
        U64.setOpaque(page, (long) TIME_MAXERROR_NANOSEC_OFFSET, ns);
        return this;
    }

    /** last_push_monotonic_ns (s64 CLOCK_MONOTONIC ns). */
    public long lastPushMonotonicNs() {
        return (long) U64.getOpaque(page, (long) LAST_PUSH_MONOTONIC_NS_OFFSET);
    }

    public PageExtension lastPushMonotonicNs(long ns) {
        U64.setOpaque(page, (long) LAST_PUSH_MONOTONIC_NS_OFFSET, ns);
        return this;
    }

    /** last_push_reason (u32 {@link PushReason} code). */
    public int lastPushReason() {
        return (int) U32.getOpaque(page, (long) LAST_PUSH_REASON_OFFSET);
    }

    public PageExtension lastPushReason(int code) {
        U32.setOpaque(page, (long) LAST_PUSH_REASON_OFFSET, code);
        return this;
    }

    /** time_offset_sec (s32 seconds). */
    public int timeOffsetSec() {
        return (int) U32.getOpaque(page, (long) TIME_OFFSET_SEC_OFFSET);
    }

    public PageExtension timeOffsetSec(int seconds) {
        U32.setOpaque(page, (long) TIME_OFFSET_SEC_OFFSET, seconds);
        return this;
    }

    // ---- outside both seqlocks ------------------------------------------------------------------

    /** heartbeat_monotonic_ns (s64): acquire, pairs with the release store of {@link #heartbeatMonotonicNs(long)}. */
    public long heartbeatMonotonicNs() {
        return (long) U64.getAcquire(page, (long) HEARTBEAT_MONOTONIC_NS_OFFSET);
    }

    /** Stores the heartbeat: one aligned 64-bit release store, so a reader never sees half of it. */
    public PageExtension heartbeatMonotonicNs(long ns) {
        U64.setRelease(page, (long) HEARTBEAT_MONOTONIC_NS_OFFSET, ns);
        return this;
    }

    /** heartbeat_period_ms (u32 ms). */
    public long heartbeatPeriodMs() {
        return Integer.toUnsignedLong((int) U32.getOpaque(page, (long) HEARTBEAT_PERIOD_MS_OFFSET));
    }

    public PageExtension heartbeatPeriodMs(int ms) {
        U32.setOpaque(page, (long) HEARTBEAT_PERIOD_MS_OFFSET, ms);
        return this;
    }

    /** writer_pid (u32). */
    public long writerPid() {
        return Integer.toUnsignedLong((int) U32.getOpaque(page, (long) WRITER_PID_OFFSET));
    }

    /** Stores the low 32 bits of {@code pid}. */
    public PageExtension writerPid(long pid) {
        U32.setOpaque(page, (long) WRITER_PID_OFFSET, (int) pid);
        return this;
    }
}
