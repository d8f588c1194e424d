package io.wallsync.core.xen;

import static io.wallsync.core.xen.SharedInfoLayout.SIZE;
import static io.wallsync.core.xen.SharedInfoLayout.WC_NSEC_OFFSET;
import static io.wallsync.core.xen.SharedInfoLayout.WC_SEC_HI_OFFSET;
import static io.wallsync.core.xen.SharedInfoLayout.WC_SEC_OFFSET;
import static io.wallsync.core.xen.SharedInfoLayout.WC_VERSION_OFFSET;

import io.wallsync.core.abi.Segments;
import io.wallsync.core.abi.Seqlock;
import io.wallsync.core.abi.SeqlockRetry;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * Flyweight over one Xen x86_64 {@code struct shared_info} page (xen/include/public/xen.h) held in
 * a {@link MemorySegment}: a file mapped by the Linux daemon, or heap/native memory in the
 * simulator. It holds no state of its own; every access goes to the segment, little-endian, at the
 * offsets of {@link SharedInfoLayout} (the table is there).
 *
 * <p>One getter and one setter per wallclock field (single opaque accesses, no ordering of their
 * own), one seqlock writer and one seqlock reader:
 *
 * <ul>
 *   <li>{@link #publishWallclock} is Xen's {@code update_domain_wallclock_time} (xen/common/time.c).
 *       One writer at a time (Xen holds {@code wc_lock}).
 *   <li>{@link #readWallclock(SeqlockRetry)} is <em>wallsync's own</em> reader, used by the client
 *       library, the daemon's tests, the simulator's guests and the jcstress tests: it reads the
 *       full 64-bit seconds {@code wc_sec_hi:wc_sec}, so it stays right after 2038 and 2106. It is
 *       not Linux's {@code pvclock_read_wallclock}, which reads the u32 wc_sec only (that reader is
 *       io.wallsync.core.guest.LinuxPvclockWallclockReader).
 * </ul>
 *
 * <p>The segment must be at least {@value SharedInfoLayout#SIZE} bytes and 8-byte aligned, because
 * the seqlock uses atomic (acquire/release) accesses, which the JDK allows only on aligned
 * addresses. A heap {@code byte[]} segment is only 1-byte aligned: allocate with an {@code Arena},
 * {@code MemorySegment.ofArray(new long[...])} or {@link #allocate()}.
 */
public final class SharedInfo {
    /** u32 little-endian, aligned: wc_version, wc_sec, wc_nsec, wc_sec_hi. */
    static final VarHandle U32 = Seqlock.U32;

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
        Segments.requireAtomicAccess(segment, SIZE, "shared_info (sizeof(struct shared_info) on x86_64)");
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
     * {@code version_update_end} = v + 1 (the barriers are explained in {@link Seqlock}). Each call
     * advances an even version by 2.
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
        int odd = Seqlock.beginWrite(segment, WC_VERSION_OFFSET);
        wcSec(wallSeconds).wcNsec(nanos).wcSecHi(wallSeconds >>> 32);
        Seqlock.endWrite(segment, WC_VERSION_OFFSET, odd);
    }

    /**
     * Whether a killed writer left wc_version odd; it stays odd until the next publish completes
     * (see {@link Seqlock#leftOdd}). For a page reused after a crash, before the first publish.
     *
     * @return true when wc_version was odd
     */
    public boolean repairWallclockSeqlock() {
        return Seqlock.leftOdd(segment, WC_VERSION_OFFSET);
    }

    /**
     * Reads the wallclock with the seqlock protocol, at most {@code maxRetries + 1} attempts.
     *
     * @param maxRetries retries after the first attempt (0: a single attempt)
     * @return the value, or {@link WallclockReading.Failed} after {@code maxRetries + 1} attempts
     */
    public WallclockReading readWallclock(int maxRetries) {
        return readWallclock(SeqlockRetry.upTo(maxRetries));
    }

    /**
     * wallsync's wallclock reader: version (acquire; an odd one means "writer inside"), wc_sec,
     * wc_nsec, wc_sec_hi, read barrier, accept only if the version is unchanged and even. Seconds
     * are {@code (wc_sec_hi << 32) | wc_sec}, unsigned.
     *
     * @param retry asked after every failed attempt whether to try again
     * @return the value, or {@link WallclockReading.Failed} once {@code retry} gives up
     */
    public WallclockReading readWallclock(SeqlockRetry retry) {
        // The first attempt is kept small so that the JIT inlines it into the caller and the
        // Value never reaches the heap (a page read allocates nothing); retries live apart.
        int version = Seqlock.beginRead(segment, WC_VERSION_OFFSET);
        if ((version & 1) == 0) {
            // Plain loads: the acquire above keeps them after the version load and validate's
            // loadLoadFence keeps them before the re-load, which is all a seqlock reader needs (a
            // torn value is thrown away). Opaque loads would add a compiler barrier per field on
            // the hottest path of every page read (JMH PageReadBenchmark, docs/serve.md).
            long secLow = Integer.toUnsignedLong((int) U32.get(segment, (long) WC_SEC_OFFSET));
            int nanos = (int) U32.get(segment, (long) WC_NSEC_OFFSET);
            long secHigh = Integer.toUnsignedLong((int) U32.get(segment, (long) WC_SEC_HI_OFFSET));
            if (Seqlock.validate(segment, WC_VERSION_OFFSET, version)) {
                return new WallclockReading.Value((secHigh << 32) | secLow, nanos, version);
            }
        }
        return retryWallclock(retry);
    }

    private WallclockReading retryWallclock(SeqlockRetry retry) {
        int failed = 1;
        int version = wcVersion();
        boolean sawOdd = (version & 1) != 0;
        while (retry.again(failed, version)) {
            version = Seqlock.beginRead(segment, WC_VERSION_OFFSET);
            if ((version & 1) == 0) {
                long secLow = wcSec();
                int nanos = wcNsec();
                long secHigh = wcSecHi();
                if (Seqlock.validate(segment, WC_VERSION_OFFSET, version)) {
                    return new WallclockReading.Value((secHigh << 32) | secLow, nanos, version);
                }
                version = wcVersion();
            }
            sawOdd |= (version & 1) != 0;
            failed++;
        }
        String why = (version & 1) != 0
                ? "writer stuck: wc_version " + Integer.toUnsignedString(version) + " still odd after " + failed
                        + " attempts"
                : "torn: wc_version changed during every one of " + failed + " attempts"
                        + (sawOdd ? " (odd versions seen)" : "");
        return new WallclockReading.Failed(failed, version, why);
    }

    /** wc_version as stored (a single atomic load, no ordering: for dumps, tests and repair). */
    public int wcVersion() {
        return (int) U32.getOpaque(segment, (long) WC_VERSION_OFFSET);
    }

    /** Stores wc_version (no ordering: fixtures and tests; writers use {@link #publishWallclock}). */
    public SharedInfo wcVersion(int version) {
        U32.setOpaque(segment, (long) WC_VERSION_OFFSET, version);
        return this;
    }

    /** wc_sec as the unsigned 32-bit value stored: low 32 bits of the wall seconds. */
    public long wcSec() {
        return Integer.toUnsignedLong((int) U32.getOpaque(segment, (long) WC_SEC_OFFSET));
    }

    /** Stores the low 32 bits of {@code seconds} in wc_sec. */
    public SharedInfo wcSec(long seconds) {
        U32.setOpaque(segment, (long) WC_SEC_OFFSET, (int) seconds);
        return this;
    }

    /** wc_nsec as stored (ns, a well-behaved writer keeps it below 10^9). */
    public int wcNsec() {
        return (int) U32.getOpaque(segment, (long) WC_NSEC_OFFSET);
    }

    /** Stores wc_nsec. */
    public SharedInfo wcNsec(int nanos) {
        U32.setOpaque(segment, (long) WC_NSEC_OFFSET, nanos);
        return this;
    }

    /** wc_sec_hi as the unsigned 32-bit value stored: high 32 bits of the wall seconds. */
    public long wcSecHi() {
        return Integer.toUnsignedLong((int) U32.getOpaque(segment, (long) WC_SEC_HI_OFFSET));
    }

    /** Stores the low 32 bits of {@code secondsHigh} in wc_sec_hi. */
    public SharedInfo wcSecHi(long secondsHigh) {
        U32.setOpaque(segment, (long) WC_SEC_HI_OFFSET, (int) secondsHigh);
        return this;
    }
}
