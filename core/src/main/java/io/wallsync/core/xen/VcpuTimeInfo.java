package io.wallsync.core.xen;

import static io.wallsync.core.xen.VcpuTimeInfoLayout.FLAGS_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.SIZE;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.SYSTEM_TIME_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.TSC_SHIFT_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.TSC_TIMESTAMP_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.TSC_TO_SYSTEM_MUL_OFFSET;
import static io.wallsync.core.xen.VcpuTimeInfoLayout.VERSION_OFFSET;

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
 * pvclock_read_retry} (arch/x86/include/asm/pvclock.h).
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
        Objects.requireNonNull(segment, "segment");
        if (segment.byteSize() < SIZE) {
            throw new IllegalArgumentException(
                    "vcpu_time_info segment of " + segment.byteSize() + " bytes: expected at least " + SIZE);
        }
        if (segment.maxByteAlignment() < Long.BYTES) {
            throw new IllegalArgumentException("vcpu_time_info segment aligned to " + segment.maxByteAlignment()
                    + " byte(s): expected 8 for atomic access");
        }
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
        int version = (int) U32.getOpaque(segment, (long) VERSION_OFFSET);
        int odd = (version + 1) | 1;
        U32.setRelease(segment, (long) VERSION_OFFSET, odd);
        // Write barrier #1: the field stores below must not become visible before the odd version,
        // or a reader could pair new fields with the old even version.
        VarHandle.storeStoreFence();
        U64.setOpaque(segment, (long) TSC_TIMESTAMP_OFFSET, tscTimestamp);
        U64.setOpaque(segment, (long) SYSTEM_TIME_OFFSET, systemTimeNs);
        U32.setOpaque(segment, (long) TSC_TO_SYSTEM_MUL_OFFSET, scale.tscToSystemMul());
        U8.setOpaque(segment, (long) TSC_SHIFT_OFFSET, (byte) scale.tscShift());
        U8.setOpaque(segment, (long) FLAGS_OFFSET, (byte) flags);
        // Write barrier #2: the even version below must not become visible before the fields.
        VarHandle.storeStoreFence();
        U32.setRelease(segment, (long) VERSION_OFFSET, odd + 1);
    }

    /**
     * Reads a consistent snapshot: v = version &amp; ~1, read barrier, fields, read barrier, retry
     * while version != v, at most {@code maxRetries + 1} attempts.
     */
    public VcpuTimeReading read(int maxRetries) {
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries " + maxRetries + ": expected >= 0");
        }
        int lastVersion = 0;
        for (int attempt = 0; attempt <= maxRetries; attempt++) {
            // Acquire + rmb (pvclock_read_begin): the field loads cannot move above this load.
            int expected = ((int) U32.getAcquire(segment, (long) VERSION_OFFSET)) & ~1;
            VarHandle.loadLoadFence();
            long tscTimestamp = (long) U64.getOpaque(segment, (long) TSC_TIMESTAMP_OFFSET);
            long systemTimeNs = (long) U64.getOpaque(segment, (long) SYSTEM_TIME_OFFSET);
            int mul = (int) U32.getOpaque(segment, (long) TSC_TO_SYSTEM_MUL_OFFSET);
            byte shift = (byte) U8.getOpaque(segment, (long) TSC_SHIFT_OFFSET);
            int flags = Byte.toUnsignedInt((byte) U8.getOpaque(segment, (long) FLAGS_OFFSET));
            // rmb (pvclock_read_retry): the version re-check cannot move above the field loads.
            VarHandle.loadLoadFence();
            int second = (int) U32.getAcquire(segment, (long) VERSION_OFFSET);
            if (second == expected) {
                if (shift < -PvclockScale.MAX_ABS_SHIFT || shift > PvclockScale.MAX_ABS_SHIFT) {
                    return new VcpuTimeReading.Failed(attempt + 1, second, "tsc_shift " + shift + " out of range");
                }
                return new VcpuTimeReading.Value(
                        second, tscTimestamp, systemTimeNs, new PvclockScale(mul, shift), flags);
            }
            lastVersion = second;
        }
        String why = (lastVersion & 1) != 0
                ? "writer stuck: version " + Integer.toUnsignedString(lastVersion) + " still odd"
                : "torn: version changed during every attempt";
        return new VcpuTimeReading.Failed(maxRetries + 1, lastVersion, why + " (" + (maxRetries + 1) + " attempts)");
    }

    /** The version as stored (unsynchronised peek). */
    public int version() {
        return (int) U32.getVolatile(segment, (long) VERSION_OFFSET);
    }
}
