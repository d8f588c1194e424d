package io.wallsync.core.clocksource;

/**
 * A counter-to-nanoseconds scale as carried in {@code pvclock_vcpu_time_info}: a 0.32 fixed-point
 * multiplier and a binary pre-shift. This is Xen's {@code struct time_scale} (xen/arch/x86/time.c)
 * and the {@code tsc_to_system_mul}/{@code tsc_shift} pair of Linux
 * arch/x86/include/asm/pvclock.h.
 *
 * <pre>
 *  field               ABI type  meaning
 *  tscToSystemMul      u32       nanoseconds per (shifted) tick, times 2^32
 *  tscShift            s8        delta is shifted left by it (right by -it) before the multiply
 *
 *  ns = ((shift &lt; 0 ? delta &gt;&gt; -shift : delta &lt;&lt; shift) * mul) &gt;&gt; 32      (96-bit product)
 * </pre>
 *
 * @param tscToSystemMul the u32 multiplier, stored in the bits of an {@code int} (read it with
 *     {@link Integer#toUnsignedLong(int)})
 * @param tscShift the shift; Xen and Linux derive values in -33..30 from any positive 64-bit frequency.
 *     Values in -63..63 are accepted (a Java shift of 64 or more would wrap, so wider is refused).
 */
public record PvclockScale(int tscToSystemMul, int tscShift) {

    /** Nanoseconds per second: Xen's {@code MILLISECS(1000)}, Linux's {@code NSEC_PER_SEC}. */
    public static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Largest accepted |tscShift|: Java shifts are taken modulo 64. */
    public static final int MAX_ABS_SHIFT = 63;

    public PvclockScale {
        if (tscShift < -MAX_ABS_SHIFT || tscShift > MAX_ABS_SHIFT) {
            throw new IllegalArgumentException(
                    "tscShift " + tscShift + " out of range: expected -" + MAX_ABS_SHIFT + ".." + MAX_ABS_SHIFT);
        }
    }

    /** The multiplier as the unsigned 32-bit value it is in the ABI. */
    public long tscToSystemMulUnsigned() {
        return Integer.toUnsignedLong(tscToSystemMul);
    }

    /**
     * Scales a counter delta to nanoseconds exactly as Linux {@code pvclock_scale_delta} and Xen
     * {@code scale_delta}: the delta is an unsigned 64-bit value; after the shift it is multiplied
     * by the u32 multiplier into a 96-bit product of which bits 32..95 are returned (so the result
     * wraps modulo 2^64 when the product exceeds 2^96, as the C code does).
     *
     * @param counterDelta unsigned 64-bit tick delta (counter - tsc_timestamp)
     * @return unsigned 64-bit nanoseconds
     */
    public long scaleDelta(long counterDelta) {
        long delta = tscShift < 0 ? counterDelta >>> -tscShift : counterDelta << tscShift;
        long mul = tscToSystemMulUnsigned();
        // The 128-bit product delta * mul (< 2^96). Bits 32..95 are the answer:
        // high word shifted up by 32 joined with the top 32 bits of the low word.
        long high = Math.unsignedMultiplyHigh(delta, mul);
        long low = delta * mul;
        return (high << 32) | (low >>> 32);
    }

    /**
     * Derives (mul, shift) for a counter of {@code hz} ticks per second, exactly as Xen's
     * {@code compute_time_scale(ts, ticks_per_sec)} (xen/arch/x86/time.c) and Linux's
     * {@code kvm_get_time_scale(NSEC_PER_SEC, hz)} (arch/x86/kvm/x86.c), which agree for a
     * target of 10^9:
     *
     * <ol>
     *   <li>while tps &gt; 2*10^9: tps &gt;&gt;= 1, shift--;
     *   <li>while tps &lt;= 10^9: tps &lt;&lt;= 1, shift++ (tps is now a u32 in (10^9, 2*10^9]);
     *   <li>mul = div_frac(10^9, tps) = floor(10^9 * 2^32 / tps).
     * </ol>
     *
     * Since 10^9 &lt; tps, mul &lt; 2^32 and it is at least 2^31 (tps &lt;= 2*10^9).
     *
     * @param hz counter frequency in ticks per second, at least 1
     */
    public static PvclockScale forFrequencyHz(long hz) {
        if (hz <= 0) {
            throw new IllegalArgumentException("counter frequency " + hz + " Hz: expected a positive number of Hz");
        }
        long ticksPerSecond = hz;
        int shift = 0;
        while (ticksPerSecond > 2 * NANOS_PER_SECOND) {
            ticksPerSecond >>>= 1;
            shift--;
        }
        while (ticksPerSecond <= NANOS_PER_SECOND) {
            ticksPerSecond <<= 1;
            shift++;
        }
        // div_frac(dividend, divisor): the x86 "divl" of (dividend << 32) by divisor; the quotient
        // fits 32 bits because dividend < divisor.
        long mul = (NANOS_PER_SECOND << 32) / ticksPerSecond;
        return new PvclockScale((int) mul, shift);
    }
}
