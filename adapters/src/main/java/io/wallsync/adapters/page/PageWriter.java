package io.wallsync.adapters.page;

import static io.wallsync.core.page.PageExtensionLayout.*;

import io.wallsync.core.xen.SharedInfo;
import io.wallsync.core.xen.SharedInfoLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The single writer of one page's wallsync extension (3136..3223,
 * {@link io.wallsync.core.page.PageExtensionLayout}); the Xen wallclock at 3072..3087 is written by
 * the core's {@link SharedInfo} (one copy of Xen's seqlock writer in the code base). Not thread-safe: one daemon
 * thread owns all writes to a page, as one hypervisor CPU owns an update of wc_*.
 *
 * <p>Order of a push: wc_* first, then the extension. A reader that sees a new step generation and
 * then reads wc_* gets the new wallclock, never the old one.
 */
public final class PageWriter {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = U32.varHandle();
    private static final VarHandle LONG = U64.varHandle();

    private final MemorySegment page;
    private final SharedInfo sharedInfo;

    public PageWriter(MemorySegment page) {
        if (page.byteSize() < PAGE_SIZE) {
            throw new IllegalArgumentException(
                    "page segment has " + page.byteSize() + " bytes, expected at least " + PAGE_SIZE);
        }
        this.page = page;
        this.sharedInfo = new SharedInfo(page);
    }

    /**
     * Writes the constant header (magic, layout version, size, writer pid, heartbeat period) and,
     * if a killed writer left either seqlock odd, closes it by advancing it to the next even value
     * (a reader that spun on the odd value then sees a changed version and retries). Call before
     * the first push.
     *
     * @return true when a seqlock had been left odd (the page needed repair)
     */
    public boolean initialise(long writerPid, int heartbeatPeriodMs) {
        boolean repaired = closeOddSeqlock(SharedInfoLayout.WC_VERSION_OFFSET);
        repaired |= closeOddSeqlock(SEQ_COUNT_OFFSET);
        page.set(U16, LAYOUT_VERSION_OFFSET, (short) LAYOUT_VERSION);
        page.set(U16, EXTENSION_SIZE_OFFSET, (short) EXTENSION_SIZE);
        INT.setOpaque(page, (long) HEARTBEAT_PERIOD_MS_OFFSET, heartbeatPeriodMs);
        INT.setOpaque(page, (long) WRITER_PID_OFFSET, (int) writerPid);
        // The magic goes last, with release: a reader that sees it sees the header above.
        INT.setRelease(page, (long) MAGIC_OFFSET, MAGIC);
        return repaired;
    }

    private boolean closeOddSeqlock(long offset) {
        int version = (int) INT.getOpaque(page, offset);
        if ((version & 1) == 0) {
            return false;
        }
        INT.setRelease(page, offset, version + 1);
        return true;
    }

    /**
     * Publishes the wallclock (wall time at CLOCK_MONOTONIC = 0, this domain's offset included)
     * with the core's Xen writer ({@link SharedInfo#publishWallclock}). The daemon itself lets the
     * core {@code Hypervisor} do this on settime; this entry point serves tests and benchmarks.
     */
    public void publishWallclock(long wallSeconds, int nanos) {
        sharedInfo.publishWallclock(wallSeconds, nanos);
    }

    /** The Xen shared_info view of this page (bytes 0..3135), for the core's Hypervisor. */
    public SharedInfo sharedInfo() {
        return sharedInfo;
    }

    /** Publishes the extension under its own seqlock (vmclock seq_count). */
    public void publishState(PageState state) {
        int seq = (int) INT.getOpaque(page, (long) SEQ_COUNT_OFFSET);
        INT.setOpaque(page, (long) SEQ_COUNT_OFFSET, (seq + 1) | 1);
        // Odd seq_count before any field: forbids a field store overtaking the "writing" mark.
        VarHandle.storeStoreFence();
        page.set(ValueLayout.JAVA_BYTE, CLOCK_STATUS_OFFSET, (byte)
                state.clockStatus().code());
        page.set(ValueLayout.JAVA_BYTE, LEAP_INDICATOR_OFFSET, (byte)
                state.leap().code());
        page.set(U16, TAI_OFFSET_SEC_OFFSET, (short) state.taiOffsetSec());
        page.set(U64, DISRUPTION_MARKER_OFFSET, state.stepGeneration());
        long flags = 0;
        if (state.taiOffsetValid()) {
            flags |= FLAG_TAI_OFFSET_VALID;
        }
        if (state.estErrorNs() >= 0) {
            flags |= FLAG_TIME_ESTERROR_VALID;
        }
        if (state.maxErrorNs() >= 0) {
            flags |= FLAG_TIME_MAXERROR_VALID;
        }
        page.set(U64, FLAGS_OFFSET, flags);
        page.set(U64, TIME_ESTERROR_NANOSEC_OFFSET, Math.max(0, state.estErrorNs()));
        page.set(U64, TIME_MAXERROR_NANOSEC_OFFSET, Math.max(0, state.maxErrorNs()));
        page.set(U64, LAST_PUSH_MONOTONIC_NS_OFFSET, state.lastPushMonotonicNs());
        page.set(U32, LAST_PUSH_REASON_OFFSET, state.reason().code());
        page.set(U32, TIME_OFFSET_SEC_OFFSET, state.timeOffsetSec());
        // Even seq_count with release: every field store above is visible before it.
        INT.setRelease(page, (long) SEQ_COUNT_OFFSET, ((seq + 1) | 1) + 1);
    }

    /** Stores the heartbeat: one aligned 64-bit release store, outside both seqlocks. */
    public void heartbeat(long monotonicNs) {
        LONG.setRelease(page, (long) HEARTBEAT_MONOTONIC_NS_OFFSET, monotonicNs);
    }
}
