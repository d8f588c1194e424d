package io.wallsync.core.xen;

import static io.wallsync.core.xen.VcpuTimeInfoLayout.FLAGS_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.SIZE;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.SYSTEM_TIME_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.TSC_SHIFT_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.TSC_TIMESTAMP_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.TSC_TO_SYSTEM_MUL_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.VERSION_OFFSET;

import io.wallsync.core.abi.Segments;
import io.wallsync.core.abi.Seqlock;
import io.wallsync.core.abi.SeqlockRetry;
import io.wallsync.core.clocksource.PvclockScale;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Flyweight over one {@code struct vcpu_time_info} (xen/include/public/xen.h; Linux
 * {@code pvclock_vcpu_time_info}, arch/x86/include/asm/pvclock-abi.h), 32 bytes little-endian; the
 * layout table is in {@link VcpuTimeInfoLayout}. It lets a guest turn its counter into hypervisor
 * system time without a trap:
 *
 * <pre>
 *  system_time_now = system_time + scale_delta(counter - tsc_timestamp, mul, shift)
 * </pre>
 *
 * Writer: Xen's {@code update_vcpu_system_time} (xen/arch/x86/time.c) — version odd, write barrier,
 * fields, write barrier, version even. Reader: Linux {@code pvclock_read_begin}/{@code
 * pvclock_read_retry} (arch/x86/include/asm/pvclock.h). Both go through {@link Seqlock}, where each
 * barrier is explained. One getter and one setter per field besides (single opaque accesses).
 */
public final class VcpuTimeInfo {
    private static final VarHandle U32 = SharedInfo.U32;
    private static final VarHandle U64 =
            ValueLayout.JAVA_LONG.withOrder(ByteOrder.LITTLE_ENDIAN).varHandle();
    private static final VarHandle U8 = ValueLayout.JAVA_BYTE.varHandle();

    private final MemorySegment segment;

    /**
     * Wraps a 32-byte vcpu_time_info.
     *
     * @throws IllegalArgumentException if shorter than 32 bytes or not 8-byte aligned
     */
    public VcpuTimeInfo(MemorySegment segment) {
        Segments.requireAtomicAccess(segment, SIZE, "vcpu_time_info");
        this.segment = segment;
    }

    /**
     * Publishes a new (tsc_timestamp, system_time, scale, flags) under the version seqlock, in
     * Xen's order. Single writer only.
     *
     * @param tscTimestamp counter value at which {@code systemTimeNs} was sampled (u64)
     * @param systemTimeNs hypervisor system time at that counter value (u64 ns)
     * @param scale counter-to-ns scale; its shift must fit the s8 ABI field
     * @param flags PVCLOCK flags ({@link VcpuTimeInfoLayout#FLAG_TSC_STABLE}, ...), 0..255
     */
    public void publish(long tscTimestamp, long systemTimeNs, PvclockScale scale, int flags) {
        Objects.requireNonNull(scale, "scale");
        if (flags < 0 || flags > 0xff) {
            throw new IllegalArgumentException("flags " + flags + " out of range: expected a u8, 0..255");
        }
        int odd = Seqlock.beginWrite(segment, VERSION_OFFSET);
        tscTimestamp(tscTimestamp)
                .systemTime(systemTimeNs)
                .tscToSystemMul(scale.tscToSystemMul())
                .tscShift(scale.tscShift())
                .flags(flags);
        Seqlock.endWrite(segment, VERSION_OFFSET, odd);
    }

    /** A consistent snapshot, at most {@code maxRetries + 1} attempts. */
    public VcpuTimeReading read(int maxRetries) {
        return read(SeqlockRetry.upTo(maxRetries));
    }

    /**
     * Reads a consistent snapshot: version (acquire, odd means "writer inside"), fields, read
     * barrier, accept only if the version is unchanged (Linux pvclock_read_begin/retry).
     */
    public VcpuTimeReading read(SeqlockRetry retry) {
        int failed = 0;
        int version;
        do {
            version = Seqlock.beginRead(segment, VERSION_OFFSET);
            if ((version & 1) == 0) {
                long tscTimestamp = tscTimestamp();
                long systemTimeNs = systemTime();
                int mul = tscToSystemMul();
                int shift = tscShift();
                int flags = flags();
                if (Seqlock.validate(segment, VERSION_OFFSET, version)) {
                    if (shift < -PvclockScale.MAX_ABS_SHIFT || shift > PvclockScale.MAX_ABS_SHIFT) {
                        return new VcpuTimeReading.Failed(failed + 1, version, "tsc_shift " + shift + " out of range");
                    }
                    return new VcpuTimeReading.Value(
                            version, tscTimestamp, systemTimeNs, new PvclockScale(mul, shift), flags);
                }
                version = version();
            }
        } while (retry.again(++failed, version));
        String why = (version & 1) != 0
                ? "writer stuck: version " + Integer.toUnsignedString(version) + " still odd"
                : "torn: version changed during every attempt";
        return new VcpuTimeReading.Failed(failed, version, why + " (" + failed + " attempts)");
    }

    /** The version as stored (a single atomic load, no ordering). */
    public int version() {
        return (int) U32.getOpaque(segment, (long) VERSION_OFFSET);
    }

    /** Stores the version (no ordering: fixtures and tests; writers use {@link #publish}). */
    public VcpuTimeInfo version(int version) {
        U32.setOpaque(segment, (long) VERSION_OFFSET, version);
        return this;
    }

    /** tsc_timestamp (u64 counter ticks, as a two's complement long). */
    public long tscTimestamp() {
        return (long) U64.getOpaque(segment, (long) TSC_TIMESTAMP_OFFSET);
    }

    public VcpuTimeInfo tscTimestamp(long ticks) {
        U64.setOpaque(segment, (long) TSC_TIMESTAMP_OFFSET, ticks);
        return this;
    }

    /** system_time (u64 ns since hypervisor boot). */
    public long systemTime() {
        return (long) U64.getOpaque(segment, (long) SYSTEM_TIME_OFFSET);
    }

    public VcpuTimeInfo systemTime(long ns) {
        U64.setOpaque(segment, (long) SYSTEM_TIME_OFFSET, ns);
        return this;
    }

    /** tsc_to_system_mul (u32, 0.32 fixed point ns per tick, as stored in an int). */
    public int tscToSystemMul() {
        return (int) U32.getOpaque(segment, (long) TSC_TO_SYSTEM_MUL_OFFSET);
    }

    public VcpuTimeInfo tscToSystemMul(int mul) {
        U32.setOpaque(segment, (long) TSC_TO_SYSTEM_MUL_OFFSET, mul);
        return this;
    }

    /** tsc_shift (s8). */
    public int tscShift() {
        return (byte) U8.getOpaque(segment, (long) TSC_SHIFT_OFFSET);
    }

    /** Stores tsc_shift; it must fit an s8. */
    public VcpuTimeInfo tscShift(int shift) {
        if (shift < Byte.MIN_VALUE || shift > Byte.MAX_VALUE) {
            throw new IllegalArgumentException("tsc_shift " + shift + " does not fit the s8 field: expected -128..127");
        }
        U8.setOpaque(segment, (long) TSC_SHIFT_OFFSET, (byte) shift);
        return this;
    }

    /** flags (u8: PVCLOCK_TSC_STABLE_BIT, PVCLOCK_GUEST_STOPPED). */
    public int flags() {
        return Byte.toUnsignedInt((byte) U8.getOpaque(segment, (long) FLAGS_OFFSET));
    }

    /** Stores flags (the low 8 bits of {@code flags}). */
    public VcpuTimeInfo flags(int flags) {
        U8.setOpaque(segment, (long) FLAGS_OFFSET, (byte) flags);
        return this;
    }
}
