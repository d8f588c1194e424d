package io.wallsync.core.kvm;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.Objects;

/**
 * Flyweight over a {@code struct pvclock_wall_clock} in guest memory
 * (arch/x86/include/asm/pvclock-abi.h), little-endian as on x86:
 *
 * <pre>
 *  offset  size  field     meaning
 *  0       u32   version   seqlock: odd while the host writes
 *  4       u32   sec       wall seconds at kvmclock 0 (low 32 bits: wraps in 2106)
 *  8       u32   nsec      nanoseconds, 0..999_999_999
 * </pre>
 *
 * 12 bytes, packed. The host writes it only when the guest writes MSR_KVM_WALL_CLOCK_NEW
 * ({@code kvm_write_wall_clock}); the guest reads it with {@code pvclock_read_wallclock}.
 */
public final class PvclockWallClock {
    public static final long VERSION_OFFSET = 0;
    public static final long SEC_OFFSET = 4;
    public static final long NSEC_OFFSET = 8;
    public static final long SIZE = 12;

    private static final ValueLayout.OfInt U32 =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;

    /**
     * @param segment the guest memory holding the structure, at least {@link #SIZE} bytes
     */
    public PvclockWallClock(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        if (segment.byteSize() < SIZE) {
            throw new IllegalArgumentException(
                    "pvclock_wall_clock needs " + SIZE + " bytes, segment has " + segment.byteSize());
        }
        this.segment = segment;
    }

    public int version() {
        return segment.get(U32, VERSION_OFFSET);
    }

    /** {@code sec} as stored: unsigned 32 bits. */
    public long sec() {
        return Integer.toUnsignedLong(segment.get(U32, SEC_OFFSET));
    }

    public int nsec() {
        return segment.get(U32, NSEC_OFFSET);
    }

    /**
     * The host side of {@code kvm_write_wall_clock} (arch/x86/kvm/x86.c): bump the version to odd
     * (an odd version left by junk memory is first made even, as Linux does), write sec/nsec, bump
     * it to even.
     */
    public void write(long epochSeconds, int nanos) {
        int version = version();
        if ((version & 1) != 0) {
            version++; // first write over junk: Linux does "if (version & 1) ++version;"
        }
        version++;
        segment.set(U32, VERSION_OFFSET, version);
        // Readers that saw the odd version retry; this fence keeps the field stores after it.
        VarHandle.storeStoreFence();
        segment.set(U32, SEC_OFFSET, (int) epochSeconds);
        segment.set(U32, NSEC_OFFSET, nanos);
        // Keeps the field stores before the even version that tells readers the fields are whole.
        VarHandle.storeStoreFence();
        segment.set(U32, VERSION_OFFSET, version + 1);
    }

    /** A consistent read, or the version that never settled. */
    public sealed interface Reading {
        /** Wall seconds (32-bit, as the ABI stores them) and nanoseconds at kvmclock 0. */
        record Value(long sec, int nsec) implements Reading {
            /** The wall time at kvmclock 0 in ns since the epoch. */
            public long epochNs() {
                return sec * 1_000_000_000L + nsec;
            }
        }

        record Failed(int attempts, String why) implements Reading {}
    }

    /**
     * The guest side, {@code pvclock_read_wallclock} (arch/x86/kernel/pvclock.c): read the version,
     * then the fields, then the version again; retry while it was odd or changed.
     */
    public Reading read(int maxRetries) {
        for (int attempt = 1; attempt <= maxRetries; attempt++) {
            int version = version();
            // Keeps the field loads after the first version load (Linux: rmb()).
            VarHandle.loadLoadFence();
            long sec = sec();
            int nsec = nsec();
            // Keeps the field loads before the second version load.
            VarHandle.loadLoadFence();
            if ((version & 1) == 0 && version == version()) {
                return new Reading.Value(sec, nsec);
            }
        }
        return new Reading.Failed(maxRetries, "version odd or changing after " + maxRetries + " reads");
    }
}
