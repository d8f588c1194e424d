package io.wallsync.sim.scenario;

/**
 * The hypervisor.
 *
 * @param clocksource error of the hypervisor's system-time clocksource against true time
 * @param pushPeriodNs period of dom0's periodic wallclock push (Linux: 11 minutes)
 */
public record HypervisorSpec(OscillatorSpec clocksource, long pushPeriodNs) {}
