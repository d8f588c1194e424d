package io.wallsync.core.port;

/**
 * One bracketed reading of a cycle counter against the host's clocks, taken in this order:
 * counter, CLOCK_REALTIME, counter, CLOCK_MONOTONIC, counter. The realtime value was read at some
 * counter value in [{@code counterBefore}, {@code counterMiddle}], the monotonic one in
 * [{@code counterMiddle}, {@code counterAfter}] (unsigned, modulo 2^64). A pairer returns the
 * tightest of a burst of such readings: a reading interrupted by preemption or an SMI has a wide
 * bracket and is rejected.
 *
 * @param counterBefore counter before the realtime read
 * @param realtimeNs CLOCK_REALTIME, ns since the epoch
 * @param counterMiddle counter after the realtime read and before the monotonic read
 * @param monotonicNs CLOCK_MONOTONIC, ns
 * @param counterAfter counter after the monotonic read
 */
public record CounterPairing(
        long counterBefore, long realtimeNs, long counterMiddle, long monotonicNs, long counterAfter) {

    /** Ticks between the counter reads around the realtime read (unsigned difference). */
    public long realtimeBracketTicks() {
        return counterMiddle - counterBefore;
    }

    /** Ticks between the counter reads around the monotonic read (unsigned difference). */
    public long monotonicBracketTicks() {
        return counterAfter - counterMiddle;
    }

    /** The counter value taken as the instant of the realtime read: the middle of its bracket. */
    public long realtimeCounter() {
        return counterBefore + (realtimeBracketTicks() >>> 1);
    }

    /** The counter value taken as the instant of the monotonic read: the middle of its bracket. */
    public long monotonicCounter() {
        return counterMiddle + (monotonicBracketTicks() >>> 1);
    }
}
