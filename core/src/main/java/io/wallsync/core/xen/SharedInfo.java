package io.wallsync.core.xen;

import static io.wallsync.core.xen.SharedInfoLayout.SIZE;
import static io.wallsync.core.xen.SharedInfoLayout.WC_NSEC_OFFSET;
import static io.wallsync.core.xen.SharedInfoLayout.WC_SEC_HI_OFFSET;
import static io.wallsync.core.xen.SharedInfoLayout.WC_SEC_OFFSET;
import static io.wallsync.core.xen.SharedInfoLayout.WC_VERSION_OFFSET;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Flyweight over one Xen x86_64 {@code struct shared_info} page (xen/include/public/xen.h) held in
 * a {@link MemorySegment}: a file mapped by the Linux daemon, or heap/native memory in the
 * simulator. It holds no state of its own; every access goes to the segment, little-endian.
 *
 * <pre>
 *  offset  size  field        meaning
 *  N*64+32 32    vcpu_time_info of vcpu N (see {@link VcpuTimeInfo})
 *  3072    u32   wc_version   seqlock: odd while the hypervisor writes
 *  3076    u32   wc_sec       low 32 bits of wall seconds at system time 0
 *  3080    u32   wc_nsec      nanoseconds, 0..999_999_999
 *  3084    u32   wc_sec_hi    high 32 bits of wall seconds (dates after 2106)
 *  3136          end
 * </pre>
 *
 * <p>The writer side ({@link #publishWallclock}) is Xen's {@code update_domain_wallclock_time}
 * (xen/common/time.c); the reader side ({@link #readWallclock}) is wallsync's own 64-bit reader:
 * the seqlock loop of Linux {@code pvclock_read_wallclock} (arch/x86/kernel/pvclock.c), but
 * combining wc_sec_hi:wc_sec, which Linux does not (Linux's u32 reader is
 * io.wallsync.core.guest.LinuxPvclockWallclockReader). One writer at a time (Xen holds
 * {@code wc_lock}); any number of readers, in any thread or process.
 *
 * <p>The segment must be at least {@value SharedInfoLayout#SIZE} bytes and 8-byte aligned, because
 * the seqlock uses atomic (acquire/release) accesses, which the JDK allows only on aligned
 * addresses. A heap {@code byte[]} segment is only 1-byte aligned: allocate with an {@code Arena},
 * {@code MemorySegment.ofArray(new long[...])} or {@link #allocate()}.
 */
public final class SharedInfo {
    /** u32 little-endian, aligned: wc_version, wc_sec, wc_nsec, wc_sec_hi. */
    static final VarHandle U32 =
            ValueLayout.JAVA_INT.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();

    /** Attempts used by callers that have no better bound. */
    public static final int DEFAULT_MAX_RETRIES = 1000;

    private final MemorySegment segment;

    /**
     * Wraps a page.
     *
     * @throws IllegalArgumentException if the segment is shorter than 3136 bytes or not 8-byte
     *     aligned
     */
    public SharedInfo(MemorySegment segment) {
        Objects.requireNonNull(segment, "segment");
        if (segment.byteSize() < SIZE) {
            throw new IllegalArgumentException("shared_info segment of " + segment.byteSize()
                    + " bytes: expected at least " + SIZE + " (sizeof(struct shared_info) on x86_64)");
        }
        if (segment.maxByteAlignment() < Long.BYTES) {
            throw new IllegalArgumentException("shared_info segment aligned to " + segment.maxByteAlignment()
                    + " byte(s): expected 8 for atomic access; allocate it with an Arena or"
                    + " MemorySegment.ofArray(long[]), not byte[]");
        }
        this.segment = segment;
    }

    /** A zeroed page on the Java heap (backed by a long[], so 8-byte aligned). */
    public static SharedInfo allocate() {
        return new SharedInfo(MemorySegment.ofArray(new long[SIZE / Long.BYTES]));
    }

    /** The underlying memory. */
    public MemorySegment segment() {
        return segment;
    }

    /** A copy of the 3136 bytes of the page, as they would be dumped to a file. */
    public byte[] toByteArray() {
        return segment.asSlice(0, SIZE).toArray(ValueLayout.JAVA_BYTE);
    }

    /** The vcpu_time_info of vcpu {@code vcpu} (0..31), at {@code vcpu * 64 + 32}. */
    public VcpuTimeInfo vcpuTimeInfo(int vcpu) {
        return new VcpuTimeInfo(segment.asSlice(SharedInfoLayout.vcpuTimeInfoOffset(vcpu), VcpuTimeInfoLayout.SIZE));
    }

    /**
     * Publishes the wallclock exactly as Xen's {@code update_domain_wallclock_time}: version made
     * odd with {@code version_update_begin} = (v + 1) | 1, a write barrier, wc_sec (low 32 bits),
     * wc_nsec, wc_sec_hi (high 32 bits), a write barrier, version made even with
     * {@code version_update_end} = v + 1. Each call advances an even version by 2.
     *
     * <p>Single writer only: the caller serialises calls (Xen's {@code wc_lock}).
     *
     * @param wallSeconds the domain's seconds at system time 0 (W.sec + time_offset), 64-bit
     * @param nanos the nanoseconds, 0..999_999_999
     */
    public void publishWallclock(long wallSeconds, int nanos) {
        if (nanos < 0 || nanos >= 1_000_000_000) {
            throw new IllegalArgumentException("wc_nsec " + nanos + " out of range: expected 0..999999999");
        }
        // Opaque: we are the only writer, so we read back our own last store; no ordering needed.
        int version = (int) U32.getOpaque(segment, (long) WC_VERSION_OFFSET);
        int odd = (version + 1) | 1;
        U32.setRelease(segment, (long) WC_VERSION_OFFSET, odd);
        // smp_wmb() #1: forbids the field stores below from becoming visible before the odd version.
        // Without it a reader could see new fields under the old even version and accept a torn value.
        VarHandle.storeStoreFence();
        U32.setOpaque(segment, (long) WC_SEC_OFFSET, (int) wallSeconds);
        U32.setOpaque(segment, (long) WC_NSEC_OFFSET, nanos);
        U32.setOpaque(segment, (long) WC_SEC_HI_OFFSET, (int) (wallSeconds >>> 32));
        // smp_wmb() #2: forbids the even version below from becoming visible before the field
        // stores above; otherwise a reader could see the final even version with old fields.
        // (setRelease alone would also give this; the fence mirrors Xen's code line for line.)
        VarHandle.storeStoreFence();
        U32.setRelease(segment, (long) WC_VERSION_OFFSET, odd + 1);
    }

    /**
     * Reads the wallclock with the seqlock protocol: v = version &amp; ~1, read barrier, fields,
     * read barrier, accept only if version still equals v. An odd version (writer in progress) makes
     * v differ from any later read, so it retries too.
     *
     * @param maxRetries retries after the first attempt (0: a single attempt)
     * @return the value, or {@link WallclockReading.Failed} after {@code maxRetries + 1} attempts
     */
    public WallclockReading readWallclock(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries " + maxRetries + ": expected >= 0");
        }
        int lastVersion = 0;
        boolean sawOdd = false;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            // Acquire: the field loads below cannot be satisfied before this version load.
            int first = (int) U32.getAcquire(segment, (long) WC_VERSION_OFFSET);
            int expected = first & ~1;
            // smp_rmb() #1 (Linux pvclock_read_wallclock: "fetch version before time"): forbids
            // the field loads from moving above the version load.
            VarHandle.loadLoadFence();
            long secLow = Integer.toUnsignedLong((int) U32.getOpaque(segment, (long) WC_SEC_OFFSET));
            int nanos = (int) U32.getOpaque(segment, (long) WC_NSEC_OFFSET);
            long secHigh = Integer.toUnsignedLong((int) U32.getOpaque(segment, (long) WC_SEC_HI_OFFSET));
            // smp_rmb() #2 ("fetch time before checking version"): forbids the re-check of the
            // version below from moving above the field loads, which would validate nothing.
            VarHandle.loadLoadFence();
            int second = (int) U32.getAcquire(segment, (long) WC_VERSION_OFFSET);
            if (second == expected) {
                return new WallclockReading.Value((secHigh << 32) | secLow, nanos, second);
            }
            lastVersion = second;
            sawOdd |= (first & 1) != 0 || (second & 1) != 0;
        }
        String why = (lastVersion & 1) != 0
                ? "writer stuck: wc_version " + Integer.toUnsignedString(lastVersion) + " still odd after "
                        + (maxRetries + 1) + " attempts"
                : "torn: wc_version changed during every one of " + (maxRetries + 1) + " attempts"
                        + (sawOdd ? " (odd versions seen)" : "");
        return new WallclockReading.Failed(maxRetries + 1, lastVersion, why);
    }

    /** wc_version as stored (unsynchronised peek, for dumps and tests). */
    public int wcVersion() {
        return (int) U32.getVolatile(segment, (long) WC_VERSION_OFFSET);
    }

    /** wc_sec as the unsigned 32-bit value stored. */
    public long wcSec() {
        return Integer.toUnsignedLong((int) U32.getVolatile(segment, (long) WC_SEC_OFFSET));
    }

    /** wc_nsec as stored. */
    public int wcNsec() {
        return (int) U32.getVolatile(segment, (long) WC_NSEC_OFFSET);
    }

    /** wc_sec_hi as the unsigned 32-bit value stored. */
    public long wcSecHi() {
        return Integer.toUnsignedLong((int) U32.getVolatile(segment, (long) WC_SEC_HI_OFFSET));
    }
}
