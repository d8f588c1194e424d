package io.wallsync.sim.scenario;

/**
 * The host's battery-backed RTC.
 *
 * @param errorNs how far it is ahead of true UTC at host boot (negative: behind)
 * @param ppm its drift rate
 */
public record RtcSpec(long errorNs, double ppm) {}
