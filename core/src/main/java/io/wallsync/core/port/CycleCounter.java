package io.wallsync.core.port;

/**
 * A free-running hardware cycle counter, read as an unsigned 64-bit value: the TSC on x86 (what
 * {@code rdtsc} returns). Its ticks become nanoseconds through a
 * {@link io.wallsync.core.clocksource.PvclockScale}. The simulator and the Linux adapter provide
 * one; the core never reads a counter any other way.
 */
@FunctionalInterface
public interface CycleCounter {
    /** The current counter value, an unsigned 64-bit tick count that wraps modulo 2^64. */
    long read();
}
