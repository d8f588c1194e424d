package io.wallsync.sim.scenario;

/**
 * An oscillator's frequency error.
 *
 * @param ppm constant part, parts per million (positive: the clock runs fast)
 * @param wanderPpmPerSqrtHour random-walk intensity; the frequency wanders by about this many ppm
 *     after one hour, {@code sqrt(h)} times that after h hours
 */
public record OscillatorSpec(double ppm, double wanderPpmPerSqrtHour) {}
