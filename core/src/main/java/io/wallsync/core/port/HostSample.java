package io.wallsync.core.port;

/**
 * One reading of the host's clocks: CLOCK_REALTIME and the CLOCK_MONOTONIC instant it was taken
 * at. A push computes W = realtime - system time; when the hypervisor's system time is the host's
 * monotonic clock (the real mode) the pair gives it without a second read that a preemption could
 * put microseconds away.
 *
 * @param realtimeNs CLOCK_REALTIME, ns since the epoch
 * @param monotonicNs CLOCK_MONOTONIC at the same instant, ns
 */
public record HostSample(long realtimeNs, long monotonicNs) {}
