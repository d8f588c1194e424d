package io.wallsync.sim.scenario;

/**
 * The hypervisor.
 *
 * @param clocksource error of the hypervisor's system-time clocksource against true time
 * @param pushPeriodNs period of dom0's periodic wallclock push (Linux: 11 minutes)
 * @param tscPairingJitterNs the widest widening of each bracket of the wallsync daemon's TSC
 *     pairings (counter, CLOCK_REALTIME, counter, CLOCK_MONOTONIC, counter), 0 for reads at one
 *     virtual instant
 */
public record HypervisorSpec(OscillatorSpec clocksource, long pushPeriodNs, long tscPairingJitterNs) {}
