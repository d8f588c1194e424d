package io.wallsync.adapters.page;

import io.wallsync.core.xen.SharedInfoLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Writes wc_version / wc_sec / wc_nsec / wc_sec_hi in the order Xen's update_domain_wallclock_time
 * uses (xen/common/time.c): version to odd, write barrier, fields, write barrier, version to even.
 */
final class XenWallclockWriter {
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = U32.varHandle();

    private final MemorySegment page;

    XenWallclockWriter(MemorySegment page) {
        this.page = page;
    }

    /** Publishes "at system time 0 the wall time was wallSeconds.nanos" (this domain's offset included). */
    void publishWallclock(long wallSeconds, int nanos) {
        if (nanos < 0 || nanos > 999_999_999) {
            throw new IllegalArgumentException("nanos " + nanos + " out of range: expected 0..999999999");
        }
        int version = (int) INT.getOpaque(page, (long) SharedInfoLayout.WC_VERSION_OFFSET);
        // version = (version + 1) | 1: odd tells readers a write is in progress.
        INT.setOpaque(page, (long) SharedInfoLayout.WC_VERSION_OFFSET, (version + 1) | 1);
        // smp_wmb(): the odd version must be visible before any field changes; otherwise a reader
        // could see a new field with the old even version on both of its version reads.
        VarHandle.storeStoreFence();
        INT.setOpaque(page, (long) SharedInfoLayout.WC_SEC_OFFSET, (int) wallSeconds);
        INT.setOpaque(page, (long) SharedInfoLayout.WC_NSEC_OFFSET, nanos);
        INT.setOpaque(page, (long) SharedInfoLayout.WC_SEC_HI_OFFSET, (int) (wallSeconds >>> 32));
        // smp_wmb(): all fields before the even version; release orders every store above it.
        INT.setRelease(page, (long) SharedInfoLayout.WC_VERSION_OFFSET, ((version + 1) | 1) + 1);
    }
}
