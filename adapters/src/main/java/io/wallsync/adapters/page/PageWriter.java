package io.wallsync.adapters.page;

import io.wallsync.core.page.PageExtension;
import io.wallsync.core.vmclock.Vmclock;
import io.wallsync.core.vmclock.VmclockFields;
import io.wallsync.core.xen.SharedInfo;
import java.lang.foreign.MemorySegment;

/**
 * The single writer of one page v2: the Xen wallclock through the core's {@link SharedInfo} codec,
 * the wallsync extension through the core's {@link PageExtension} codec and the vmclock page at
 * byte 4096 through the core's {@link Vmclock} codec (one seqlock writer each, shared with the
 * simulator and the tests). Not thread-safe: one daemon thread owns all writes to a
 * page, as one hypervisor CPU owns an update of wc_*.
 *
 * <p>Order of a push: wc_* first, then the extension. A reader that sees a new step generation and
 * then reads wc_* gets the new wallclock, never the old one.
 */
public final class PageWriter {
    private final SharedInfo sharedInfo;
    private final PageExtension extension;
    private final Vmclock vmclock;

    /**
     * @throws IllegalArgumentException if the segment is shorter than a page or not 8-byte aligned
     */
    public PageWriter(MemorySegment page) {
        this.extension = new PageExtension(page);
        this.sharedInfo = new SharedInfo(page);
        this.vmclock = Vmclock.ofPage(page);
    }

    /**
     * Writes the constant headers (extension: magic, layout version, size, writer pid, heartbeat
     * period; vmclock: magic, size, version, counter id, time type) and says whether a killed
     * writer left a seqlock odd. It stays odd until the first publish completes, so no reader ever
     * accepts the dead writer's half-written fields; readers that spun on it see a change then.
     * Call before the first push, and push every structure at once.
     *
     * @return true when a seqlock had been left odd (the page needed repair)
     */
    public boolean initialise(long writerPid, int heartbeatPeriodMs, int counterId) {
        boolean repaired = sharedInfo.repairWallclockSeqlock();
        repaired |= vmclock.initialise(counterId);
        return extension.initialise(writerPid, heartbeatPeriodMs) | repaired;
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

    /** The extension view of this page (bytes 3136..3231). */
    public PageExtension extension() {
        return extension;
    }

    /** The vmclock view of this page (bytes 4096..4207). */
    public Vmclock vmclock() {
        return vmclock;
    }

    /** Publishes the vmclock page under its seq_count. */
    public void publishVmclock(VmclockFields fields) {
        vmclock.publish(fields);
    }

    /** Publishes the extension under its own seq_count (at 3144; the vmclock structure has another). */
    public void publishState(PageState state) {
        extension.publish(state.toFields());
    }

    /** Stores the heartbeat: one aligned 64-bit release store, outside both seqlocks. */
    public void heartbeat(long monotonicNs) {
        extension.heartbeatMonotonicNs(monotonicNs);
    }
}
