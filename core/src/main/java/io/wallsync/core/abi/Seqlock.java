package io.wallsync.core.abi;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The seqlock of Xen's {@code wc_version} and {@code vcpu_time_info.version}
 * (xen/include/public/xen.h: "the guest should read the version, then the fields, then the
 * version again, and retry if it changed or is odd") and of vmclock's {@code seq_count} (Linux
 * include/uapi/linux/vmclock-abi.h): a little-endian u32 in shared memory, odd while a writer is
 * inside. Every structure's writer and reader go through these four steps, so the ordering
 * decisions are made (and explained) once.
 *
 * <p>Writer (one at a time, Xen's {@code version_update_begin}/{@code version_update_end}):
 * {@link #beginWrite}, field stores, {@link #endWrite}. Reader: {@link #beginRead}, skip if odd,
 * field loads, {@link #validate}. Field accesses between them are opaque (each one atomic, no
 * ordering of its own): the ordering comes from here.
 *
 * <p>The version word must be 4-byte aligned (the JDK refuses atomic accesses otherwise); callers
 * check their segment's alignment once, in their constructor.
 */
public final class Seqlock {
    /** A little-endian u32 accessed with explicit memory ordering. */
    public static final VarHandle U32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    private Seqlock() {}

    /**
     * Marks a write in progress: version = (version + 1) | 1 (Xen {@code version_update_begin}: a
     * version left odd by a dead writer goes to the next odd value, never back to even).
     *
     * @return the odd version now stored, to hand to {@link #endWrite}
     */
    public static int beginWrite(MemorySegment segment, long versionOffset) {
        // Opaque load: the single writer reads back its own last store; no other thread writes here.
        int odd = ((int) U32.getOpaque(segment, versionOffset) + 1) | 1;
        U32.setOpaque(segment, versionOffset, odd);
        // smp_wmb() #1: forbids the caller's field stores from becoming visible before the odd
        // version. Without it a reader could see new fields under the old even version on both
        // of its version loads and accept a torn value. (A release store of the odd version would
        // order the stores *before* it, which is not what is needed here.)
        VarHandle.storeStoreFence();
        return odd;
    }

    /** Ends a write: version = odd + 1 (even), published after every field store. */
    public static void endWrite(MemorySegment segment, long versionOffset, int odd) {
        // smp_wmb() #2 + store, as one release store: forbids the even version from becoming
        // visible before the field stores; otherwise a reader could see the final even version on
        // both loads and still read old fields.
        U32.setRelease(segment, versionOffset, odd + 1);
    }

    /**
     * Starts a read attempt.
     *
     * @return the version seen; an odd value means a writer is inside: do not use the fields
     */
    public static int beginRead(MemorySegment segment, long versionOffset) {
        // Acquire (Linux pvclock_read_begin's smp_rmb after the version load): the field loads
        // that follow cannot be satisfied before this version load.
        return (int) U32.getAcquire(segment, versionOffset);
    }

    /** Ends a read attempt: true when the fields loaded since {@link #beginRead} are consistent. */
    public static boolean validate(MemorySegment segment, long versionOffset, int version) {
        // smp_rmb() (pvclock_read_retry, StampedLock.validate): forbids the field loads above from
        // being satisfied after the version re-load below, which would then validate nothing.
        VarHandle.loadLoadFence();
        // Opaque is enough after the fence: the re-load only has to be atomic and fresh.
        return (version & 1) == 0 && (int) U32.getOpaque(segment, versionOffset) == version;
    }

    /**
     * Whether a killed writer left the version odd. The version is left as it is, on purpose: an
     * even value would make readers accept whatever mix of old and new fields the dead writer had
     * stored. The next write ({@link #beginWrite}: (v + 1) | 1, Xen's {@code version_update_begin})
     * goes from that odd value to the next odd one and then to even, so readers that spun on the
     * dead writer's value see a change only once a whole write is there. Call before the first
     * write of a reused page, and write every structure at once.
     *
     * @return true when the version was odd
     */
    public static boolean leftOdd(MemorySegment segment, long versionOffset) {
        // Opaque: the daemon that calls this is the only writer now; no ordering is needed to look.
        return (((int) U32.getOpaque(segment, versionOffset)) & 1) != 0;
    }
}
