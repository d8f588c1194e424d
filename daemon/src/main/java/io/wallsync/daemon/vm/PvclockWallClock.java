package io.wallsync.daemon.vm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * struct pvclock_wall_clock (arch/x86/include/asm/pvclock-abi.h) in guest memory.
 *
 * <pre>
 *  offset  size  field     meaning
 *  0       u32   version   odd while the host writes (a seqlock)
 *  4       u32   sec       wall seconds at kvmclock 0 (low 32 bits; wraps in 2106)
 *  8       u32   nsec      0..999_999_999
 * </pre>
 */
final class PvclockWallClock {
    static final long VERSION_OFFSET = 0;
    static final long SEC_OFFSET = 4;
    static final long NSEC_OFFSET = 8;
    static final long SIZE = 12;

    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    private PvclockWallClock() {}

    /**
     * As kvm_write_wall_clock: read the version, make it odd ("first time write, random junk"
     * when it already is: one more), write it, write the fields, write version + 1 (even).
     */
    static void write(MemorySegment wc, long sec, int nsec) {
        int version = wc.get(U32, VERSION_OFFSET);
        if ((version & 1) != 0) {
            ++version;
        }
        ++version;
        wc.set(U32, VERSION_OFFSET, version);
        // The guest vCPU is stopped in this exit, but keep the seqlock's order anyway: the odd
        // version before the fields, the fields before the even version.
        VarHandle.storeStoreFence();
        wc.set(U32, SEC_OFFSET, (int) sec);
        wc.set(U32, NSEC_OFFSET, nsec);
        VarHandle.storeStoreFence();
        wc.set(U32, VERSION_OFFSET, version + 1);
    }
}
